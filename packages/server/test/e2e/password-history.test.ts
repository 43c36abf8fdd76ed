/**
 * PasswordPolicy.PasswordHistorySize (0–24): ChangePassword, ConfirmForgotPassword,
 * AdminSetUserPassword and the NEW_PASSWORD_REQUIRED answer refuse any of the user's last N
 * passwords (the current one included) with PasswordHistoryPolicyViolationException. Old
 * passwords are kept only as argon2id hashes, and the history is never an oracle: it is consulted
 * only after the previous password or the reset code is proven.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Codes, PASSWORD, confirmedUser, fails, newPool, type Pool } from './security/helpers.js';

const REUSED = { name: 'PasswordHistoryPolicyViolationException', message: 'The password was used too recently.' };
const P = (i: number) => `Passw0rd-number-${i}!`;

for (const kind of databaseKinds) {
  describe(`password history (${kind})`, () => {
    let server: TestServer;
    let codes: Codes;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      pool = await newPool(server, { Policies: { PasswordPolicy: { MinimumLength: 8, PasswordHistorySize: 3 } } });
    });
    after(() => server.stop());

    const signIn = (USERNAME: string, PASSWORD: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD } }));
    const historyRows = (sub: string) => server.running.cognate.store.db.selectFrom('password_history').selectAll().where('user_id', '=', sub).execute();

    it('DescribeUserPool shows the size; sizes outside 0–24 are refused', async () => {
      const policy = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool!.Policies!.PasswordPolicy!;
      assert.equal(policy.PasswordHistorySize, 3);
      for (const PasswordHistorySize of [25, -1]) {
        assert.equal((await fails(() => server.admin.send(new CreateUserPoolCommand({ PoolName: 'bad', Policies: { PasswordPolicy: { PasswordHistorySize } } })))).name, 'InvalidParameterException');
        assert.equal((await fails(() => server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, Policies: { PasswordPolicy: { PasswordHistorySize } } })))).name, 'InvalidParameterException');
      }
    });

    it('ChangePassword refuses the last 3 passwords, the current one included, and allows the 4th', async () => {
      const sub = await confirmedUser(server, codes, pool, 'hank', 'hank@example.com', P(0));
      let current = P(0);
      const change = async (next: string) => {
        const token = (await signIn('hank', current)).AuthenticationResult!.AccessToken!;
        await server.anonymous.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: current, ProposedPassword: next }));
        current = next;
      };
      assert.deepEqual(await fails(() => change(P(0))), REUSED, 'the current password');
      for (const i of [1, 2, 3]) await change(P(i));
      for (const i of [3, 2, 1]) assert.deepEqual(await fails(() => change(P(i))), REUSED, `password ${i}`);
      await change(P(0));
      assert.ok((await signIn('hank', P(0))).AuthenticationResult, 'the 4th-latest password is allowed again');

      // Only hashes are kept.
      const rows = await historyRows(sub);
      assert.ok(rows.length >= 3);
      for (const row of rows) {
        assert.match(row.password_hash, /^\$argon2id\$/);
        for (const i of [0, 1, 2, 3]) assert.ok(!row.password_hash.includes(P(i)));
      }
    });

    it('a wrong previous password is just a wrong password, whatever the proposed one', async () => {
      await confirmedUser(server, codes, pool, 'iris', 'iris@example.com', P(0));
      const token = (await signIn('iris', P(0))).AuthenticationResult!.AccessToken!;
      assert.deepEqual(
        await fails(() => server.anonymous.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: 'Wr0ng-Passw0rd!', ProposedPassword: P(0) }))),
        { name: 'NotAuthorizedException', message: 'Incorrect username or password.' },
      );
    });

    it('ConfirmForgotPassword checks the history only for the right code, and a refusal keeps the code', async () => {
      await confirmedUser(server, codes, pool, 'jack', 'jack@example.com', P(0));
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: 'jack' }));
      const code = await codes.next(pool.poolId, 'jack@example.com');
      const reset = (ConfirmationCode: string, Password: string) => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: pool.clientId, Username: 'jack', ConfirmationCode, Password }));
      const wrong = code === '000000' ? '111111' : '000000';
      assert.equal((await fails(() => reset(wrong, P(0)))).name, 'CodeMismatchException', 'a wrong code says nothing about the password');
      assert.deepEqual(await fails(() => reset(code, P(0))), REUSED);
      await reset(code, P(5));
      assert.ok((await signIn('jack', P(5))).AuthenticationResult);
    });

    it('AdminSetUserPassword refuses recent passwords, permanent or temporary', async () => {
      await confirmedUser(server, codes, pool, 'kate', 'kate@example.com', P(0));
      const set = (Password: string, Permanent: boolean) => server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'kate', Password, Permanent }));
      assert.deepEqual(await fails(() => set(P(0), true)), REUSED);
      assert.deepEqual(await fails(() => set(P(0), false)), REUSED);
      await set(P(1), true);
      assert.deepEqual(await fails(() => set(P(0), true)), REUSED, 'still among the last 3');
      assert.ok((await signIn('kate', P(1))).AuthenticationResult);
    });

    it('the NEW_PASSWORD_REQUIRED answer may not reuse the temporary password', async () => {
      const TEMP = 'Temp0rary-Passw0rd!';
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'liam', TemporaryPassword: TEMP, MessageAction: 'SUPPRESS' }));
      const challenge = await signIn('liam', TEMP);
      assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
      const answer = (NEW_PASSWORD: string) =>
        server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: 'liam', NEW_PASSWORD } }));
      assert.deepEqual(await fails(() => answer(TEMP)), REUSED);
      assert.ok((await answer(P(0))).AuthenticationResult?.AccessToken, 'the session survives the refusal');
    });

    it('at most 24 old passwords are kept per user', async () => {
      const small = await newPool(server, { Policies: { PasswordPolicy: { MinimumLength: 8, PasswordHistorySize: 1 } } });
      const sub = await confirmedUser(server, codes, small, 'nick', 'nick@example.com', P(0));
      for (let i = 1; i <= 26; i++) await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: small.poolId, Username: 'nick', Password: P(i), Permanent: true }));
      const rows = await historyRows(sub);
      assert.equal(rows.length, 24);
      assert.deepEqual(rows.map((r) => r.seq).sort((a, b) => a - b), Array.from({ length: 24 }, (_, i) => i + 3), 'the newest 24');
      // With a history of 1 only the current password is refused.
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: small.poolId, Username: 'nick', Password: P(25), Permanent: true }));
      assert.deepEqual(await fails(() => server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: small.poolId, Username: 'nick', Password: P(25), Permanent: true }))), REUSED);
    });

    it('without a history size, a password may be set again', async () => {
      const open = await newPool(server);
      await confirmedUser(server, codes, open, 'mona', 'mona@example.com');
      const token = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: open.clientId, AuthParameters: { USERNAME: 'mona', PASSWORD } }))).AuthenticationResult!.AccessToken!;
      await server.anonymous.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: PASSWORD, ProposedPassword: PASSWORD }));
      assert.equal((await server.running.cognate.store.db.selectFrom('password_history').select('seq').where('pool_id', '=', open.poolId).execute()).length, 0, 'and nothing is kept');
    });
  });
}

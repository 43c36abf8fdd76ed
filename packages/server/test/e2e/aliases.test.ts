/**
 * AliasAttributes (security.md P14, R08): a verified email or phone number, or a preferred_username,
 * signs in only for its one holder, and the database keeps it that way however many
 * confirmations and verifications race. ConfirmSignUp refuses an alias another user holds
 * (AliasExistsException) unless ForceAliasCreation moves it, un-verifying the previous holder's value.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  DeleteUserAttributesCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { databaseKinds } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORD, attrs, claims, fails, newPool, type Pool } from './security/helpers.js';

const TEMPLATE = { EmailSubject: 'Your code', EmailMessage: 'Code for {username}: {####}' };
const ALIAS_EXISTS = (attribute: string) => ({ name: 'AliasExistsException', message: `An account with the ${attribute} already exists.` });

for (const kind of databaseKinds) {
  describe(`sign-in aliases: one holder each (P14) (${kind})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    /** The code of the one message of `kind` sent to `username` (the template names the user). */
    async function codeFor(pool: Pool, username: string, kind = 'SignUp'): Promise<string> {
      const sent = await server.running.cognate.outbox.recent(100_000, pool.poolId);
      const mine = sent.filter((m) => m.kind === kind && m.text?.startsWith(`Code for ${username}: `));
      assert.equal(mine.length, 1, `one ${kind} code for ${username}`);
      return mine[0]!.text!.slice(-6);
    }
    const signUp = (pool: Pool, Username: string, attributes: Record<string, string>) =>
      server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username, Password: PASSWORD, UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));
    const confirm = async (pool: Pool, Username: string, ForceAliasCreation?: boolean) =>
      server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username, ConfirmationCode: await codeFor(pool, Username), ...(ForceAliasCreation === undefined ? {} : { ForceAliasCreation }) }));
    const signIn = (pool: Pool, USERNAME: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD } }));
    const getUser = (pool: Pool, Username: string) => server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username }));
    const aliasRows = (pool: Pool) => server.running.cognate.store.db.selectFrom('sign_in_aliases').selectAll().where('pool_id', '=', pool.poolId).execute();

    it('20 parallel ConfirmSignUp of one email: one holder; ForceAliasCreation moves it, and still one is verified', async () => {
      const pool = await newPool(server, { AliasAttributes: ['email'], VerificationMessageTemplate: TEMPLATE });
      const names = Array.from({ length: 20 }, (_, i) => `claimant${i}`);
      // Unconfirmed users hold no alias, so all of them may sign up with the address.
      for (const name of names) await signUp(pool, name, { email: 'shared@example.com' });
      const codes = new Map<string, string>();
      for (const name of names) codes.set(name, await codeFor(pool, name));

      const first = await Promise.allSettled(names.map((Username) => server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username, ConfirmationCode: codes.get(Username)! }))));
      const winners = names.filter((_, i) => first[i]!.status === 'fulfilled');
      assert.equal(winners.length, 1, 'exactly one confirmation wins the alias');
      for (const r of first) if (r.status === 'rejected') assert.deepEqual({ name: (r.reason as Error).name, message: (r.reason as Error).message }, ALIAS_EXISTS('email'));
      const losers = names.filter((n) => n !== winners[0]);
      for (const name of losers.slice(0, 3)) assert.equal((await getUser(pool, name)).UserStatus, 'UNCONFIRMED', 'a refused confirmation changes nothing');
      assert.equal(claims((await signIn(pool, 'shared@example.com')).AuthenticationResult!.IdToken!)['cognito:username'], winners[0]);

      // The same codes still work with ForceAliasCreation; every one moves the alias.
      const forced = await Promise.allSettled(losers.map((Username) => server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username, ConfirmationCode: codes.get(Username)!, ForceAliasCreation: true }))));
      assert.deepEqual(forced.map((r) => r.status), losers.map(() => 'fulfilled'));
      const verified: string[] = [];
      for (const name of names) {
        const user = await getUser(pool, name);
        assert.equal(user.UserStatus, 'CONFIRMED');
        if (attrs(user.UserAttributes).email_verified === 'true') verified.push(name);
      }
      assert.equal(verified.length, 1, `exactly one verified holder (${verified.join(', ')})`);
      assert.equal(claims((await signIn(pool, 'shared@example.com')).AuthenticationResult!.IdToken!)['cognito:username'], verified[0]);
      const rows = await aliasRows(pool);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.user_id, attrs((await getUser(pool, verified[0]!)).UserAttributes).sub);
    });

    it('forced moves racing the holder deleting and re-adding the address all succeed (no deadlock surfaces)', async () => {
      const pool = await newPool(server, { AliasAttributes: ['email'], VerificationMessageTemplate: TEMPLATE });
      await signUp(pool, 'holder', { email: 'contested@example.com' });
      await confirm(pool, 'holder');
      const token = (await signIn(pool, 'holder')).AuthenticationResult!.AccessToken!;
      const names = Array.from({ length: 12 }, (_, i) => `mover${i}`);
      for (const name of names) await signUp(pool, name, { email: 'contested@example.com' });
      const codes = new Map<string, string>();
      for (const name of names) codes.set(name, await codeFor(pool, name));

      // Each forced move un-verifies the current holder (locking the alias, then the holder's rows)
      // while the holder drops and re-adds the address (locking its rows, then its alias).
      const holderChurn = Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0
          ? server.anonymous.send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: ['email'] }))
          : server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'email', Value: 'contested@example.com' }] })),
      );
      const moves = names.map((Username) => server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username, ConfirmationCode: codes.get(Username)!, ForceAliasCreation: true })));
      const results = await Promise.allSettled([...moves, ...holderChurn]);
      const refused = results.filter((r) => r.status === 'rejected').map((r) => `${(r.reason as Error).name}: ${(r.reason as Error).message}`);
      assert.deepEqual(refused, []);

      const verified: string[] = [];
      for (const name of ['holder', ...names]) if (attrs((await getUser(pool, name)).UserAttributes).email_verified === 'true') verified.push(name);
      assert.ok(verified.length <= 1, `at most one verified holder (${verified.join(', ')})`);
      const rows = await aliasRows(pool);
      assert.equal(rows.length, verified.length, 'an alias row exactly when someone verified holds the address');
      if (verified.length) assert.equal(rows[0]!.user_id, attrs((await getUser(pool, verified[0]!)).UserAttributes).sub);
    });

    it('20 parallel VerifyUserAttribute of one new address: one holder, the rest AliasExistsException', async () => {
      const pool = await newPool(server, { AliasAttributes: ['email'], VerificationMessageTemplate: TEMPLATE });
      const names = Array.from({ length: 20 }, (_, i) => `verifier${i}`);
      const tokens = new Map<string, string>();
      for (const name of names) {
        await signUp(pool, name, { email: `${name}@example.com` });
        await confirm(pool, name);
        tokens.set(name, (await signIn(pool, name)).AuthenticationResult!.AccessToken!);
      }
      for (const name of names) await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.get(name)!, UserAttributes: [{ Name: 'email', Value: 'prize@example.com' }] }));
      const codes = new Map<string, string>();
      for (const name of names) codes.set(name, await codeFor(pool, name, 'UpdateUserAttribute'));
      const results = await Promise.allSettled(names.map((name) => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: tokens.get(name)!, AttributeName: 'email', Code: codes.get(name)! }))));
      const winners = names.filter((_, i) => results[i]!.status === 'fulfilled');
      assert.equal(winners.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.deepEqual({ name: (r.reason as Error).name, message: (r.reason as Error).message }, ALIAS_EXISTS('email'));
      const holders = [];
      for (const name of names) if (attrs((await getUser(pool, name)).UserAttributes).email === 'prize@example.com') holders.push(name);
      assert.deepEqual(holders, winners, 'only the winner has the address');
      assert.equal(claims((await signIn(pool, 'PRIZE@example.com')).AuthenticationResult!.IdToken!)['cognito:username'], winners[0]);
    });

    it('preferred_username: one holder, case-folded; it never moves; a released one can be taken', async () => {
      const pool = await newPool(server, { AliasAttributes: ['email', 'preferred_username'], VerificationMessageTemplate: TEMPLATE });
      await signUp(pool, 'ann', { email: 'ann@example.com', preferred_username: 'Captain' });
      await confirm(pool, 'ann');
      assert.equal(claims((await signIn(pool, 'CAPTAIN')).AuthenticationResult!.IdToken!)['cognito:username'], 'ann');

      await signUp(pool, 'bob', { email: 'bob@example.com', preferred_username: 'captain' });
      assert.deepEqual(await fails(() => confirm(pool, 'bob', true)), ALIAS_EXISTS('preferred_username'), 'ForceAliasCreation moves only emails and phone numbers');
      assert.equal((await getUser(pool, 'bob')).UserStatus, 'UNCONFIRMED');

      await signUp(pool, 'cat', { email: 'cat@example.com' });
      await confirm(pool, 'cat');
      const cat = (await signIn(pool, 'cat')).AuthenticationResult!.AccessToken!;
      const ann = (await signIn(pool, 'ann')).AuthenticationResult!.AccessToken!;
      const take = () => server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: cat, UserAttributes: [{ Name: 'preferred_username', Value: 'CAPTAIN' }] }));
      assert.deepEqual(await fails(take), ALIAS_EXISTS('preferred_username'));
      assert.equal(attrs((await getUser(pool, 'cat')).UserAttributes).preferred_username, undefined, 'nothing written');

      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: ann, UserAttributes: [{ Name: 'preferred_username', Value: 'Major' }] }));
      await take();
      assert.equal(claims((await signIn(pool, 'captain')).AuthenticationResult!.IdToken!)['cognito:username'], 'cat');
      assert.equal(claims((await signIn(pool, 'major')).AuthenticationResult!.IdToken!)['cognito:username'], 'ann');
    });

    it('amazon-cognito-identity-js confirms with forceAliasCreation, moving a verified phone alias', async () => {
      const pool = await newPool(server, { AliasAttributes: ['phone_number'], AutoVerifiedAttributes: ['phone_number'], VerificationMessageTemplate: { SmsMessage: 'Code for {username}: {####}' } });
      await signUp(pool, 'first', { phone_number: '+15550100200' });
      await confirm(pool, 'first');
      await signUp(pool, 'second', { phone_number: '+15550100200' });
      const code = await codeFor(pool, 'second');
      const user = new CognitoUser({ Username: 'second', Pool: new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' }) });
      const confirmWith = (force: boolean) => new Promise<unknown>((resolve, reject) => user.confirmRegistration(code, force, (err, result) => (err ? reject(err) : resolve(result))));
      const refused = await confirmWith(false).then(() => assert.fail('confirmed'), (e: Error & { code?: string }) => e);
      assert.equal(refused.code, 'AliasExistsException');
      assert.equal(refused.message, 'An account with the phone_number already exists.');
      assert.equal(await confirmWith(true), 'SUCCESS');
      assert.equal(attrs((await getUser(pool, 'first')).UserAttributes).phone_number_verified, 'false');
      assert.equal(claims((await signIn(pool, '+15550100200')).AuthenticationResult!.IdToken!)['cognito:username'], 'second');
      assert.ok((await signIn(pool, 'first')).AuthenticationResult, 'the previous holder still signs in with the username');
    });
  });
}

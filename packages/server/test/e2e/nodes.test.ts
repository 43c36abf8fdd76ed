/**
 * Stateless nodes: two Cognate servers on one database continue each other's flows (the SRP
 * secret block is sealed, not kept in memory), and revocations, used codes and lockouts survive a
 * restart (security.md R16).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { computePasswordClaim, generateClientEphemeral } from '../support/srp-client.js';
import { formatTimestamp } from '../../src/crypto/srp.js';
import { databaseKinds } from '../support/postgres.js';
import { idp, startTestServer, type TestServer } from '../support/server.js';

for (const kind of databaseKinds) {
  describe(`several nodes on one database, and restarts (${kind})`, () => {
    let owner: TestServer;
    let other: TestServer;
    let poolId: string;
    let clientId: string;

    before(async () => {
      owner = await startTestServer(kind);
      other = await startTestServer(kind, {}, owner);
      poolId = (await owner.admin.send(new CreateUserPoolCommand({ PoolName: 'nodes', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      clientId = (await owner.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'LEGACY', ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      await owner.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: 'Corr3ct-Horse!', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] }));
      const [message] = await owner.running.cognate.outbox.recent(1, poolId);
      await other.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: /\d{6}/.exec(message!.text)![0] }));
    });
    after(async () => {
      await other.stop();
      await owner.stop();
    });

    it('an SRP sign-in started on one node finishes on the other', async () => {
      const { a, A } = generateClientEphemeral();
      const start = await idp(owner.url, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', SRP_A: A } });
      assert.equal(start.json.ChallengeName, 'PASSWORD_VERIFIER');
      const p = start.json.ChallengeParameters;
      const timestamp = formatTimestamp(new Date());
      const signature = computePasswordClaim({ poolName: poolId.split('_')[1]!, userId: p.USER_ID_FOR_SRP, password: 'Corr3ct-Horse!', a, A, B: p.SRP_B, salt: p.SALT, secretBlock: p.SECRET_BLOCK, timestamp });
      const done = await idp(other.url, 'RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
      });
      assert.equal(done.status, 200, JSON.stringify(done.json));
      const token = done.json.AuthenticationResult.AccessToken;
      assert.equal((await owner.anonymous.send(new GetUserCommand({ AccessToken: token }))).Username, 'alice');
      assert.equal((await other.anonymous.send(new GetUserCommand({ AccessToken: token }))).Username, 'alice');
    });

    it('a revocation on one node holds on the other and after a restart', async () => {
      const tokens = (await owner.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }))).AuthenticationResult!;
      await other.anonymous.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.RefreshToken }));
      await assert.rejects(owner.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), { name: 'NotAuthorizedException' });

      await other.stop();
      other = await startTestServer(kind, {}, owner);
      await assert.rejects(other.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
      await assert.rejects(other.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })), { name: 'NotAuthorizedException' });
    });

    it('a used confirmation code stays used and a lockout stays locked after a restart', async () => {
      // The client names users (LEGACY), so the answers show the state each node reads.
      await owner.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: 'Corr3ct-Horse!', UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] }));
      const message = (await owner.running.cognate.outbox.recent(10, poolId)).find((m) => m.to === 'bob@example.com');
      const code = /\d{6}/.exec(message!.text)![0];
      await owner.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bob', ConfirmationCode: code }));
      // Eleven failures lock bob for 64 s of the owner's clock: long enough to outlast a restart.
      for (let failures = 1; failures <= 11; failures++) {
        await assert.rejects(owner.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Wrong-Horse-1!' } })), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
        if (failures >= 5 && failures < 11) owner.clock.advance(1000 * 2 ** (failures - 5) + 1);
      }
      await other.stop();
      other = await startTestServer(kind, {}, owner);
      await assert.rejects(other.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bob', ConfirmationCode: code })), { name: 'NotAuthorizedException' });
      await assert.rejects(other.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Corr3ct-Horse!' } })), { name: 'NotAuthorizedException', message: 'Password attempts exceeded' });
    });
  });
}

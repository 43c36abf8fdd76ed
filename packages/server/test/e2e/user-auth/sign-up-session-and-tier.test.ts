/**
 * Sign-in after sign-up through the AWS SDK v3: ConfirmSignUp's Session continued into
 * InitiateAuth USER_AUTH (single use, short-lived, bound to the user and the client), and the
 * UserPoolTier: accepted and echoed, and, with tier gating on, Cognito's
 * FeatureUnavailableInTierException for USER_AUTH and passwordless factors in a LITE pool.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { arn, TriggerHost } from '../../support/triggers.js';
import { fails, passwordlessPool, passwordlessUser, PASSWORD, type Pool } from './support.js';

for (const kind of databaseKinds) {
  describe(`sign-in after sign-up, and UserPoolTier (${kind})`, () => {
    let server: TestServer;
    let gated: TestServer;
    let host: TriggerHost;

    before(async () => {
      host = await TriggerHost.start();
      const autoConfirm = await host.module('ua-auto-confirm', `export const handler = async (event) => ({ ...event, response: { ...event.response, autoConfirmUser: true } });`);
      server = await startTestServer(kind, { triggers: { [arn('ua-auto-confirm')]: autoConfirm } });
      gated = await startTestServer(kind, { tierGating: true });
    });
    after(async () => {
      await server.stop();
      await gated.stop();
      await host.stop();
    });

    const code = async (pool: Pool, to: string) => {
      const mine = (await server.running.cognate.outbox.recent(100_000, pool.poolId)).filter((m) => m.to === to);
      return /\b(\d{6})\b/.exec(mine[mine.length - 1]!.text ?? '')![1]!;
    };
    async function signUpAndConfirm(pool: Pool, username: string) {
      await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));
      return server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: username, ConfirmationCode: await code(pool, `${username}@example.com`) }));
    }
    const withSession = (pool: Pool, username: string, Session: string | undefined) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: username }, Session }));

    it('ConfirmSignUp returns a Session that signs the user in once through USER_AUTH, without the password', async () => {
      const pool = await passwordlessPool(server);
      const confirmed = await signUpAndConfirm(pool, 'fresh');
      assert.ok(confirmed.Session, 'a Session for a client that allows USER_AUTH');
      const tokens = await withSession(pool, 'fresh', confirmed.Session);
      assert.ok(tokens.AuthenticationResult?.AccessToken);
      assert.deepEqual(await fails(() => withSession(pool, 'fresh', confirmed.Session)), { name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' });
    });

    it('SignUp of a user PreSignUp confirms at once returns the Session too, and it signs them in', async () => {
      const pool = await passwordlessPool(server, undefined, { LambdaConfig: { PreSignUp: arn('ua-auto-confirm') } });
      const out = await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'instant', Password: PASSWORD }));
      assert.equal(out.UserConfirmed, true);
      assert.ok(out.Session);
      assert.ok((await withSession(pool, 'instant', out.Session)).AuthenticationResult?.AccessToken);
    });

    it("A07: the Session is bound to its user and its client, and expires with the client's AuthSessionValidity", async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'other', { email: 'other@example.com' });
      const confirmed = await signUpAndConfirm(pool, 'bound');
      assert.equal((await fails(() => withSession(pool, 'other', confirmed.Session))).message, 'Invalid session for the user.');
      const secondClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'second', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      assert.equal((await fails(() => withSession({ poolId: pool.poolId, clientId: secondClient }, 'bound', confirmed.Session))).message, 'Invalid session for the user.');
      server.clock.advance(3 * 60_000 + 1000);
      assert.equal((await fails(() => withSession(pool, 'bound', confirmed.Session))).name, 'NotAuthorizedException');
    });

    it('a client without ALLOW_USER_AUTH gets no Session from ConfirmSignUp', async () => {
      const pool = await passwordlessPool(server, undefined, {}, { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      const confirmed = await signUpAndConfirm(pool, 'nosession');
      assert.equal(confirmed.Session, undefined);
    });

    it('UserPoolTier is accepted and echoed; without tier gating a LITE pool may use USER_AUTH', async () => {
      const pool = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP'], { UserPoolTier: 'LITE' });
      assert.equal((await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.UserPoolTier, 'LITE');
      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, AutoVerifiedAttributes: ['email'], UserPoolTier: 'PLUS' }));
      assert.equal((await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.UserPoolTier, 'PLUS');
      await passwordlessUser(server, pool, 'lite', { email: 'lite@example.com' });
      assert.equal((await withSession(pool, 'lite', undefined)).ChallengeName, 'SELECT_CHALLENGE');
    });

    it('with tier gating on: FeatureUnavailableInTierException for passwordless factors and USER_AUTH in a LITE pool, none in ESSENTIALS', async () => {
      const lite = await fails(() => gated.admin.send(new CreateUserPoolCommand({ PoolName: 'lite', UserPoolTier: 'LITE', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } })));
      assert.equal(lite.name, 'FeatureUnavailableInTierException');
      const poolId = (await gated.admin.send(new CreateUserPoolCommand({ PoolName: 'lite', UserPoolTier: 'LITE' }))).UserPool!.Id!;
      const clientId = (await gated.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const refused = await fails(() => gated.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'anyone' } })));
      assert.equal(refused.name, 'FeatureUnavailableInTierException');
      assert.equal((await fails(() => gated.admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } } })))).name, 'FeatureUnavailableInTierException');
      // Raising the tier lifts the gate.
      await gated.admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, UserPoolTier: 'ESSENTIALS', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } }));
      const answered = await gated.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'anyone' } })).catch((e: Error) => e);
      assert.notEqual((answered as Error).name, 'FeatureUnavailableInTierException');
    });
  });
}

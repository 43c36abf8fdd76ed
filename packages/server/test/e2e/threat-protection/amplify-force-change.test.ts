/**
 * Amplify JS v6 (headless in Node) meeting Cognate's answer for a FORCE_CHANGE_PASSWORD user who
 * signs in with an email code through USER_AUTH: the code, then NEW_PASSWORD_REQUIRED
 * (CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED), then signed in — the client handles the step with
 * no special casing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify, defaultStorage } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from '@aws-amplify/auth';
import { AdminCreateUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { Codes } from '../security/helpers.js';
import { passwordlessPool, type Pool } from '../user-auth/support.js';

if (typeof (globalThis as { navigator?: unknown }).navigator === 'undefined') {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'cognate-test (Node)' }, configurable: true });
}

for (const kind of databaseKinds) {
  describe(`Amplify JS v6: a temporary-password user signing in with an email code (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let pool: Pool;
    let codes: Codes;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      pool = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP'], { UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
      const config = { Auth: { Cognito: { userPoolId: pool.poolId, userPoolClientId: pool.clientId, userPoolEndpoint: server.url } } };
      cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth);
      cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
      Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
    });
    after(async () => {
      await signOut().catch(() => undefined);
      await server.stop();
    });

    it('EMAIL_OTP code → CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED → signed in, and the user is CONFIRMED', async () => {
      await server.admin.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.poolId,
          Username: 'tara',
          TemporaryPassword: 'Temp-Passw0rd!',
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: 'tara@example.com' }, { Name: 'email_verified', Value: 'true' }],
        }),
      );
      const start = await signIn({ username: 'tara', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      const coded = await confirmSignIn({ challengeResponse: await codes.next(pool.poolId, 'tara@example.com') });
      assert.equal(coded.isSignedIn, false, 'no tokens before a password of her own');
      assert.equal(coded.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
      const done = await confirmSignIn({ challengeResponse: 'Tara-0wn-Passw0rd!' });
      assert.equal(done.isSignedIn, true);
      assert.equal((await fetchAuthSession()).tokens?.accessToken.payload.username, 'tara');
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'tara' }))).UserStatus, 'CONFIRMED');
      await signOut();
    });
  });
}

/**
 * Amplify JS v6 (@aws-amplify/auth, headless in Node) against Cognate's USER_AUTH:
 * `signIn({ options: { authFlowType: 'USER_AUTH', preferredChallenge } })` then `confirmSignIn`
 * with the code from a real SMTP receiver (EMAIL_OTP) and from the SMS webhook (SMS_OTP), the
 * first-factor choice (CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION), and `autoSignIn` after
 * `signUp` / `confirmSignUp`, which continues ConfirmSignUp's Session into USER_AUTH.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify, defaultStorage } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from '@aws-amplify/auth';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { mailCodes, passwordlessPool, passwordlessUser, PASSWORD, SmsGateway, type Pool } from './support.js';

if (typeof (globalThis as { navigator?: unknown }).navigator === 'undefined') {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'cognate-test (Node)' }, configurable: true });
}

for (const kind of databaseKinds) {
  describe(`Amplify JS v6 USER_AUTH (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let sms: SmsGateway;
    let mailCode: (to: string) => Promise<string>;
    let pool: Pool;

    before(async () => {
      smtp = await startSmtpReceiver();
      sms = await SmsGateway.start();
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smsWebhookUrl: sms.url });
      mailCode = mailCodes(smtp);
      pool = await passwordlessPool(server);
      const config = { Auth: { Cognito: { userPoolId: pool.poolId, userPoolClientId: pool.clientId, userPoolEndpoint: server.url } } };
      cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth);
      cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
      Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
    });
    after(async () => {
      await signOut().catch(() => undefined);
      await server.stop();
      await smtp.close();
      await sms.stop();
    });

    it('signIn with preferredChallenge EMAIL_OTP, then confirmSignIn with the code from the SMTP receiver', async () => {
      await passwordlessUser(server, pool, 'olive', { email: 'olive@example.com' });
      const start = await signIn({ username: 'olive', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
      assert.equal(start.isSignedIn, false);
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      const details = (start.nextStep as { codeDeliveryDetails?: { deliveryMedium?: string; destination?: string } }).codeDeliveryDetails;
      assert.equal(details?.deliveryMedium, 'EMAIL');
      const done = await confirmSignIn({ challengeResponse: await mailCode('olive@example.com') });
      assert.equal(done.isSignedIn, true);
      assert.equal((await fetchAuthSession()).tokens?.accessToken.payload.username, 'olive');
      await signOut();
    });

    it('signIn with preferredChallenge SMS_OTP, then confirmSignIn with the code the SMS webhook delivered', async () => {
      await passwordlessUser(server, pool, 'otto', { phone: '+15555550201' });
      const start = await signIn({ username: 'otto', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' } });
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
      const done = await confirmSignIn({ challengeResponse: await sms.code('+15555550201') });
      assert.equal(done.isSignedIn, true);
      await signOut();
    });

    it('without a preference: CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION, then EMAIL_OTP chosen, or the password', async () => {
      await passwordlessUser(server, pool, 'cleo', { email: 'cleo@example.com' });
      const start = await signIn({ username: 'cleo', options: { authFlowType: 'USER_AUTH' } });
      assert.equal(start.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
      assert.deepEqual((start.nextStep as { availableChallenges?: string[] }).availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
      const chosen = await confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
      assert.equal(chosen.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      assert.equal((await confirmSignIn({ challengeResponse: await mailCode('cleo@example.com') })).isSignedIn, true);
      await signOut();

      const again = await signIn({ username: 'cleo', options: { authFlowType: 'USER_AUTH' } });
      assert.equal(again.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
      const password = await confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
      assert.equal(password.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_PASSWORD');
      assert.equal((await confirmSignIn({ challengeResponse: PASSWORD })).isSignedIn, true);
      await signOut();
    });

    it('signUp with autoSignIn USER_AUTH, confirmSignUp with the emailed code, then autoSignIn signs in without the password', async () => {
      const out = await signUp({ username: 'newbie', password: PASSWORD, options: { userAttributes: { email: 'newbie@example.com' }, autoSignIn: { authFlowType: 'USER_AUTH' } } });
      assert.equal(out.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
      const confirmed = await confirmSignUp({ username: 'newbie', confirmationCode: await mailCode('newbie@example.com') });
      assert.equal(confirmed.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN');
      const signedIn = await autoSignIn();
      assert.equal(signedIn.isSignedIn, true);
      assert.equal((await fetchAuthSession()).tokens?.accessToken.payload.username, 'newbie');
      await signOut();
    });
  });
}

/**
 * Amplify JS v6 (@aws-amplify/core + @aws-amplify/auth, headless in Node) against Cognate:
 * TOTP set-up and sign-in with confirmSignIn, SMS MFA with the code from the outbox, MFA_SETUP
 * during sign-in, and a remembered device that signs in through device SRP without MFA until it
 * is forgotten. Amplify reads `navigator` for the device name (protocol.md §2), so the suite sets
 * one, as a browser would have.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify, defaultStorage } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchDevices,
  fetchMFAPreference,
  forgetDevice,
  rememberDevice,
  setUpTOTP,
  signIn,
  signOut,
  updateMFAPreference,
  verifyTOTPSetup,
} from '@aws-amplify/auth';
import { nextCode, totp } from '../support/mfa.js';
import { databaseKinds } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { newPool, type Pool } from './security/helpers.js';

const PASSWORD = 'Corr3ct-Horse!';
const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms' };

if (typeof (globalThis as { navigator?: unknown }).navigator === 'undefined') {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'cognate-test (Node)' }, configurable: true });
}

for (const kind of databaseKinds) {
  describe(`Amplify JS v6 MFA and devices (${kind})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await signOut().catch(() => undefined);
      await server.stop();
    });

    /** What aws-amplify's Amplify.configure does with @aws-amplify/core and @aws-amplify/auth alone. */
    function configure(pool: Pool) {
      const config = { Auth: { Cognito: { userPoolId: pool.poolId, userPoolClientId: pool.clientId, userPoolEndpoint: server.url } } };
      cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth);
      cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
      Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
    }

    async function user(pool: Pool, username: string, attributes: Record<string, string> = {}) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
    }

    /** TOTP for the current step, then moves the server past it so the next code is fresh. */
    function code(secret: string): string {
      const c = totp(secret, server.clock.now());
      server.clock.advance(30_000);
      return c;
    }

    async function totpPool(config: Record<string, unknown> = {}): Promise<Pool> {
      const pool = await newPool(server, config);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      configure(pool);
      return pool;
    }

    /** Signs in (no MFA yet), sets up TOTP with setUpTOTP / verifyTOTPSetup / updateMFAPreference; returns the secret. */
    async function enrolTotp(username: string): Promise<string> {
      const first = await signIn({ username, password: PASSWORD });
      assert.equal(first.nextStep.signInStep, 'DONE');
      const details = await setUpTOTP();
      assert.match(details.getSetupUri('Cognate').href, /^otpauth:\/\/totp\//);
      await verifyTOTPSetup({ code: code(details.sharedSecret) });
      await updateMFAPreference({ totp: 'PREFERRED' });
      const preference = await fetchMFAPreference();
      assert.deepEqual(preference.enabled, ['TOTP']);
      assert.equal(preference.preferred, 'TOTP');
      await signOut();
      return details.sharedSecret;
    }

    it('sets up TOTP, then signs in with CONFIRM_SIGN_IN_WITH_TOTP_CODE', async () => {
      const pool = await totpPool();
      await user(pool, 'amy');
      const secret = await enrolTotp('amy');
      const start = await signIn({ username: 'amy', password: PASSWORD });
      assert.equal(start.isSignedIn, false);
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
      await assert.rejects(confirmSignIn({ challengeResponse: '000000' === totp(secret, server.clock.now()) ? '111111' : '000000' }), (e: Error) => e.name === 'CodeMismatchException');
      const done = await confirmSignIn({ challengeResponse: code(secret) });
      assert.equal(done.isSignedIn, true);
      const session = await fetchAuthSession();
      assert.equal(session.tokens?.accessToken.payload.username, 'amy');
      await signOut();
    });

    it('SMS MFA: CONFIRM_SIGN_IN_WITH_SMS_CODE with the code from the outbox', async () => {
      const pool = await newPool(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }));
      configure(pool);
      await user(pool, 'simon', { phone_number: '+15555550177' });
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'simon', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const start = await signIn({ username: 'simon', password: PASSWORD });
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
      const details = (start.nextStep as { codeDeliveryDetails?: { deliveryMedium?: string; destination?: string } }).codeDeliveryDetails;
      assert.equal(details?.deliveryMedium, 'SMS');
      assert.equal(details?.destination, '+*******0177');
      const done = await confirmSignIn({ challengeResponse: await nextCode(server, pool.poolId, '+15555550177') });
      assert.equal(done.isSignedIn, true);
      await signOut();
    });

    it('MFA_SETUP during sign-in: CONTINUE_SIGN_IN_WITH_TOTP_SETUP, then confirmSignIn with a code', async () => {
      const pool = await newPool(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      configure(pool);
      await user(pool, 'setup');
      const start = await signIn({ username: 'setup', password: PASSWORD });
      assert.equal(start.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
      const secret = (start.nextStep as { totpSetupDetails: { sharedSecret: string } }).totpSetupDetails.sharedSecret;
      const done = await confirmSignIn({ challengeResponse: code(secret) });
      assert.equal(done.isSignedIn, true);
      await signOut();
      const again = await signIn({ username: 'setup', password: PASSWORD });
      assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
      assert.equal((await confirmSignIn({ challengeResponse: code(secret) })).isSignedIn, true);
      await signOut();
    });

    it('SELECT_MFA_TYPE and EMAIL_OTP: CONTINUE_SIGN_IN_WITH_MFA_SELECTION, then the email or TOTP code', async () => {
      const pool = await newPool(server);
      await server.admin.send(
        new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'Code {####}', Subject: 'Sign-in code' } }),
      );
      configure(pool);
      await user(pool, 'chooser', { email: 'chooser@example.com' });
      const secret = await enrolTotp('chooser');
      await signIn({ username: 'chooser', password: PASSWORD });
      await confirmSignIn({ challengeResponse: code(secret) });
      await updateMFAPreference({ totp: 'NOT_PREFERRED', email: 'ENABLED' });
      assert.deepEqual((await fetchMFAPreference()).enabled, ['TOTP', 'EMAIL']);
      await signOut();

      const start = await signIn({ username: 'chooser', password: PASSWORD });
      assert.equal(start.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION');
      assert.deepEqual((start.nextStep as { allowedMFATypes?: string[] }).allowedMFATypes, ['TOTP', 'EMAIL']);
      const emailStep = await confirmSignIn({ challengeResponse: 'EMAIL' });
      assert.equal(emailStep.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      assert.equal((await confirmSignIn({ challengeResponse: await nextCode(server, pool.poolId, 'chooser@example.com') })).isSignedIn, true);
      await signOut();

      await signIn({ username: 'chooser', password: PASSWORD });
      const totpStep = await confirmSignIn({ challengeResponse: 'TOTP' });
      assert.equal(totpStep.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
      assert.equal((await confirmSignIn({ challengeResponse: code(secret) })).isSignedIn, true);
      await signOut();
    });

    it('MFA_SETUP by email: CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION, EMAIL, the address, then the code', async () => {
      const pool = await newPool(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'Code {####}' } }));
      configure(pool);
      await user(pool, 'emailsetup');
      const start = await signIn({ username: 'emailsetup', password: PASSWORD });
      assert.equal(start.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION');
      const chosen = await confirmSignIn({ challengeResponse: 'EMAIL' });
      assert.equal(chosen.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP');
      const sent = await confirmSignIn({ challengeResponse: 'setup@example.com' });
      assert.equal(sent.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
      const done = await confirmSignIn({ challengeResponse: await nextCode(server, pool.poolId, 'setup@example.com') });
      assert.equal(done.isSignedIn, true);
      assert.equal((await fetchAuthSession()).tokens?.idToken?.payload.email, 'setup@example.com');
      await signOut();
    });

    it('remembers a device: the next sign-in goes through device SRP without MFA; forgetDevice brings MFA back', async () => {
      const pool = await totpPool({ DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } });
      await user(pool, 'devi');
      // Enrolling signs in once without MFA; that sign-in's device is confirmed too.
      const secret = await enrolTotp('devi');
      const start = await signIn({ username: 'devi', password: PASSWORD });
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
      assert.equal((await confirmSignIn({ challengeResponse: code(secret) })).isSignedIn, true);
      const deviceKey = (await fetchAuthSession()).tokens?.accessToken.payload.device_key as string;
      assert.match(deviceKey, /^us-east-1_/);
      await rememberDevice();
      const devices = await fetchDevices();
      assert.ok(devices.some((d) => d.id === deviceKey));
      await signOut();

      const remembered = await signIn({ username: 'devi', password: PASSWORD });
      assert.equal(remembered.nextStep.signInStep, 'DONE', 'no MFA on the remembered device');
      assert.equal((await fetchAuthSession()).tokens?.accessToken.payload.device_key, deviceKey);
      // Refresh (GetTokensFromRefreshToken with DeviceKey) keeps the device.
      server.clock.advance(5_000);
      const refreshed = await fetchAuthSession({ forceRefresh: true });
      assert.equal(refreshed.tokens?.accessToken.payload.device_key, deviceKey);

      await forgetDevice();
      await signOut();
      const afterForget = await signIn({ username: 'devi', password: PASSWORD });
      assert.equal(afterForget.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
      assert.equal((await confirmSignIn({ challengeResponse: code(secret) })).isSignedIn, true);
      await signOut();
    });
  });
}

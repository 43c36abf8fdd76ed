/**
 * MobileClient's MFA paths against a real Cognate server: SMS_MFA with the code the server's SMS
 * webhook delivered to a local gateway, TOTP set up with associateSoftwareToken /
 * verifySoftwareToken / setUserMFAPreference (codes computed here, RFC 6238, on the server's
 * clock), SELECT_MFA_TYPE, MFA_SETUP (software token and email), EMAIL_OTP, and wrong codes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminConfirmSignUpCommand, AdminGetUserCommand, SetUserPoolMfaConfigCommand, type SetUserPoolMfaConfigCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { UserState, type MobileClient } from '../src/index.js';
import {
  PASSWORD,
  advance,
  clientFor,
  codeSentAfter,
  createPool,
  databaseKinds,
  failure,
  latestCode,
  outboxIds,
  recordingFetch,
  startSmsGateway,
  startTestServer,
  totp,
  type SmsGateway,
  type TestPool,
  type TestServer,
} from './support.js';

const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };

for (const kind of databaseKinds) {
  describe(`MobileClient MFA (${kind})`, () => {
    let server: TestServer;
    let gateway: SmsGateway;

    before(async () => {
      gateway = await startSmsGateway();
      server = await startTestServer(kind, { smsWebhookUrl: gateway.url, smsWebhookSecret: 'gateway-secret' });
    });
    after(async () => {
      await server.stop();
      await gateway.close();
    });

    async function mfaPool(mfa: Omit<SetUserPoolMfaConfigCommandInput, 'UserPoolId'>): Promise<TestPool> {
      const pool = await createPool(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, ...mfa }));
      return pool;
    }

    /** A confirmed user, signed up and confirmed through the client (with a phone number when given), then signed in. */
    async function signedInUser(pool: TestPool, username: string, phone?: string): Promise<{ client: MobileClient; email: string }> {
      const client = clientFor(server);
      await client.initialize(pool.config);
      const email = `${username}@example.com`;
      await client.signUp({ username, password: PASSWORD, userAttributes: { email, ...(phone ? { phone_number: phone } : {}) } });
      await client.confirmSignUp(username, await latestCode(server, pool.poolId, email));
      assert.equal((await client.signIn({ username, password: PASSWORD })).signInState, 'signedIn', 'no MFA before any factor is set up');
      return { client, email };
    }

    /** A TOTP code for now; the clock then moves a step on so no code is used twice. */
    function code(secret: string): string {
      const c = totp(secret, server.clock.now());
      advance(server, 30_000);
      return c;
    }

    const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

    /** Sets TOTP up for the signed-in user through the client; returns the secret. */
    async function setUpTotp(client: MobileClient, preferred = true): Promise<string> {
      const secret = await client.associateSoftwareToken();
      assert.match(secret, /^[A-Z2-7]{32,}$/);
      const refused = await failure(() => client.verifySoftwareToken(totp(secret, server.clock.now() + 600_000)));
      assert.deepEqual([refused.code, refused.serviceCode], ['enableSoftwareTokenMFA', 'EnableSoftwareTokenMFAException']);
      await client.verifySoftwareToken(code(secret), { friendlyDeviceName: 'phone' });
      assert.deepEqual(await client.getUserMFAPreference(), { enabled: [] }, 'verified is not yet enabled');
      await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred } });
      return secret;
    }

    it('SMS: signIn → smsMFA with codeDetails, the code from the SMS webhook, a wrong code is codeMismatch, confirmSignIn → signedIn', async () => {
      const pool = await mfaPool({ MfaConfiguration: 'OPTIONAL', SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your sign-in code: {####}', SmsConfiguration: SMS_CONFIG } });
      const phone = '+15555550188';
      const { client } = await signedInUser(pool, 'sally', phone);
      await client.setUserMFAPreference({ sms: { enabled: true, preferred: true } });
      assert.deepEqual(await client.getUserMFAPreference(), { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' });
      await client.signOut();

      const states: string[] = [];
      client.addUserStateListener((state) => states.push(state));
      const challenge = await client.signIn({ username: 'sally', password: PASSWORD });
      assert.equal(challenge.signInState, 'smsMFA');
      assert.deepEqual(challenge.codeDetails, { deliveryMedium: 'SMS', destination: '+*******0188' });
      assert.equal(client.currentUserState, UserState.signedOut, 'a challenge is not a sign-in');
      const sms = await gateway.nextCode(phone);
      assert.match(gateway.texts.at(-1)!.text, /^Your sign-in code: \d{6}$/);

      const wrong = await failure(() => client.confirmSignIn(wrongCode(sms)));
      assert.deepEqual([wrong.code, wrong.serviceCode, wrong.message], ['codeMismatch', 'CodeMismatchException', 'Invalid code received for user']);
      assert.equal(client.currentUserState, UserState.signedOut);
      assert.deepEqual(await client.confirmSignIn(sms), { signInState: 'signedIn', parameters: {} });
      assert.equal(client.currentUserState, UserState.signedIn);
      assert.deepEqual(states, ['signedIn']);
      assert.equal((await client.getTokens()).idToken.claims['cognito:username'], 'sally');
      assert.equal((await failure(() => client.confirmSignIn(sms))).code, 'invalidState', 'nothing left to answer');
    });

    it('TOTP: associateSoftwareToken, verifySoftwareToken and setUserMFAPreference while signed in; signIn → softwareTokenMFA → confirmSignIn', async () => {
      const pool = await mfaPool({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });
      const { client } = await signedInUser(pool, 'tom');
      const secret = await setUpTotp(client);
      assert.deepEqual(await client.getUserMFAPreference(), { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' });
      const adminView = await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'tom' }));
      assert.equal(adminView.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
      await client.signOut();

      const recorder = recordingFetch();
      const fresh = clientFor(server, { fetch: recorder.fetch });
      await fresh.initialize(pool.config);
      const challenge = await fresh.signIn({ username: 'tom', password: PASSWORD });
      assert.equal(challenge.signInState, 'softwareTokenMFA');
      assert.equal(challenge.codeDetails, undefined);
      const wrong = await failure(() => fresh.confirmSignIn(wrongCode(totp(secret, server.clock.now()))));
      assert.deepEqual([wrong.code, wrong.serviceCode], ['codeMismatch', 'CodeMismatchException']);
      assert.equal((await fresh.confirmSignIn(code(secret))).signInState, 'signedIn');
      assert.equal(fresh.currentUserState, UserState.signedIn);
      assert.deepEqual(recorder.actions, [
        'InitiateAuth:USER_SRP_AUTH',
        'RespondToAuthChallenge:PASSWORD_VERIFIER',
        'RespondToAuthChallenge:SOFTWARE_TOKEN_MFA',
        'RespondToAuthChallenge:SOFTWARE_TOKEN_MFA',
      ]);

      // Turning TOTP off again: the next sign-in asks nothing.
      await fresh.setUserMFAPreference({ softwareToken: { enabled: false } });
      assert.deepEqual(await fresh.getUserMFAPreference(), { enabled: [] });
      await fresh.signOut();
      assert.equal((await fresh.signIn({ username: 'tom', password: PASSWORD })).signInState, 'signedIn');
      // Not signed in: the TOTP calls say so.
      await fresh.signOut();
      assert.equal((await failure(() => fresh.associateSoftwareToken())).code, 'notSignedIn');
      assert.equal((await failure(() => fresh.verifySoftwareToken('123456'))).code, 'notSignedIn');
      assert.equal((await failure(() => fresh.setUserMFAPreference({ sms: { enabled: true } }))).code, 'notSignedIn');
    });

    it('selectMFAType when SMS and TOTP are both enabled and neither preferred; each answer leads to its own code', async () => {
      const pool = await mfaPool({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } });
      const phone = '+15555550166';
      const { client } = await signedInUser(pool, 'piper', phone);
      const secret = await setUpTotp(client, false);
      await client.setUserMFAPreference({ sms: { enabled: true } });
      assert.deepEqual((await client.getUserMFAPreference()).enabled.sort(), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
      await client.signOut();

      const select = await client.signIn({ username: 'piper', password: PASSWORD });
      assert.equal(select.signInState, 'selectMFAType');
      assert.deepEqual(select.parameters.MFAS_CAN_CHOOSE, ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'], 'decoded from the JSON string');
      assert.equal((await failure(() => client.confirmSignIn('EMAIL_OTP'))).code, 'invalidParameter');
      const totpStep = await client.confirmSignIn('SOFTWARE_TOKEN_MFA');
      assert.equal(totpStep.signInState, 'softwareTokenMFA');
      assert.equal((await client.confirmSignIn(code(secret))).signInState, 'signedIn');
      await client.signOut();

      assert.equal((await client.signIn({ username: 'piper', password: PASSWORD })).signInState, 'selectMFAType');
      const smsStep = await client.confirmSignIn('SMS_MFA');
      assert.equal(smsStep.signInState, 'smsMFA');
      assert.deepEqual(smsStep.codeDetails, { deliveryMedium: 'SMS', destination: '+*******0166' });
      assert.equal((await client.confirmSignIn(await gateway.nextCode(phone))).signInState, 'signedIn');
      assert.equal(client.username, 'piper');
    });

    it('TOTP with an app client secret and email as the username: SECRET_HASH on every step, with the internal username', async () => {
      const pool = await createPool(server, { GenerateSecret: true }, undefined, { UsernameAttributes: ['email'], DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      const client = clientFor(server);
      await client.initialize(pool.config);
      const email = 'sue@example.com';
      await client.signUp({ username: email, password: PASSWORD });
      await client.confirmSignUp(email, await latestCode(server, pool.poolId, email));
      await client.signIn({ username: email, password: PASSWORD });
      const internal = (await client.getTokens()).accessToken.claims.username as string;
      assert.match(internal, /^[0-9a-f-]{36}$/, 'the internal username is not the email');
      const secret = await setUpTotp(client);
      await client.deviceOperations.forget();
      await client.signOut();

      const challenge = await client.signIn({ username: email, password: PASSWORD });
      assert.equal(challenge.signInState, 'softwareTokenMFA');
      assert.equal((await client.confirmSignIn(code(secret))).signInState, 'signedIn');
      assert.equal(client.username, email);
      // Remembered at once (DeviceOnlyRememberedOnUserPrompt false): device SRP with the secret hash, no MFA.
      await client.signOut();
      assert.equal((await client.signIn({ username: email, password: PASSWORD })).signInState, 'signedIn');
      advance(server, 61 * 60_000);
      assert.equal((await client.getTokens()).accessToken.claims.username, internal, 'refreshed with the secret hash');
    });

    it('mfaSetup: a pool that requires MFA has a user without a factor set up TOTP during sign-in', async () => {
      const pool = await mfaPool({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });
      const { client } = await signedInUser(pool, 'nora');
      await client.signOut();
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));

      const setup = await client.signIn({ username: 'nora', password: PASSWORD });
      assert.equal(setup.signInState, 'mfaSetup');
      assert.deepEqual(setup.parameters.MFAS_CAN_SETUP, ['SOFTWARE_TOKEN_MFA']);
      const secret = await client.associateSoftwareToken();
      assert.match(secret, /^[A-Z2-7]{32,}$/);
      const wrong = await failure(() => client.confirmSignIn(totp(secret, server.clock.now() + 600_000)));
      assert.deepEqual([wrong.code, wrong.serviceCode], ['enableSoftwareTokenMFA', 'EnableSoftwareTokenMFAException']);
      assert.equal(client.currentUserState, UserState.signedOut);
      assert.equal((await client.confirmSignIn(code(secret))).signInState, 'signedIn');
      assert.equal(client.currentUserState, UserState.signedIn);
      assert.deepEqual(await client.getUserMFAPreference(), { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' });
      await client.signOut();

      // From now on: the code the app shows.
      assert.equal((await client.signIn({ username: 'nora', password: PASSWORD })).signInState, 'softwareTokenMFA');
      assert.equal((await client.confirmSignIn(code(secret))).signInState, 'signedIn');
    });

    it('emailOTP: signIn → emailOTP with codeDetails, the mailed code, wrong codes refused; mfaSetup by naming an email address', async () => {
      const pool = await mfaPool({
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
        EmailMfaConfiguration: { Message: 'Your sign-in code is {####}', Subject: 'Sign-in' },
      });
      const { client, email } = await signedInUser(pool, 'emma');
      await client.setUserMFAPreference({ email: { enabled: true, preferred: true } });
      assert.deepEqual(await client.getUserMFAPreference(), { enabled: ['EMAIL_OTP'], preferred: 'EMAIL_OTP' });
      await client.signOut();

      const before = await outboxIds(server, pool.poolId);
      const challenge = await client.signIn({ username: 'emma', password: PASSWORD });
      assert.equal(challenge.signInState, 'emailOTP');
      assert.deepEqual(challenge.codeDetails, { deliveryMedium: 'EMAIL', destination: 'e***@e***' });
      const mailed = await codeSentAfter(server, pool.poolId, email, before);
      const wrong = await failure(() => client.confirmSignIn(wrongCode(mailed)));
      assert.equal(wrong.code, 'codeMismatch');
      assert.equal((await client.confirmSignIn(mailed)).signInState, 'signedIn');
      await client.signOut();

      // MFA required, a user without a factor or an email: the user names an address, then answers the code sent there.
      await server.admin.send(
        new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'Code {####}' } }),
      );
      const other = clientFor(server);
      await other.initialize(pool.config);
      await other.signUp({ username: 'mailless', password: PASSWORD });
      await server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: 'mailless' }));
      const setup = await other.signIn({ username: 'mailless', password: PASSWORD });
      assert.equal(setup.signInState, 'mfaSetup');
      assert.deepEqual(setup.parameters.MFAS_CAN_SETUP, ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
      assert.equal((await failure(() => other.confirmSignIn('not-an-email'))).code, 'invalidParameter');
      const beforeSetup = await outboxIds(server, pool.poolId);
      const emailStep = await other.confirmSignIn('found@example.com');
      assert.equal(emailStep.signInState, 'emailOTP');
      assert.deepEqual(emailStep.codeDetails, { deliveryMedium: 'EMAIL', destination: 'f***@e***' });
      assert.equal((await other.confirmSignIn(await codeSentAfter(server, pool.poolId, 'found@example.com', beforeSetup))).signInState, 'signedIn');
      const attributes = await other.getUserAttributes();
      assert.deepEqual([attributes.email, attributes.email_verified], ['found@example.com', 'true']);
    });
  });
}

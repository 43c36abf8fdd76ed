/**
 * MFA with real clients: the pool's MFA configuration, software tokens (TOTP codes computed here
 * with node:crypto, on the server's clock), user preferences and legacy MFAOptions, and the
 * SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP challenges in the SRP,
 * password and admin flows, driven by the AWS SDK and amazon-cognito-identity-js.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AdminSetUserSettingsCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SetUserSettingsCommand,
  UpdateUserPoolCommand,
  VerifySoftwareTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { nextCode, totp } from '../support/mfa.js';
import { databaseKinds } from '../support/postgres.js';
import { failure, idp, startTestServer, type TestServer } from '../support/server.js';
import { adminAtServerTime, newPool, type Pool } from './security/helpers.js';

const PASSWORD = 'Corr3ct-Horse!';
const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };

function jsSignIn(pool: CognitoUserPool, username: string, password = PASSWORD) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const result = new Promise<{ kind: 'success'; session: CognitoUserSession } | { kind: string; params?: unknown }>((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: reject,
      totpRequired: (_name, params) => resolve({ kind: 'totp', params }),
      mfaRequired: (_name, params) => resolve({ kind: 'sms', params }),
      selectMFAType: (_name, params) => resolve({ kind: 'select', params }),
      mfaSetup: (_name, params) => resolve({ kind: 'setup', params }),
      newPasswordRequired: () => resolve({ kind: 'new-password' }),
    }),
  );
  return { user, result };
}

const sendMfaCode = (user: CognitoUser, code: string, type: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA') =>
  new Promise<CognitoUserSession>((resolve, reject) => user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, type));

for (const kind of databaseKinds) {
  describe(`MFA (${kind})`, () => {
    let server: TestServer;
    let admin: CognitoIdentityProviderClient;

    before(async () => {
      server = await startTestServer(kind);
      admin = server.admin;
    });
    after(() => server.stop());

    /** A confirmed user with a permanent password (and the attributes given). */
    async function user(pool: Pool, username: string, attributes: Record<string, string> = {}) {
      await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.poolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
    }

    const passwordAuth = (pool: Pool, USERNAME: string, PASSWORD_ = PASSWORD) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD: PASSWORD_ } }));
    const respond = (pool: Pool, ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: ChallengeName as never, Session, ChallengeResponses }));

    /** Signs in and returns an access token (for a user without MFA). */
    async function accessToken(pool: Pool, username: string): Promise<string> {
      const out = await passwordAuth(pool, username);
      return out.AuthenticationResult?.AccessToken ?? assert.fail(`expected tokens, got ${out.ChallengeName}`);
    }

    /** Associates and verifies a software token for a signed-in user; returns the secret. */
    async function setUpTotp(token: string): Promise<string> {
      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
      assert.match(SecretCode!, /^[A-Z2-7]{52}$/);
      const out = await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totp(SecretCode!, server.clock.now()), FriendlyDeviceName: 'phone' }));
      assert.equal(out.Status, 'SUCCESS');
      server.clock.advance(30_000);
      return SecretCode!;
    }

    const totpPool = () =>
      newPool(server, { PoolName: 'mfa' }).then(async (pool) => {
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
        return pool;
      });

    describe('pool configuration', () => {
      it('SetUserPoolMfaConfig / GetUserPoolMfaConfig round-trip, and DescribeUserPool agrees', async () => {
        const pool = await newPool(server);
        const initial = await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }));
        assert.equal(initial.MfaConfiguration, 'OFF');
        assert.deepEqual(initial.SoftwareTokenMfaConfiguration, { Enabled: false });
        assert.equal(initial.SmsMfaConfiguration, undefined);

        const set = await admin.send(
          new SetUserPoolMfaConfigCommand({
            UserPoolId: pool.poolId,
            MfaConfiguration: 'ON',
            SoftwareTokenMfaConfiguration: { Enabled: true },
            SmsMfaConfiguration: { SmsAuthenticationMessage: 'Code: {####}', SmsConfiguration: SMS_CONFIG },
            EmailMfaConfiguration: { Message: 'Your code {####}', Subject: 'Sign-in code' },
          }),
        );
        assert.equal(set.MfaConfiguration, 'ON');
        const got = await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }));
        assert.equal(got.MfaConfiguration, 'ON');
        assert.deepEqual(got.SoftwareTokenMfaConfiguration, { Enabled: true });
        assert.equal(got.SmsMfaConfiguration?.SmsAuthenticationMessage, 'Code: {####}');
        assert.equal(got.SmsMfaConfiguration?.SmsConfiguration?.SnsCallerArn, SMS_CONFIG.SnsCallerArn);
        assert.deepEqual(got.EmailMfaConfiguration, { Message: 'Your code {####}', Subject: 'Sign-in code' });

        const described = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool!;
        assert.equal(described.MfaConfiguration, 'ON');
        assert.equal(described.SmsAuthenticationMessage, 'Code: {####}');
        assert.equal((described as Record<string, unknown>).SoftwareTokenMfaConfiguration, undefined);

        // UpdateUserPool keeps the factors; MfaConfiguration follows the update.
        await admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SmsConfiguration: SMS_CONFIG }));
        const after = await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }));
        assert.equal(after.MfaConfiguration, 'OPTIONAL');
        assert.deepEqual(after.SoftwareTokenMfaConfiguration, { Enabled: true });

        // Factors not named are turned off.
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, SoftwareTokenMfaConfiguration: { Enabled: true } }));
        const onlyTotp = await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }));
        assert.equal(onlyTotp.SmsMfaConfiguration, undefined);
        assert.equal(onlyTotp.EmailMfaConfiguration, undefined);
        assert.equal(onlyTotp.MfaConfiguration, 'OPTIONAL');
      });

      it('refuses bad configurations', async () => {
        const pool = await newPool(server);
        const set = (input: Record<string, unknown>) => failure(() => admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, ...input })));
        assert.equal((await set({ MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: { Enabled: true } })).name, 'InvalidParameterException');
        assert.equal((await set({ MfaConfiguration: 'ON' })).name, 'InvalidParameterException');
        assert.equal((await set({ MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'code {####}' } })).name, 'InvalidParameterException');
        assert.equal((await set({ MfaConfiguration: 'SOMETIMES', SoftwareTokenMfaConfiguration: { Enabled: true } })).name, 'InvalidParameterException');
        assert.equal((await set({ MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsAuthenticationMessage: 'no code here' } })).name, 'InvalidParameterException');
        const lite = await newPool(server, { UserPoolTier: 'LITE' });
        const liteEmail = await failure(() => admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: lite.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'code {####}' } })));
        assert.equal(liteEmail.name, 'FeatureUnavailableInTierException');
        const missing = await failure(() => admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: 'us-east-1_Missing000', SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' })));
        assert.equal(missing.name, 'ResourceNotFoundException');
        assert.equal((await failure(() => admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: 'us-east-1_Missing000' })))).name, 'ResourceNotFoundException');
        assert.equal((await failure(() => admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: 'not a pool id' })))).name, 'InvalidParameterException');
        // Nothing half-written.
        assert.equal((await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }))).MfaConfiguration, 'OFF');
        // CreateUserPool and UpdateUserPool can't require MFA no one could have.
        assert.equal((await failure(() => admin.send(new CreateUserPoolCommand({ PoolName: 'mfa-on', MfaConfiguration: 'ON' })))).name, 'InvalidParameterException');
        assert.equal((await failure(() => admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL' })))).name, 'InvalidParameterException');
        assert.equal((await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }))).MfaConfiguration, 'OFF');
        const withSms = await admin.send(new CreateUserPoolCommand({ PoolName: 'mfa-sms', MfaConfiguration: 'ON', SmsConfiguration: SMS_CONFIG }));
        assert.equal(withSms.UserPool?.MfaConfiguration, 'ON');
        assert.equal((await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: withSms.UserPool!.Id! }))).SmsMfaConfiguration?.SmsConfiguration?.SnsCallerArn, SMS_CONFIG.SnsCallerArn);
      });
    });

    describe('software tokens and preferences', () => {
      it('associates and verifies a token, sets the preference, and GetUser / AdminGetUser report it', async () => {
        const pool = await totpPool();
        await user(pool, 'tina', { email: 'tina@example.com' });
        const token = await accessToken(pool, 'tina');
        const before = await server.anonymous.send(new GetUserCommand({ AccessToken: token }));
        assert.equal(before.UserMFASettingList, undefined);
        assert.equal(before.PreferredMfaSetting, undefined);

        const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
        const wrong = await failure(() => server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totp(SecretCode!, server.clock.now() + 600_000) })));
        assert.deepEqual(wrong, { name: 'EnableSoftwareTokenMFAException', message: 'Code mismatch and fail enable Software Token MFA' });
        // A code from the step before still counts (±1 step).
        const verified = await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totp(SecretCode!, server.clock.now() - 30_000) }));
        assert.equal(verified.Status, 'SUCCESS');
        // Verified but not enabled until the preference says so.
        assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: token }))).UserMFASettingList, undefined);

        await server.anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: token, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
        const got = await server.anonymous.send(new GetUserCommand({ AccessToken: token }));
        assert.deepEqual(got.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
        assert.equal(got.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
        assert.equal(got.MFAOptions, undefined);
        const adminView = await admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'tina' }));
        assert.deepEqual(adminView.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
        assert.equal(adminView.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

        // Disabling clears the preference; the admin can turn it back on.
        await server.anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: token, SoftwareTokenMfaSettings: { Enabled: false } }));
        const off = await admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'tina' }));
        assert.equal(off.UserMFASettingList, undefined);
        assert.equal(off.PreferredMfaSetting, undefined);
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'tina', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
        assert.equal((await admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'tina' }))).PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
      });

      it('refuses bad software-token and preference input', async () => {
        const pool = await totpPool();
        await user(pool, 'bad-input', { email: 'bad@example.com' });
        const token = await accessToken(pool, 'bad-input');
        const anon = server.anonymous;
        assert.equal((await failure(() => anon.send(new AssociateSoftwareTokenCommand({})))).name, 'InvalidParameterException');
        assert.equal((await failure(() => anon.send(new AssociateSoftwareTokenCommand({ AccessToken: 'not.a.token' })))).name, 'NotAuthorizedException');
        assert.equal((await failure(() => anon.send(new AssociateSoftwareTokenCommand({ Session: 'x'.repeat(40) })))).name, 'NotAuthorizedException');
        assert.equal((await failure(() => anon.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: '123456' })))).name, 'SoftwareTokenMFANotFoundException');
        assert.equal((await failure(() => anon.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: 'abcdef' })))).name, 'InvalidParameterException');
        assert.equal((await failure(() => anon.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: '1234567' })))).name, 'InvalidParameterException');
        assert.equal((await failure(() => anon.send(new VerifySoftwareTokenCommand({ UserCode: '123456' })))).name, 'InvalidParameterException');
        assert.equal((await failure(() => anon.send(new VerifySoftwareTokenCommand({ Session: 'y'.repeat(40), UserCode: '123456' })))).name, 'NotAuthorizedException');

        const pref = (input: Record<string, unknown>) => failure(() => anon.send(new SetUserMFAPreferenceCommand({ AccessToken: token, ...input })));
        assert.deepEqual(await pref({ SoftwareTokenMfaSettings: { Enabled: true } }), { name: 'InvalidParameterException', message: 'User has not verified software token mfa' });
        assert.equal((await pref({ SMSMfaSettings: { Enabled: true } })).name, 'InvalidParameterException', 'the pool offers no SMS');
        assert.equal((await pref({ SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: true } })).name, 'InvalidParameterException');
        assert.equal((await pref({ SoftwareTokenMfaSettings: { PreferredMfa: true }, EmailMfaSettings: { PreferredMfa: true } })).name, 'InvalidParameterException');
        assert.equal((await failure(() => anon.send(new SetUserMFAPreferenceCommand({ AccessToken: 'bad' })))).name, 'NotAuthorizedException');
        const adminPref = await failure(() => admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'nobody', SoftwareTokenMfaSettings: { Enabled: true } })));
        assert.equal(adminPref.name, 'UserNotFoundException');
        assert.equal((await failure(() => admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: 'us-east-1_Missing000', Username: 'x' })))).name, 'ResourceNotFoundException');

        // A pool without software tokens refuses them.
        const plain = await newPool(server);
        await user(plain, 'plain');
        const plainToken = await accessToken(plain, 'plain');
        assert.equal((await failure(() => anon.send(new AssociateSoftwareTokenCommand({ AccessToken: plainToken })))).name, 'SoftwareTokenMFANotFoundException');
      });

      it('SetUserSettings and AdminSetUserSettings: legacy MFAOptions turn SMS MFA on and off', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }));
        await user(pool, 'legacy', { phone_number: '+15555550100' });
        await user(pool, 'nophone');
        const token = await accessToken(pool, 'legacy');
        await server.anonymous.send(new SetUserSettingsCommand({ AccessToken: token, MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] }));
        const got = await server.anonymous.send(new GetUserCommand({ AccessToken: token }));
        assert.deepEqual(got.MFAOptions, [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
        assert.deepEqual(got.UserMFASettingList, ['SMS_MFA']);
        const challenged = await passwordAuth(pool, 'legacy');
        assert.equal(challenged.ChallengeName, 'SMS_MFA');

        await admin.send(new AdminSetUserSettingsCommand({ UserPoolId: pool.poolId, Username: 'legacy', MFAOptions: [] }));
        const cleared = await admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'legacy' }));
        assert.equal(cleared.MFAOptions, undefined);
        assert.equal(cleared.UserMFASettingList, undefined);
        assert.ok((await passwordAuth(pool, 'legacy')).AuthenticationResult, 'no MFA once the options are gone');

        const bad = (options: unknown) => failure(() => server.anonymous.send(new SetUserSettingsCommand({ AccessToken: token, MFAOptions: options as never })));
        assert.equal((await bad([{ DeliveryMedium: 'EMAIL', AttributeName: 'email' }])).name, 'InvalidParameterException');
        assert.equal((await bad([{ DeliveryMedium: 'SMS', AttributeName: 'email' }])).name, 'InvalidParameterException');
        assert.equal((await bad([{ DeliveryMedium: 'FAX', AttributeName: 'phone_number' }])).name, 'InvalidParameterException');
        assert.equal((await failure(() => server.anonymous.send(new SetUserSettingsCommand({ AccessToken: 'bad', MFAOptions: [] })))).name, 'NotAuthorizedException');
        const noPhone = await failure(() => admin.send(new AdminSetUserSettingsCommand({ UserPoolId: pool.poolId, Username: 'nophone', MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] })));
        assert.equal(noPhone.name, 'InvalidParameterException');
        assert.equal((await failure(() => admin.send(new AdminSetUserSettingsCommand({ UserPoolId: pool.poolId, Username: 'ghost', MFAOptions: [] })))).name, 'UserNotFoundException');
      });
    });

    describe('challenges', () => {
      it('SOFTWARE_TOKEN_MFA in the password and admin flows', async () => {
        const pool = await totpPool();
        await user(pool, 'otto');
        const secret = await setUpTotp(await accessToken(pool, 'otto'));
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'otto', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

        const start = await passwordAuth(pool, 'otto');
        assert.equal(start.ChallengeName, 'SOFTWARE_TOKEN_MFA');
        assert.ok(start.Session);
        assert.equal(start.AuthenticationResult, undefined);
        const missing = await failure(() => respond(pool, 'SOFTWARE_TOKEN_MFA', start.Session, { USERNAME: 'otto' }));
        assert.equal(missing.name, 'InvalidParameterException');
        const otherChallenge = await failure(() => respond(pool, 'SMS_MFA', start.Session, { USERNAME: 'otto', SMS_MFA_CODE: '123456' }));
        assert.equal(otherChallenge.name, 'NotAuthorizedException');
        const wrongUser = await failure(() => respond(pool, 'SOFTWARE_TOKEN_MFA', start.Session, { USERNAME: 'someone', SOFTWARE_TOKEN_MFA_CODE: '000000' }));
        assert.equal(wrongUser.name, 'NotAuthorizedException');
        const badSession = await failure(() => respond(pool, 'SOFTWARE_TOKEN_MFA', 'z'.repeat(64), { USERNAME: 'otto', SOFTWARE_TOKEN_MFA_CODE: '000000' }));
        assert.deepEqual(badSession, { name: 'NotAuthorizedException', message: 'Invalid session for the user.' });
        const done = await respond(pool, 'SOFTWARE_TOKEN_MFA', start.Session, { USERNAME: 'otto', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) });
        assert.ok(done.AuthenticationResult?.AccessToken);
        server.clock.advance(30_000);

        const adminClient = adminAtServerTime(server);
        const adminStart = await adminClient.send(new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'otto', PASSWORD } }));
        assert.equal(adminStart.ChallengeName, 'SOFTWARE_TOKEN_MFA');
        const adminDone = await adminClient.send(
          new AdminRespondToAuthChallengeCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: adminStart.Session, ChallengeResponses: { USERNAME: 'otto', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) } }),
        );
        assert.ok(adminDone.AuthenticationResult?.IdToken);
        server.clock.advance(30_000);

        // The session expires with the client's AuthSessionValidity (3 minutes).
        const late = await passwordAuth(pool, 'otto');
        server.clock.advance(181_000);
        const expired = await failure(() => respond(pool, 'SOFTWARE_TOKEN_MFA', late.Session, { USERNAME: 'otto', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) }));
        assert.equal(expired.name, 'NotAuthorizedException');
      });

      it('amazon-cognito-identity-js: totpRequired over SRP, and associate/verify for a signed-in user', async () => {
        const pool = await totpPool();
        await user(pool, 'jess');
        const jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
        const first = jsSignIn(jsPool, 'jess');
        const signedIn = await first.result;
        assert.equal(signedIn.kind, 'success');
        const secret = await new Promise<string>((resolve, reject) => first.user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
        await new Promise((resolve, reject) => first.user.verifySoftwareToken(totp(secret, server.clock.now()), 'my phone', { onSuccess: resolve, onFailure: reject }));
        server.clock.advance(30_000);
        await new Promise<void>((resolve, reject) => first.user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, (err) => (err ? reject(err) : resolve())));

        const second = jsSignIn(jsPool, 'jess');
        assert.equal((await second.result).kind, 'totp');
        const session = await sendMfaCode(second.user, totp(secret, server.clock.now()), 'SOFTWARE_TOKEN_MFA');
        assert.ok(session.isValid());
        assert.equal(session.getAccessToken().payload.username, 'jess');
      });

      it('SMS_MFA: the code goes to the phone through the outbox; amazon-cognito-identity-js answers mfaRequired', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SmsMfaConfiguration: { SmsAuthenticationMessage: 'Sign-in code {####}', SmsConfiguration: SMS_CONFIG } }));
        await user(pool, 'sam', { phone_number: '+15555550123' });
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'sam', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));

        const start = await passwordAuth(pool, 'sam');
        assert.equal(start.ChallengeName, 'SMS_MFA');
        assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
        assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DESTINATION, '+*******0123');
        const sms = (await server.running.cognate.outbox.recent(10, pool.poolId)).find((m) => m.to === '+15555550123');
        assert.equal(sms?.channel, 'sms');
        assert.match(sms?.text ?? '', /^Sign-in code \d{6}$/);
        const code = await nextCode(server, pool.poolId, '+15555550123');
        const wrong = await failure(() => respond(pool, 'SMS_MFA', start.Session, { USERNAME: 'sam', SMS_MFA_CODE: code === '000000' ? '111111' : '000000' }));
        assert.deepEqual(wrong, { name: 'CodeMismatchException', message: 'Invalid code received for user' });
        const done = await respond(pool, 'SMS_MFA', start.Session, { USERNAME: 'sam', SMS_MFA_CODE: code });
        assert.ok(done.AuthenticationResult?.AccessToken);
        const reused = await failure(() => respond(pool, 'SMS_MFA', start.Session, { USERNAME: 'sam', SMS_MFA_CODE: code }));
        assert.equal(reused.name, 'CodeMismatchException', 'an SMS code works once');

        const jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
        const js = jsSignIn(jsPool, 'sam');
        const challenge = await js.result;
        assert.equal(challenge.kind, 'sms');
        assert.equal((challenge.params as Record<string, string>).CODE_DELIVERY_DESTINATION, '+*******0123');
        const session = await sendMfaCode(js.user, await nextCode(server, pool.poolId, '+15555550123'), 'SMS_MFA');
        assert.ok(session.isValid());
      });

      it('EMAIL_OTP and SELECT_MFA_TYPE', async () => {
        const pool = await newPool(server);
        await admin.send(
          new SetUserPoolMfaConfigCommand({
            UserPoolId: pool.poolId,
            MfaConfiguration: 'OPTIONAL',
            SoftwareTokenMfaConfiguration: { Enabled: true },
            EmailMfaConfiguration: { Message: 'Your sign-in code is {####}', Subject: 'Sign-in' },
          }),
        );
        await user(pool, 'emma', { email: 'emma@example.com' });
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'emma', EmailMfaSettings: { Enabled: true } }));
        const start = await passwordAuth(pool, 'emma');
        assert.equal(start.ChallengeName, 'EMAIL_OTP');
        assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL');
        assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DESTINATION, 'e***@e***');
        const mail = (await server.running.cognate.outbox.recent(10, pool.poolId)).find((m) => m.to === 'emma@example.com');
        assert.equal(mail?.subject, 'Sign-in');
        const done = await respond(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'emma', EMAIL_OTP_CODE: await nextCode(server, pool.poolId, 'emma@example.com') });
        assert.ok(done.AuthenticationResult);

        // Two factors and no preference: the user chooses.
        const secret = await setUpTotp(done.AuthenticationResult!.AccessToken!);
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'emma', SoftwareTokenMfaSettings: { Enabled: true } }));
        const select = await passwordAuth(pool, 'emma');
        assert.equal(select.ChallengeName, 'SELECT_MFA_TYPE');
        assert.deepEqual(JSON.parse(select.ChallengeParameters!.MFAS_CAN_CHOOSE!), ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
        const badAnswer = await failure(() => respond(pool, 'SELECT_MFA_TYPE', select.Session, { USERNAME: 'emma', ANSWER: 'SMS_MFA' }));
        assert.equal(badAnswer.name, 'InvalidParameterException');
        const chosen = await respond(pool, 'SELECT_MFA_TYPE', select.Session, { USERNAME: 'emma', ANSWER: 'SOFTWARE_TOKEN_MFA' });
        assert.equal(chosen.ChallengeName, 'SOFTWARE_TOKEN_MFA');
        const tokens = await respond(pool, 'SOFTWARE_TOKEN_MFA', chosen.Session, { USERNAME: 'emma', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) });
        assert.ok(tokens.AuthenticationResult);
        server.clock.advance(30_000);

        // A preference picks without asking.
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'emma', EmailMfaSettings: { Enabled: true, PreferredMfa: true } }));
        assert.equal((await passwordAuth(pool, 'emma')).ChallengeName, 'EMAIL_OTP');
      });

      it('amazon-cognito-identity-js: selectMFAType, sendMFASelectionAnswer, then the chosen code', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }));
        await user(pool, 'picker', { phone_number: '+15555550166' });
        const secret = await setUpTotp(await accessToken(pool, 'picker'));
        await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'picker', SMSMfaSettings: { Enabled: true }, SoftwareTokenMfaSettings: { Enabled: true } }));
        const jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
        for (const answer of ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'] as const) {
          const js = jsSignIn(jsPool, 'picker');
          const select = await js.result;
          assert.equal(select.kind, 'select');
          assert.deepEqual(JSON.parse((select as { params: Record<string, string> }).params.MFAS_CAN_CHOOSE!), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
          const next = await new Promise<string>((resolve, reject) =>
            js.user.sendMFASelectionAnswer(answer, { onSuccess: () => reject(new Error('no code asked')), onFailure: reject, mfaRequired: () => resolve('sms'), totpRequired: () => resolve('totp') }),
          );
          assert.equal(next, answer === 'SMS_MFA' ? 'sms' : 'totp');
          const code = answer === 'SMS_MFA' ? await nextCode(server, pool.poolId, '+15555550166') : totp(secret, server.clock.now());
          assert.ok((await sendMfaCode(js.user, code, answer)).isValid());
          server.clock.advance(30_000);
        }
      });

      it('MFA_SETUP: a pool that requires MFA has a new user set up a software token with the Session', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
        await user(pool, 'newbie');
        const start = await passwordAuth(pool, 'newbie');
        assert.equal(start.ChallengeName, 'MFA_SETUP');
        assert.deepEqual(JSON.parse(start.ChallengeParameters!.MFAS_CAN_SETUP!), ['SOFTWARE_TOKEN_MFA']);
        const early = await failure(() => respond(pool, 'MFA_SETUP', start.Session, { USERNAME: 'newbie' }));
        assert.equal(early.name, 'InvalidParameterException', 'not before the token is verified');
        const assoc = await server.anonymous.send(new AssociateSoftwareTokenCommand({ Session: start.Session }));
        assert.ok(assoc.Session && assoc.SecretCode);
        const wrong = await failure(() => server.anonymous.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totp(assoc.SecretCode!, server.clock.now() + 300_000) })));
        assert.equal(wrong.name, 'EnableSoftwareTokenMFAException');
        const verified = await server.anonymous.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totp(assoc.SecretCode!, server.clock.now()), FriendlyDeviceName: 'phone' }));
        assert.equal(verified.Status, 'SUCCESS');
        const done = await respond(pool, 'MFA_SETUP', verified.Session, { USERNAME: 'newbie' });
        assert.ok(done.AuthenticationResult?.AccessToken);
        const replayed = await failure(() => respond(pool, 'MFA_SETUP', verified.Session, { USERNAME: 'newbie' }));
        assert.equal(replayed.name, 'NotAuthorizedException', 'one sign-in per set-up Session');
        const got = await server.anonymous.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken! }));
        assert.deepEqual(got.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
        assert.equal(got.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
        server.clock.advance(30_000);

        const next = await passwordAuth(pool, 'newbie');
        assert.equal(next.ChallengeName, 'SOFTWARE_TOKEN_MFA');
        assert.ok((await respond(pool, 'SOFTWARE_TOKEN_MFA', next.Session, { USERNAME: 'newbie', SOFTWARE_TOKEN_MFA_CODE: totp(assoc.SecretCode!, server.clock.now()) })).AuthenticationResult);
        server.clock.advance(30_000);
      });

      it('MFA_SETUP with email: the user names an address, answers the code sent there, and it becomes their verified email', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'Code {####}' } }));
        await user(pool, 'mailless');
        await user(pool, 'hasmail', { email: 'hasmail@example.com' });
        const start = await passwordAuth(pool, 'mailless');
        assert.equal(start.ChallengeName, 'MFA_SETUP');
        assert.deepEqual(JSON.parse(start.ChallengeParameters!.MFAS_CAN_SETUP!), ['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
        assert.equal((await failure(() => respond(pool, 'MFA_SETUP', start.Session, { USERNAME: 'mailless', EMAIL: 'not-an-email' }))).name, 'InvalidParameterException');
        const emailChallenge = await respond(pool, 'MFA_SETUP', start.Session, { USERNAME: 'mailless', EMAIL: 'found@example.com' });
        assert.equal(emailChallenge.ChallengeName, 'EMAIL_OTP');
        assert.equal(emailChallenge.ChallengeParameters?.CODE_DELIVERY_DESTINATION, 'f***@e***');
        const done = await respond(pool, 'EMAIL_OTP', emailChallenge.Session, { USERNAME: 'mailless', EMAIL_OTP_CODE: await nextCode(server, pool.poolId, 'found@example.com') });
        assert.ok(done.AuthenticationResult);
        const got = await admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'mailless' }));
        const attributes = Object.fromEntries(got.UserAttributes!.map((a) => [a.Name, a.Value]));
        assert.equal(attributes.email, 'found@example.com');
        assert.equal(attributes.email_verified, 'true');
        assert.deepEqual(got.UserMFASettingList, ['EMAIL_OTP']);
        assert.equal(got.PreferredMfaSetting, 'EMAIL_OTP');
        assert.equal((await passwordAuth(pool, 'mailless')).ChallengeName, 'EMAIL_OTP');
        await nextCode(server, pool.poolId, 'found@example.com');

        // A user with an address can only name that one.
        const other = await passwordAuth(pool, 'hasmail');
        assert.equal(other.ChallengeName, 'MFA_SETUP');
        assert.equal((await failure(() => respond(pool, 'MFA_SETUP', other.Session, { USERNAME: 'hasmail', EMAIL: 'elsewhere@example.com' }))).name, 'InvalidParameterException');
      });

      it('MFA follows NEW_PASSWORD_REQUIRED: a temporary password, a new one, then MFA_SETUP', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
        await admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'invited', TemporaryPassword: 'Temp-Pass-123!', MessageAction: 'SUPPRESS' }));
        const start = await passwordAuth(pool, 'invited', 'Temp-Pass-123!');
        assert.equal(start.ChallengeName, 'NEW_PASSWORD_REQUIRED');
        const setup = await respond(pool, 'NEW_PASSWORD_REQUIRED', start.Session, { USERNAME: 'invited', NEW_PASSWORD: PASSWORD });
        assert.equal(setup.ChallengeName, 'MFA_SETUP');
        const assoc = await server.anonymous.send(new AssociateSoftwareTokenCommand({ Session: setup.Session }));
        const verified = await server.anonymous.send(new VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totp(assoc.SecretCode!, server.clock.now()) }));
        assert.ok((await respond(pool, 'MFA_SETUP', verified.Session, { USERNAME: 'invited' })).AuthenticationResult);
        server.clock.advance(30_000);
      });

      it('MFA_SETUP with amazon-cognito-identity-js: mfaSetup, associateSoftwareToken, verifySoftwareToken', async () => {
        const pool = await newPool(server);
        await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
        await user(pool, 'jsetup');
        const jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
        const js = jsSignIn(jsPool, 'jsetup');
        assert.equal((await js.result).kind, 'setup');
        const secret = await new Promise<string>((resolve, reject) => js.user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
        const session = await new Promise<CognitoUserSession>((resolve, reject) =>
          js.user.verifySoftwareToken(totp(secret, server.clock.now()), 'phone', { onSuccess: resolve as never, onFailure: reject }),
        );
        assert.ok(session.isValid());
        server.clock.advance(30_000);
        const again = jsSignIn(jsPool, 'jsetup');
        assert.equal((await again.result).kind, 'totp');
        assert.ok((await sendMfaCode(again.user, totp(secret, server.clock.now()), 'SOFTWARE_TOKEN_MFA')).isValid());
        server.clock.advance(30_000);
      });

      it('required MFA with SMS: a user with a phone number gets SMS_MFA without setting anything', async () => {
        const pool = await newPool(server, { SmsConfiguration: SMS_CONFIG, MfaConfiguration: 'ON' });
        await user(pool, 'phoney', { phone_number: '+15555550199' });
        const start = await passwordAuth(pool, 'phoney');
        assert.equal(start.ChallengeName, 'SMS_MFA');
        const done = await respond(pool, 'SMS_MFA', start.Session, { USERNAME: 'phoney', SMS_MFA_CODE: await nextCode(server, pool.poolId, '+15555550199') });
        assert.ok(done.AuthenticationResult);
        // An unknown challenge name is refused.
        const res = await idp(server.url, 'RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'NOPE', ChallengeResponses: {} });
        assert.equal(res.json.__type, 'InvalidParameterException');
      });
    });
  });
}

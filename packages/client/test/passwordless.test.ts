/**
 * MobileClient's choice-based sign-in (USER_AUTH) against a real Cognate server, on SQLite and
 * PostgreSQL: EMAIL_OTP with the code read from a real SMTP receiver, SMS_OTP with the code the
 * server's SMS webhook delivered, SELECT_CHALLENGE and selectChallenge (a code, PASSWORD,
 * PASSWORD_SRP, confirmSignIn with the factor's name), a password first factor followed by MFA
 * (and no MFA after a code), device SRP after a code, a code sign-in ending the wait of a revoked
 * session, sign-up → confirmSignUp → autoSignIn with ConfirmSignUp's Session,
 * getUserAuthFactors, wrong / stale (A26) / brute-forced (A25) codes as typed errors, USER_AUTH on a client
 * without ALLOW_USER_AUTH; passkeys in Node: `webAuthnNotSupported` without an authenticator, and
 * a software authenticator injected as the WebAuthn port (register, list, sign in, delete).
 * Passkeys in a browser are in passkeys-browser.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminUserGlobalSignOutCommand, CreateUserPoolDomainCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startSmtpReceiver, type SmtpReceiver } from '../../server/test/support/smtp.js';
import { mailCodes, passwordlessPool, passwordlessUser, SmsGateway, type Pool } from '../../server/test/e2e/user-auth/support.js';
import { SoftAuthenticator } from '../../server/test/e2e/passkeys/soft-authenticator.js';
import { UserState, type AWSConfiguration, type MobileClient, type MobileClientOptions, type WebAuthnPort } from '../src/index.js';
import { PASSWORD, advance, clientFor, databaseKinds, entered, failure, recordingFetch, startTestServer, type TestServer } from './support.js';

const SMS_ROLE = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms' };

/** The software authenticator as the client's WebAuthn port (what a React Native or Node host would inject). */
function softPort(authenticator: SoftAuthenticator): WebAuthnPort {
  return {
    create: async (options) => authenticator.create(options as never) as never,
    get: async (options) => authenticator.get(options as never) as never,
  };
}

for (const kind of databaseKinds) {
  describe(`MobileClient USER_AUTH and passkeys (${kind})`, () => {
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
    });
    after(async () => {
      await server?.stop();
      await smtp?.close();
      await sms?.stop();
    });

    const configOf = (p: Pool, flow = true): AWSConfiguration => ({
      CognitoUserPool: { Default: { PoolId: p.poolId, AppClientId: p.clientId, Region: 'us-east-1', Endpoint: server.url } },
      ...(flow ? { Auth: { Default: { authenticationFlowType: 'USER_AUTH' as const } } } : {}),
    });
    async function client(p: Pool = pool, options: MobileClientOptions = {}, flow = true): Promise<{ client: MobileClient; states: string[] }> {
      const c = clientFor(server, options);
      const states: string[] = [];
      c.addUserStateListener((state) => states.push(state));
      await c.initialize(configOf(p, flow));
      return { client: c, states };
    }

    it('EMAIL_OTP as the preferred challenge: state emailOTP with where the code went, the code from the SMTP receiver signs in; listeners see signedOut → signedIn once', async () => {
      await passwordlessUser(server, pool, 'olive', { email: 'olive@example.com' });
      const { client: c, states } = await client();
      const start = await c.signIn({ username: 'olive', preferredChallenge: 'EMAIL_OTP' });
      assert.equal(start.signInState, 'emailOTP');
      assert.equal(start.codeDetails?.deliveryMedium, 'EMAIL');
      assert.match(start.codeDetails?.destination ?? '', /^o\*+@/);
      assert.equal(c.currentUserState, UserState.signedOut, 'a pending challenge is not a sign-in');
      const done = await c.confirmSignIn(await mailCode('olive@example.com'));
      assert.equal(done.signInState, 'signedIn');
      assert.deepEqual(states, ['signedOut', 'signedIn']);
      assert.equal((await c.getTokens()).accessToken.claims.username, 'olive');
      const factors = await c.getUserAuthFactors();
      assert.equal(factors.username, 'olive');
      assert.deepEqual([...factors.factors].sort(), ['EMAIL_OTP', 'PASSWORD']);
      assert.deepEqual(factors.mfaEnabled, []);
    });

    it('SMS_OTP as the preferred challenge: state smsOTP, the code the SMS webhook delivered signs in (authFlowType given per call)', async () => {
      await passwordlessUser(server, pool, 'otto', { phone: '+15555550301' });
      const { client: c } = await client(pool, {}, false);
      const start = await c.signIn({ username: 'otto', authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' });
      assert.equal(start.signInState, 'smsOTP');
      assert.equal(start.codeDetails?.deliveryMedium, 'SMS');
      assert.equal((await c.confirmSignIn(await sms.code('+15555550301'))).signInState, 'signedIn');
      assert.equal((await c.getTokens()).idToken.claims['cognito:username'], 'otto');
    });

    it('without a preference: selectChallenge lists the available challenges; selectChallenge(EMAIL_OTP), PASSWORD_SRP with the password, confirmSignIn("PASSWORD") with signIn\'s password', async () => {
      await passwordlessUser(server, pool, 'cleo', { email: 'cleo@example.com' });
      const recorder = recordingFetch();
      const { client: c } = await client(pool, { fetch: recorder.fetch });
      const start = await c.signIn({ username: 'cleo' });
      assert.equal(start.signInState, 'selectChallenge');
      assert.deepEqual(start.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
      const chosen = await c.selectChallenge('EMAIL_OTP');
      assert.equal(chosen.signInState, 'emailOTP');
      assert.equal((await c.confirmSignIn(await mailCode('cleo@example.com'))).signInState, 'signedIn');
      await c.signOut();

      assert.equal((await c.signIn({ username: 'cleo' })).signInState, 'selectChallenge');
      assert.equal((await failure(() => c.selectChallenge('PASSWORD_SRP'))).code, 'invalidParameter', 'a password factor without a password');
      assert.equal((await c.selectChallenge('PASSWORD_SRP', { password: PASSWORD })).signInState, 'signedIn');
      await c.signOut();

      assert.equal((await c.signIn({ username: 'cleo', password: PASSWORD })).signInState, 'selectChallenge');
      assert.equal((await c.confirmSignIn('PASSWORD')).signInState, 'signedIn');
      assert.deepEqual(recorder.actions, [
        'InitiateAuth:USER_AUTH',
        'RespondToAuthChallenge:SELECT_CHALLENGE',
        'RespondToAuthChallenge:EMAIL_OTP',
        'InitiateAuth:USER_AUTH',
        'RespondToAuthChallenge:SELECT_CHALLENGE',
        'RespondToAuthChallenge:PASSWORD_VERIFIER',
        'InitiateAuth:USER_AUTH',
        'RespondToAuthChallenge:SELECT_CHALLENGE',
      ]);
    });

    it('a factor not on offer is invalidParameter and the choice can be made again on the same Session', async () => {
      await passwordlessUser(server, pool, 'nemo', { email: 'nemo@example.com' });
      const { client: c } = await client();
      assert.deepEqual((await c.signIn({ username: 'nemo' })).availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
      const refused = await failure(() => c.selectChallenge('SMS_OTP'));
      assert.equal(refused.code, 'invalidParameter');
      assert.equal((await c.selectChallenge('PASSWORD', { password: PASSWORD })).signInState, 'signedIn');
      assert.equal((await failure(() => c.selectChallenge('EMAIL_OTP'))).code, 'invalidState', 'nothing left to choose once signed in');
    });

    it('a password first factor is followed by MFA (smsMFA, code from the SMS webhook); an EMAIL_OTP first factor is not', async () => {
      const mfaPool = await passwordlessPool(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: mfaPool.poolId, MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsConfiguration: SMS_ROLE } }));
      await passwordlessUser(server, mfaPool, 'mia', { email: 'mia@example.com', phone: '+15555550302' });
      const { client: c, states } = await client(mfaPool);
      const password = await c.signIn({ username: 'mia', password: PASSWORD, preferredChallenge: 'PASSWORD' });
      assert.equal(password.signInState, 'smsMFA');
      assert.equal(password.codeDetails?.deliveryMedium, 'SMS');
      assert.equal((await c.confirmSignIn(await sms.code('+15555550302'))).signInState, 'signedIn');
      await c.signOut();

      assert.equal((await c.signIn({ username: 'mia', password: PASSWORD, preferredChallenge: 'PASSWORD_SRP' })).signInState, 'smsMFA');
      assert.equal((await c.confirmSignIn(await sms.code('+15555550302'))).signInState, 'signedIn');
      await c.signOut();

      assert.equal((await c.signIn({ username: 'mia', preferredChallenge: 'EMAIL_OTP' })).signInState, 'emailOTP');
      assert.equal((await c.confirmSignIn(await mailCode('mia@example.com'))).signInState, 'signedIn', 'a one-time code is the whole proof');
      assert.equal(sms.count('+15555550302'), 2, 'no MFA text after the code');
      assert.deepEqual(states, ['signedOut', 'signedIn', 'signedOut', 'signedIn', 'signedOut', 'signedIn']);
    });

    it('signUp → confirmSignUp (code from the SMTP receiver) → autoSignIn with the Session, once', async () => {
      const { client: c, states } = await client();
      const up = await c.signUp({ username: 'sage', password: PASSWORD, userAttributes: { email: 'sage@example.com' } });
      assert.equal(up.signUpConfirmationState, 'unconfirmed');
      assert.equal(up.canAutoSignIn, undefined);
      assert.equal((await failure(() => c.autoSignIn())).code, 'invalidState', 'no Session before the confirmation');
      const confirmed = await c.confirmSignUp('sage', await mailCode('sage@example.com'));
      assert.deepEqual(confirmed, { signUpConfirmationState: 'confirmed', canAutoSignIn: true });
      const signedIn = await c.autoSignIn();
      assert.equal(signedIn.signInState, 'signedIn');
      assert.equal(c.username, 'sage');
      assert.equal((await c.getTokens()).accessToken.claims.username, 'sage');
      assert.deepEqual(states, ['signedOut', 'signedIn']);
      assert.equal((await failure(() => c.autoSignIn())).code, 'invalidState', 'the Session is spent');
    });

    it('a passwordless sign-up (no password) → confirmSignUp → autoSignIn; later sign-ins offer only the email code', async () => {
      const { client: c } = await client();
      assert.equal((await c.signUp({ username: 'ivy', userAttributes: { email: 'ivy@example.com' } })).signUpConfirmationState, 'unconfirmed');
      assert.equal((await c.confirmSignUp('ivy', await mailCode('ivy@example.com'))).canAutoSignIn, true);
      assert.equal((await c.autoSignIn()).signInState, 'signedIn');
      assert.deepEqual((await c.getUserAuthFactors()).factors, ['EMAIL_OTP']);
      await c.signOut();
      const next = await c.signIn({ username: 'ivy' });
      assert.deepEqual([next.signInState, next.availableChallenges], ['selectChallenge', ['EMAIL_OTP']]);
    });

    it('a wrong code is codeMismatch and the challenge stays; A26: the previous sign-in\'s code is codeMismatch on a new Session; A25: after 5 wrong codes even the right one is refused', async () => {
      await passwordlessUser(server, pool, 'wade', { email: 'wade@example.com' });
      const { client: c } = await client();
      await c.signIn({ username: 'wade', preferredChallenge: 'EMAIL_OTP' });
      const code = await mailCode('wade@example.com');
      const wrong = code === '000000' ? '111111' : '000000';
      const mismatch = await failure(() => c.confirmSignIn(wrong));
      assert.deepEqual([mismatch.code, mismatch.serviceCode], ['codeMismatch', 'CodeMismatchException']);
      assert.equal((await c.confirmSignIn(code)).signInState, 'signedIn', 'the same challenge takes the right code');
      assert.equal((await failure(() => c.confirmSignIn(code))).code, 'invalidState', 'no challenge waits after the sign-in');
      await c.signOut();

      await c.signIn({ username: 'wade', preferredChallenge: 'EMAIL_OTP' });
      const fresh = await mailCode('wade@example.com');
      if (fresh !== code) assert.equal((await failure(() => c.confirmSignIn(code))).code, 'codeMismatch', 'a used code of an earlier Session');
      const other = fresh === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) await failure(() => c.confirmSignIn(other));
      const exhausted = await failure(() => c.confirmSignIn(fresh));
      assert.deepEqual([exhausted.code, exhausted.serviceCode], ['codeMismatch', 'CodeMismatchException'], 'the right code after the tries ran out is refused (PreventUserExistenceErrors hides why)');
      assert.equal(c.currentUserState, UserState.signedOut);
    });

    it('a device confirmed at a code sign-in proves itself (device SRP) after the next code, by itself', async () => {
      const tracked = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP'], { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } });
      await passwordlessUser(server, tracked, 'dora', { email: 'dora@example.com' });
      const recorder = recordingFetch();
      const { client: c } = await client(tracked, { fetch: recorder.fetch });
      await c.signIn({ username: 'dora', preferredChallenge: 'EMAIL_OTP' });
      const first = await c.confirmSignIn(await mailCode('dora@example.com'));
      assert.equal(first.signInState, 'signedIn');
      assert.equal(first.newDevice?.userConfirmationNecessary, false, 'remembered at once (always-remember pool)');
      await c.signOut();
      recorder.actions.length = 0;
      await c.signIn({ username: 'dora', preferredChallenge: 'EMAIL_OTP' });
      const second = await c.confirmSignIn(await mailCode('dora@example.com'));
      assert.equal(second.signInState, 'signedIn');
      assert.equal(second.newDevice, undefined, 'the same device');
      assert.deepEqual(recorder.actions, ['InitiateAuth:USER_AUTH', 'RespondToAuthChallenge:EMAIL_OTP', 'RespondToAuthChallenge:DEVICE_SRP_AUTH', 'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER']);
      assert.equal((await c.deviceOperations.get()).deviceKey, first.newDevice?.deviceKey);
    });

    it('preferredChallenge without USER_AUTH is invalidParameter, before anything is sent', async () => {
      const recorder = recordingFetch();
      const { client: c } = await client(pool, { fetch: recorder.fetch }, false);
      const refused = await failure(() => c.signIn({ username: 'olive', password: PASSWORD, preferredChallenge: 'PASSWORD' }));
      assert.equal(refused.code, 'invalidParameter');
      assert.match(refused.message, /USER_AUTH/);
      assert.deepEqual(recorder.actions, []);
    });

    it('a revoked refresh token: signedOutUserPoolsTokenInvalid, getTokens waits, and a sign-in with an email code answers it', async () => {
      await passwordlessUser(server, pool, 'rhea', { email: 'rhea@example.com' });
      const { client: c, states } = await client();
      await c.signIn({ username: 'rhea', preferredChallenge: 'EMAIL_OTP' });
      await c.confirmSignIn(await mailCode('rhea@example.com'));
      const old = await c.getTokens();
      await server.admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool.poolId, Username: 'rhea' }));
      advance(server, 2 * 60 * 60_000);
      const invalid = entered(c, UserState.signedOutUserPoolsTokenInvalid);
      const waiting = c.getTokens();
      assert.equal((await invalid).reason, 'refreshTokenInvalid');
      assert.equal((await c.signIn({ username: 'rhea', preferredChallenge: 'EMAIL_OTP' })).signInState, 'emailOTP');
      assert.equal(c.currentUserState, UserState.signedOutUserPoolsTokenInvalid, 'still waiting while the code is on its way');
      await c.confirmSignIn(await mailCode('rhea@example.com'));
      const fresh = await waiting;
      assert.notEqual(fresh.refreshToken, old.refreshToken);
      assert.equal(fresh.accessToken.claims.username, 'rhea');
      assert.deepEqual(states, ['signedOut', 'signedIn', 'signedOutUserPoolsTokenInvalid', 'signedIn']);
    });

    it('USER_AUTH through a client without ALLOW_USER_AUTH is invalidParameter', async () => {
      const legacy = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP'], {}, { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      await passwordlessUser(server, legacy, 'lex', { email: 'lex@example.com' });
      const { client: c } = await client(legacy);
      const refused = await failure(() => c.signIn({ username: 'lex', preferredChallenge: 'EMAIL_OTP' }));
      assert.equal(refused.code, 'invalidParameter');
      assert.match(refused.message, /USER_AUTH/);
    });

    it('passkeys in Node without an authenticator: webAuthnNotSupported before anything is sent', async () => {
      await passwordlessUser(server, pool, 'nora', { email: 'nora@example.com' });
      const recorder = recordingFetch();
      const { client: c } = await client(pool, { fetch: recorder.fetch });
      assert.equal(c.passkeyOperations.supported, false);
      const signIn = await failure(() => c.signIn({ username: 'nora', preferredChallenge: 'WEB_AUTHN' }));
      assert.equal(signIn.code, 'webAuthnNotSupported');
      assert.match(signIn.message, /navigator\.credentials.*MobileClientOptions\.webAuthn/);
      assert.deepEqual(recorder.actions, []);
      await c.signIn({ username: 'nora', password: PASSWORD, preferredChallenge: 'PASSWORD' });
      assert.equal((await failure(() => c.passkeyOperations.register())).code, 'webAuthnNotSupported');
      assert.deepEqual(recorder.actions, ['InitiateAuth:USER_AUTH']);
    });

    it('an injected WebAuthn port (a software authenticator): register, list, sign in with WEB_AUTHN (preferred and selected), delete', async () => {
      const keys = await passwordlessPool(server, ['PASSWORD', 'WEB_AUTHN']);
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: keys.poolId, Domain: `client-keys-${kind}` }));
      await passwordlessUser(server, keys, 'pia', { email: 'pia@example.com' });
      const authenticator = new SoftAuthenticator();
      const recorder = recordingFetch();
      const { client: c, states } = await client(keys, { webAuthn: softPort(authenticator), fetch: recorder.fetch });
      assert.equal(c.passkeyOperations.supported, true);
      await c.signIn({ username: 'pia', password: PASSWORD, preferredChallenge: 'PASSWORD' });
      assert.deepEqual(await c.passkeyOperations.register(), { credentialId: authenticator.id });
      const { passkeys } = await c.passkeyOperations.list();
      assert.equal(passkeys.length, 1);
      assert.equal(passkeys[0]!.credentialId, authenticator.id);
      assert.equal(passkeys[0]!.relyingPartyId, `client-keys-${kind}.auth.us-east-1.localhost`);
      assert.deepEqual(passkeys[0]!.transports, ['internal']);
      assert.ok(passkeys[0]!.createdAt instanceof Date);
      assert.deepEqual((await c.getUserAuthFactors()).factors.sort(), ['PASSWORD', 'WEB_AUTHN']);
      await c.signOut();

      const byPasskey = await c.signIn({ username: 'pia', preferredChallenge: 'WEB_AUTHN' });
      assert.equal(byPasskey.signInState, 'signedIn');
      assert.equal(authenticator.counter, 1);
      await c.signOut();
      const offered = await c.signIn({ username: 'pia' });
      assert.deepEqual(offered.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
      assert.equal((await c.selectChallenge('WEB_AUTHN')).signInState, 'signedIn');
      assert.equal((await c.getTokens()).accessToken.claims.username, 'pia');

      await c.passkeyOperations.delete(authenticator.id);
      assert.deepEqual((await c.passkeyOperations.list()).passkeys, []);
      assert.equal((await failure(() => c.passkeyOperations.delete(authenticator.id))).code, 'resourceNotFound');
      assert.deepEqual(states, ['signedOut', 'signedIn', 'signedOut', 'signedIn', 'signedOut', 'signedIn']);
      assert.ok(recorder.actions.includes('RespondToAuthChallenge:WEB_AUTHN'));
      assert.deepEqual(
        recorder.actions.filter((a) => /WebAuthn/.test(a)),
        ['StartWebAuthnRegistration', 'CompleteWebAuthnRegistration', 'ListWebAuthnCredentials', 'DeleteWebAuthnCredential', 'ListWebAuthnCredentials', 'DeleteWebAuthnCredential'],
      );
    });
  });
}

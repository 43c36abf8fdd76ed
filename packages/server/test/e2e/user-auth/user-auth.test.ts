/**
 * USER_AUTH (choice-based sign-in) through the AWS SDK v3 against a running server, on SQLite and
 * PostgreSQL: EMAIL_OTP with the code from a real SMTP receiver, SMS_OTP with the code the SMS
 * webhook delivered, SELECT_CHALLENGE (PASSWORD, PASSWORD_SRP, EMAIL_OTP), MFA after a password
 * but not after a one-time code, AdminInitiateAuth, GetUserAuthFactors, the triggers, and the
 * attacks: OTP brute force and reuse, a client without ALLOW_USER_AUTH, a factor the pool doesn't
 * allow, an unknown name answered like a known one, null and wrong types in every new member.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserAuthFactorsCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  ConfirmDeviceCommand,
  GetUserAuthFactorsCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { formatTimestamp } from '../../../src/crypto/srp.js';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { computePasswordClaim, createDeviceSecretVerifierConfig, generateClientEphemeral, generateDevicePassword } from '../../support/srp-client.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../../support/triggers.js';
import { fails, mailCodes, passwordlessPool, passwordlessUser, PASSWORD, SmsGateway, type Pool } from './support.js';

const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms' };

for (const kind of databaseKinds) {
  describe(`USER_AUTH with the AWS SDK (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let sms: SmsGateway;
    let host: TriggerHost;
    let mailCode: (to: string) => Promise<string>;

    before(async () => {
      smtp = await startSmtpReceiver();
      sms = await SmsGateway.start();
      host = await TriggerHost.start();
      const triggers: Record<string, string> = {};
      for (const name of ['ua-pre-auth', 'ua-post-auth', 'ua-pre-token', 'ua-custom-message']) triggers[arn(name)] = `${host.webhookUrl}/${name}`;
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smsWebhookUrl: sms.url, triggers, triggerWebhookSecret: WEBHOOK_SECRET });
      mailCode = mailCodes(smtp);
    });
    after(async () => {
      await server.stop();
      await smtp.close();
      await sms.stop();
      await host.stop();
    });

    const initiate = (pool: Pool, params: Record<string, string>, extra: { Session?: string } = {}) => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: pool.clientId, AuthParameters: params, ...extra }));
    const answer = (pool: Pool, ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: ChallengeName as never, Session, ChallengeResponses }));

    it('EMAIL_OTP as preferred challenge: the code arrives by SMTP, tokens follow, and no MFA even for a user with MFA on', async () => {
      const pool = await passwordlessPool(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }));
      await passwordlessUser(server, pool, 'ella', { email: 'ella@example.com', phone: '+15555550101' });
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'ella', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const start = await initiate(pool, { USERNAME: 'ella', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      assert.equal(start.ChallengeName, 'EMAIL_OTP');
      assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL');
      assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DESTINATION, 'e***@e***');
      const done = await answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'ella', EMAIL_OTP_CODE: await mailCode('ella@example.com') });
      assert.ok(done.AuthenticationResult?.AccessToken, 'tokens after the email code, no SMS_MFA');
      // The same user with a password gets the MFA challenge: MFA follows a password first factor only.
      const withPassword = await initiate(pool, { USERNAME: 'ella', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD });
      assert.equal(withPassword.ChallengeName, 'SMS_MFA');
    });

    it('AdminCreateUser without TemporaryPassword where one-time codes sign in: a CONFIRMED user with no password, invited without one, who signs in with an email code', async () => {
      const pool = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP']);
      const created = await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'invitee', UserAttributes: [{ Name: 'email', Value: 'invitee@example.com' }, { Name: 'email_verified', Value: 'true' }], DesiredDeliveryMediums: ['EMAIL'] }));
      assert.equal(created.User?.UserStatus, 'CONFIRMED');
      const invitation = await smtp.waitFor((m) => m.to.includes('invitee@example.com'));
      assert.doesNotMatch(invitation.text, /\{####\}/, 'no placeholder left in the invitation');
      const factors = await server.admin.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: pool.poolId, Username: 'invitee' }));
      assert.deepEqual(factors.ConfiguredUserAuthFactors, ['EMAIL_OTP']);
      const noPassword = await initiate(pool, { USERNAME: 'invitee', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD });
      assert.equal(noPassword.ChallengeName, 'SELECT_CHALLENGE', 'no password to prove: the choice of what the user has');
      assert.deepEqual(noPassword.AvailableChallenges, ['EMAIL_OTP']);
      const start = await initiate(pool, { USERNAME: 'invitee', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      const otp = await smtp.waitFor((m) => m.to.includes('invitee@example.com') && m.raw !== invitation.raw);
      const done = await answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'invitee', EMAIL_OTP_CODE: /\b(\d{6})\b/.exec(otp.text)![1]! });
      assert.ok(done.AuthenticationResult?.AccessToken);
      // A password pool still gets a FORCE_CHANGE_PASSWORD user with a generated temporary password; so does a given one here.
      const given = await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'temp', TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
      assert.equal(given.User?.UserStatus, 'FORCE_CHANGE_PASSWORD');
      const passwords = await passwordlessPool(server, ['PASSWORD', 'WEB_AUTHN']);
      const plain = await server.admin.send(new AdminCreateUserCommand({ UserPoolId: passwords.poolId, Username: 'plain', MessageAction: 'SUPPRESS' }));
      assert.equal(plain.User?.UserStatus, 'FORCE_CHANGE_PASSWORD');
    });

    it('SMS_OTP as preferred challenge: the code the SMS webhook delivered signs in', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'sam', { phone: '+15555550102' });
      const start = await initiate(pool, { USERNAME: 'sam', PREFERRED_CHALLENGE: 'SMS_OTP' });
      assert.equal(start.ChallengeName, 'SMS_OTP');
      assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
      assert.equal(start.ChallengeParameters?.CODE_DELIVERY_DESTINATION, '+*******0102');
      const code = await sms.code('+15555550102');
      // An MFA code field doesn't answer a first-factor challenge.
      assert.equal((await fails(() => answer(pool, 'SMS_MFA', start.Session, { USERNAME: 'sam', SMS_MFA_CODE: code }))).name, 'NotAuthorizedException');
      const done = await answer(pool, 'SMS_OTP', start.Session, { USERNAME: 'sam', SMS_OTP_CODE: code });
      assert.ok(done.AuthenticationResult?.IdToken);
    });

    it('SELECT_CHALLENGE lists what this user can use, and each ANSWER starts its factor (EMAIL_OTP, PASSWORD, PASSWORD_SRP)', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'sel', { email: 'sel@example.com' });
      await passwordlessUser(server, pool, 'unverified', { email: 'unverified@example.com', phone: '+15555550103', verified: false });
      const start = await initiate(pool, { USERNAME: 'sel' });
      assert.equal(start.ChallengeName, 'SELECT_CHALLENGE');
      assert.deepEqual(start.AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
      // Unverified addresses offer no one-time code.
      assert.deepEqual((await initiate(pool, { USERNAME: 'unverified' })).AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP']);
      // A preference the user can't use gets the choice instead.
      assert.equal((await initiate(pool, { USERNAME: 'sel', PREFERRED_CHALLENGE: 'SMS_OTP' })).ChallengeName, 'SELECT_CHALLENGE');

      const otp = await answer(pool, 'SELECT_CHALLENGE', start.Session, { USERNAME: 'sel', ANSWER: 'EMAIL_OTP' });
      assert.equal(otp.ChallengeName, 'EMAIL_OTP');
      const viaOtp = await answer(pool, 'EMAIL_OTP', otp.Session, { USERNAME: 'sel', EMAIL_OTP_CODE: await mailCode('sel@example.com') });
      assert.ok(viaOtp.AuthenticationResult?.AccessToken);

      const second = await initiate(pool, { USERNAME: 'sel' });
      const viaPassword = await answer(pool, 'SELECT_CHALLENGE', second.Session, { USERNAME: 'sel', ANSWER: 'PASSWORD', PASSWORD });
      assert.ok(viaPassword.AuthenticationResult?.AccessToken);
      const third = await initiate(pool, { USERNAME: 'sel' });
      assert.equal((await fails(() => answer(pool, 'SELECT_CHALLENGE', third.Session, { USERNAME: 'sel', ANSWER: 'PASSWORD', PASSWORD: 'Wr0ng-Horse!!' }))).message, 'Incorrect username or password.');

      const { a, A } = generateClientEphemeral();
      const srp = await answer(pool, 'SELECT_CHALLENGE', third.Session, { USERNAME: 'sel', ANSWER: 'PASSWORD_SRP', SRP_A: A });
      assert.equal(srp.ChallengeName, 'PASSWORD_VERIFIER');
      const p = srp.ChallengeParameters!;
      const timestamp = formatTimestamp(new Date(server.clock.now()));
      const signature = computePasswordClaim({ poolName: pool.poolId.split('_')[1]!, userId: p.USER_ID_FOR_SRP!, password: PASSWORD, a, A, B: p.SRP_B!, salt: p.SALT!, secretBlock: p.SECRET_BLOCK!, timestamp });
      const viaSrp = await answer(pool, 'PASSWORD_VERIFIER', srp.Session, { USERNAME: p.USER_ID_FOR_SRP!, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp });
      assert.ok(viaSrp.AuthenticationResult?.AccessToken);
    });

    it('AdminInitiateAuth and AdminRespondToAuthChallenge: USER_AUTH with EMAIL_OTP; GetUserAuthFactors and AdminGetUserAuthFactors', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'adam', { email: 'adam@example.com', phone: '+15555550104' });
      const start = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'adam', PREFERRED_CHALLENGE: 'EMAIL_OTP' } }));
      assert.equal(start.ChallengeName, 'EMAIL_OTP');
      const done = await server.admin.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, ChallengeName: 'EMAIL_OTP', Session: start.Session, ChallengeResponses: { USERNAME: 'adam', EMAIL_OTP_CODE: await mailCode('adam@example.com') } }));
      const access = done.AuthenticationResult!.AccessToken!;
      const mine = await server.anonymous.send(new GetUserAuthFactorsCommand({ AccessToken: access }));
      assert.equal(mine.Username, 'adam');
      assert.deepEqual(mine.ConfiguredUserAuthFactors, ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP']);
      assert.deepEqual(mine.UserMFASettingList, []);
      const theirs = await server.admin.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: pool.poolId, Username: 'adam' }));
      assert.deepEqual(theirs.ConfiguredUserAuthFactors, mine.ConfiguredUserAuthFactors);
      // The pool narrows its factors: the user's configured factors follow.
      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, AutoVerifiedAttributes: ['email'], Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } } }));
      const narrowed = await server.admin.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: pool.poolId, Username: 'adam' }));
      assert.ok(!narrowed.ConfiguredUserAuthFactors?.includes('SMS_OTP'));
    });

    it('devices: an OTP sign-in hands out NewDeviceMetadata, and a confirmed device named by DEVICE_KEY proves itself after the code', async () => {
      const pool = await passwordlessPool(server, undefined, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } });
      await passwordlessUser(server, pool, 'dev', { email: 'dev@example.com' });
      const start = await initiate(pool, { USERNAME: 'dev', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      const done = await answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'dev', EMAIL_OTP_CODE: await mailCode('dev@example.com') });
      const meta = done.AuthenticationResult?.NewDeviceMetadata;
      assert.ok(meta?.DeviceKey && meta.DeviceGroupKey, 'NewDeviceMetadata');
      await server.anonymous.send(new ConfirmDeviceCommand({ AccessToken: done.AuthenticationResult!.AccessToken!, DeviceKey: meta.DeviceKey, DeviceSecretVerifierConfig: createDeviceSecretVerifierConfig(meta.DeviceGroupKey, meta.DeviceKey, generateDevicePassword()) }));
      const again = await initiate(pool, { USERNAME: 'dev', PREFERRED_CHALLENGE: 'EMAIL_OTP', DEVICE_KEY: meta.DeviceKey });
      const next = await answer(pool, 'EMAIL_OTP', again.Session, { USERNAME: 'dev', EMAIL_OTP_CODE: await mailCode('dev@example.com') });
      assert.equal(next.ChallengeName, 'DEVICE_SRP_AUTH');
    });

    it('the triggers run as in every flow: PreAuthentication, CustomMessage_Authentication, PostAuthentication, PreTokenGeneration', async () => {
      const pool = await passwordlessPool(server, undefined, {
        LambdaConfig: { PreAuthentication: arn('ua-pre-auth'), PostAuthentication: arn('ua-post-auth'), PreTokenGeneration: arn('ua-pre-token'), CustomMessage: arn('ua-custom-message') },
      });
      host.handlers.set('ua-custom-message', (e) => ({ ...e, response: { ...e.response, emailSubject: 'Your sign-in code', emailMessage: `Sign in with ${e.request.codeParameter}` } }));
      await passwordlessUser(server, pool, 'tina', { email: 'tina@example.com' });
      const start = await initiate(pool, { USERNAME: 'tina', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      assert.equal(host.last('ua-pre-auth').triggerSource, 'PreAuthentication_Authentication');
      assert.equal(host.last('ua-custom-message').triggerSource, 'CustomMessage_Authentication');
      const mail = await smtp.waitFor((m) => m.to.includes('tina@example.com'));
      assert.equal(mail.subject, 'Your sign-in code');
      const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
      await answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'tina', EMAIL_OTP_CODE: code });
      assert.equal(host.last('ua-post-auth').triggerSource, 'PostAuthentication_Authentication');
      assert.equal(host.last('ua-pre-token').triggerSource, 'TokenGeneration_Authentication');
    });

    it('A26: OTP brute force: a code dies after its bounded wrong tries, the right one is then refused too', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'brute', { email: 'brute@example.com' });
      const start = await initiate(pool, { USERNAME: 'brute', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      const code = await mailCode('brute@example.com');
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) assert.equal((await fails(() => answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'brute', EMAIL_OTP_CODE: wrong }))).name, 'CodeMismatchException');
      // Dead, and (under PreventUserExistenceErrors) answered as any wrong code is.
      assert.deepEqual(await fails(() => answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'brute', EMAIL_OTP_CODE: code })), { name: 'CodeMismatchException', message: 'Invalid code received for user' });
    });

    it('P04: one-time codes asked for by name alone are capped per user and hour, over every Session (LEGACY: LimitExceeded; hidden: nothing more sent)', async () => {
      const legacy = await passwordlessPool(server, undefined, {}, { PreventUserExistenceErrors: 'LEGACY' });
      await passwordlessUser(server, legacy, 'flood', { phone: '+15555550109' });
      for (let i = 0; i < 20; i++) assert.equal((await initiate(legacy, { USERNAME: 'flood', PREFERRED_CHALLENGE: 'SMS_OTP' })).ChallengeName, 'SMS_OTP');
      assert.equal((await fails(() => initiate(legacy, { USERNAME: 'flood', PREFERRED_CHALLENGE: 'SMS_OTP' }))).name, 'LimitExceededException');
      const hiddenPool = await passwordlessPool(server);
      await passwordlessUser(server, hiddenPool, 'flood2', { phone: '+15555550110' });
      for (let i = 0; i < 21; i++) assert.equal((await initiate(hiddenPool, { USERNAME: 'flood2', PREFERRED_CHALLENGE: 'SMS_OTP' })).ChallengeName, 'SMS_OTP');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sms.count('+15555550110'), 20);
    });

    it('P24: a replayed SELECT_CHALLENGE answer sends no second code, for a real user and an unknown name alike', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'replay', { email: 'replay@example.com' });
      for (const name of ['replay', 'nobody-here']) {
        const start = await initiate(pool, { USERNAME: name });
        assert.equal((await answer(pool, 'SELECT_CHALLENGE', start.Session, { USERNAME: name, ANSWER: 'EMAIL_OTP' })).ChallengeName, 'EMAIL_OTP');
        assert.deepEqual(await fails(() => answer(pool, 'SELECT_CHALLENGE', start.Session, { USERNAME: name, ANSWER: 'EMAIL_OTP' })), { name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' });
      }
      await mailCode('replay@example.com');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(smtp.messages.filter((m) => m.to.includes('replay@example.com')).length, 1, 'one code sent');
    });

    it('A26: OTP reuse: a code that signed in once signs in no one again, with its Session or a new one', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'reuse', { email: 'reuse@example.com' });
      const start = await initiate(pool, { USERNAME: 'reuse', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      const code = await mailCode('reuse@example.com');
      assert.ok((await answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'reuse', EMAIL_OTP_CODE: code })).AuthenticationResult);
      assert.equal((await fails(() => answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'reuse', EMAIL_OTP_CODE: code }))).name, 'CodeMismatchException');
      const again = await initiate(pool, { USERNAME: 'reuse', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      await mailCode('reuse@example.com');
      const other = await fails(() => answer(pool, 'EMAIL_OTP', again.Session, { USERNAME: 'reuse', EMAIL_OTP_CODE: code }));
      assert.equal(other.name, 'CodeMismatchException');
    });

    it('A05: USER_AUTH on a client without ALLOW_USER_AUTH is refused', async () => {
      const pool = await passwordlessPool(server, undefined, {}, { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      await passwordlessUser(server, pool, 'nope', { email: 'nope@example.com' });
      const refused = await fails(() => initiate(pool, { USERNAME: 'nope', PREFERRED_CHALLENGE: 'EMAIL_OTP' }));
      assert.deepEqual(refused, { name: 'InvalidParameterException', message: 'USER_AUTH flow not enabled for this client' });
      assert.equal(smtp.messages.filter((m) => m.to.includes('nope@example.com')).length, 0, 'no code sent');
    });

    it("A05: a factor the pool doesn't allow is neither offered, started by preference, nor accepted as an ANSWER", async () => {
      const pool = await passwordlessPool(server, ['PASSWORD']);
      await passwordlessUser(server, pool, 'pw', { email: 'pw@example.com', phone: '+15555550105' });
      const start = await initiate(pool, { USERNAME: 'pw', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      assert.equal(start.ChallengeName, 'SELECT_CHALLENGE');
      assert.deepEqual(start.AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP']);
      for (const factor of ['EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN']) {
        const refused = await fails(() => answer(pool, 'SELECT_CHALLENGE', start.Session, { USERNAME: 'pw', ANSWER: factor }));
        assert.equal(refused.name, 'InvalidParameterException', factor);
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(smtp.messages.filter((m) => m.to.includes('pw@example.com')).length, 0, 'no code sent');
      assert.equal(sms.count('+15555550105'), 0, 'no text sent');
    });

    it('P01: an unknown name is answered like a known one (the choice, a code "sent", the code refused); LEGACY clients hear UserNotFound', async () => {
      const pool = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP']);
      await passwordlessUser(server, pool, 'known@example.com', { email: 'known@example.com' });
      const known = await initiate(pool, { USERNAME: 'known@example.com' });
      const unknown = await initiate(pool, { USERNAME: 'ghost@example.com' });
      assert.equal(unknown.ChallengeName, known.ChallengeName);
      assert.deepEqual(unknown.AvailableChallenges, known.AvailableChallenges);
      assert.deepEqual(Object.keys(unknown.ChallengeParameters ?? {}), Object.keys(known.ChallengeParameters ?? {}));
      assert.ok(Math.abs(unknown.Session!.length - known.Session!.length) <= 8, 'Sessions of like length');

      const knownOtp = await answer(pool, 'SELECT_CHALLENGE', known.Session, { USERNAME: 'known@example.com', ANSWER: 'EMAIL_OTP' });
      const unknownOtp = await answer(pool, 'SELECT_CHALLENGE', unknown.Session, { USERNAME: 'ghost@example.com', ANSWER: 'EMAIL_OTP' });
      assert.equal(unknownOtp.ChallengeName, knownOtp.ChallengeName);
      assert.deepEqual(Object.keys(unknownOtp.ChallengeParameters!).sort(), Object.keys(knownOtp.ChallengeParameters!).sort());
      assert.equal(unknownOtp.ChallengeParameters!.CODE_DELIVERY_DESTINATION, 'g***@e***');
      await mailCode('known@example.com');
      const knownWrong = await fails(() => answer(pool, 'EMAIL_OTP', knownOtp.Session, { USERNAME: 'known@example.com', EMAIL_OTP_CODE: '000000' }));
      const unknownWrong = await fails(() => answer(pool, 'EMAIL_OTP', unknownOtp.Session, { USERNAME: 'ghost@example.com', EMAIL_OTP_CODE: '000000' }));
      assert.deepEqual(unknownWrong, knownWrong.name === 'CodeMismatchException' ? knownWrong : { name: 'CodeMismatchException', message: knownWrong.message });
      // By preference too: a code "sent" to no one, and no mail.
      const direct = await initiate(pool, { USERNAME: 'ghost@example.com', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      assert.equal(direct.ChallengeName, 'EMAIL_OTP');
      assert.equal(smtp.messages.filter((m) => m.to.includes('ghost@example.com')).length, 0);

      const legacy = await passwordlessPool(server, ['PASSWORD', 'EMAIL_OTP'], {}, { PreventUserExistenceErrors: 'LEGACY' });
      assert.equal((await fails(() => initiate(legacy, { USERNAME: 'ghost@example.com' }))).name, 'UserNotFoundException');
    });

    it('P01: a locked user gets a code "sent" but no sign-in under PreventUserExistenceErrors (lockout counted as in other flows)', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'locky', { email: 'locky@example.com' });
      for (let i = 0; i < 6; i++) await fails(() => initiate(pool, { USERNAME: 'locky', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: 'Wr0ng-Horse!!' }));
      const start = await initiate(pool, { USERNAME: 'locky', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
      assert.equal(start.ChallengeName, 'EMAIL_OTP');
      const code = await mailCode('locky@example.com');
      assert.equal((await fails(() => answer(pool, 'EMAIL_OTP', start.Session, { USERNAME: 'locky', EMAIL_OTP_CODE: code }))).name, 'CodeMismatchException');
    });

    it('A03: null and wrong types in every new member are refused with a 400, never a 500', async () => {
      const pool = await passwordlessPool(server);
      await passwordlessUser(server, pool, 'types', { email: 'types@example.com' });
      const start = await initiate(pool, { USERNAME: 'types' });
      const call = async (target: string, body: unknown) => {
        const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` }, body: JSON.stringify(body) });
        const json = (await res.json()) as { __type?: string };
        return { status: res.status, type: json.__type ?? '' };
      };
      const base = { AuthFlow: 'USER_AUTH', ClientId: pool.clientId };
      // A null map value is no value (the JSON protocol drops it): no preference, so the choice.
      const none = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' }, body: JSON.stringify({ ...base, AuthParameters: { USERNAME: 'types', PREFERRED_CHALLENGE: null } }) });
      assert.equal(((await none.json()) as { ChallengeName?: string }).ChallengeName, 'SELECT_CHALLENGE');
      const bad: [string, unknown][] = [
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types', PREFERRED_CHALLENGE: 7 } }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types', PREFERRED_CHALLENGE: ['EMAIL_OTP'] } }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types', PREFERRED_CHALLENGE: 'EMAIL_MFA' } }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types', PREFERRED_CHALLENGE: '__proto__' } }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: null } }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types' }, Session: 42 }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types' }, Session: 'not-a-session' }],
        ['InitiateAuth', { ...base, AuthParameters: { USERNAME: 'types' }, Session: start.Session }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SELECT_CHALLENGE', Session: start.Session, ChallengeResponses: { USERNAME: 'types', ANSWER: null } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SELECT_CHALLENGE', Session: start.Session, ChallengeResponses: { USERNAME: 'types', ANSWER: 3 } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SELECT_CHALLENGE', Session: start.Session, ChallengeResponses: { USERNAME: 'types', ANSWER: 'toString' } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SELECT_CHALLENGE', Session: start.Session, ChallengeResponses: { USERNAME: 'types' } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SELECT_CHALLENGE', Session: null, ChallengeResponses: { USERNAME: 'types', ANSWER: 'EMAIL_OTP' } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'EMAIL_OTP', Session: start.Session, ChallengeResponses: { USERNAME: 'types', EMAIL_OTP_CODE: '123456' } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SMS_OTP', Session: start.Session, ChallengeResponses: { USERNAME: 'types', SMS_OTP_CODE: null } }],
        ['RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'SMS_OTP', Session: 5, ChallengeResponses: { USERNAME: 'types', SMS_OTP_CODE: '123456' } }],
        ['GetUserAuthFactors', { AccessToken: null }],
        ['GetUserAuthFactors', { AccessToken: 12 }],
        ['GetUserAuthFactors', { AccessToken: 'not.a.token' }],
      ];
      for (const [target, body] of bad) {
        const out = await call(target, body);
        assert.equal(out.status, 400, `${target} ${JSON.stringify(body).slice(0, 160)} → ${out.status} ${out.type}`);
        assert.match(out.type, /InvalidParameterException|NotAuthorizedException|SerializationException|ValidationException|CodeMismatchException/, JSON.stringify(body).slice(0, 160));
      }
      // A member of the wrong type in a new field of the pool: UserPoolTier, AllowedFirstAuthFactors (the SDK leaves nulls out; null elements stay).
      for (const body of [{ PoolName: 'x', UserPoolTier: 'GOLD' }, { PoolName: 'x', UserPoolTier: 3 }, { PoolName: 'x', Policies: { SignInPolicy: { AllowedFirstAuthFactors: 'PASSWORD' } } }, { PoolName: 'x', Policies: { SignInPolicy: { AllowedFirstAuthFactors: [null] } } }]) {
        await assert.rejects(server.admin.send(new (await import('@aws-sdk/client-cognito-identity-provider')).CreateUserPoolCommand(body as never)), (e: Error) => /InvalidParameterException|SerializationException|ValidationException/.test(e.name), JSON.stringify(body));
      }
    });
  });
}

/**
 * security.md P23, P24, A26 and P03 for second factors: a TOTP code works once; wrong MFA codes
 * lock the account (and re-entering the password buys no more guesses); an SMS code from one
 * sign-in session never completes another; a session sends at most a capped number of codes.
 * Time is the server's ManualClock; TOTP codes are computed here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { MAX_DELIVERIES_PER_SESSION } from '../../../src/domain/sign-in/mfa/challenge.js';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { nextCode, totp } from '../../support/mfa.js';
import { PASSWORD, WRONG, fails, newPool, type Pool } from './helpers.js';

const LOCKED = { name: 'NotAuthorizedException', message: 'Password attempts exceeded' };
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms' };

for (const kind of databaseKinds) {
  describe(`MFA security (P23, P24, A26) (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(server);
      await server.admin.send(
        new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }),
      );
    });
    after(() => server.stop());

    async function user(username: string, attributes: Record<string, string> = {}) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
    }
    const signIn = (USERNAME: string, password = PASSWORD) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD: password } }));
    const respond = (ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: ChallengeName as never, Session, ChallengeResponses }));

    /** A user with a verified, preferred software token; returns its secret. */
    async function totpUser(username: string): Promise<string> {
      await user(username);
      const token = (await signIn(username)).AuthenticationResult!.AccessToken!;
      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
      await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totp(SecretCode!, server.clock.now()) }));
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: username, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
      server.clock.advance(30_000);
      return SecretCode!;
    }

    const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

    it('TOTP code reuse: a code accepted once is refused the second time, in the same 30 s step', async () => {
      const secret = await totpUser('reuse');
      const code = totp(secret, server.clock.now());
      const first = await signIn('reuse');
      assert.ok((await respond('SOFTWARE_TOKEN_MFA', first.Session, { USERNAME: 'reuse', SOFTWARE_TOKEN_MFA_CODE: code })).AuthenticationResult);
      const second = await signIn('reuse');
      assert.deepEqual(await fails(() => respond('SOFTWARE_TOKEN_MFA', second.Session, { USERNAME: 'reuse', SOFTWARE_TOKEN_MFA_CODE: code })), {
        name: 'ExpiredCodeException',
        message: 'Your software token has already been used once.',
      });
      // An older code (the previous step) is also spent once a newer one was used.
      server.clock.advance(30_000);
      const third = await signIn('reuse');
      assert.equal((await fails(() => respond('SOFTWARE_TOKEN_MFA', third.Session, { USERNAME: 'reuse', SOFTWARE_TOKEN_MFA_CODE: code }))).name, 'ExpiredCodeException');
      // The next step's code works, in the same session.
      assert.ok((await respond('SOFTWARE_TOKEN_MFA', third.Session, { USERNAME: 'reuse', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) })).AuthenticationResult);
      server.clock.advance(30_000);
    });

    it('TOTP code reuse: parallel answers with one code give exactly one sign-in', async () => {
      const secret = await totpUser('parallel');
      const code = totp(secret, server.clock.now());
      const sessions = await Promise.all([1, 2, 3, 4, 5].map(() => signIn('parallel')));
      const results = await Promise.allSettled(sessions.map((s) => respond('SOFTWARE_TOKEN_MFA', s.Session, { USERNAME: 'parallel', SOFTWARE_TOKEN_MFA_CODE: code })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      server.clock.advance(30_000);
    });

    it('MFA brute force → lockout: 5 wrong codes lock the account, and re-entering the password buys no more guesses', async () => {
      const secret = await totpUser('brute');
      for (let i = 1; i <= 5; i++) {
        // A fresh sign-in each time: the correct password must not reset the second-factor count.
        const s = await signIn('brute');
        assert.equal(s.ChallengeName, 'SOFTWARE_TOKEN_MFA', `attempt ${i} reaches MFA`);
        const err = await fails(() => respond('SOFTWARE_TOKEN_MFA', s.Session, { USERNAME: 'brute', SOFTWARE_TOKEN_MFA_CODE: wrongCode(totp(secret, server.clock.now())) }));
        assert.equal(err.name, 'CodeMismatchException', `attempt ${i}`);
      }
      // Locked: neither the password nor the right code gets through.
      // This client sets PreventUserExistenceErrors ENABLED (helpers.ts newPool), so the password step
      // refuses the right password during the lock as it would a wrong one.
      assert.deepEqual(await fails(() => signIn('brute')), INCORRECT);
      server.clock.advance(1_500);
      const s = await signIn('brute');
      // The 6th wrong code doubles the lock.
      await fails(() => respond('SOFTWARE_TOKEN_MFA', s.Session, { USERNAME: 'brute', SOFTWARE_TOKEN_MFA_CODE: wrongCode(totp(secret, server.clock.now())) }));
      assert.deepEqual(await fails(() => respond('SOFTWARE_TOKEN_MFA', s.Session, { USERNAME: 'brute', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) })), LOCKED);
      server.clock.advance(2_500);
      const ok = await respond('SOFTWARE_TOKEN_MFA', s.Session, { USERNAME: 'brute', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) });
      assert.ok(ok.AuthenticationResult, 'after the lock, the right code works');
      server.clock.advance(30_000);
      // Success reset the counters: one wrong code doesn't lock.
      const again = await signIn('brute');
      await fails(() => respond('SOFTWARE_TOKEN_MFA', again.Session, { USERNAME: 'brute', SOFTWARE_TOKEN_MFA_CODE: wrongCode(totp(secret, server.clock.now())) }));
      assert.ok((await respond('SOFTWARE_TOKEN_MFA', again.Session, { USERNAME: 'brute', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) })).AuthenticationResult);
      server.clock.advance(30_000);
    });

    it('MFA brute force → lockout: wrong SMS codes count as well, and a wrong password still counts', async () => {
      await user('smsbrute', { phone_number: '+15555550111' });
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'smsbrute', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const s = await signIn('smsbrute');
      const code = await nextCode(server, pool.poolId, '+15555550111');
      for (let i = 0; i < 4; i++) await fails(() => respond('SMS_MFA', s.Session, { USERNAME: 'smsbrute', SMS_MFA_CODE: wrongCode(code) }));
      await fails(() => signIn('smsbrute', WRONG));
      assert.deepEqual(await fails(() => respond('SMS_MFA', s.Session, { USERNAME: 'smsbrute', SMS_MFA_CODE: code })), LOCKED);
    });

    it('cross-session code use: an SMS code from one sign-in never completes another', async () => {
      await user('cross', { phone_number: '+15555550122' });
      await user('other', { phone_number: '+15555550133' });
      for (const u of ['cross', 'other']) {
        await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: u, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      }
      const a = await signIn('cross');
      const codeA = await nextCode(server, pool.poolId, '+15555550122');
      const b = await signIn('cross');
      const codeB = await nextCode(server, pool.poolId, '+15555550122');
      const o = await signIn('other');
      const codeO = await nextCode(server, pool.poolId, '+15555550133');
      if (codeA !== codeB) assert.equal((await fails(() => respond('SMS_MFA', b.Session, { USERNAME: 'cross', SMS_MFA_CODE: codeA }))).name, 'CodeMismatchException');
      if (codeO !== codeA) assert.equal((await fails(() => respond('SMS_MFA', a.Session, { USERNAME: 'cross', SMS_MFA_CODE: codeO }))).name, 'CodeMismatchException');
      // Another user's session with this user's name (or code) gets nowhere.
      assert.equal((await fails(() => respond('SMS_MFA', o.Session, { USERNAME: 'cross', SMS_MFA_CODE: codeA }))).name, 'NotAuthorizedException');
      // Each code still works in its own session (a newer session doesn't kill an older one's code).
      assert.ok((await respond('SMS_MFA', a.Session, { USERNAME: 'cross', SMS_MFA_CODE: codeA })).AuthenticationResult);
      assert.ok((await respond('SMS_MFA', b.Session, { USERNAME: 'cross', SMS_MFA_CODE: codeB })).AuthenticationResult);
      assert.ok((await respond('SMS_MFA', o.Session, { USERNAME: 'other', SMS_MFA_CODE: codeO })).AuthenticationResult);
      // A session from another app client is refused.
      const otherClient = await newPool(server);
      assert.equal(
        (await fails(() => server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: otherClient.clientId, ChallengeName: 'SMS_MFA', Session: a.Session, ChallengeResponses: { USERNAME: 'cross', SMS_MFA_CODE: codeA } })))).name,
        'NotAuthorizedException',
      );
    });

    it('a user disabled, or given a new temporary password, between the password and the code gets no tokens', async () => {
      const secret = await totpUser('between');
      const first = await signIn('between');
      await server.admin.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: 'between' }));
      assert.deepEqual(await fails(() => respond('SOFTWARE_TOKEN_MFA', first.Session, { USERNAME: 'between', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) })), {
        name: 'NotAuthorizedException',
        message: 'User is disabled.',
      });
      await server.admin.send(new AdminEnableUserCommand({ UserPoolId: pool.poolId, Username: 'between' }));
      const second = await signIn('between');
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'between', Password: 'Temp-Pass-456!', Permanent: false }));
      assert.equal((await fails(() => respond('SOFTWARE_TOKEN_MFA', second.Session, { USERNAME: 'between', SOFTWARE_TOKEN_MFA_CODE: totp(secret, server.clock.now()) }))).name, 'NotAuthorizedException');
    });

    it(`deliveries per session are capped: a replayed SELECT_MFA_TYPE answer sends at most ${MAX_DELIVERIES_PER_SESSION} codes`, async () => {
      await user('capped', { phone_number: '+15555550144' });
      const token = (await signIn('capped')).AuthenticationResult!.AccessToken!;
      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
      await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totp(SecretCode!, server.clock.now()) }));
      server.clock.advance(30_000);
      await server.admin.send(
        new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'capped', SMSMfaSettings: { Enabled: true }, SoftwareTokenMfaSettings: { Enabled: true } }),
      );
      const select = await signIn('capped');
      assert.equal(select.ChallengeName, 'SELECT_MFA_TYPE');
      for (let i = 0; i < MAX_DELIVERIES_PER_SESSION; i++) {
        assert.equal((await respond('SELECT_MFA_TYPE', select.Session, { USERNAME: 'capped', ANSWER: 'SMS_MFA' })).ChallengeName, 'SMS_MFA');
      }
      assert.equal((await fails(() => respond('SELECT_MFA_TYPE', select.Session, { USERNAME: 'capped', ANSWER: 'SMS_MFA' }))).name, 'LimitExceededException');
      const sent = (await server.running.cognate.outbox.recent(1000, pool.poolId)).filter((m) => m.to === '+15555550144');
      assert.equal(sent.length, MAX_DELIVERIES_PER_SESSION);
    });
  });
}

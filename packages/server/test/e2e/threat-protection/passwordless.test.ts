/**
 * Threat protection and passwordless sign-in (USER_AUTH with EMAIL_OTP), with the AWS SDK v3
 * against a running server: a one-time-code sign-in is assessed and recorded as a password one is
 * (the same signals, BLOCK and the blocked ranges refuse it, a wrong code is a failed SignIn, an
 * unknown name's wrong code the same row without a user), MFA_* actions are met by the code itself;
 * and a FORCE_CHANGE_PASSWORD user who signs in with a code must set a password first
 * (NEW_PASSWORD_REQUIRED, screened against the breached list), then gets tokens with no MFA.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetRiskConfigurationCommand,
  type AuthEventType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { Codes, fails } from '../security/helpers.js';
import { passwordlessPool, passwordlessUser, type Pool } from '../user-auth/support.js';

const BREACHED = 'password1';
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const REFUSED = { name: 'InvalidPasswordException', message: 'Provided password cannot be used for security reasons.' };
const LAX = { MinimumLength: 8, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false };

for (const kind of databaseKinds) {
  describe(`threat protection: passwordless sign-in (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let codes: Codes;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      pool = await passwordlessPool(
        server,
        ['PASSWORD', 'EMAIL_OTP'],
        { Policies: { PasswordPolicy: LAX, SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } }, UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } },
        { EnablePropagateAdditionalUserContextData: true },
      );
      await server.admin.send(
        new SetRiskConfigurationCommand({
          UserPoolId: pool.poolId,
          CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
          AccountTakeoverRiskConfiguration: { Actions: { LowAction: { Notify: false, EventAction: 'NO_ACTION' }, MediumAction: { Notify: false, EventAction: 'MFA_REQUIRED' }, HighAction: { Notify: false, EventAction: 'BLOCK' } } },
          RiskExceptionConfiguration: { BlockedIPRangeList: ['203.0.113.0/24'] },
        }),
      );
    });
    after(() => server.stop());

    const events = async (Username: string): Promise<AuthEventType[]> => (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username }))).AuthEvents ?? [];
    const rows = async () => Number((await server.running.cognate.store.db.selectFrom('auth_events').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', pool.poolId).executeTakeFirstOrThrow()).n);
    const startOtp = (USERNAME: string, IpAddress: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PREFERRED_CHALLENGE: 'EMAIL_OTP' }, UserContextData: { IpAddress } }));
    const respond = (ChallengeName: 'EMAIL_OTP' | 'NEW_PASSWORD_REQUIRED', Session: string | undefined, ChallengeResponses: Record<string, string>, IpAddress: string) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName, Session, ChallengeResponses, UserContextData: { IpAddress } }));
    /** A whole EMAIL_OTP sign-in from `ip`, with the code the outbox holds. */
    const otpSignIn = async (USERNAME: string, email: string, ip: string) => {
      const start = await startOtp(USERNAME, ip);
      assert.equal(start.ChallengeName, 'EMAIL_OTP');
      return respond('EMAIL_OTP', start.Session, { USERNAME, EMAIL_OTP_CODE: await codes.next(pool.poolId, email) }, ip);
    };

    it('an email-code sign-in is scored and recorded as a password one: no challenges named, the same signals, MFA_* met by the code itself, BLOCK and blocked ranges refuse it', async () => {
      await passwordlessUser(server, pool, 'otto', { email: 'otto@example.com' });
      assert.ok((await otpSignIn('otto', 'otto@example.com', '10.9.0.1')).AuthenticationResult?.AccessToken);
      let [latest] = await events('otto');
      assert.deepEqual([latest?.EventType, latest?.EventResponse], ['SignIn', 'Pass']);
      assert.deepEqual(latest?.EventRisk, { RiskDecision: 'NoRisk', CompromisedCredentialsDetected: false });
      assert.deepEqual(latest?.ChallengeResponses, [], 'AuthEventType names Password and Mfa challenges only');
      assert.equal(latest?.EventContextData?.IpAddress, '10.9.0.1');

      // A new network: Medium, whose action is MFA_REQUIRED: the one-time code already proved possession; no MFA is asked.
      const medium = await otpSignIn('otto', 'otto@example.com', '172.30.0.1');
      assert.ok(medium.AuthenticationResult?.AccessToken);
      [latest] = await events('otto');
      assert.deepEqual(latest?.EventRisk, { RiskDecision: 'AccountTakeover', RiskLevel: 'Medium', CompromisedCredentialsDetected: false });
      assert.equal(latest?.EventResponse, 'Pass');

      // A blocked range refuses even a right code, with the answer a wrong password gets.
      assert.deepEqual(await fails(() => otpSignIn('otto', 'otto@example.com', '203.0.113.5')), INCORRECT);
      [latest] = await events('otto');
      assert.deepEqual([latest?.EventResponse, latest?.EventRisk?.RiskDecision], ['Fail', 'Block']);
    });

    it('a wrong code is a failed SignIn; P01: an unknown name\'s wrong code writes the same row, without a user', async () => {
      await passwordlessUser(server, pool, 'wanda', { email: 'wanda@example.com' });
      const start = await startOtp('wanda', '10.9.1.1');
      await codes.skipAll(pool.poolId);
      const before = await rows();
      assert.equal((await fails(() => respond('EMAIL_OTP', start.Session, { USERNAME: 'wanda', EMAIL_OTP_CODE: '000000' }, '10.9.1.1'))).name, 'CodeMismatchException');
      const afterKnown = await rows();
      const [failed] = await events('wanda');
      assert.deepEqual([failed?.EventType, failed?.EventResponse, failed?.ChallengeResponses], ['SignIn', 'Fail', []]);
      const decoy = await startOtp('no-such-wanda', '10.9.1.1');
      assert.equal(decoy.ChallengeName, 'EMAIL_OTP', 'an unknown name is answered like a known one');
      assert.equal((await fails(() => respond('EMAIL_OTP', decoy.Session, { USERNAME: 'no-such-wanda', EMAIL_OTP_CODE: '000000' }, '10.9.1.1'))).name, 'CodeMismatchException');
      assert.equal(afterKnown - before, 1);
      assert.equal((await rows()) - afterKnown, 1);
    });

    it('a FORCE_CHANGE_PASSWORD user signing in with an email code must set a password first (NEW_PASSWORD_REQUIRED, screened), then gets tokens without MFA and is CONFIRMED', async () => {
      await server.admin.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.poolId,
          Username: 'fern',
          TemporaryPassword: 'temporary-passphrase',
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: 'fern@example.com' }, { Name: 'email_verified', Value: 'true' }],
        }),
      );
      const challenge = await otpSignIn('fern', 'fern@example.com', '10.9.2.1');
      assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED', 'no tokens before a password of their own');
      assert.equal(challenge.AuthenticationResult, undefined);
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'fern' }))).UserStatus, 'FORCE_CHANGE_PASSWORD');
      assert.deepEqual(await fails(() => respond('NEW_PASSWORD_REQUIRED', challenge.Session, { USERNAME: 'fern', NEW_PASSWORD: BREACHED }, '10.9.2.1')), REFUSED);
      const done = await respond('NEW_PASSWORD_REQUIRED', challenge.Session, { USERNAME: 'fern', NEW_PASSWORD: 'fern-own-passphrase' }, '10.9.2.1');
      assert.ok(done.AuthenticationResult?.AccessToken, 'tokens, no MFA after a passwordless first factor');
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'fern' }))).UserStatus, 'CONFIRMED');
      // The password they chose is theirs now; the temporary one is gone.
      const withPassword = (PASSWORD: string) =>
        server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: 'fern', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD }, UserContextData: { IpAddress: '10.9.2.1' } }));
      assert.ok((await withPassword('fern-own-passphrase')).AuthenticationResult?.AccessToken);
      assert.deepEqual(await fails(() => withPassword('temporary-passphrase')), INCORRECT);
      // The Session was good for one answer.
      assert.equal((await fails(() => respond('NEW_PASSWORD_REQUIRED', challenge.Session, { USERNAME: 'fern', NEW_PASSWORD: 'yet-another-passphrase' }, '10.9.2.1'))).name, 'NotAuthorizedException');
      const history = await events('fern');
      assert.deepEqual(history.map((e) => [e.EventType, e.EventResponse]), [['SignIn', 'Fail'], ['SignIn', 'Pass'], ['PasswordChange', 'Pass'], ['PasswordChange', 'Fail'], ['SignIn', 'Pass'], ['SignUp', 'Pass']]);
      assert.deepEqual(history[4]?.ChallengeResponses, [], 'the email-code sign-in names no Password challenge');
    });
  });
}

/**
 * The rest of threat protection's coverage, with the AWS SDK v3 against a running server: the
 * breached-password check wherever a password is set (AdminCreateUser's TemporaryPassword, a
 * RESEND's, the NEW_PASSWORD_REQUIRED answer, a UserMigration sign-in), the events Cognito records
 * besides sign-ins and password changes (a ForgotPassword request, ResendConfirmationCode, a token
 * refresh, a wrong CUSTOM_AUTH answer under CustomAuthMode), P01 for the requests that hide who
 * exists, and TemporaryPasswordValidityDays 0 (Cognito: the default, 7).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SetRiskConfigurationCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  type AuthEventType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { arn, TriggerHost } from '../../support/triggers.js';
import { CREATE, DEFINE, VERIFY } from '../../support/custom-challenge.js';
import { Codes, PASSWORD, confirmedUser, fails, newPool, type Pool } from '../security/helpers.js';

/** On the shipped list (SecLists' top passwords) and within the lax policy below. */
const BREACHED = 'password1';
const FINE = 'a-fine-new-passphrase';
const REFUSED = { name: 'InvalidPasswordException', message: 'Provided password cannot be used for security reasons.' };
const LAX = { Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false } } };
const DAY_MS = 86_400_000;

for (const kind of databaseKinds) {
  describe(`threat protection: every password set, every event (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let codes: Codes;
    let host: TriggerHost;

    before(async () => {
      host = await TriggerHost.start();
      const triggers = {
        [arn('tp-define')]: await host.module('tp-define', DEFINE),
        [arn('tp-create')]: await host.module('tp-create', CREATE),
        [arn('tp-verify')]: await host.module('tp-verify', VERIFY),
        [arn('tp-migrate')]: await host.module('tp-migrate', MIGRATE),
      };
      server = await startTestServer(kind, { triggers });
      codes = new Codes(server);
    });
    after(async () => {
      await server.stop();
      await host.stop();
    });

    const protectedPool = (mode: 'ENFORCED' | 'AUDIT' = 'ENFORCED', extra: Record<string, unknown> = {}, client: Record<string, unknown> = {}) =>
      newPool(server, { ...LAX, UserPoolAddOns: { AdvancedSecurityMode: mode }, ...extra }, client);
    const blockBreached = (pool: Pool) => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } } }));
    const events = async (pool: Pool, Username: string): Promise<AuthEventType[]> => (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username }))).AuthEvents ?? [];
    const summary = (e: AuthEventType | undefined) => [e?.EventType, e?.EventResponse, e?.EventRisk?.RiskDecision, e?.EventRisk?.CompromisedCredentialsDetected];
    const rows = async (pool: Pool) => Number((await server.running.cognate.store.db.selectFrom('auth_events').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', pool.poolId).executeTakeFirstOrThrow()).n);
    const signIn = (pool: Pool, USERNAME: string, PASSWORD: string) => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD } }));

    it("BLOCK refuses a breached password as AdminCreateUser's TemporaryPassword (SignUp) and a RESEND's (PasswordChange); a fine one is recorded", async () => {
      const pool = await protectedPool();
      await blockBreached(pool);
      assert.deepEqual(await fails(() => server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'olga', TemporaryPassword: BREACHED, MessageAction: 'SUPPRESS' }))), REFUSED);
      assert.deepEqual(await fails(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'olga' }))), { name: 'UserNotFoundException', message: 'User does not exist.' }, 'no user was created');
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'olga', TemporaryPassword: FINE, MessageAction: 'SUPPRESS' }));
      assert.deepEqual(summary((await events(pool, 'olga'))[0]), ['SignUp', 'Pass', 'NoRisk', false]);
      assert.deepEqual(await fails(() => server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'olga', TemporaryPassword: BREACHED, MessageAction: 'RESEND' }))), REFUSED);
      assert.deepEqual(summary((await events(pool, 'olga'))[0]), ['PasswordChange', 'Fail', 'Block', true]);
      // The temporary password stands: the refused one never replaced it.
      assert.equal((await signIn(pool, 'olga', FINE)).ChallengeName, 'NEW_PASSWORD_REQUIRED');
    });

    it('BLOCK refuses a breached NEW_PASSWORD_REQUIRED answer (the Session stays good for a fine one); AUDIT accepts and records a breached temporary password', async () => {
      const pool = await protectedPool();
      await blockBreached(pool);
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'pavel', TemporaryPassword: FINE, MessageAction: 'SUPPRESS' }));
      const challenge = await signIn(pool, 'pavel', FINE);
      assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
      const respond = (NEW_PASSWORD: string) => server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: 'pavel', NEW_PASSWORD } }));
      assert.deepEqual(await fails(() => respond(BREACHED)), REFUSED);
      assert.deepEqual(summary((await events(pool, 'pavel'))[0]), ['PasswordChange', 'Fail', 'Block', true]);
      const done = await respond('another-fine-passphrase');
      assert.ok(done.AuthenticationResult?.AccessToken);
      const history = await events(pool, 'pavel');
      // The sign-in's event (InProgress while the password was set) passed when the tokens came.
      assert.deepEqual(history.map((e) => [e.EventType, e.EventResponse]), [['PasswordChange', 'Pass'], ['PasswordChange', 'Fail'], ['SignIn', 'Pass'], ['SignUp', 'Pass']]);

      const audit = await protectedPool('AUDIT');
      await blockBreached(audit);
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: audit.poolId, Username: 'quinn', TemporaryPassword: BREACHED, MessageAction: 'SUPPRESS' }));
      assert.deepEqual(summary((await events(audit, 'quinn'))[0]), ['SignUp', 'Pass', 'NoRisk', true]);
    });

    it('a user the UserMigration function brings in at sign-in has the password it vouched for screened: BLOCK puts them in RESET_REQUIRED', async () => {
      const pool = await protectedPool('ENFORCED', { LambdaConfig: { UserMigration: arn('tp-migrate') } });
      await blockBreached(pool);
      assert.deepEqual(await fails(() => signIn(pool, 'legacy-rita', BREACHED)), { name: 'PasswordResetRequiredException', message: 'Password reset required for the user' });
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'legacy-rita' }))).UserStatus, 'RESET_REQUIRED');
      assert.deepEqual(summary((await events(pool, 'legacy-rita'))[0]), ['SignIn', 'Fail', 'Block', true]);
      assert.ok((await signIn(pool, 'legacy-sam', FINE)).AuthenticationResult, 'a fine password migrates and signs in');
    });

    it('a ForgotPassword request is a ForgotPassword event and a resent code a ResendCode event; P01: a name that gets nothing writes the same row, without a user', async () => {
      const pool = await protectedPool();
      await confirmedUser(server, codes, pool, 'fay', 'fay@example.com');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: 'fay' }));
      const [requested] = await events(pool, 'fay');
      assert.deepEqual(summary(requested), ['ForgotPassword', 'Pass', 'NoRisk', false]);
      assert.deepEqual(requested?.ChallengeResponses, []);
      let before = await rows(pool);
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: 'no-such-fay' }));
      assert.equal((await rows(pool)) - before, 1, 'an unknown name: the same write');

      await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'gus', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'gus@example.com' }] }));
      await server.anonymous.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: 'gus' }));
      assert.deepEqual(summary((await events(pool, 'gus'))[0]), ['ResendCode', 'Pass', 'NoRisk', false]);
      before = await rows(pool);
      await server.anonymous.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: 'no-such-gus' }));
      assert.equal((await rows(pool)) - before, 1, 'an unknown name: the same write');
      // A confirmed user answers like an unknown name (PreventUserExistenceErrors): a row without a user, nothing in fay's history.
      const fays = (await events(pool, 'fay')).length;
      await server.anonymous.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: 'fay' }));
      assert.equal((await events(pool, 'fay')).length, fays);

      // With existence errors shown (LEGACY), a refused request of a known user is a Fail in their history.
      const legacy = await protectedPool('ENFORCED', {}, { PreventUserExistenceErrors: 'LEGACY' });
      await confirmedUser(server, codes, legacy, 'hal', 'hal@example.com');
      assert.equal((await fails(() => server.anonymous.send(new ResendConfirmationCodeCommand({ ClientId: legacy.clientId, Username: 'hal' })))).name, 'InvalidParameterException');
      assert.deepEqual(summary((await events(legacy, 'hal'))[0]), ['ResendCode', 'Fail', 'NoRisk', false]);
    });

    it("a token refresh is a SignIn event without challenges, which never makes its address known to the signals (and only while threat protection is on)", async () => {
      const pool = await protectedPool('ENFORCED', {}, { EnablePropagateAdditionalUserContextData: true });
      await confirmedUser(server, codes, pool, 'ivy', 'ivy@example.com');
      const from = (IpAddress: string) => ({ UserContextData: { IpAddress } });
      const refreshToken = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: 'ivy', PASSWORD }, ...from('10.5.0.1') }))).AuthenticationResult!.RefreshToken!;
      const refresh = (ip = '172.16.9.9') => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken }, ...from(ip) }));
      assert.ok((await refresh()).AuthenticationResult?.AccessToken);
      const [refreshed] = await events(pool, 'ivy');
      assert.deepEqual(summary(refreshed), ['SignIn', 'Pass', 'NoRisk', false]);
      assert.deepEqual(refreshed?.ChallengeResponses, []);
      assert.equal(refreshed?.EventContextData?.IpAddress, '172.16.9.9');
      // A refresh token proves nothing about who is there: a password sign-in from the refresh's network is still a new network.
      await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: 'ivy', PASSWORD }, ...from('172.16.9.9') }));
      assert.deepEqual((await events(pool, 'ivy'))[0]?.EventRisk, { RiskDecision: 'AccountTakeover', RiskLevel: 'Medium', CompromisedCredentialsDetected: false });
      const recorded = await rows(pool);
      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, ...LAX, AutoVerifiedAttributes: ['email'], UserPoolAddOns: { AdvancedSecurityMode: 'OFF' } }));
      assert.ok((await refresh()).AuthenticationResult?.AccessToken);
      assert.equal(await rows(pool), recorded, 'OFF: nothing recorded');
    });

    it('CUSTOM_AUTH under CustomAuthMode: a wrong answer is a failed SignIn, a right one passes; with no CustomAuthMode nothing is recorded', async () => {
      const lambda = { DefineAuthChallenge: arn('tp-define'), CreateAuthChallenge: arn('tp-create'), VerifyAuthChallengeResponse: arn('tp-verify') };
      const schema = [{ Name: 'colour', AttributeDataType: 'String' as const, Mutable: true }];
      const pool = await protectedPool('ENFORCED', { LambdaConfig: lambda, Schema: schema, UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED', AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'AUDIT' } } }, { ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'jude', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'custom:colour', Value: 'teal' }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'jude', Password: FINE, Permanent: true }));
      const start = () => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: 'jude' } }));
      const answer = (Session: string | undefined, ANSWER: string) => server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session, ChallengeResponses: { USERNAME: 'jude', ANSWER } }));
      const first = await start();
      const second = await answer(first.Session, 'amber');
      assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE', 'another try');
      let history = await events(pool, 'jude');
      assert.deepEqual(summary(history[0]), ['SignIn', 'Fail', 'NoRisk', false]);
      assert.deepEqual(history[0]?.ChallengeResponses, []);
      assert.ok((await answer(second.Session, 'teal')).AuthenticationResult?.AccessToken);
      history = await events(pool, 'jude');
      assert.deepEqual(history.map((e) => [e.EventType, e.EventResponse]), [['SignIn', 'Pass'], ['SignIn', 'Fail'], ['PasswordChange', 'Pass']]);

      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, LambdaConfig: lambda, UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } }));
      const again = await start();
      await answer(again.Session, 'amber');
      assert.equal((await events(pool, 'jude')).length, 3, 'CUSTOM_AUTH without CustomAuthMode is not assessed');
    });

    it("TemporaryPasswordValidityDays 0 is Cognito's default, 7: shown as 7 and a temporary password lasts 7 days", async () => {
      const created = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'zero', Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 0 } } }))).UserPool!;
      assert.equal(created.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays, 7);
      const described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: created.Id! }))).UserPool!;
      assert.equal(described.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays, 7);
      assert.equal(described.AdminCreateUserConfig?.UnusedAccountValidityDays, 7);
      const now = server.clock.now();
      const user = (await server.admin.send(new AdminCreateUserCommand({ UserPoolId: created.Id!, Username: 'kim', TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }))).User!;
      assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
      const row = await server.running.cognate.store.db.selectFrom('users').select('temporary_password_expires_at').where('pool_id', '=', created.Id!).executeTakeFirstOrThrow();
      assert.equal(Number(row.temporary_password_expires_at) - now, 7 * DAY_MS);
      // And UpdateUserPool with 0 likewise.
      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: created.Id!, Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 0 } } }));
      assert.equal((await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: created.Id! }))).UserPool?.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays, 7);
    });
  });
}

/** UserMigration that knows every `legacy-*` name and vouches for whatever password it is given. */
const MIGRATE = `export const handler = async (event) => {
  if (!event.userName.startsWith('legacy-')) throw new Error('unknown');
  event.response.userAttributes = { email: event.userName + '@example.com', email_verified: 'true' };
  event.response.finalUserStatus = 'CONFIRMED';
  event.response.messageAction = 'SUPPRESS';
  return event;
};`;

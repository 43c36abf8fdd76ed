/**
 * Threat protection's configuration and compromised-credentials side, with the AWS SDK v3 against
 * a running server: Set/DescribeRiskConfiguration for the pool and per client (the client's own
 * replaces the pool's), Cognito's errors for what the model can't say, null and wrong types in
 * every new action; a breached password (the shipped list, and an operator's HIBP-style file)
 * refused at sign-up, password change, admin set and reset under BLOCK, accepted and recorded under
 * NO_ACTION and AUDIT, and at sign-in a RESET_REQUIRED; log delivery as structured log lines.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateAuthEventFeedbackCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  DescribeRiskConfigurationCommand,
  ForgotPasswordCommand,
  GetLogDeliveryConfigurationCommand,
  InitiateAuthCommand,
  SetLogDeliveryConfigurationCommand,
  SetRiskConfigurationCommand,
  SignUpCommand,
  UpdateAuthEventFeedbackCommand,
  type AuthEventType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, failureWithStatus, startTestServer, type TestServer } from '../../support/server.js';
import { Codes, PASSWORD, WRONG, confirmedUser, fails, newPool, type Pool } from '../security/helpers.js';
import { srpSignIn } from '../identity/helpers.js';

/** On the shipped list (SecLists' top passwords) and within the lax policy below. */
const BREACHED = 'password1';
/** On no list but the operator's file. */
const OPERATOR_LISTED = 'Zebra-Quartz-1717';
const REFUSED = { name: 'InvalidPasswordException', message: 'Provided password cannot be used for security reasons.' };
const LAX = { Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false } } };
const SOURCE_ARN = 'arn:aws:ses:us-east-1:123456789012:identity/security@example.com';
const LOG_GROUP = 'arn:aws:logs:us-east-1:123456789012:log-group:cognito-events';

/** A file as Have I Been Pwned publishes it: upper-case SHA-1 and a count. */
function operatorFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'breached-'));
  const file = path.join(dir, 'pwned.txt');
  writeFileSync(file, `${createHash('sha1').update(OPERATOR_LISTED).digest('hex').toUpperCase()}:42\n0000000000000000000000000000000000000000:1\n`);
  return file;
}

for (const kind of databaseKinds) {
  describe(`threat protection: configuration and compromised credentials (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let codes: Codes;

    before(async () => {
      server = await startTestServer(kind, { breachedPasswordsFile: operatorFile() });
      codes = new Codes(server);
    });
    after(() => server.stop());

    const enforced = (mode: 'ENFORCED' | 'AUDIT' = 'ENFORCED') => newPool(server, { ...LAX, UserPoolAddOns: { AdvancedSecurityMode: mode } });
    const compromised = (pool: Pool, EventAction: 'BLOCK' | 'NO_ACTION', EventFilter?: ('SIGN_IN' | 'PASSWORD_CHANGE' | 'SIGN_UP')[], ClientId?: string) =>
      server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, ...(ClientId ? { ClientId } : {}), CompromisedCredentialsRiskConfiguration: { Actions: { EventAction }, ...(EventFilter ? { EventFilter } : {}) } }));
    const signUp = (pool: Pool, Username: string, Password: string, ClientId = pool.clientId) =>
      server.anonymous.send(new SignUpCommand({ ClientId, Username, Password, UserAttributes: [{ Name: 'email', Value: `${Username}@example.com` }] }));
    const events = async (pool: Pool, Username: string): Promise<AuthEventType[]> => (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username }))).AuthEvents ?? [];
    const signIn = (pool: Pool, USERNAME: string, PASSWORD: string) => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD } }));

    it('Set/DescribeRiskConfiguration: the pool\'s and a client\'s own, which replaces the pool\'s for that client only', async () => {
      const pool = await enforced();
      const other = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'other' }))).UserPoolClient!.ClientId!;
      const set = await compromised(pool, 'BLOCK', ['SIGN_UP']);
      assert.deepEqual(set.RiskConfiguration?.CompromisedCredentialsRiskConfiguration, { Actions: { EventAction: 'BLOCK' }, EventFilter: ['SIGN_UP'] });
      assert.ok(set.RiskConfiguration?.LastModifiedDate instanceof Date);
      await compromised(pool, 'NO_ACTION', undefined, other);
      const poolView = (await server.admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: pool.poolId }))).RiskConfiguration!;
      assert.equal(poolView.ClientId, undefined);
      assert.equal(poolView.CompromisedCredentialsRiskConfiguration?.Actions?.EventAction, 'BLOCK');
      const clientView = (await server.admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: pool.poolId, ClientId: other }))).RiskConfiguration!;
      assert.equal(clientView.ClientId, other);
      assert.equal(clientView.CompromisedCredentialsRiskConfiguration?.Actions?.EventAction, 'NO_ACTION');
      const fallback = (await server.admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }))).RiskConfiguration!;
      assert.equal(fallback.CompromisedCredentialsRiskConfiguration?.Actions?.EventAction, 'BLOCK', 'a client without its own: the pool\'s');

      assert.deepEqual(await fails(() => signUp(pool, 'blocked', BREACHED)), REFUSED);
      await signUp(pool, 'allowed', BREACHED, other);
      const [event] = await events(pool, 'allowed');
      assert.equal(event?.EventType, 'SignUp');
      assert.equal(event?.EventRisk?.CompromisedCredentialsDetected, true);
    });

    it('refuses what the model can\'t: bad CIDR ranges, Notify without NotifyConfiguration, a template without a body, unknown pools and clients, a pool with threat protection OFF', async () => {
      const pool = await enforced();
      const bad = async (input: Record<string, unknown>) => (await fails(() => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, ...input } as never)))).name;
      for (const range of ['10.0.0.0/33', 'not-an-ip', '10.0.0.1/8/1', '::1/129', '']) {
        assert.equal(await bad({ RiskExceptionConfiguration: { BlockedIPRangeList: [range] } }), 'InvalidParameterException', range);
      }
      const ok = await server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, RiskExceptionConfiguration: { SkippedIPRangeList: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'] } }));
      assert.deepEqual(ok.RiskConfiguration?.RiskExceptionConfiguration?.SkippedIPRangeList, ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1']);
      assert.equal(await bad({ AccountTakeoverRiskConfiguration: { Actions: { HighAction: { Notify: true, EventAction: 'BLOCK' } } } }), 'InvalidParameterException');
      assert.equal(await bad({ AccountTakeoverRiskConfiguration: { NotifyConfiguration: { SourceArn: SOURCE_ARN, BlockEmail: { Subject: 'x' } }, Actions: {} } }), 'InvalidParameterException');
      assert.equal((await fails(() => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, ClientId: 'nosuchclient0000000000000' })))).name, 'ResourceNotFoundException');
      assert.equal((await fails(() => server.admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: 'us-east-1_Nope12345' })))).name, 'ResourceNotFoundException');
      const off = await newPool(server, LAX);
      const disabled = { name: 'UserPoolAddOnNotEnabledException', message: 'Advanced security features are not enabled for this user pool.' };
      assert.deepEqual(await fails(() => compromised(off, 'BLOCK')), disabled);
      await confirmedUser(server, codes, off, 'offuser', 'offuser@example.com', BREACHED);
      assert.deepEqual(await fails(() => events(off, 'offuser')), disabled);
      assert.deepEqual(await fails(() => server.admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: off.poolId, Username: 'offuser', EventId: 'x', FeedbackValue: 'Valid' }))), disabled);
    });

    it('A27: null and wrong types in every new action are a 400 with a Cognito error, never a 500', async () => {
      const pool = await enforced();
      const cases: [string, unknown, () => Promise<unknown>][] = [
        ['SetRiskConfiguration UserPoolId number', 5, () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: 5 } as never))],
        ['SetRiskConfiguration EventAction', 'DELETE', () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'DELETE' } } } as never))],
        ['SetRiskConfiguration EventFilter string', 'SIGN_IN', () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, CompromisedCredentialsRiskConfiguration: { EventFilter: 'SIGN_IN', Actions: { EventAction: 'BLOCK' } } } as never))],
        ['SetRiskConfiguration Actions missing', null, () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, CompromisedCredentialsRiskConfiguration: {} } as never))],
        ['SetRiskConfiguration Notify string', 'yes', () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, AccountTakeoverRiskConfiguration: { Actions: { LowAction: { Notify: 'yes', EventAction: 'BLOCK' } } } } as never))],
        ['SetRiskConfiguration range list a string', '10.0.0.0/8', () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, RiskExceptionConfiguration: { BlockedIPRangeList: '10.0.0.0/8' } } as never))],
        ['SetRiskConfiguration range a number', [10], () => server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, RiskExceptionConfiguration: { BlockedIPRangeList: [10] } } as never))],
        ['DescribeRiskConfiguration UserPoolId null', null, () => server.admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: null } as never))],
        ['AdminListUserAuthEvents MaxResults 61', 61, () => server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: 'x', MaxResults: 61 }))],
        ['AdminListUserAuthEvents MaxResults string', 'ten', () => server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: 'x', MaxResults: 'ten' } as never))],
        ['AdminListUserAuthEvents Username null', null, () => server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: null } as never))],
        ['AdminUpdateAuthEventFeedback FeedbackValue', 'Maybe', () => server.admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: pool.poolId, Username: 'x', EventId: 'e', FeedbackValue: 'Maybe' } as never))],
        ['AdminUpdateAuthEventFeedback EventId null', null, () => server.admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: pool.poolId, Username: 'x', EventId: null, FeedbackValue: 'Valid' } as never))],
        ['UpdateAuthEventFeedback FeedbackToken null', null, () => server.anonymous.send(new UpdateAuthEventFeedbackCommand({ UserPoolId: pool.poolId, Username: 'x', EventId: 'e', FeedbackToken: null, FeedbackValue: 'Valid' } as never))],
        ['UpdateAuthEventFeedback FeedbackValue number', 3, () => server.anonymous.send(new UpdateAuthEventFeedbackCommand({ UserPoolId: pool.poolId, Username: 'x', EventId: 'e', FeedbackToken: 'abc', FeedbackValue: 3 } as never))],
        ['SetLogDeliveryConfiguration LogConfigurations null', null, () => server.admin.send(new SetLogDeliveryConfigurationCommand({ UserPoolId: pool.poolId, LogConfigurations: null } as never))],
        ['SetLogDeliveryConfiguration LogLevel', 'DEBUG', () => server.admin.send(new SetLogDeliveryConfigurationCommand({ UserPoolId: pool.poolId, LogConfigurations: [{ LogLevel: 'DEBUG', EventSource: 'userAuthEvents' }] } as never))],
        ['GetLogDeliveryConfiguration UserPoolId number', 7, () => server.admin.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: 7 } as never))],
      ];
      for (const [what, , call] of cases) {
        const e = await failureWithStatus(call).catch(() => assert.fail(`${what}: accepted`));
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, what);
        assert.equal(e.status, 400, what);
        assert.doesNotMatch(e.message, LEAKED_INTERNALS, what);
      }
    });

    it('BLOCK refuses a breached password at ChangePassword, AdminSetUserPassword and ConfirmForgotPassword (PASSWORD_CHANGE), and records the refused change', async () => {
      const pool = await enforced();
      await compromised(pool, 'BLOCK', ['PASSWORD_CHANGE']);
      await confirmedUser(server, codes, pool, 'grace', 'grace@example.com', PASSWORD);
      const token = (await signIn(pool, 'grace', PASSWORD)).AuthenticationResult!.AccessToken!;
      assert.deepEqual(await fails(() => server.anonymous.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: PASSWORD, ProposedPassword: BREACHED }))), REFUSED);
      const [refusal] = await events(pool, 'grace');
      assert.deepEqual([refusal?.EventType, refusal?.EventResponse, refusal?.EventRisk?.RiskDecision, refusal?.EventRisk?.CompromisedCredentialsDetected], ['PasswordChange', 'Fail', 'Block', true]);
      assert.deepEqual(await fails(() => server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'grace', Password: BREACHED, Permanent: true }))), REFUSED);
      assert.deepEqual(await fails(() => server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'grace', Password: OPERATOR_LISTED, Permanent: true }))), REFUSED, "the operator's file counts too");
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: 'grace' }));
      const code = await codes.next(pool.poolId, 'grace@example.com');
      assert.deepEqual(await fails(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: pool.clientId, Username: 'grace', ConfirmationCode: code, Password: BREACHED }))), REFUSED);
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: pool.clientId, Username: 'grace', ConfirmationCode: code, Password: 'a-fine-new-passphrase' }));
      const [reset] = await events(pool, 'grace');
      assert.deepEqual([reset?.EventType, reset?.EventResponse, reset?.EventRisk?.CompromisedCredentialsDetected], ['ForgotPassword', 'Pass', false]);
      assert.ok((await signIn(pool, 'grace', 'a-fine-new-passphrase')).AuthenticationResult);
      // The filter decides: sign-up isn't in it.
      await signUp(pool, 'henry', BREACHED);
    });

    it('at sign-in, BLOCK puts the user in RESET_REQUIRED (PasswordResetRequiredException); NO_ACTION signs in and records the detection', async () => {
      const pool = await enforced();
      await compromised(pool, 'BLOCK', ['SIGN_IN']);
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'ivan', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'ivan', Password: BREACHED, Permanent: true }));
      assert.deepEqual(await fails(() => signIn(pool, 'ivan', BREACHED)), { name: 'PasswordResetRequiredException', message: 'Password reset required for the user' });
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'ivan' }))).UserStatus, 'RESET_REQUIRED');
      const [blocked] = await events(pool, 'ivan');
      assert.deepEqual([blocked?.EventType, blocked?.EventResponse, blocked?.EventRisk?.RiskDecision, blocked?.EventRisk?.CompromisedCredentialsDetected], ['SignIn', 'Fail', 'Block', true]);

      await compromised(pool, 'NO_ACTION', ['SIGN_IN']);
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'judy', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'judy', Password: BREACHED, Permanent: true }));
      assert.ok((await signIn(pool, 'judy', BREACHED)).AuthenticationResult?.AccessToken);
      const [passed] = await events(pool, 'judy');
      assert.deepEqual([passed?.EventType, passed?.EventResponse, passed?.EventRisk?.RiskDecision, passed?.EventRisk?.CompromisedCredentialsDetected], ['SignIn', 'Pass', 'NoRisk', true]);
    });

    it('SRP (amazon-cognito-identity-js): the password is never seen, so never checked, as in Cognito; a wrong proof is a failed event, and P01: an unknown name gets the same answer and the same row', async () => {
      const pool = await enforced();
      await compromised(pool, 'BLOCK', ['SIGN_IN']);
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'nina', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'nina', Password: BREACHED, Permanent: true }));
      const session = await srpSignIn(server, pool, 'nina', BREACHED);
      assert.ok(session.getAccessToken().getJwtToken());
      const [passed] = await events(pool, 'nina');
      assert.deepEqual([passed?.EventType, passed?.EventResponse, passed?.EventRisk?.CompromisedCredentialsDetected], ['SignIn', 'Pass', false]);

      const rows = async () => Number((await server.running.cognate.store.db.selectFrom('auth_events').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', pool.poolId).executeTakeFirstOrThrow()).n);
      const before = await rows();
      const known = await fails(() => srpSignIn(server, pool, 'nina', WRONG));
      const afterKnown = await rows();
      const unknown = await fails(() => srpSignIn(server, pool, 'no-such-nina', WRONG));
      assert.deepEqual(unknown, known);
      assert.deepEqual(known, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      assert.equal(afterKnown - before, 1);
      assert.equal((await rows()) - afterKnown, 1);
      assert.deepEqual((await events(pool, 'nina'))[0]?.ChallengeResponses, [{ ChallengeName: 'Password', ChallengeResponse: 'Failure' }]);
    });

    it('AUDIT: a breached password under BLOCK is accepted at sign-up and sign-in, and recorded', async () => {
      const pool = await enforced('AUDIT');
      await compromised(pool, 'BLOCK');
      await confirmedUser(server, codes, pool, 'kate', 'kate@example.com', BREACHED);
      assert.ok((await signIn(pool, 'kate', BREACHED)).AuthenticationResult);
      const list = await events(pool, 'kate');
      assert.deepEqual(list.map((e) => [e.EventType, e.EventResponse, e.EventRisk?.CompromisedCredentialsDetected]), [['SignIn', 'Pass', true], ['SignUp', 'Pass', true]]);
    });

    it('log delivery: Set/GetLogDeliveryConfiguration with its rules; userAuthEvents become structured log lines naming the destination', async () => {
      const pool = await enforced();
      const set = (LogConfigurations: unknown[]) => server.admin.send(new SetLogDeliveryConfigurationCommand({ UserPoolId: pool.poolId, LogConfigurations } as never));
      assert.deepEqual((await server.admin.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: pool.poolId }))).LogDeliveryConfiguration, { UserPoolId: pool.poolId, LogConfigurations: [] });
      for (const wrong of [
        [{ LogLevel: 'INFO', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: LOG_GROUP } }],
        [{ LogLevel: 'INFO', EventSource: 'userAuthEvents' }],
        [{ LogLevel: 'INFO', EventSource: 'userAuthEvents', CloudWatchLogsConfiguration: { LogGroupArn: LOG_GROUP }, S3Configuration: { BucketArn: 'arn:aws:s3:::bucket' } }],
        [{ LogLevel: 'INFO', EventSource: 'userAuthEvents', S3Configuration: { BucketArn: 'arn:aws:s3:::a' } }, { LogLevel: 'INFO', EventSource: 'userAuthEvents', S3Configuration: { BucketArn: 'arn:aws:s3:::b' } }],
      ]) {
        assert.equal((await fails(() => set(wrong))).name, 'InvalidParameterException', JSON.stringify(wrong));
      }
      const configs = [
        { LogLevel: 'INFO', EventSource: 'userAuthEvents', CloudWatchLogsConfiguration: { LogGroupArn: LOG_GROUP } },
        { LogLevel: 'ERROR', EventSource: 'userNotification', S3Configuration: { BucketArn: 'arn:aws:s3:::notification-errors' } },
      ];
      await set(configs);
      assert.deepEqual((await server.admin.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: pool.poolId }))).LogDeliveryConfiguration?.LogConfigurations, configs);

      const lines: { obj: Record<string, unknown>; msg: string }[] = [];
      const log = server.running.cognate.log;
      const info = log.info.bind(log);
      log.info = ((obj: Record<string, unknown>, msg: string) => { lines.push({ obj, msg }); return (info as (o: unknown, m: string) => void)(obj, msg); }) as typeof log.info;
      try {
        await confirmedUser(server, codes, pool, 'leo', 'leo@example.com', PASSWORD);
        await signIn(pool, 'leo', PASSWORD);
      } finally {
        log.info = info as typeof log.info;
      }
      const delivered = lines.filter((l) => l.msg === 'user auth event');
      assert.deepEqual(delivered.map((l) => (l.obj.authEvent as { EventType: string }).EventType), ['SignUp', 'SignIn']);
      assert.deepEqual(delivered[0]!.obj.logDelivery, { eventSource: 'userAuthEvents', userPoolId: pool.poolId, destination: LOG_GROUP });
    });
  });

  describe(`threat protection: userNotification errors (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;

    before(async () => {
      const closed = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      });
      server = await startTestServer(kind, { smtpHost: '127.0.0.1', smtpPort: closed });
    });
    after(() => server.stop());

    it('a message the outbox fails to deliver is logged at ERROR with the configured destination', async () => {
      const pool = await newPool(server, LAX);
      await server.admin.send(new SetLogDeliveryConfigurationCommand({ UserPoolId: pool.poolId, LogConfigurations: [{ LogLevel: 'ERROR', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: LOG_GROUP } }] }));
      const lines: { obj: Record<string, unknown>; msg: string }[] = [];
      const log = server.running.cognate.log;
      const error = log.error.bind(log);
      log.error = ((obj: Record<string, unknown>, msg: string) => { lines.push({ obj, msg }); return (error as (o: unknown, m: string) => void)(obj, msg); }) as typeof log.error;
      try {
        await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'mia', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'mia@example.com' }] }));
        const deadline = Date.now() + 10_000;
        while (!lines.some((l) => l.msg === 'user notification error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      } finally {
        log.error = error as typeof log.error;
      }
      const line = lines.find((l) => l.msg === 'user notification error');
      assert.ok(line, 'a userNotification line');
      assert.deepEqual(line.obj.logDelivery, { eventSource: 'userNotification', userPoolId: pool.poolId, destination: LOG_GROUP });
      assert.equal((line.obj.notification as { channel: string }).channel, 'email');
    });
  });
}

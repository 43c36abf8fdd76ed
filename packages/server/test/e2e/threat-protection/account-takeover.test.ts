/**
 * Threat protection's account-takeover side, driven with the AWS SDK v3 against a running server:
 * the documented signals (new address, new network, failed attempts; blocked and skipped ranges)
 * give a risk level, the configured action is taken under ENFORCED (BLOCK, MFA through the usual
 * challenge, NO_ACTION, a notification email with a FeedbackToken) and only recorded under AUDIT;
 * the event history reads back with AdminListUserAuthEvents and takes feedback. The end user's
 * address comes from UserContextData only when the client propagates it, and from ContextData on
 * Admin* calls. An unknown name gets the answer and the write a wrong password gets (P01).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  AdminListUserAuthEventsCommand,
  AdminUpdateAuthEventFeedbackCommand,
  AdminUpdateUserAttributesCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetRiskConfigurationCommand,
  UpdateAuthEventFeedbackCommand,
  type AuthEventType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { Codes, PASSWORD, WRONG, confirmedUser, fails, newPool, type Pool } from '../security/helpers.js';

const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const SOURCE_ARN = 'arn:aws:ses:us-east-1:123456789012:identity/security@example.com';

for (const kind of databaseKinds) {
  describe(`threat protection: account takeover (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let codes: Codes;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      pool = await newPool(
        server,
        { UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' }, SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sns', ExternalId: 'x' } },
        { EnablePropagateAdditionalUserContextData: true },
      );
      await server.admin.send(
        new SetRiskConfigurationCommand({
          UserPoolId: pool.poolId,
          AccountTakeoverRiskConfiguration: {
            NotifyConfiguration: {
              SourceArn: SOURCE_ARN,
              From: 'security@example.com',
              BlockEmail: { Subject: 'Blocked: {username}', TextBody: 'Blocked sign-in from {ip-address}. Mine: {one-click-link-valid} Not mine: {one-click-link-invalid}' },
            },
            Actions: {
              LowAction: { Notify: true, EventAction: 'NO_ACTION' },
              MediumAction: { Notify: false, EventAction: 'MFA_IF_CONFIGURED' },
              HighAction: { Notify: true, EventAction: 'BLOCK' },
            },
          },
          RiskExceptionConfiguration: { BlockedIPRangeList: ['203.0.113.0/24'], SkippedIPRangeList: ['198.51.100.0/24'] },
        }),
      );
    });
    after(() => server.stop());

    const signIn = (USERNAME: string, PASSWORD: string, IpAddress: string, ClientId = pool.clientId) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId, AuthParameters: { USERNAME, PASSWORD }, UserContextData: { IpAddress } }));
    const events = async (Username: string): Promise<AuthEventType[]> => (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username }))).AuthEvents ?? [];
    const riskMails = async (to: string) => (await server.running.cognate.outbox.recent(1000, pool.poolId)).filter((m) => m.kind === 'RiskNotification' && m.to === to);

    it('signals give the documented levels: first sign-in no risk, a new address Low (NO_ACTION + email), a new network Medium, failures on top High (BLOCK)', async () => {
      await confirmedUser(server, codes, pool, 'alice', 'alice@example.com');
      const first = await signIn('alice', PASSWORD, '10.1.1.1');
      assert.ok(first.AuthenticationResult?.AccessToken, 'the first sign-in has nothing to compare with');
      let [latest] = await events('alice');
      assert.equal(latest?.EventType, 'SignIn');
      assert.equal(latest?.EventResponse, 'Pass');
      assert.deepEqual(latest?.EventRisk, { RiskDecision: 'NoRisk', CompromisedCredentialsDetected: false });
      assert.equal(latest?.EventContextData?.IpAddress, '10.1.1.1');
      assert.deepEqual(latest?.ChallengeResponses, [{ ChallengeName: 'Password', ChallengeResponse: 'Success' }]);

      // Same /24, new address: 1 point, Low → NO_ACTION with Notify: signed in, and an email (the default template).
      const low = await signIn('alice', PASSWORD, '10.1.1.2');
      assert.ok(low.AuthenticationResult?.AccessToken);
      [latest] = await events('alice');
      assert.deepEqual(latest?.EventRisk, { RiskDecision: 'AccountTakeover', RiskLevel: 'Low', CompromisedCredentialsDetected: false });
      assert.equal(latest?.EventResponse, 'Pass');
      const mails = await riskMails('alice@example.com');
      assert.equal(mails.length, 1);
      assert.equal(mails[0]!.subject, 'New sign-in attempt');
      assert.match(mails[0]!.text, /10\.1\.1\.2/);
      assert.equal(mails[0]!.from, 'security@example.com');

      // A new network: 2 points, Medium → MFA_IF_CONFIGURED; alice has no verified phone and the pool no email MFA: she goes on.
      const medium = await signIn('alice', PASSWORD, '172.20.0.1');
      assert.ok(medium.AuthenticationResult?.AccessToken);
      [latest] = await events('alice');
      assert.equal(latest?.EventRisk?.RiskLevel, 'Medium');

      // Three wrong passwords (recorded as failures), then a new network: 2 + 1 points, High → BLOCK.
      for (let i = 0; i < 3; i++) assert.deepEqual(await fails(() => signIn('alice', WRONG, '192.0.2.9')), INCORRECT);
      const blocked = await fails(() => signIn('alice', PASSWORD, '192.0.2.10'));
      assert.deepEqual(blocked, INCORRECT, 'BLOCK answers as a wrong password does: no oracle for the right one');
      const history = await events('alice');
      assert.equal(history[0]?.EventResponse, 'Fail');
      assert.deepEqual(history[0]?.EventRisk, { RiskDecision: 'Block', RiskLevel: 'High', CompromisedCredentialsDetected: false });
      assert.equal(history.filter((e) => e.EventResponse === 'Fail' && e.ChallengeResponses?.[0]?.ChallengeResponse === 'Failure').length, 3);
      const block = (await riskMails('alice@example.com')).find((m) => m.subject === 'Blocked: alice');
      assert.ok(block, 'the BlockEmail template');
      assert.match(block.text, /from 192\.0\.2\.10/);
    });

    it('feedback: the user\'s FeedbackToken from the email marks the event, a wrong token or name is refused alike; an admin marks any event', async () => {
      const [blockedEvent] = await events('alice');
      const mail = (await riskMails('alice@example.com')).find((m) => m.subject === 'Blocked: alice')!;
      const token = /Mine: (\S+)/.exec(mail.text)![1]!;
      const invalid = { name: 'NotAuthorizedException', message: 'Invalid feedback token.' };
      const base = { UserPoolId: pool.poolId, Username: 'alice', EventId: blockedEvent!.EventId!, FeedbackValue: 'Valid' as const };
      assert.deepEqual(await fails(() => server.anonymous.send(new UpdateAuthEventFeedbackCommand({ ...base, FeedbackToken: token.slice(0, -2) + 'AA' }))), invalid);
      assert.deepEqual(await fails(() => server.anonymous.send(new UpdateAuthEventFeedbackCommand({ ...base, Username: 'nobody', FeedbackToken: token }))), invalid);
      await server.anonymous.send(new UpdateAuthEventFeedbackCommand({ ...base, FeedbackToken: token }));
      const [marked] = await events('alice');
      assert.equal(marked?.EventFeedback?.FeedbackValue, 'Valid');
      assert.equal(marked?.EventFeedback?.Provider, 'User');
      assert.ok(marked?.EventFeedback?.FeedbackDate instanceof Date);

      // Feedback Valid makes that address known: from there, only the recent failures count (Low): signed in.
      assert.ok((await signIn('alice', PASSWORD, '192.0.2.10')).AuthenticationResult?.AccessToken);

      const older = (await events('alice')).find((e) => e.EventContextData?.IpAddress === '10.1.1.2')!;
      await server.admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: pool.poolId, Username: 'alice', EventId: older.EventId!, FeedbackValue: 'Invalid' }));
      const again = (await events('alice')).find((e) => e.EventId === older.EventId)!;
      assert.equal(again.EventFeedback?.FeedbackValue, 'Invalid');
      assert.equal(again.EventFeedback?.Provider, 'Admin');
      assert.equal((await fails(() => server.admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: pool.poolId, Username: 'alice', EventId: 'no-such-event', FeedbackValue: 'Valid' })))).name, 'ResourceNotFoundException');
    });

    it('AdminListUserAuthEvents pages newest first with MaxResults and NextToken, and refuses a foreign token', async () => {
      const all = await events('alice');
      assert.ok(all.length >= 8);
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: 'alice', MaxResults: 3, ...(NextToken ? { NextToken } : {}) }));
        assert.ok((page.AuthEvents?.length ?? 0) <= 3);
        seen.push(...(page.AuthEvents ?? []).map((e) => e.EventId!));
        NextToken = page.NextToken;
      } while (NextToken);
      assert.deepEqual(seen, all.map((e) => e.EventId));
      const dates = all.map((e) => e.CreationDate!.getTime());
      assert.deepEqual(dates, [...dates].sort((a, b) => b - a));
      assert.equal((await fails(() => server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: 'alice', NextToken: 'bm90LWEta2V5' })))).name, 'InvalidParameterException');
      assert.equal((await fails(() => server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: 'nobody' })))).name, 'UserNotFoundException');
    });

    it('MFA_IF_CONFIGURED asks a user with a verified phone for an SMS code the pool would not have asked for, and the event passes with Mfa: Success', async () => {
      await confirmedUser(server, codes, pool, 'bob', 'bob@example.com');
      await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: pool.poolId, Username: 'bob', UserAttributes: [{ Name: 'phone_number', Value: '+15555550100' }, { Name: 'phone_number_verified', Value: 'true' }] }));
      assert.ok((await signIn('bob', PASSWORD, '10.2.0.1')).AuthenticationResult, 'first sign-in: no risk, no MFA (the pool has MFA off)');
      const challenged = await signIn('bob', PASSWORD, '172.21.0.1');
      assert.equal(challenged.ChallengeName, 'SMS_MFA');
      assert.equal((await events('bob'))[0]?.EventResponse, 'InProgress');
      const done = await server.anonymous.send(
        new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'SMS_MFA', Session: challenged.Session!, ChallengeResponses: { USERNAME: 'bob', SMS_MFA_CODE: await codes.next(pool.poolId, '+15555550100') } }),
      );
      assert.ok(done.AuthenticationResult?.AccessToken);
      const [event] = await events('bob');
      assert.equal(event?.EventResponse, 'Pass');
      assert.deepEqual(event?.ChallengeResponses, [{ ChallengeName: 'Password', ChallengeResponse: 'Success' }, { ChallengeName: 'Mfa', ChallengeResponse: 'Success' }]);
    });

    it('BlockedIPRangeList always blocks; SkippedIPRangeList skips the assessment', async () => {
      await confirmedUser(server, codes, pool, 'carol', 'carol@example.com');
      assert.ok((await signIn('carol', PASSWORD, '10.3.0.1')).AuthenticationResult);
      assert.deepEqual(await fails(() => signIn('carol', PASSWORD, '203.0.113.7')), INCORRECT);
      assert.equal((await events('carol'))[0]?.EventRisk?.RiskDecision, 'Block');
      assert.ok((await signIn('carol', PASSWORD, '198.51.100.9')).AuthenticationResult, 'a new network, but skipped');
      assert.deepEqual((await events('carol'))[0]?.EventRisk, { RiskDecision: 'NoRisk', CompromisedCredentialsDetected: false });
    });

    it('the address: UserContextData only when the client propagates it, ContextData (and its User-Agent) on AdminInitiateAuth', async () => {
      const { CreateUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      const plain = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'plain', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      await confirmedUser(server, codes, pool, 'dave', 'dave@example.com');
      await signIn('dave', PASSWORD, '8.8.8.8', plain);
      assert.equal((await events('dave'))[0]?.EventContextData?.IpAddress, '127.0.0.1', 'a claimed address is ignored without EnablePropagateAdditionalUserContextData');
      await server.admin.send(
        new AdminInitiateAuthCommand({
          UserPoolId: pool.poolId, ClientId: plain, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dave', PASSWORD },
          ContextData: { IpAddress: '127.0.0.1', ServerName: 'app.example', ServerPath: '/login', HttpHeaders: [{ headerName: 'User-Agent', headerValue: 'TestBrowser/1.0' }] },
        }),
      );
      const [admin] = await events('dave');
      assert.equal(admin?.EventContextData?.IpAddress, '127.0.0.1');
      assert.equal(admin?.EventContextData?.DeviceName, 'TestBrowser/1.0');
    });

    it('P01: an unknown name gets the answer a wrong password gets, and the same one event row written', async () => {
      const rows = async () => Number((await server.running.cognate.store.db.selectFrom('auth_events').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', pool.poolId).executeTakeFirstOrThrow()).n);
      await confirmedUser(server, codes, pool, 'erin', 'erin@example.com');
      const before = await rows();
      const known = await fails(() => signIn('erin', WRONG, '10.4.0.1'));
      const afterKnown = await rows();
      const unknown = await fails(() => signIn('nobody-here', WRONG, '10.4.0.1'));
      const afterUnknown = await rows();
      assert.deepEqual(unknown, known);
      assert.equal(afterKnown - before, 1);
      assert.equal(afterUnknown - afterKnown, 1);
      // Locked out (P03) after more wrong passwords: still the answer and the one row an unknown name gets.
      for (let i = 0; i < 6; i++) await fails(() => signIn('erin', WRONG, '10.4.0.1'));
      const beforeLocked = await rows();
      assert.deepEqual(await fails(() => signIn('erin', PASSWORD, '10.4.0.1')), known);
      assert.equal((await rows()) - beforeLocked, 1);
    });
  });

  describe(`threat protection: AUDIT records without acting (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let codes: Codes;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      pool = await newPool(server, { UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } }, { EnablePropagateAdditionalUserContextData: true });
      await server.admin.send(
        new SetRiskConfigurationCommand({
          UserPoolId: pool.poolId,
          AccountTakeoverRiskConfiguration: { NotifyConfiguration: { SourceArn: SOURCE_ARN }, Actions: { LowAction: { Notify: true, EventAction: 'BLOCK' }, MediumAction: { Notify: true, EventAction: 'BLOCK' }, HighAction: { Notify: true, EventAction: 'BLOCK' } } },
          RiskExceptionConfiguration: { BlockedIPRangeList: ['203.0.113.0/24'] },
        }),
      );
    });
    after(() => server.stop());

    it('a sign-in ENFORCED would block goes through: the event says Block, no email is sent', async () => {
      await confirmedUser(server, codes, pool, 'frank', 'frank@example.com');
      const signIn = (IpAddress: string) => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: 'frank', PASSWORD }, UserContextData: { IpAddress } }));
      assert.ok((await signIn('10.5.0.1')).AuthenticationResult);
      assert.ok((await signIn('172.22.0.1')).AuthenticationResult, 'Medium, BLOCK configured, AUDIT: not acted on');
      assert.ok((await signIn('203.0.113.8')).AuthenticationResult, 'blocked range, AUDIT: not acted on');
      const list = (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username: 'frank' }))).AuthEvents!;
      assert.deepEqual(list.slice(0, 2).map((e) => [e.EventResponse, e.EventRisk?.RiskDecision, e.EventRisk?.RiskLevel]), [['Pass', 'Block', undefined], ['Pass', 'Block', 'Medium']]);
      assert.equal((await server.running.cognate.outbox.recent(1000, pool.poolId)).filter((m) => m.kind === 'RiskNotification').length, 0);
    });
  });
}

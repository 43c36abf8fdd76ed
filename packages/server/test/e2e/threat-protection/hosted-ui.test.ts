/**
 * Threat protection behind the hosted UI's pages: a sign-in through /login is recorded with the
 * browser's own address, a wrong password there is a failed event, and a blocked range refuses
 * the sign-in on the page (no code reaches the app).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminListUserAuthEventsCommand, SetRiskConfigurationCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, authorizeQuery, newUser, oauthApp, signInThroughPages, type OAuthApp } from '../hosted-ui/support.js';

for (const kind of databaseKinds) {
  describe(`threat protection behind the hosted UI (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let app: OAuthApp;

    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server, { UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
      await newUser(server, app.poolId, 'olga', { attributes: { email: 'olga@example.com' } });
    });
    after(() => server.stop());

    const events = async () => (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: app.poolId, Username: 'olga' }))).AuthEvents ?? [];

    it('a page sign-in is a SignIn event with the browser\'s address; a wrong password on the page a failed one', async () => {
      const done = await signInThroughPages(new FormClient(server.url), authorizeQuery(app).query, 'olga');
      assert.ok(done.location?.startsWith(`${CALLBACK}?code=`) || done.location?.startsWith(`${CALLBACK}?`), done.location);
      const [passed] = await events();
      assert.deepEqual([passed?.EventType, passed?.EventResponse, passed?.EventContextData?.IpAddress], ['SignIn', 'Pass', '127.0.0.1']);
      const wrong = await signInThroughPages(new FormClient(server.url), authorizeQuery(app).query, 'olga', 'Not-Her-Password-1');
      assert.notEqual(wrong.status, 302);
      const [failed] = await events();
      assert.deepEqual([failed?.EventResponse, failed?.ChallengeResponses?.[0]?.ChallengeResponse, failed?.EventContextData?.IpAddress], ['Fail', 'Failure', '127.0.0.1']);
    });

    it('a blocked range refuses the page sign-in: no code for the app, the event says Block', async () => {
      await server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: app.poolId, RiskExceptionConfiguration: { BlockedIPRangeList: ['127.0.0.0/8', '::1/128'] } }));
      const refused = await signInThroughPages(new FormClient(server.url), authorizeQuery(app).query, 'olga');
      assert.ok(!(refused.location ?? '').startsWith(CALLBACK), 'no redirect to the app');
      const [blocked] = await events();
      assert.deepEqual([blocked?.EventResponse, blocked?.EventRisk?.RiskDecision], ['Fail', 'Block']);
    });
  });
}

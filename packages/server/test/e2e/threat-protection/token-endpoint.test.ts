/**
 * Threat protection and the OAuth token endpoint: a refresh_token grant is recorded as the API's
 * REFRESH_TOKEN_AUTH is (a SignIn event with no challenges), after the hosted-UI sign-in's own
 * event.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminListUserAuthEventsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, authorizeQuery, newUser, oauthApp, redirectParams, signInThroughPages, type OAuthApp } from '../hosted-ui/support.js';

for (const kind of databaseKinds) {
  describe(`threat protection at the token endpoint (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let app: OAuthApp;

    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server, { UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
      await newUser(server, app.poolId, 'tess', { attributes: { email: 'tess@example.com' } });
    });
    after(() => server.stop());

    const token = async (params: Record<string, string>) => {
      const res = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: app.clientId, ...params }) });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { access_token: string; refresh_token?: string };
    };

    it('a refresh_token grant is a SignIn event with no challenges, after the page sign-in\'s Password one', async () => {
      const { query, verifier } = authorizeQuery(app);
      const done = await signInThroughPages(new FormClient(server.url), query, 'tess');
      const issued = await token({ grant_type: 'authorization_code', code: redirectParams(done.location).get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
      assert.ok(issued.refresh_token);
      assert.ok((await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })).access_token);
      const history = (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: app.poolId, Username: 'tess' }))).AuthEvents ?? [];
      assert.deepEqual(
        history.map((e) => [e.EventType, e.EventResponse, e.ChallengeResponses?.map((c) => c.ChallengeName)]),
        [['SignIn', 'Pass', []], ['SignIn', 'Pass', ['Password']], ['PasswordChange', 'Pass', []], ['SignUp', 'Pass', []]],
      );
    });
  });
}

/**
 * Triggers around a hosted sign-in, as Cognito sends them: PreAuthentication_Authentication before
 * the password is checked, PostAuthentication_Authentication once every factor is proven (before
 * the code is issued), and TokenGeneration_HostedAuth when the code is exchanged for tokens. A
 * PreAuthentication refusal shows its message on the login page and issues no code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TriggerHost, WEBHOOK_SECRET, arn } from '../../support/triggers.js';
import { CALLBACK, FormClient, authorizeQuery, newUser, oauthApp, redirectParams, signInThroughPages, type OAuthApp } from './support.js';

for (const kind of databaseKinds) {
  describe(`hosted sign-in triggers (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let app: OAuthApp;
    before(async () => {
      host = await TriggerHost.start();
      const triggers: Record<string, string> = {};
      for (const name of ['hosted-pre-auth', 'hosted-post-auth', 'hosted-pre-token']) triggers[arn(name)] = `${host.webhookUrl}/${name}`;
      server = await startTestServer(kind, { triggers, triggerWebhookSecret: WEBHOOK_SECRET, triggerTimeoutMs: 2000 });
      app = await oauthApp(server, { LambdaConfig: { PreAuthentication: arn('hosted-pre-auth'), PostAuthentication: arn('hosted-post-auth'), PreTokenGeneration: arn('hosted-pre-token') } });
      await newUser(server, app.poolId, 'alice');
      await newUser(server, app.poolId, 'blocked');
      host.handlers.set('hosted-pre-auth', (e) => {
        if (e.userName === 'blocked') throw new Error('Sign-in is closed for you');
        return e;
      });
    });
    after(async () => {
      await server?.stop();
      await host?.stop();
    });

    it('PreAuthentication and PostAuthentication run with the Authentication source; the exchange runs TokenGeneration_HostedAuth', async () => {
      const browser = new FormClient(server.url);
      const { query, verifier } = authorizeQuery(app);
      const done = await signInThroughPages(browser, query, 'alice');
      assert.equal(done.status, 302);
      assert.equal(host.last('hosted-pre-auth').triggerSource, 'PreAuthentication_Authentication');
      const post = host.last('hosted-post-auth');
      assert.equal(post.triggerSource, 'PostAuthentication_Authentication');
      assert.equal(post.userName, 'alice');
      assert.equal(post.callerContext.clientId, app.clientId);
      assert.equal(host.received('hosted-pre-token').length, 0, 'no tokens yet: only a code');
      const res = await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, code: redirectParams(done.location).get('code')!, redirect_uri: CALLBACK, code_verifier: verifier }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(host.last('hosted-pre-token').triggerSource, 'TokenGeneration_HostedAuth');
      assert.deepEqual(host.badSignatures, []);
    });

    it("a PreAuthentication refusal shows the function's message on the page and issues no code", async () => {
      const posts = host.received('hosted-post-auth').length;
      const res = await signInThroughPages(new FormClient(server.url), authorizeQuery(app).query, 'blocked');
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
      assert.match(res.body, /Sign-in is closed for you/);
      assert.equal(host.received('hosted-post-auth').length, posts);
    });
  });
}

/**
 * `/logout`: only registered LogoutURLs (A30: never an open redirect), the cookie cleared and the
 * session ended on the server (a copy of the cookie no longer signs in; the refresh tokens it
 * produced are revoked), and `redirect_uri` + `response_type` restarting a sign-in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminDisableUserCommand, AdminEnableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, LOGOUT, authorizeQuery, newUser, oauthApp, redirectParams, signInThroughPages, type OAuthApp } from './support.js';

for (const kind of databaseKinds) {
  describe(`hosted UI logout (${kind})`, () => {
    let server: TestServer;
    let app: OAuthApp;
    let other: OAuthApp;
    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server);
      other = await oauthApp(server, {}, { LogoutURLs: ['https://other.example.com/bye'] });
      await newUser(server, app.poolId, 'alice');
    });
    after(async () => {
      await server?.stop();
    });

    const signedIn = async () => {
      const browser = new FormClient(server.url);
      const done = await signInThroughPages(browser, authorizeQuery(app).query, 'alice');
      assert.equal(done.status, 302);
      return browser;
    };
    const ssoWorks = async (browser: FormClient) => Boolean(redirectParams((await browser.get(`/oauth2/authorize?${authorizeQuery(app, { prompt: 'none' }).query}`)).location).get('code'));

    it('A30: logout_uri must be one of the client\'s LogoutURLs exactly; anything else is the error page and signs nobody out', async () => {
      const browser = await signedIn();
      for (const uri of ['https://evil.tld', `${LOGOUT}/`, `${LOGOUT}?x=1`, 'https://app.example.com@evil.tld/signed-out', '//evil.tld', 'https://other.example.com/bye', CALLBACK, 'javascript:alert(1)']) {
        const res = await browser.get(`/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent(uri)}`);
        assert.equal(res.status, 400, uri);
        assert.equal(res.location, undefined, uri);
      }
      const unknownClient = await browser.get(`/logout?client_id=nosuchclient&logout_uri=${encodeURIComponent(LOGOUT)}`);
      assert.equal(unknownClient.status, 400);
      assert.equal(unknownClient.location, undefined);
      assert.ok(await ssoWorks(browser), 'the refused logouts ended nothing');
    });

    it('P22: logout clears the cookie AND ends the session server-side, then redirects to the logout URL', async () => {
      const browser = await signedIn();
      const copy = browser.cookies.get('cognate-session')!;
      const res = await browser.get(`/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent(LOGOUT)}`);
      assert.equal(res.status, 302);
      assert.equal(res.location, LOGOUT);
      assert.match(res.headers.getSetCookie().join('\n'), /cognate-session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
      assert.equal(await ssoWorks(browser), false);
      // A copy of the old cookie (kept by an attacker, or a browser that ignored the clearing) is dead too.
      const replay = new FormClient(server.url);
      replay.cookies.set('cognate-session', copy);
      assert.equal(await ssoWorks(replay), false);
    });

    it('logout with redirect_uri and response_type signs out and starts a new sign-in; a bad redirect_uri is refused', async () => {
      const browser = await signedIn();
      const { query } = authorizeQuery(app);
      const res = await browser.get(`/logout?${query}`);
      assert.equal(res.status, 302);
      assert.match(res.location ?? '', /^\/login\?/);
      assert.equal(await ssoWorks(browser), false);
      const again = await signedIn();
      const bad = await again.get(`/logout?${authorizeQuery(app, { redirect_uri: 'https://evil.tld/cb' }).query}`);
      assert.equal(bad.status, 400);
      assert.equal(bad.location, undefined);
      assert.ok(await ssoWorks(again));
    });

    it('ASVS5 7.4.2: a disabled user\'s hosted session no longer signs them in', async () => {
      const browser = await signedIn();
      assert.ok(await ssoWorks(browser));
      await server.admin.send(new AdminDisableUserCommand({ UserPoolId: app.poolId, Username: 'alice' }));
      try {
        assert.equal(await ssoWorks(browser), false);
      } finally {
        await server.admin.send(new AdminEnableUserCommand({ UserPoolId: app.poolId, Username: 'alice' }));
      }
    });

    it('logout with only client_id signs out and shows the signed-out page', async () => {
      const browser = await signedIn();
      const res = await browser.get(`/logout?client_id=${other.clientId}`);
      assert.equal(res.status, 200);
      assert.match(res.body, /You are signed out/);
      assert.equal(await ssoWorks(browser), false);
    });
  });
}

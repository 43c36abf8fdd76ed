/**
 * The hosted sign-in over plain HTTP, with a cookie-keeping form client: authorize → /login →
 * password → code at the callback; SSO from the hosted session; prompt=none and prompt=login;
 * max_age; the session cookie replaced at each sign-in; enumeration rules and lockout through the
 * page; CSRF.
 */
import { after, before, describe, it } from 'node:test';
import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, PASSWORD, assertAccessibleMarkup, authorizeQuery, formsOf, newUser, oauthApp, redirectParams, signInThroughPages, type OAuthApp } from './support.js';

for (const kind of databaseKinds) {
  describe(`hosted sign-in (${kind})`, () => {
    let server: TestServer;
    let app: OAuthApp;
    let legacy: OAuthApp;
    let confidential: OAuthApp;
    let sibling: OAuthApp;
    // Every SDK call happens here: tests move the server's clock, and SigV4 would see the skew.
    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server);
      await newUser(server, app.poolId, 'alice', { attributes: { email: 'alice@example.com' } });
      await newUser(server, app.poolId, 'locked-bob');
      sibling = { ...app, clientId: (await oauthClientInPool(server, app.poolId)).clientId };
      legacy = await oauthApp(server, {}, { PreventUserExistenceErrors: 'LEGACY' });
      confidential = await oauthApp(server, {}, { GenerateSecret: true });
      await newUser(server, confidential.poolId, 'carol');
    });
    after(async () => {
      await server?.stop();
    });

    it('signs in with username and password and redirects to the callback with a code and the state', async () => {
      const browser = new FormClient(server.url);
      const { query, state } = authorizeQuery(app);
      for (const lang of ['en', 'es', 'fr']) assertAccessibleMarkup((await browser.follow(`/oauth2/authorize?${authorizeQuery(app, { lang }).query}`)).body);
      const authorize = await browser.get(`/oauth2/authorize?${query}`);
      assert.equal(authorize.status, 302);
      assert.match(authorize.location ?? '', /^\/login\?/);
      const done = await signInThroughPages(browser, query, 'alice');
      assert.equal(done.status, 302, done.body.slice(0, 500));
      assert.ok(done.location?.startsWith(`${CALLBACK}?`), done.location);
      const params = redirectParams(done.location);
      assert.match(params.get('code') ?? '', /^[A-Za-z0-9_-]{20,}$/);
      assert.equal(params.get('state'), state);
    });

    it('P22: every sign-in gives the browser a new session cookie value', async () => {
      const browser = new FormClient(server.url);
      const first = authorizeQuery(app);
      await browser.follow(`/oauth2/authorize?${first.query}`);
      const before = browser.cookies.get('cognate-session');
      assert.ok(before);
      await signInThroughPages(browser, first.query, 'alice');
      const afterFirst = browser.cookies.get('cognate-session');
      assert.ok(afterFirst && afterFirst !== before);
      const again = authorizeQuery(app, { prompt: 'login' });
      await signInThroughPages(browser, again.query, 'alice');
      const afterSecond = browser.cookies.get('cognate-session');
      assert.ok(afterSecond && afterSecond !== afterFirst);
      // The replaced session no longer signs anyone in.
      const stale = new FormClient(server.url);
      stale.cookies.set('cognate-session', afterFirst);
      const res = await stale.get(`/oauth2/authorize?${authorizeQuery(app, { prompt: 'none' }).query}`);
      assert.equal(redirectParams(res.location).get('error'), 'login_required');
    });

    it('SSO: a browser with a live hosted session gets a code without the login page, for another client of the pool too', async () => {
      const browser = new FormClient(server.url);
      await signInThroughPages(browser, authorizeQuery(app).query, 'alice');
      const { query, state } = authorizeQuery(app);
      const res = await browser.get(`/oauth2/authorize?${query}`);
      assert.equal(res.status, 302);
      assert.ok(res.location?.startsWith(CALLBACK));
      assert.equal(redirectParams(res.location).get('state'), state);
      assert.ok(redirectParams(res.location).get('code'));
      // A second client of the same pool.
      const res2 = await browser.get(`/oauth2/authorize?${authorizeQuery(sibling).query}`);
      assert.ok(redirectParams(res2.location).get('code'));
    });

    it('SSO ends after an hour (the hosted session expires)', async () => {
      const browser = new FormClient(server.url);
      await signInThroughPages(browser, authorizeQuery(app).query, 'alice');
      server.clock.advance(3601_000);
      const res = await browser.get(`/oauth2/authorize?${authorizeQuery(app).query}`);
      assert.match(res.location ?? '', /^\/login\?/);
    });

    it('prompt=none: login_required without a session, a code with one', async () => {
      const browser = new FormClient(server.url);
      const none = authorizeQuery(app, { prompt: 'none' });
      const res = await browser.get(`/oauth2/authorize?${none.query}`);
      assert.equal(res.status, 302);
      const params = redirectParams(res.location);
      assert.equal(params.get('error'), 'login_required');
      assert.equal(params.get('state'), none.state);
      await signInThroughPages(browser, authorizeQuery(app).query, 'alice');
      const again = await browser.get(`/oauth2/authorize?${authorizeQuery(app, { prompt: 'none' }).query}`);
      assert.ok(redirectParams(again.location).get('code'));
    });

    it('prompt=login and max_age ask for the password again despite a session', async () => {
      const browser = new FormClient(server.url);
      await signInThroughPages(browser, authorizeQuery(app).query, 'alice');
      const login = await browser.follow(`/oauth2/authorize?${authorizeQuery(app, { prompt: 'login' }).query}`);
      assert.equal(login.status, 200);
      assert.ok(formsOf(login.body)[0]?.fields.password !== undefined);
      server.clock.advance(20_000);
      const maxAge = await browser.follow(`/oauth2/authorize?${authorizeQuery(app, { max_age: '10' }).query}`);
      assert.equal(maxAge.status, 200);
      const recent = await browser.get(`/oauth2/authorize?${authorizeQuery(app, { max_age: '10000' }).query}`);
      assert.ok(redirectParams(recent.location).get('code'));
    });

    it('A30: a login POST without a CSRF token, with a stale one, or with another browser\'s is refused with 403', async () => {
      const browser = new FormClient(server.url);
      const { query } = authorizeQuery(app);
      const login = await browser.follow(`/oauth2/authorize?${query}`);
      const form = formsOf(login.body)[0]!;
      const action = new URL(form.action, login.url).toString();
      const missing = await browser.post(action, { username: 'alice', password: PASSWORD });
      assert.equal(missing.status, 403);
      const forged = await browser.post(action, { ...form.fields, _csrf: `${Math.floor(Date.now() / 1000)}.AAAA`, username: 'alice', password: PASSWORD });
      assert.equal(forged.status, 403);
      const other = new FormClient(server.url);
      await other.follow(`/oauth2/authorize?${query}`);
      const foreign = await other.post(action, { ...form.fields, username: 'alice', password: PASSWORD });
      assert.equal(foreign.status, 403, "another browser's token is refused");
      server.clock.advance(3601_000);
      const stale = await browser.post(action, { ...form.fields, username: 'alice', password: PASSWORD });
      assert.equal(stale.status, 403, 'a token older than an hour is refused');
      const fresh = await browser.follow(`/oauth2/authorize?${query}`);
      const ok = await browser.submit(fresh, { username: 'alice', password: PASSWORD });
      assert.equal(ok.status, 302);
    });

    it('P01: with PreventUserExistenceErrors an unknown user and a wrong password read the same', async () => {
      const browser = new FormClient(server.url);
      const { query } = authorizeQuery(app);
      const wrong = await signInThroughPages(browser, query, 'alice', 'Wr0ng-Horse!!');
      const unknown = await signInThroughPages(browser, query, 'nobody-here', 'Wr0ng-Horse!!');
      assert.equal(wrong.status, 400);
      assert.equal(unknown.status, 400);
      const message = (body: string) => /<div class="alert"[\s\S]*?<\/div>/.exec(body)?.[0];
      assert.equal(message(wrong.body), message(unknown.body));
      assert.match(wrong.body, /Incorrect username or password/);
      assertAccessibleMarkup(wrong.body);
    });

    it('LEGACY clients hear "User does not exist." for an unknown user', async () => {
      const res = await signInThroughPages(new FormClient(server.url), authorizeQuery(legacy).query, 'nobody-here');
      assert.equal(res.status, 400);
      assert.match(res.body, /User does not exist/);
    });

    it('A19: wrong passwords on the page count toward the same lockout as the API', async () => {
      const browser = new FormClient(server.url);
      const { query } = authorizeQuery(app);
      for (let i = 0; i < 5; i++) assert.equal((await signInThroughPages(browser, query, 'locked-bob', 'Wr0ng-Horse!!')).status, 400);
      // Locked now: even the right password is refused (generically, under PreventUserExistenceErrors).
      const right = await signInThroughPages(browser, query, 'locked-bob');
      assert.equal(right.status, 400);
      assert.match(right.body, /Incorrect username or password/);
    });

    it('A client with a secret signs in through the pages (the page computes SECRET_HASH; the browser never sees the secret)', async () => {
      const browser = new FormClient(server.url);
      const { query } = authorizeQuery(confidential, { code_challenge: undefined, code_challenge_method: undefined });
      const login = await browser.follow(`/oauth2/authorize?${query}`);
      assert.ok(!login.body.includes(confidential.clientSecret!));
      const done = await browser.submit(login, { username: 'carol', password: PASSWORD });
      assert.ok(redirectParams(done.location).get('code'));
    });
  });
}

async function oauthClientInPool(server: TestServer, poolId: string): Promise<{ clientId: string }> {
  const created = await server.admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'second',
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [CALLBACK],
    }),
  );
  return { clientId: created.UserPoolClient!.ClientId! };
}

/**
 * The OpenID Foundation's Basic OP test modules (security.md, "Conformance") that concern the
 * authorization endpoint and the login pages, mirrored as named tests with openid-client 6 as the
 * relying party (the real suite can't run here). The token-side modules (code reuse, refresh,
 * userinfo, client_secret_post) are in test/e2e/oauth/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, PASSWORD, formsOf, newUser, oauthApp, redirectParams, type OAuthApp } from './support.js';

for (const kind of databaseKinds) {
  describe(`OpenID Basic OP modules, authorization side (${kind})`, () => {
    let server: TestServer;
    let app: OAuthApp;
    let config: oidc.Configuration;
    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server, {}, { GenerateSecret: true, AllowedOAuthScopes: ['openid', 'email', 'profile', 'phone'] });
      await newUser(server, app.poolId, 'alice', { attributes: { email: 'alice@example.com', name: 'Alice' } });
      const metadata = (await (await fetch(`${server.url}/${app.poolId}/.well-known/openid-configuration`)).json()) as oidc.ServerMetadata;
      config = new oidc.Configuration(metadata, app.clientId, app.clientSecret, oidc.ClientSecretBasic(app.clientSecret!));
      oidc.allowInsecureRequests(config);
    });
    after(async () => {
      await server?.stop();
    });

    /** An authorization URL's path and query for the form client. */
    const authorizeUrl = (params: Record<string, string>) => {
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', ...params });
      return url.pathname + url.search;
    };
    const signIn = async (browser: FormClient, params: Record<string, string> = {}) => {
      const login = await browser.follow(authorizeUrl(params));
      assert.equal(login.status, 200, login.body.slice(0, 200));
      return browser.submit(login, { username: 'alice', password: PASSWORD });
    };
    const redeem = async (location: string, checks: oidc.AuthorizationCodeGrantChecks = {}) => oidc.authorizationCodeGrant(config, new URL(location), { idTokenExpected: true, ...checks });

    it('oidcc-server: code flow with a client secret, the ID token verified by the relying party', async () => {
      const state = oidc.randomState();
      const done = await signIn(new FormClient(server.url), { state });
      const tokens = await redeem(done.location!, { expectedState: state });
      assert.equal(tokens.claims()!['cognito:username'], 'alice');
    });

    it('oidcc-response-type-missing: an error at the redirect URI', async () => {
      const query = new URLSearchParams({ client_id: app.clientId, redirect_uri: CALLBACK, scope: 'openid', state: 's1' });
      const res = await new FormClient(server.url).get(`/oauth2/authorize?${query}`);
      assert.equal(redirectParams(res.location).get('error'), 'invalid_request');
      assert.equal(redirectParams(res.location).get('state'), 's1');
    });

    it('oidcc-ensure-registered-redirect-uri: an unregistered redirect URI gets no redirect', async () => {
      const res = await new FormClient(server.url).get(authorizeUrl({ redirect_uri: 'https://app.example.com/other' }));
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
    });

    it('oidcc-nonce: nonce is not required for the code flow, and is returned in the ID token when sent', async () => {
      const without = await signIn(new FormClient(server.url));
      assert.equal((await redeem(without.location!)).claims()!.nonce, undefined);
      const nonce = oidc.randomNonce();
      const withNonce = await signIn(new FormClient(server.url), { nonce });
      assert.equal((await redeem(withNonce.location!, { expectedNonce: nonce })).claims()!.nonce, nonce);
    });

    it('oidcc-scope-email / -profile / -phone / -all: granted scopes in any order', async () => {
      const done = await signIn(new FormClient(server.url), { scope: 'profile phone email openid' });
      const tokens = await redeem(done.location!);
      // Cognito's token response has no `scope`; the access token's `scope` claim names them.
      const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString('utf8')) as { scope: string };
      assert.deepEqual(new Set(access.scope.split(' ')), new Set(['openid', 'email', 'profile', 'phone']));
      assert.equal(tokens.claims()!.email, 'alice@example.com');
    });

    it('oidcc-display-page / oidcc-display-popup and oidcc-ensure-request-with-unknown-parameter-succeeds', async () => {
      const cases: Record<string, string>[] = [{ display: 'page' }, { display: 'popup' }, { extra_param: 'x', acr_values: '1 2', claims_locales: 'de' }];
      for (const extra of cases) {
        const done = await signIn(new FormClient(server.url), extra);
        assert.ok(redirectParams(done.location).get('code'), JSON.stringify(extra));
      }
    });

    it('oidcc-prompt-login: a signed-in browser is asked to sign in again; auth_time moves', async () => {
      const browser = new FormClient(server.url);
      const first = await redeem((await signIn(browser)).location!);
      server.clock.advance(2_000);
      const again = await browser.follow(authorizeUrl({ prompt: 'login' }));
      assert.ok(formsOf(again.body)[0]?.fields.password !== undefined);
      const second = await redeem((await browser.submit(again, { username: 'alice', password: PASSWORD })).location!);
      assert.ok((second.claims()!.auth_time as number) > (first.claims()!.auth_time as number));
    });

    it('oidcc-prompt-none-not-logged-in and oidcc-prompt-none-logged-in', async () => {
      const browser = new FormClient(server.url);
      const none = await browser.get(authorizeUrl({ prompt: 'none', state: 's2' }));
      assert.equal(redirectParams(none.location).get('error'), 'login_required');
      await signIn(browser);
      const loggedIn = await browser.get(authorizeUrl({ prompt: 'none' }));
      assert.ok((await redeem(loggedIn.location!)).claims()!.sub);
    });

    it('oidcc-max-age-1 and oidcc-max-age-10000', async () => {
      const browser = new FormClient(server.url);
      const first = await redeem((await signIn(browser)).location!);
      server.clock.advance(2_000);
      const stale = await browser.follow(authorizeUrl({ max_age: '1' }));
      assert.ok(formsOf(stale.body)[0]?.fields.password !== undefined, 'max_age=1: sign in again');
      const recent = await browser.get(authorizeUrl({ max_age: '10000' }));
      const tokens = await redeem(recent.location!, { maxAge: 10000 });
      assert.equal(tokens.claims()!.auth_time, first.claims()!.auth_time, 'the session is reused, with its auth_time');
    });

    it('oidcc-login-hint: the username field is filled in', async () => {
      const page = await new FormClient(server.url).follow(authorizeUrl({ login_hint: 'alice' }));
      assert.equal(formsOf(page.body)[0]?.fields.username, 'alice');
    });

    it('oidcc-id-token-hint: a request with an id_token_hint and prompt=none is answered from the session', async () => {
      const browser = new FormClient(server.url);
      const tokens = await redeem((await signIn(browser)).location!);
      const res = await browser.get(authorizeUrl({ prompt: 'none', id_token_hint: tokens.id_token! }));
      assert.ok(redirectParams(res.location).get('code'));
    });

    it('oidcc-ui-locales: ui_locales picks the page language', async () => {
      const page = await new FormClient(server.url).follow(authorizeUrl({ ui_locales: 'fr-CA fr en' }));
      assert.match(page.body, /<html lang="fr">/);
    });

    it('oidcc-ensure-post-request-succeeds: an authorization request POSTed as a form', async () => {
      const browser = new FormClient(server.url);
      const params = Object.fromEntries(new URL(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 's3' })).searchParams);
      const res = await browser.post('/oauth2/authorize', params);
      assert.equal(res.status, 302);
      const login = await browser.follow(res.location!);
      const done = await browser.submit(login, { username: 'alice', password: PASSWORD });
      assert.equal(redirectParams(done.location).get('state'), 's3');
    });

    it('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported and oidcc-request-uri-unsigned: rejected as unsupported', async () => {
      const request = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ client_id: app.clientId })).toString('base64url')}.`;
      const a = await new FormClient(server.url).get(authorizeUrl({ request, state: 's4' }));
      assert.equal(redirectParams(a.location).get('error'), 'request_not_supported');
      const b = await new FormClient(server.url).get(authorizeUrl({ request_uri: 'https://rp.example/req', state: 's5' }));
      assert.equal(redirectParams(b.location).get('error'), 'request_uri_not_supported');
      const metadata = config.serverMetadata();
      assert.notEqual(metadata.request_parameter_supported, true);
    });
  });
}

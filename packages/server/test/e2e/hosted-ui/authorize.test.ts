/**
 * `/oauth2/authorize` input checks, named after security.md: an unknown client or a redirect URI
 * that isn't registered character for character gets our error page (400, no Location: A01–A06);
 * everything else goes back to the redirect URI as `error=` with `state` (RFC 6749 §4.1.2.1):
 * PKCE (A08), implicit for clients without it (P20), scopes, identity providers, prompt.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, authorizeQuery, oauthApp, redirectParams, type OAuthApp } from './support.js';

const LOOPBACK = 'http://127.0.0.1/cb';
const LOOPBACK6 = 'http://[::1]/cb';
const LOCALHOST = 'http://localhost/cb';

for (const kind of databaseKinds) {
  describe(`authorization requests (${kind})`, () => {
    let server: TestServer;
    let app: OAuthApp;
    let native: OAuthApp;
    let confidential: OAuthApp;
    let implicit: OAuthApp;
    let browser: FormClient;
    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server);
      native = await oauthApp(server, {}, { CallbackURLs: [LOOPBACK, LOOPBACK6, LOCALHOST] });
      confidential = await oauthApp(server, {}, { GenerateSecret: true });
      implicit = await oauthApp(server, {}, { AllowedOAuthFlows: ['code', 'implicit'] });
      browser = new FormClient(server.url);
    });
    after(async () => {
      await server?.stop();
    });

    /** The request with `redirect_uri` replaced must get the error page: 400, no Location. */
    async function refusedOnOurPage(client: OAuthApp, redirectUri: string | undefined): Promise<void> {
      const { query } = authorizeQuery(client, { redirect_uri: redirectUri });
      const res = await browser.get(`/oauth2/authorize?${query}`);
      assert.equal(res.status, 400, `${redirectUri}: ${res.status} ${res.location ?? ''}`);
      assert.equal(res.location, undefined, `${redirectUri} must not redirect`);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      // The page names none of the attacker's URI.
      if (redirectUri) assert.ok(!res.body.includes(redirectUri.replace(/&/g, '&amp;')) || redirectUri === CALLBACK);
    }

    /** The request with `extra` must be answered at the callback with `error`. */
    async function errorAtCallback(client: OAuthApp, extra: Record<string, string | undefined>, error: string, fragment = false): Promise<void> {
      const { query, state } = authorizeQuery(client, extra);
      const res = await browser.get(`/oauth2/authorize?${query}`);
      assert.equal(res.status, 302, `${JSON.stringify(extra)}: ${res.status}`);
      const location = res.location ?? '';
      assert.ok(location.startsWith(client === native ? 'http://' : CALLBACK), location);
      assert.equal(new URL(location).hash !== '', fragment, `error in the ${fragment ? 'fragment' : 'query'}: ${location}`);
      const params = redirectParams(location);
      assert.equal(params.get('error'), error, location);
      assert.equal(params.get('state'), state);
      assert.ok(params.get('error_description'));
    }

    it('accepts the registered callback exactly', async () => {
      const res = await browser.get(`/oauth2/authorize?${authorizeQuery(app).query}`);
      assert.equal(res.status, 302);
      assert.match(res.location ?? '', /^\/login\?/);
    });

    it('an unknown or malformed client_id gets the error page with no redirect', async () => {
      for (const clientId of ['nosuchclient0000000000000', '', '../../etc', 'a'.repeat(200)]) {
        const res = await browser.get(`/oauth2/authorize?${authorizeQuery({ ...app, clientId }).query}`);
        assert.equal(res.status, 400);
        assert.equal(res.location, undefined);
      }
      const missing = await browser.get(`/oauth2/authorize?response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}`);
      assert.equal(missing.status, 400);
      assert.equal(missing.location, undefined);
    });

    it('A01: path traversal variants of the registered URI are refused on our page', async () => {
      for (const uri of [`${CALLBACK}/../x`, `${CALLBACK}/..;/x`, `${CALLBACK}/%2e%2e/x`, 'https://app.example.com/callback/../callback', 'https://app.example.com/x/../callback']) await refusedOnOurPage(app, uri);
    });

    it('A02: userinfo tricks are refused', async () => {
      for (const uri of ['https://app.example.com@evil.tld/callback', 'https://app.example.com@evil.tld@app.example.com/callback', 'https://evil.tld\\@app.example.com/callback', 'https://evil.tld/callback?https://app.example.com/callback']) await refusedOnOurPage(app, uri);
    });

    it('A03: case variants, a trailing slash, the default port and an added query are refused (no normalisation)', async () => {
      for (const uri of ['https://app.example.com/CALLBACK', 'https://APP.EXAMPLE.COM/callback', `${CALLBACK}/`, 'https://app.example.com:443/callback', `${CALLBACK}?x=1`, 'HTTPS://app.example.com/callback']) await refusedOnOurPage(app, uri);
    });

    it('A04: a loopback IP redirect may change only its port (RFC 8252 §7.3)', async () => {
      for (const uri of ['http://127.0.0.1:53123/cb', 'http://[::1]:8080/cb', LOOPBACK]) {
        const res = await browser.get(`/oauth2/authorize?${authorizeQuery(native, { redirect_uri: uri }).query}`);
        assert.equal(res.status, 302, uri);
        assert.match(res.location ?? '', /^\/login\?/, uri);
      }
      for (const uri of ['http://127.0.0.1:53123/cb?bar=foo', 'http://127.0.0.1:53123/cb/x', 'http://127.0.0.1:0/cb', 'http://127.0.0.1:99999/cb', 'https://127.0.0.1:53123/cb', 'http://127.0.0.2:53123/cb', 'http://[::1]:8080/other']) await refusedOnOurPage(native, uri);
    });

    it("A05: 'localhost' is never a pattern, and its port does not vary", async () => {
      for (const uri of ['http://localhost.evil.tld/cb', 'http://localhost@evil.tld/cb', 'http://localhost:8080/cb', 'http://LOCALHOST/cb']) await refusedOnOurPage(native, uri);
      const exact = await browser.get(`/oauth2/authorize?${authorizeQuery(native, { redirect_uri: LOCALHOST }).query}`);
      assert.equal(exact.status, 302);
    });

    it('A06: javascript:, data:, scheme-relative, backslash, fragment and non-ASCII lookalike URIs are refused', async () => {
      for (const uri of ['javascript:alert(1)', 'data:text/html,x', '//evil.tld/callback', 'https:\\\\evil.tld', `${CALLBACK}#x`, 'https://app.example\u3002com/callback', 'https://app.example.com/callback\u0000', ' https://app.example.com/callback', undefined]) await refusedOnOurPage(app, uri);
    });

    it('A08: PKCE is required for a client without a secret, plain is refused, and the challenge must be S256-shaped', async () => {
      await errorAtCallback(app, { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request');
      await errorAtCallback(app, { code_challenge_method: 'plain' }, 'invalid_request');
      await errorAtCallback(app, { code_challenge_method: undefined }, 'invalid_request');
      await errorAtCallback(app, { code_challenge: 'short' }, 'invalid_request');
      await errorAtCallback(app, { code_challenge: undefined }, 'invalid_request');
      // A client with a secret may go without PKCE.
      const res = await browser.get(`/oauth2/authorize?${authorizeQuery(confidential, { code_challenge: undefined, code_challenge_method: undefined }).query}`);
      assert.match(res.location ?? '', /^\/login\?/);
    });

    it('P20: response_type=token for a client without the implicit flow is unauthorized_client, in the fragment', async () => {
      await errorAtCallback(app, { response_type: 'token', code_challenge: undefined, code_challenge_method: undefined }, 'unauthorized_client', true);
      const allowed = await browser.get(`/oauth2/authorize?${authorizeQuery(implicit, { response_type: 'token', code_challenge: undefined, code_challenge_method: undefined }).query}`);
      assert.match(allowed.location ?? '', /^\/login\?/);
    });

    it('response_type missing is invalid_request; an unknown one is unsupported_response_type', async () => {
      await errorAtCallback(app, { response_type: undefined }, 'invalid_request');
      await errorAtCallback(app, { response_type: 'id_token' }, 'unsupported_response_type');
    });

    it('scopes must be among the client\'s AllowedOAuthScopes; none asked means all allowed', async () => {
      await errorAtCallback(app, { scope: 'openid phone' }, 'invalid_scope');
      await errorAtCallback(app, { scope: 'aws.cognito.signin.user.admin' }, 'invalid_scope');
      const all = await browser.get(`/oauth2/authorize?${authorizeQuery(app, { scope: undefined }).query}`);
      assert.match(all.location ?? '', /^\/login\?/);
    });

    it('identity_provider other than COGNITO, or any idp_identifier, is an error at the callback', async () => {
      await errorAtCallback(app, { identity_provider: 'Google' }, 'invalid_request');
      await errorAtCallback(app, { idp_identifier: 'example.com' }, 'invalid_request');
      const cognito = await browser.get(`/oauth2/authorize?${authorizeQuery(app, { identity_provider: 'COGNITO' }).query}`);
      assert.match(cognito.location ?? '', /^\/login\?/);
    });

    it('request objects are cleanly refused; unknown parameters are ignored; prompt values are checked', async () => {
      await errorAtCallback(app, { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported');
      await errorAtCallback(app, { request_uri: 'https://evil.tld/r' }, 'request_uri_not_supported');
      await errorAtCallback(app, { prompt: 'none login' }, 'invalid_request');
      await errorAtCallback(app, { prompt: 'bogus' }, 'invalid_request');
      const extra = await browser.get(`/oauth2/authorize?${authorizeQuery(app, { display: 'popup', acr_values: 'x', claims_locales: 'fr', whatever: '1' }).query}`);
      assert.match(extra.location ?? '', /^\/login\?/);
    });

    it('a POSTed authorization request (OIDC Core §3.1.2.1) is answered like the GET', async () => {
      const { query } = authorizeQuery(app);
      const res = await browser.post('/oauth2/authorize', Object.fromEntries(new URLSearchParams(query)));
      assert.equal(res.status, 302);
      assert.match(res.location ?? '', /^\/login\?/);
      const bad = await browser.post('/oauth2/authorize', { ...Object.fromEntries(new URLSearchParams(query)), redirect_uri: 'https://evil.tld/cb' });
      assert.equal(bad.status, 400);
      assert.equal(bad.location, undefined);
    });

    it('/login validates the request the same way (a bad redirect URI never reaches a form)', async () => {
      const res = await browser.get(`/login?${authorizeQuery(app, { redirect_uri: 'https://evil.tld/cb' }).query}`);
      assert.equal(res.status, 400);
      assert.doesNotMatch(res.body, /<form/);
    });

    it("on a pool's domain (by Host) only that pool's clients are known", async () => {
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: app.poolId, Domain: `shop-${kind}` }));
      const onDomain = (query: string) =>
        new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
          const url = new URL(server.url);
          const req = request({ host: url.hostname, port: url.port, path: `/oauth2/authorize?${query}`, headers: { host: `shop-${kind}.auth.us-east-1.localhost:${url.port}` } }, (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, location: res.headers.location });
          });
          req.on('error', reject);
          req.end();
        });
      const own = await onDomain(authorizeQuery(app).query);
      assert.equal(own.status, 302);
      assert.match(own.location ?? '', /^\/login\?/);
      const foreign = await onDomain(authorizeQuery(confidential).query);
      assert.equal(foreign.status, 400, "another pool's client is unknown on this pool's domain");
      assert.equal(foreign.location, undefined);
    });

    it('no CORS on the authorization endpoint for credentialed reads (RFC 9700 §2.6)', async () => {
      const res = await browser.get(`/oauth2/authorize?${authorizeQuery(app).query}`, { origin: 'https://evil.tld' });
      assert.notEqual(res.headers.get('access-control-allow-credentials'), 'true');
    });
  });
}

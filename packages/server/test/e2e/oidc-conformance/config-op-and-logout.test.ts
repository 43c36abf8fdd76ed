/**
 * The OpenID Foundation's "Config OP" plan (discovery: the document's required fields, the issuer
 * against the tokens' `iss`, the JWKS, every listed endpoint answering, every listed value working)
 * and the "RP-initiated logout" plan, mirrored as named tests with openid-client 6.
 *
 * Cognito differs from the OpenID documents in two places these tests follow and name:
 * - its discovery document has Cognito's field set: no `claims_supported`, `grant_types_supported`,
 *   `request_parameter_supported` or `request_uri_parameter_supported` (whose OpenID default is
 *   true: Cognito omits it yet refuses request_uri, and so do we, with request_uri_not_supported);
 * - its `/logout` is not RP-Initiated Logout 1.0: it takes `client_id` and `logout_uri` (not
 *   `post_logout_redirect_uri`), ignores `id_token_hint`, and returns no `state`.
 * The document is served over plain HTTP here; the TLS suites cover https.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createLocalJWKSet, importJWK, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import { databaseKinds } from '../../support/postgres.js';
import { redirectParams } from '../hosted-ui/support.js';
import { CALLBACK, FormClient, LOGOUT, authorize, decode, drive, exchange, startConformance, type Conformance } from './support.js';

const REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'];

for (const kind of databaseKinds) {
  describe(`OIDF Config OP and RP-initiated logout modules (${kind})`, () => {
    let fx: Conformance;
    let spa: oidc.Configuration;
    let doc: Record<string, unknown>;
    before(async () => {
      fx = await startConformance(kind);
      spa = await fx.rp(fx.spa);
      doc = (await (await fetch(`${fx.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    });
    after(async () => {
      await fx?.stop();
    });

    const signedIn = async (config = spa) => {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(config, browser);
      return { browser, tokens: await exchange(config, run) };
    };
    /** Whether the browser's hosted session still answers prompt=none with a code. */
    const sessionLives = async (browser: FormClient) => {
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      return redirectParams((await browser.get(url.href)).location).get('code') !== null;
    };

    // ------------------------------------------------------------------------------------------
    // Config OP

    it('oidcc-discovery-endpoint-verification: openid-client discovers the pool (issuer = the URL asked), and every required field is there', async () => {
      const metadata = spa.serverMetadata();
      assert.equal(metadata.issuer, fx.issuer);
      for (const field of REQUIRED) assert.ok(doc[field] !== undefined, `${field} is in the document`);
      assert.ok(doc.userinfo_endpoint, 'userinfo_endpoint (recommended)');
      assert.ok((doc.response_types_supported as string[]).includes('code'));
      assert.ok((doc.scopes_supported as string[]).includes('openid'));
      assert.deepEqual(doc.subject_types_supported, ['public']);
      assert.ok(!(doc.id_token_signing_alg_values_supported as string[]).includes('none'));
      const res = await fetch(`${fx.issuer}/.well-known/openid-configuration`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('oidcc-discovery-issuer: the issuer is exactly the iss of the ID, access and refreshed tokens, and of implicit tokens', async () => {
      const { tokens } = await signedIn();
      const refreshed = await oidc.refreshTokenGrant(spa, tokens.refresh_token!);
      const implicit = await fx.rp(fx.implicit);
      const url = oidc.buildAuthorizationUrl(implicit, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'token', nonce: 'n', state: 's' });
      const run = await drive(new FormClient(fx.server.url), url.href, { verifier: '', state: 's' });
      const fragment = new URLSearchParams(run.callback.hash.slice(1));
      for (const jwt of [tokens.id_token!, tokens.access_token, refreshed.id_token!, refreshed.access_token, fragment.get('id_token')!, fragment.get('access_token')!]) assert.equal(decode(jwt).payload.iss, doc.issuer);
    });

    it('oidcc-discovery-jwks_uri-keys: the JWKS answers JSON; every key is a public RS256 signing key with a unique kid, and the one a token names verifies it', async () => {
      const res = await fetch(doc.jwks_uri as string);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const jwks = (await res.json()) as JSONWebKeySet;
      assert.ok(jwks.keys.length > 0);
      const kids = new Set<string>();
      for (const key of jwks.keys) {
        assert.equal(key.kty, 'RSA');
        assert.equal(key.alg, 'RS256');
        assert.equal(key.use, 'sig');
        assert.ok(key.kid && !kids.has(key.kid), 'a unique kid');
        kids.add(key.kid);
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal((key as Record<string, unknown>)[secret], undefined, `no private member ${secret}`);
        await importJWK(key as JWK, 'RS256');
      }
      const { tokens } = await signedIn();
      const kid = decode(tokens.id_token!).header.kid as string;
      assert.ok(kids.has(kid));
      await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), { algorithms: ['RS256'], issuer: fx.issuer, audience: fx.spa.id });
    });

    it('the discovery document lists only endpoints that answer: each one is requested and answers as its protocol says (never 404)', async () => {
      // authorization_endpoint: a valid request goes to the login page.
      const authorizeUrl = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      assert.equal(authorizeUrl.origin + authorizeUrl.pathname, doc.authorization_endpoint);
      const authorizeRes = await new FormClient(fx.server.url).follow(authorizeUrl.href);
      assert.equal(authorizeRes.status, 200);
      assert.match(authorizeRes.body, /<form/);
      // token_endpoint: a bogus code is an RFC 6749 JSON error.
      const token = await fetch(doc.token_endpoint as string, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'bogus', client_id: fx.spa.id, redirect_uri: CALLBACK, code_verifier: 'x'.repeat(43) }) });
      assert.equal(token.status, 400);
      assert.equal(((await token.json()) as { error: string }).error, 'invalid_grant');
      // userinfo_endpoint: no token is a Bearer challenge.
      const info = await fetch(doc.userinfo_endpoint as string);
      assert.equal(info.status, 401);
      assert.match(info.headers.get('www-authenticate') ?? '', /^Bearer/);
      // revocation_endpoint: an unknown token is answered 200 (RFC 7009 §2.2).
      const revoke = await fetch(doc.revocation_endpoint as string, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: 'not-a-token', client_id: fx.spa.id }) });
      assert.ok([200, 400].includes(revoke.status), `revoke answered ${revoke.status}`);
      // end_session_endpoint: Cognito's logout with a registered logout_uri redirects there.
      const logout = await new FormClient(fx.server.url).get(oidc.buildEndSessionUrl(spa, { logout_uri: LOGOUT }).href);
      assert.equal(logout.status, 302);
      assert.equal(logout.location, LOGOUT);
      // jwks_uri
      assert.equal((await fetch(doc.jwks_uri as string)).status, 200);
      // Nothing else that names an endpoint.
      const endpoints = Object.keys(doc).filter((k) => k.endsWith('_endpoint') || k === 'jwks_uri').sort();
      assert.deepEqual(endpoints, ['authorization_endpoint', 'end_session_endpoint', 'jwks_uri', 'revocation_endpoint', 'token_endpoint', 'userinfo_endpoint']);
    });

    it('the discovery document lists only supported values: each response type, scope, client authentication method, PKCE method, subject type and signing algorithm works', async () => {
      // response_types_supported: code (above all) and token (for a client allowing it).
      assert.deepEqual(doc.response_types_supported, ['code', 'token']);
      const { browser, tokens } = await signedIn();
      const implicit = await fx.rp(fx.implicit);
      const run = await drive(browser, oidc.buildAuthorizationUrl(implicit, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'token', state: 's' }).href, { verifier: '', state: 's' });
      assert.ok(new URLSearchParams(run.callback.hash.slice(1)).get('access_token'));
      // scopes_supported: each is granted (from the hosted session, no second login).
      for (const scope of doc.scopes_supported as string[]) {
        const granted = await authorize(spa, browser, { scope: scope === 'openid' ? 'openid' : `openid ${scope}` });
        assert.equal(granted.loginShown, false);
        const t = await exchange(spa, granted);
        assert.ok(String(decode(t.access_token).payload.scope).split(' ').includes(scope), scope);
      }
      // token_endpoint_auth_methods_supported: both work for the confidential client.
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
      for (const auth of ['basic', 'post'] as const) {
        const config = await fx.rp(fx.web, auth);
        const r = await authorize(config, browser);
        assert.ok((await exchange(config, r)).access_token, auth);
      }
      // code_challenge_methods_supported: S256 only (it is what every run here uses); plain is refused (A08).
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      const plain = await browser.get(oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: oidc.randomPKCECodeVerifier(), code_challenge_method: 'plain' }).href);
      assert.equal(redirectParams(plain.location).get('error'), 'invalid_request');
      // subject_types_supported public: the same sub for two clients of the pool.
      const other = await fx.rp(fx.other);
      const otherTokens = await exchange(other, await authorize(other, browser));
      assert.equal(otherTokens.claims()!.sub, tokens.claims()!.sub);
      // id_token_signing_alg_values_supported
      assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
      assert.equal(decode(tokens.id_token!).header.alg, 'RS256');
      // Cognito's field set: no request objects, no claims parameter (refused or ignored, see basic-op).
      for (const flag of ['request_parameter_supported', 'request_uri_parameter_supported', 'claims_parameter_supported']) assert.notEqual(doc[flag], true, flag);
    });

    // ------------------------------------------------------------------------------------------
    // RP-initiated logout (Cognito's /logout)

    it('oidcc-rp-initiated-logout (Cognito: client_id + logout_uri, no state returned): redirects to logout_uri exactly, clears the cookie, ends the session and revokes its refresh token', async () => {
      const { browser, tokens } = await signedIn();
      assert.ok(await sessionLives(browser));
      const url = oidc.buildEndSessionUrl(spa, { logout_uri: LOGOUT, state: 'st-logout' });
      assert.equal(url.origin + url.pathname, doc.end_session_endpoint);
      const res = await browser.get(url.href);
      assert.equal(res.status, 302);
      assert.equal(res.location, LOGOUT);
      assert.match(res.headers.getSetCookie().join('\n'), /Max-Age=0/);
      assert.equal(await sessionLives(browser), false);
      await assert.rejects(oidc.refreshTokenGrant(spa, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    });

    it('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri (A30): an unregistered logout_uri is our error page (400, no redirect) and signs nobody out', async () => {
      const { browser } = await signedIn();
      const res = await browser.get(oidc.buildEndSessionUrl(spa, { logout_uri: 'https://attacker.example/bye' }).href);
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
      assert.ok(await sessionLives(browser));
    });

    it('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri (A30): the registered logout_uri with a query added is refused likewise', async () => {
      const { browser } = await signedIn();
      const res = await browser.get(oidc.buildEndSessionUrl(spa, { logout_uri: `${LOGOUT}?foo=bar` }).href);
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
      assert.ok(await sessionLives(browser));
    });

    it('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: client_id alone signs out and shows the signed-out page', async () => {
      const { browser } = await signedIn();
      const res = await browser.get(oidc.buildEndSessionUrl(spa).href);
      assert.equal(res.status, 200);
      assert.equal(res.location, undefined);
      assert.equal(await sessionLives(browser), false);
    });

    it('oidcc-rp-initiated-logout-no-params: /logout without client_id is our error page and signs nobody out', async () => {
      const { browser } = await signedIn();
      const res = await browser.get(doc.end_session_endpoint as string);
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
      assert.ok(await sessionLives(browser));
    });

    it('oidcc-rp-initiated-logout-no-id-token-hint, -bad-id-token-hint, -modified-id-token-hint, -no-state (Cognito ignores id_token_hint and returns no state): the registered logout_uri alone decides', async () => {
      const hints = (idToken: string): Array<string | undefined> => {
        const [h, p, s] = idToken.split('.');
        return [undefined, 'not-a-jwt', `${h}.${p}.${s!.slice(0, -4)}AAAA`];
      };
      for (const which of [0, 1, 2]) {
        const { browser, tokens } = await signedIn();
        const hint = hints(tokens.id_token!)[which];
        const res = await browser.get(oidc.buildEndSessionUrl(spa, { logout_uri: LOGOUT, ...(hint !== undefined ? { id_token_hint: hint } : {}) }).href);
        assert.equal(res.status, 302, String(hint));
        assert.equal(res.location, LOGOUT);
        assert.equal(await sessionLives(browser), false);
      }
    });

    it('oidcc-rp-initiated-logout-only-state: a state without client_id is our error page and signs nobody out', async () => {
      const { browser } = await signedIn();
      const res = await browser.get(`${doc.end_session_endpoint as string}?state=only-state`);
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
      assert.ok(await sessionLives(browser));
    });

    it('Cognito: post_logout_redirect_uri is not its parameter; /logout never redirects to it, registered or not', async () => {
      for (const target of [LOGOUT, 'https://attacker.example/bye']) {
        const { browser } = await signedIn();
        const res = await browser.get(oidc.buildEndSessionUrl(spa, { post_logout_redirect_uri: target, state: 's' }).href);
        assert.ok(!res.location?.startsWith(target), `${target}: ${res.status} ${res.location ?? ''}`);
      }
    });
  });
}

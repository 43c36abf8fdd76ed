/**
 * The OpenID Foundation's "Basic OP" test plan (conformance-suite OIDCCBasicTestPlan; security.md
 * "Conformance", P21), module by module, with openid-client 6 as the relying party and the hosted
 * UI's pages driven over plain HTTP. The real suite can't run here (Java, MongoDB, Docker), so each
 * module is mirrored as a test named after it that checks what the module checks.
 *
 * Where Cognito itself answers differently from the OpenID expectation, the test follows Cognito
 * and says so ("Cognito:" in the name or a comment): Cognito has no `address` scope, ignores
 * `display`, `claims_locales`, `acr_values`, `id_token_hint` and the `claims` parameter at the
 * authorization endpoint, and refuses request objects.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { databaseKinds } from '../../support/postgres.js';
import { formsOf, redirectParams } from '../hosted-ui/support.js';
import { ATTRIBUTES, CALLBACK, FormClient, PASSWORD, USER, attributeClaimNames, authorize, decode, drive, exchange, startConformance, type Conformance } from './support.js';

const EMAIL_CLAIMS = ['email', 'email_verified'];
const PHONE_CLAIMS = ['phone_number', 'phone_number_verified'];
/**
 * Cognito's `profile` scope (developer guide, "The user attributes endpoint"): OpenID's profile
 * claims and custom attributes — every attribute but email, phone and address.
 */
const PROFILE_CLAIMS = Object.keys(ATTRIBUTES)
  .filter((n) => !EMAIL_CLAIMS.includes(n) && !PHONE_CLAIMS.includes(n) && n !== 'address')
  .sort();
/** Every attribute: what `openid` alone gives. */
const ALL_CLAIMS = Object.keys(ATTRIBUTES).sort();
/** Every scope Cognito has: all but address, which has no scope. */
const ALL_SCOPED_CLAIMS = ALL_CLAIMS.filter((n) => n !== 'address');

for (const kind of databaseKinds) {
  describe(`OIDF Basic OP modules (${kind})`, () => {
    let fx: Conformance;
    let spa: oidc.Configuration;
    let web: oidc.Configuration;
    let jwks: JSONWebKeySet;
    before(async () => {
      fx = await startConformance(kind);
      spa = await fx.rp(fx.spa);
      web = await fx.rp(fx.web);
      jwks = (await (await fetch(spa.serverMetadata().jwks_uri!)).json()) as JSONWebKeySet;
    });
    after(async () => {
      await fx?.stop();
    });

    /** A sign-in on a fresh browser and the code exchange: the tokens, checked by openid-client. */
    async function signIn(params: Record<string, string> = {}, config = spa) {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(config, browser, params);
      const tokens = await exchange(config, run, params.nonce ? { expectedNonce: params.nonce } : {});
      return { browser, run, tokens };
    }

    it('oidcc-server: code flow with PKCE, state and nonce; openid-client checks the ID token (signature by the JWKS, iss, aud, exp, iat, nonce, at_hash)', async () => {
      const nonce = oidc.randomNonce();
      const { run, tokens } = await signIn({ nonce });
      assert.ok(run.loginShown);
      const claims = tokens.claims()!;
      assert.equal(claims.iss, fx.issuer);
      assert.equal(claims.aud, fx.spa.id);
      assert.equal(claims.nonce, nonce);
      assert.equal(claims['cognito:username'], USER);
      assert.equal(claims.token_use, 'id');
      // OpenID Connect Core §3.1.3.6: the left half of SHA-256 of the access token.
      assert.equal(claims.at_hash, createHash('sha256').update(tokens.access_token).digest().subarray(0, 16).toString('base64url'));
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(tokens.expires_in! > 0);
      assert.ok(tokens.refresh_token);
    });

    it('oidcc-response-type-missing: no response_type is invalid_request at the redirect URI, with the state, and no login page', async () => {
      const browser = new FormClient(fx.server.url);
      const query = new URLSearchParams({ client_id: fx.spa.id, redirect_uri: CALLBACK, scope: 'openid', state: 'st-missing', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      const res = await browser.get(`/oauth2/authorize?${query}`);
      assert.equal(res.status, 302);
      assert.ok(res.location!.startsWith(`${CALLBACK}?`), res.location);
      const params = redirectParams(res.location);
      assert.equal(params.get('error'), 'invalid_request');
      assert.equal(params.get('state'), 'st-missing');
      assert.equal(params.get('code'), null);
    });

    it('oidcc-server, token endpoint answer: JSON with Cache-Control no-store and Pragma no-cache (RFC 6749 §5.1), token_type Bearer', async () => {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(spa, browser);
      const res = await fetch(spa.serverMetadata().token_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: fx.spa.id, code: run.callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: run.verifier }),
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(res.headers.get('cache-control') ?? '', /no-store/);
      assert.equal(res.headers.get('pragma'), 'no-cache');
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.token_type, 'Bearer');
      for (const field of ['access_token', 'id_token', 'refresh_token', 'expires_in']) assert.ok(body[field] !== undefined, field);
    });

    it('oidcc-server, state: the state comes back byte for byte, spaces, &, = and non-ASCII included', async () => {
      const state = 'a b&c=d/é?ü+%20';
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', state, code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const run = await drive(browser, url.href, { verifier: '', state });
      assert.equal(run.callback.searchParams.get('state'), state);
      assert.ok(run.callback.searchParams.get('code'));
    });

    it('oidcc-idtoken-signature and kid: the ID token is RS256, its kid names a JWKS key, and that key verifies it', async () => {
      const { tokens } = await signIn();
      const { header } = decode(tokens.id_token!);
      assert.equal(header.alg, 'RS256');
      const key = jwks.keys.find((k) => k.kid === header.kid);
      assert.ok(key, `kid ${String(header.kid)} is in the JWKS`);
      assert.equal(key.kty, 'RSA');
      assert.equal(key.alg, 'RS256');
      assert.equal(key.use, 'sig');
      const { payload } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), { algorithms: ['RS256'], issuer: fx.issuer, audience: fx.spa.id });
      assert.equal(payload['cognito:username'], USER);
      // The access token is signed with the same discipline.
      const access = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), { algorithms: ['RS256'], issuer: fx.issuer });
      assert.equal(access.payload.client_id, fx.spa.id);
    });

    it('oidcc-idtoken-unsigned (OP-IDToken-none): no ID token is unsigned: discovery offers RS256 only, and code, refresh and implicit ID tokens all carry an RS256 signature', async () => {
      assert.deepEqual(spa.serverMetadata().id_token_signing_alg_values_supported, ['RS256']);
      const { tokens } = await signIn();
      const refreshed = await oidc.refreshTokenGrant(spa, tokens.refresh_token!);
      const implicit = await fx.rp(fx.implicit);
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(implicit, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'token', state: 'st-i', nonce: 'n-i' });
      const run = await drive(browser, url.href, { verifier: '', state: 'st-i' });
      const fragmentIdToken = new URLSearchParams(run.callback.hash.slice(1)).get('id_token')!;
      for (const jwt of [tokens.id_token!, refreshed.id_token!, fragmentIdToken]) {
        const { header } = decode(jwt);
        assert.equal(header.alg, 'RS256');
        assert.notEqual(jwt.split('.')[2], '');
        await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['RS256'], issuer: fx.issuer });
      }
    });

    it('oidcc-userinfo-get: GET /oauth2/userInfo with the bearer token answers the same sub (openid-client checks it)', async () => {
      const { tokens } = await signIn();
      const info = await oidc.fetchUserInfo(spa, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.email, ATTRIBUTES.email);
    });

    it('oidcc-userinfo-post-header: POST /oauth2/userInfo with the token in the Authorization header', async () => {
      const { tokens } = await signIn();
      const res = await oidc.fetchProtectedResource(spa, tokens.access_token, new URL(spa.serverMetadata().userinfo_endpoint!), 'POST', null);
      assert.equal(res.status, 200);
      const info = (await res.json()) as Record<string, string>;
      assert.equal(info.sub, tokens.claims()!.sub);
    });

    it('oidcc-userinfo-post-body: POST /oauth2/userInfo with access_token in the form body (RFC 6750 §2.2)', async () => {
      const { tokens } = await signIn();
      const res = await fetch(spa.serverMetadata().userinfo_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: tokens.access_token }) });
      assert.equal(res.status, 200);
      const info = (await res.json()) as Record<string, string>;
      assert.equal(info.sub, tokens.claims()!.sub);
    });

    it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow: no nonce, and the ID token carries none', async () => {
      const { tokens } = await signIn();
      assert.equal(tokens.claims()!.nonce, undefined);
    });

    /** The attribute claims of the ID token and of userInfo for `scope`. */
    async function claimsFor(scope: string) {
      const { tokens } = await signIn({ scope });
      assert.equal(decode(tokens.access_token).payload.scope, scope.split(' ').join(' '));
      const info = await oidc.fetchUserInfo(spa, tokens.access_token, tokens.claims()!.sub);
      return { idToken: attributeClaimNames(tokens.claims()!), userInfo: attributeClaimNames(info), info, tokens };
    }

    it('oidcc-scope-profile: Cognito gives OpenID\'s profile claims and custom attributes (name, given_name, locale …), not email, phone or address', async () => {
      const { idToken, userInfo } = await claimsFor('openid profile');
      assert.deepEqual(idToken, PROFILE_CLAIMS);
      assert.deepEqual(userInfo, PROFILE_CLAIMS);
    });

    it('oidcc-scope-email: email and email_verified only', async () => {
      const { idToken, userInfo, info } = await claimsFor('openid email');
      assert.deepEqual(idToken, EMAIL_CLAIMS);
      assert.deepEqual(userInfo, EMAIL_CLAIMS);
      assert.equal(info.email, ATTRIBUTES.email);
    });

    it('oidcc-scope-phone: phone_number and phone_number_verified only', async () => {
      const { idToken, userInfo, info } = await claimsFor('openid phone');
      assert.deepEqual(idToken, PHONE_CLAIMS);
      assert.deepEqual(userInfo, PHONE_CLAIMS);
      assert.equal(info.phone_number, ATTRIBUTES.phone_number);
    });

    it('oidcc-scope-address: Cognito has no address scope (invalid_scope at the redirect URI); the address attribute comes only with openid alone', async () => {
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid address', state: 'st-a', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const res = await browser.get(url.href);
      const params = redirectParams(res.location);
      assert.equal(params.get('error'), 'invalid_scope');
      assert.equal(params.get('state'), 'st-a');
      const { tokens } = await signIn({ scope: 'openid' });
      // OpenID Connect Core §5.1.1: address is an object; Cognito puts the attribute in `formatted`.
      assert.deepEqual(tokens.claims()!.address, { formatted: ATTRIBUTES.address });
      const info = await oidc.fetchUserInfo(spa, tokens.access_token, tokens.claims()!.sub);
      assert.ok(info.address !== undefined);
    });

    it('oidcc-scope-all: Cognito\'s every standard scope (openid email phone profile) gives every attribute but address; with address added it is invalid_scope', async () => {
      const { idToken, userInfo } = await claimsFor('openid email phone profile');
      assert.deepEqual(idToken, ALL_SCOPED_CLAIMS);
      assert.deepEqual(userInfo, ALL_SCOPED_CLAIMS);
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid address email phone profile', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      assert.equal(redirectParams((await browser.get(url.href)).location).get('error'), 'invalid_scope');
    });

    it('oidcc-ensure-other-scope-order-succeeds: the scopes in another order grant the same claims', async () => {
      const { idToken, userInfo } = await claimsFor('profile phone email openid');
      assert.deepEqual(idToken, ALL_SCOPED_CLAIMS);
      assert.deepEqual(userInfo, ALL_SCOPED_CLAIMS);
    });

    it('Cognito: openid alone gives every attribute the client can read, in the ID token and from userInfo', async () => {
      const { idToken, userInfo } = await claimsFor('openid');
      assert.deepEqual(idToken, ALL_CLAIMS);
      assert.deepEqual(userInfo, ALL_CLAIMS);
    });

    for (const display of ['page', 'popup']) {
      it(`oidcc-display-${display}: display=${display} shows the login page (Cognito ignores display) and signs in`, async () => {
        const { run, tokens } = await signIn({ display });
        assert.ok(run.loginShown);
        assert.equal(tokens.claims()!['cognito:username'], USER);
      });
    }

    it('oidcc-prompt-login: with a live session, prompt=login asks for the password again and the new ID token has a later auth_time', async () => {
      const first = await signIn();
      fx.server.clock.advance(2_000);
      const again = await authorize(spa, first.browser, { prompt: 'login' });
      assert.ok(again.loginShown, 'the login form is shown despite the session');
      const tokens = await exchange(spa, again);
      assert.ok((tokens.claims()!.auth_time as number) > (first.tokens.claims()!.auth_time as number));
    });

    it('oidcc-prompt-none-not-logged-in: prompt=none without a session is login_required at the redirect URI, with the state', async () => {
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 'st-none', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const res = await browser.get(url.href);
      assert.equal(res.status, 302);
      const params = redirectParams(res.location);
      assert.equal(params.get('error'), 'login_required');
      assert.equal(params.get('state'), 'st-none');
    });

    it('oidcc-prompt-none-logged-in: prompt=none with a session gives a code without a page; same sub and auth_time', async () => {
      const first = await signIn();
      const silent = await authorize(spa, first.browser, { prompt: 'none' });
      assert.equal(silent.loginShown, false);
      const tokens = await exchange(spa, silent);
      assert.equal(tokens.claims()!.sub, first.tokens.claims()!.sub);
      assert.equal(tokens.claims()!.auth_time, first.tokens.claims()!.auth_time);
    });

    it('oidcc-max-age-1: a session older than max_age=1 signs in again; the new auth_time is later (openid-client checks max_age)', async () => {
      const first = await signIn();
      fx.server.clock.advance(2_000);
      const again = await authorize(spa, first.browser, { max_age: '1' });
      assert.ok(again.loginShown);
      const tokens = await exchange(spa, again, { maxAge: 1 });
      assert.ok((tokens.claims()!.auth_time as number) > (first.tokens.claims()!.auth_time as number));
    });

    it('oidcc-max-age-10000: a session younger than max_age=10000 is used; auth_time is the first sign-in\'s', async () => {
      const first = await signIn();
      fx.server.clock.advance(2_000);
      const again = await authorize(spa, first.browser, { max_age: '10000' });
      assert.equal(again.loginShown, false);
      const tokens = await exchange(spa, again, { maxAge: 10000 });
      assert.equal(tokens.claims()!.auth_time, first.tokens.claims()!.auth_time);
    });

    it('max_age with prompt=none: a session older than max_age is login_required, not a code (OpenID Connect Core §3.1.2.1)', async () => {
      const first = await signIn();
      fx.server.clock.advance(2_000);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', max_age: '1', state: 'st-ma', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const params = redirectParams((await first.browser.get(url.href)).location);
      assert.equal(params.get('error'), 'login_required');
      assert.equal(params.get('state'), 'st-ma');
    });

    it('oidcc-server after a wrong password: the request (state, nonce, PKCE, language) survives the error page', async () => {
      const browser = new FormClient(fx.server.url);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', state: 'st-w', nonce: 'n-w', ui_locales: 'fr', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const login = await browser.follow(url.href);
      const wrong = await browser.submit(login, { username: USER, password: 'Wr0ng-Horse!!' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /<html lang="fr"/);
      const done = await browser.submit(wrong, { username: USER, password: PASSWORD });
      assert.equal(done.status, 302);
      const tokens = await exchange(spa, { callback: new URL(done.location!), loginShown: true, verifier, state: 'st-w' }, { expectedNonce: 'n-w' });
      assert.equal(tokens.claims()!.nonce, 'n-w');
    });

    it('oidcc-ensure-request-with-unknown-parameter-succeeds: an unknown authorization parameter changes nothing', async () => {
      const { run, tokens } = await signIn({ extra_parameter_sent_by_the_suite: 'xyz' });
      assert.ok(run.loginShown);
      assert.equal(tokens.claims()!['cognito:username'], USER);
    });

    it('oidcc-id-token-hint: prompt=none with the ID token as id_token_hint gives a code for the same sub (Cognito ignores the hint; the session decides)', async () => {
      const first = await signIn();
      const silent = await authorize(spa, first.browser, { prompt: 'none', id_token_hint: first.tokens.id_token! });
      assert.equal(silent.loginShown, false);
      const tokens = await exchange(spa, silent);
      assert.equal(tokens.claims()!.sub, first.tokens.claims()!.sub);
    });

    it('oidcc-login-hint: Cognito pre-fills the username field with login_hint', async () => {
      const { run } = await signIn({ login_hint: USER });
      assert.equal(formsOf(run.loginPage!.body)[0]?.fields.username, USER);
      const hinted = await new FormClient(fx.server.url).follow(oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', login_hint: 'someone@example.com', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href);
      assert.equal(formsOf(hinted.body)[0]?.fields.username, 'someone@example.com');
      // The hint is text in an attribute, never markup.
      const hostile = '"><script>alert(1)</script>';
      const escaped = await new FormClient(fx.server.url).follow(oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', login_hint: hostile, code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href);
      assert.doesNotMatch(escaped.body, /<script>alert/);
      assert.equal(formsOf(escaped.body)[0]?.fields.username, hostile);
    });

    it('oidcc-ui-locales: ui_locales=fr shows the login page in French and signs in; an unknown locale falls back to English', async () => {
      const { run } = await signIn({ ui_locales: 'fr-CA fr' });
      assert.match(run.loginPage!.body, /<html lang="fr"/);
      const { run: unknown } = await signIn({ ui_locales: 'tlh' });
      assert.match(unknown.loginPage!.body, /<html lang="en"/);
    });

    it('oidcc-claims-locales: claims_locales is accepted and ignored (Cognito has no localized claims)', async () => {
      const { tokens } = await signIn({ claims_locales: 'fr-CA fr' });
      assert.equal(tokens.claims()!.name, ATTRIBUTES.name);
    });

    it('oidcc-ensure-request-with-acr-values-succeeds: acr_values is accepted; Cognito issues no acr claim', async () => {
      const { tokens } = await signIn({ acr_values: '1 2' });
      assert.equal(tokens.claims()!.acr, undefined);
    });

    it('oidcc-codereuse (A09): a code redeemed twice fails the second time with invalid_grant, and the first exchange\'s tokens are revoked', async () => {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(spa, browser);
      const tokens = await exchange(spa, run);
      await assert.rejects(exchange(spa, run), (e: Error & { error?: string }) => e.error === 'invalid_grant');
      await assert.rejects(oidc.fetchUserInfo(spa, tokens.access_token, tokens.claims()!.sub), (e: Error & { status?: number }) => e.status === 401);
      await assert.rejects(oidc.refreshTokenGrant(spa, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    });

    it('oidcc-codereuse-30seconds (A09): a code redeemed twice, 30 s apart, fails the second time and revokes the first exchange\'s tokens', async () => {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(spa, browser);
      const tokens = await exchange(spa, run);
      fx.server.clock.advance(30_000);
      await assert.rejects(exchange(spa, run), (e: Error & { error?: string }) => e.error === 'invalid_grant');
      await assert.rejects(oidc.refreshTokenGrant(spa, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    });

    it('oidcc-ensure-registered-redirect-uri: an unregistered redirect_uri gets our error page (400), never a redirect or a login form', async () => {
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: 'https://attacker.example/callback', scope: 'openid', state: 'st', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const res = await browser.get(url.href);
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
      assert.doesNotMatch(res.body, /attacker\.example/);
      assert.equal(formsOf(res.body).length, 0);
    });

    it('oidcc-ensure-redirect-uri-in-authorization-request: no redirect_uri gets our error page (400), never a redirect', async () => {
      const browser = new FormClient(fx.server.url);
      const query = new URLSearchParams({ client_id: fx.spa.id, response_type: 'code', scope: 'openid', state: 'st', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const res = await browser.get(`/oauth2/authorize?${query}`);
      assert.equal(res.status, 400);
      assert.equal(res.location, undefined);
    });

    it('the code exchange must name the authorization request\'s redirect_uri (RFC 6749 §4.1.3): without it, or with another, invalid_grant', async () => {
      const browser = new FormClient(fx.server.url);
      const token = spa.serverMetadata().token_endpoint!;
      for (const redirect of [undefined, `${CALLBACK}/other`]) {
        const run = await authorize(spa, browser);
        const form: Record<string, string> = { grant_type: 'authorization_code', client_id: fx.spa.id, code: run.callback.searchParams.get('code')!, code_verifier: run.verifier };
        if (redirect) form.redirect_uri = redirect;
        const res = await fetch(token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
        assert.equal(res.status, 400, String(redirect));
        assert.match(((await res.json()) as { error: string }).error, /^invalid_(grant|request)$/);
      }
    });

    it('a confidential client\'s code is not redeemed without its secret: invalid_client (RFC 6749 §5.2: 400, or 401 only when an Authorization header failed)', async () => {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(web, browser);
      const res = await fetch(web.serverMetadata().token_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: fx.web.id, code: run.callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: run.verifier }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
      // The code itself is still good for the client that can prove itself.
      assert.ok((await exchange(web, run)).access_token);
    });

    // Cognito documents GET only for /oauth2/authorize; OpenID Connect Core §3.1.2.1 requires POST
    // too, and answering it costs no client anything, so here Cognate follows OpenID.
    it('oidcc-ensure-post-request-succeeds (beyond Cognito, which documents GET only): the authorization request POSTed as a form signs in like the GET', async () => {
      const browser = new FormClient(fx.server.url);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid email', state: 'st-post', nonce: 'n-post', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const posted = await browser.post(`${url.origin}${url.pathname}`, Object.fromEntries(url.searchParams));
      assert.equal(posted.status, 302);
      const run = await drive(browser, new URL(posted.location!, posted.url).href, { verifier, state: 'st-post' });
      const tokens = await exchange(spa, run, { expectedNonce: 'n-post' });
      assert.equal(tokens.claims()!.email, ATTRIBUTES.email);
    });

    it('oidcc-server-client-secret-post: a confidential client authenticates at the token endpoint with client_secret_post', async () => {
      const post = await fx.rp(fx.web, 'post');
      const { tokens } = await signIn({}, post);
      assert.equal(tokens.claims()!.aud, fx.web.id);
      const refreshed = await oidc.refreshTokenGrant(post, tokens.refresh_token!);
      assert.ok(refreshed.access_token);
    });

    it('oidcc-client-secret-basic: the same client with client_secret_basic', async () => {
      const { tokens } = await signIn({}, web);
      assert.equal(tokens.claims()!.aud, fx.web.id);
    });

    it('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported and oidcc-ensure-request-object-with-redirect-uri: a request object (with a redirect_uri inside) is cleanly refused with request_not_supported', async () => {
      const browser = new FormClient(fx.server.url);
      const body = Buffer.from(JSON.stringify({ client_id: fx.spa.id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' })).toString('base64url');
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', state: 'st-r', request: `eyJhbGciOiJub25lIn0.${body}.`, code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const params = redirectParams((await browser.get(url.href)).location);
      assert.equal(params.get('error'), 'request_not_supported');
      assert.equal(params.get('state'), 'st-r');
      assert.notEqual(spa.serverMetadata().request_parameter_supported, true);
    });

    it('oidcc-request-uri-unsigned: request_uri is cleanly refused with request_uri_not_supported, and nothing is fetched', async () => {
      const browser = new FormClient(fx.server.url);
      const url = oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', state: 'st-ru', request_uri: 'https://127.0.0.1:1/never-fetched', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const params = redirectParams((await browser.get(url.href)).location);
      assert.equal(params.get('error'), 'request_uri_not_supported');
      assert.equal(params.get('state'), 'st-ru');
    });

    it('oidcc-claims-essential: the claims parameter is accepted and ignored (Cognito: scopes alone decide); userInfo still has name with scope openid', async () => {
      const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
      const { tokens } = await signIn({ claims });
      const info = await oidc.fetchUserInfo(spa, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.name, ATTRIBUTES.name);
    });

    it('oidcc-refresh-token: the refresh_token grant gives a new access token and an ID token with the same iss, sub, aud and auth_time; another client can\'t use it', async () => {
      const { tokens } = await signIn({ scope: 'openid email' });
      const refreshed = await oidc.refreshTokenGrant(spa, tokens.refresh_token!);
      const before = tokens.claims()!;
      const after = refreshed.claims()!;
      for (const claim of ['iss', 'sub', 'aud', 'auth_time'] as const) assert.deepEqual(after[claim], before[claim], claim);
      assert.notEqual(refreshed.access_token, tokens.access_token);
      assert.equal(decode(refreshed.access_token).payload.scope, 'openid email');
      const info = await oidc.fetchUserInfo(spa, refreshed.access_token, before.sub);
      assert.equal(info.email, ATTRIBUTES.email);
      const other = await fx.rp(fx.other);
      await assert.rejects(oidc.refreshTokenGrant(other, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    });

    it('oidcc-ensure-request-with-valid-pkce-succeeds: the S256 verifier redeems the code; a wrong verifier is invalid_grant', async () => {
      const browser = new FormClient(fx.server.url);
      const run = await authorize(spa, browser);
      await assert.rejects(exchange(spa, { ...run, verifier: oidc.randomPKCECodeVerifier() }), (e: Error & { error?: string }) => e.error === 'invalid_grant');
      const again = await authorize(spa, browser);
      const tokens = await exchange(spa, again);
      assert.equal(tokens.claims()!['cognito:username'], USER);
    });
  });
}

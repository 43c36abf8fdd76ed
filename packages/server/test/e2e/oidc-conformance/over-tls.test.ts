/**
 * Config OP and the code flow as a relying party meets them in production: over HTTPS (the
 * server's development CA, trusted by the test's agent), with openid-client given no allowance
 * for plain HTTP (the OpenID suite requires https for every endpoint). Every request here —
 * openid-client's and the form client's — goes through the agent: `fetch` is the TLS support's
 * fetch for the length of this file (node:test runs each file in its own process).
 * The database doesn't matter to TLS: SQLite only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { fetchWith } from '../../support/tls.js';
import { redirectParams } from '../hosted-ui/support.js';
import { CALLBACK, FormClient, LOGOUT, USER, authorize, exchange, startConformance, type Conformance } from './support.js';

describe('OIDF Config OP and code flow over HTTPS, openid-client without allowInsecureRequests', () => {
  const plainFetch = globalThis.fetch;
  let fx: Conformance;
  let spa: oidc.Configuration;
  before(async () => {
    fx = await startConformance('sqlite', { tlsDev: true });
    globalThis.fetch = fetchWith(fx.server.tls!.agent);
    spa = await fx.rp(fx.spa);
  });
  after(async () => {
    globalThis.fetch = plainFetch;
    await fx?.stop();
  });

  it('oidcc-discovery-endpoint-verification over https: the issuer and every endpoint in the document are https URLs of this server', async () => {
    const metadata = spa.serverMetadata();
    assert.equal(metadata.issuer, fx.issuer);
    assert.ok(fx.issuer.startsWith('https://'));
    for (const [field, value] of Object.entries(metadata)) {
      if (field.endsWith('_endpoint') || field === 'jwks_uri') assert.ok(String(value).startsWith(`${fx.server.url}/`), `${field}: ${String(value)}`);
    }
  });

  it('oidcc-server over https: pages (the __Host- cookie), code + PKCE, the ID token verified against the JWKS, userInfo, refresh, then logout ending it all', async () => {
    const browser = new FormClient(fx.server.url);
    const nonce = oidc.randomNonce();
    const run = await authorize(spa, browser, { nonce, scope: 'openid email' });
    assert.ok(run.loginShown);
    assert.ok(browser.cookies.has('__Host-cognate-session'), [...browser.cookies.keys()].join(', '));
    const tokens = await exchange(spa, run, { expectedNonce: nonce });
    assert.equal(tokens.claims()!['cognito:username'], USER);
    const info = await oidc.fetchUserInfo(spa, tokens.access_token, tokens.claims()!.sub);
    assert.equal(info.email_verified, 'true');
    const refreshed = await oidc.refreshTokenGrant(spa, tokens.refresh_token!);
    assert.equal(refreshed.claims()!.sub, tokens.claims()!.sub);
    const out = await browser.get(oidc.buildEndSessionUrl(spa, { logout_uri: LOGOUT }).href);
    assert.equal(out.status, 302);
    assert.equal(out.location, LOGOUT);
    await assert.rejects(oidc.refreshTokenGrant(spa, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    const silent = await browser.get(oidc.buildAuthorizationUrl(spa, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href);
    assert.equal(redirectParams(silent.location).get('error'), 'login_required');
  });

  it('oidcc-server-client-secret-post over https: the confidential client\'s exchange', async () => {
    const web = await fx.rp(fx.web, 'post');
    const run = await authorize(web, new FormClient(fx.server.url));
    assert.equal((await exchange(web, run)).claims()!.aud, fx.web.id);
  });
});

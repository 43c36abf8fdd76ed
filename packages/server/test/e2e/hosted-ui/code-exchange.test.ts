/**
 * End to end with openid-client 6 as the relying party: it builds the authorization URL from the
 * discovery document, a person signs in on the pages, and it redeems the code (PKCE, nonce,
 * state); the ID token says how and when they signed in. Then logout revokes the refresh token
 * the hosted session produced. The implicit grant puts tokens in the fragment.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, LOGOUT, newUser, oauthApp, redirectParams, type OAuthApp } from './support.js';

function payload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

for (const kind of databaseKinds) {
  describe(`hosted sign-in to tokens with openid-client (${kind})`, () => {
    let server: TestServer;
    let app: OAuthApp;
    let implicit: OAuthApp;
    let config: oidc.Configuration;
    before(async () => {
      server = await startTestServer(kind);
      app = await oauthApp(server);
      implicit = await oauthApp(server, {}, { AllowedOAuthFlows: ['implicit'] });
      await newUser(server, app.poolId, 'alice', { attributes: { email: 'alice@example.com' } });
      await newUser(server, implicit.poolId, 'dora');
      const metadata = (await (await fetch(`${server.url}/${app.poolId}/.well-known/openid-configuration`)).json()) as oidc.ServerMetadata;
      config = new oidc.Configuration(metadata, app.clientId, undefined, oidc.None());
      oidc.allowInsecureRequests(config);
    });
    after(async () => {
      await server?.stop();
    });

    it('discovery lists the authorization and logout endpoints the pages serve', async () => {
      const metadata = config.serverMetadata();
      assert.equal(metadata.authorization_endpoint, `${server.url}/oauth2/authorize`);
      assert.equal(metadata.end_session_endpoint, `${server.url}/logout`);
    });

    it('code + PKCE: the relying party redeems the code from the pages; the ID token carries nonce, auth_time and amr; logout revokes the refresh token', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: 'openid email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const browser = new FormClient(server.url);
      const login = await browser.follow(url.pathname + url.search);
      assert.equal(login.status, 200);
      const done = await browser.submit(login, { username: 'alice', password: 'Corr3ct-Horse!' });
      assert.equal(done.status, 302, done.body.slice(0, 300));
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
      const claims = tokens.claims()!;
      assert.equal(claims['cognito:username'], 'alice');
      assert.equal(claims.email, 'alice@example.com');
      assert.equal(claims.nonce, nonce);
      assert.equal(typeof claims.auth_time, 'number');
      assert.deepEqual(claims.amr, ['pwd']);
      assert.ok(tokens.refresh_token);
      // Logout ends the families the hosted session produced.
      const out = await browser.get(`/logout?client_id=${app.clientId}&logout_uri=${encodeURIComponent(LOGOUT)}`);
      assert.equal(out.status, 302);
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    });

    it('implicit (response_type=token, for a client allowing it): tokens in the fragment with the state, no refresh token', async () => {
      const browser = new FormClient(server.url);
      const query = new URLSearchParams({ client_id: implicit.clientId, response_type: 'token', redirect_uri: CALLBACK, scope: 'openid', state: 'st-1', nonce: 'n-1' });
      const login = await browser.follow(`/oauth2/authorize?${query}`);
      const done = await browser.submit(login, { username: 'dora', password: 'Corr3ct-Horse!' });
      assert.equal(done.status, 302);
      const url = new URL(done.location!);
      assert.equal(url.search, '', 'nothing in the query');
      const params = redirectParams(done.location);
      assert.equal(params.get('state'), 'st-1');
      assert.equal(params.get('token_type'), 'Bearer');
      assert.ok(Number(params.get('expires_in')) > 0);
      assert.equal(params.get('refresh_token'), null);
      assert.equal(payload(params.get('id_token')!).nonce, 'n-1');
      assert.equal(payload(params.get('access_token')!).token_use, 'access');
    });
  });
}

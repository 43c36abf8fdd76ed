/**
 * Refresh-token rotation (`RefreshTokenRotation {Feature, RetryGracePeriodSeconds}`): with it on,
 * GetTokensFromRefreshToken and the token endpoint's refresh_token grant return a new refresh
 * token; the one it replaced works only within the grace period; presented after it, it is reuse
 * (RFC 9700 §4.14.2) and the whole family is revoked — also when the reuse is a burst of parallel
 * refreshes; REFRESH_TOKEN_AUTH is refused for such a client. On SQLite and PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetTokensFromRefreshTokenCommand, InitiateAuthCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { PASSWORD, REDIRECT, codeClient, issueCode, newClient, newOAuthPool, pkce, token, type OAuthClient, type OAuthPool } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`refresh-token rotation (${kind})`, () => {
    let server: TestServer;
    let pool: OAuthPool;
    let noGrace: OAuthClient;
    let grace: OAuthClient;

    const signIn = async (client: OAuthClient) =>
      (await server.anonymous.send(new InitiateAuthCommand({ ClientId: client.id, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: pool.username, PASSWORD } }))).AuthenticationResult!;
    const refresh = (client: OAuthClient, refreshToken: string) => server.anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: client.id, RefreshToken: refreshToken }));

    before(async () => {
      server = await startTestServer(kind);
      pool = await newOAuthPool(server);
      noGrace = await newClient(server, pool.poolId, codeClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } }));
      grace = await newClient(server, pool.poolId, codeClient({ RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 } }));
    });
    after(async () => {
      await server?.stop();
    });

    it('GetTokensFromRefreshToken rotates; the replaced token is reuse at once without a grace period, and reuse revokes the family', async () => {
      const first = await signIn(noGrace);
      const one = (await refresh(noGrace, first.RefreshToken!)).AuthenticationResult!;
      assert.ok(one.RefreshToken);
      assert.notEqual(one.RefreshToken, first.RefreshToken);
      const two = (await refresh(noGrace, one.RefreshToken!)).AuthenticationResult!;
      assert.ok(two.RefreshToken);
      assert.equal((await failure(() => refresh(noGrace, first.RefreshToken!))).name, 'RefreshTokenReuseException');
      // The family is gone: the current token and the access tokens it minted too.
      assert.deepEqual(await failure(() => refresh(noGrace, two.RefreshToken!)), { name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
      const info = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${two.AccessToken}` } });
      assert.equal(info.status, 401);
    });

    it('within RetryGracePeriodSeconds the replaced token still refreshes; after it, it is reuse and revokes the family', async () => {
      const first = await signIn(grace);
      const one = (await refresh(grace, first.RefreshToken!)).AuthenticationResult!;
      const retry = (await refresh(grace, first.RefreshToken!)).AuthenticationResult!;
      assert.ok(retry.RefreshToken);
      assert.equal((await refresh(grace, one.RefreshToken!)).AuthenticationResult!.AccessToken !== undefined, true, 'a token replaced within the grace period still works');
      const start = server.clock.now();
      server.clock.advance(11_000);
      try {
        assert.equal((await failure(() => refresh(grace, first.RefreshToken!))).name, 'RefreshTokenReuseException');
        assert.equal((await failure(() => refresh(grace, retry.RefreshToken!))).name, 'NotAuthorizedException');
      } finally {
        server.clock.set(start);
      }
    });

    it('REFRESH_TOKEN_AUTH is refused for a rotating client; a rotation-off client still refreshes without a new refresh token', async () => {
      const first = await signIn(noGrace);
      assert.deepEqual(
        await failure(() => server.anonymous.send(new InitiateAuthCommand({ ClientId: noGrace.id, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } }))),
        { name: 'InvalidParameterException', message: 'REFRESH_TOKEN_AUTH flow not enabled for this client' },
      );
      const plain = await signIn(pool.spa);
      const refreshed = (await refresh(pool.spa, plain.RefreshToken!)).AuthenticationResult!;
      assert.equal(refreshed.RefreshToken, undefined);
      assert.ok((await refresh(pool.spa, plain.RefreshToken!)).AuthenticationResult!.AccessToken);
    });

    it('the token endpoint rotates too, and a reused token there is invalid_grant and ends the family', async () => {
      const { verifier, challenge } = pkce();
      const code = await issueCode(server, pool, noGrace, { scopes: ['openid', 'email'], codeChallenge: challenge });
      const tokens = (await token(server, noGrace, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })).json;
      const next = await token(server, noGrace, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.equal(next.status, 200);
      assert.ok(next.json.refresh_token);
      assert.notEqual(next.json.refresh_token, tokens.refresh_token);
      const reused = await token(server, noGrace, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.deepEqual([reused.status, reused.json], [400, { error: 'invalid_grant' }]);
      const after = await token(server, noGrace, { grant_type: 'refresh_token', refresh_token: next.json.refresh_token });
      assert.deepEqual([after.status, after.json], [400, { error: 'invalid_grant' }]);
    });

    it('RFC 9700 reuse detection under a burst: 10 parallel refreshes with one token and no grace leave no live token', async () => {
      const first = await signIn(noGrace);
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => refresh(noGrace, first.RefreshToken!)));
      const won = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof refresh>>>).value.AuthenticationResult!);
      assert.ok(won.length <= 1, `${won.length} refreshes won`);
      for (const r of results) if (r.status === 'rejected') assert.ok(['RefreshTokenReuseException', 'NotAuthorizedException'].includes((r.reason as Error).name), String(r.reason));
      for (const t of [first.RefreshToken!, ...won.map((w) => w.RefreshToken!)]) {
        assert.ok(['RefreshTokenReuseException', 'NotAuthorizedException'].includes((await failure(() => refresh(noGrace, t))).name));
      }
    });

    it('a burst within the grace period all succeeds, and the newest token keeps working', async () => {
      const first = await signIn(grace);
      const results = await Promise.all(Array.from({ length: 10 }, () => refresh(grace, first.RefreshToken!)));
      const tokens = new Set(results.map((r) => r.AuthenticationResult!.RefreshToken!));
      assert.equal(tokens.size, 10);
      for (const t of tokens) assert.ok((await refresh(grace, t)).AuthenticationResult!.AccessToken);
    });

    it('RevokeToken with a rotated-out token ends the family', async () => {
      const first = await signIn(grace);
      const one = (await refresh(grace, first.RefreshToken!)).AuthenticationResult!;
      await server.anonymous.send(new RevokeTokenCommand({ ClientId: grace.id, Token: first.RefreshToken! }));
      assert.equal((await failure(() => refresh(grace, one.RefreshToken!))).name, 'NotAuthorizedException');
    });
  });
}

/**
 * The authorization server with openid-client 6 as the relying party and aws-jwt-verify as the
 * resource server: discovery, client_credentials with custom scopes (scope checks), the
 * authorization-code grant with PKCE (codes issued as the hosted UI issues them), claims decided by
 * scopes (ID token and userInfo), refresh keeping the grant's scopes, and revocation ending the
 * family. On SQLite and PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { request as httpRequest } from 'node:http';
import { CreateUserPoolClientCommand, CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { issueImplicitTokens } from '../../../src/domain/oauth/oauth-tokens.js';
import { revokeHostedSessionTokens } from '../../../src/domain/oauth/authorization-codes.js';
import { REDIRECT, basic, decodeJwt, issueCode, newOAuthPool, pkce, post, relyingParty, token, type OAuthPool } from './helpers.js';

/** A request with its own Host header (fetch won't send one), as a browser on a pool's domain would. */
function onHost(url: string, host: string, method: 'GET' | 'POST', body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ hostname: u.hostname, port: u.port, path: u.pathname, method, headers: { host, ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const kind of databaseKinds) {
  describe(`OAuth flows with openid-client (${kind})`, () => {
    let server: TestServer;
    let pool: OAuthPool;

    before(async () => {
      server = await startTestServer(kind, { hostedUiBaseDomain: 'localhost' });
      pool = await newOAuthPool(server);
    });
    after(async () => {
      await server?.stop();
    });

    it('the discovery document names the served endpoints, S256 only, and both client auth methods', async () => {
      const doc = (await (await fetch(`${server.url}/${pool.poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc.issuer, `https://cognito-idp.us-east-1.amazonaws.com/${pool.poolId}`);
      assert.equal(doc.token_endpoint, `${server.url}/oauth2/token`);
      assert.equal(doc.userinfo_endpoint, `${server.url}/oauth2/userInfo`);
      assert.equal(doc.revocation_endpoint, `${server.url}/oauth2/revoke`);
      assert.equal(doc.jwks_uri, `${server.url}/${pool.poolId}/.well-known/jwks.json`);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.response_types_supported, ['code', 'token']);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
      assert.deepEqual(doc.scopes_supported, ['openid', 'email', 'phone', 'profile']);
      // Listed only when served: /oauth2/authorize and /logout belong to the hosted UI.
      const authorize = await fetch(`${server.url}/oauth2/authorize?client_id=${pool.spa.id}`, { redirect: 'manual' });
      assert.equal('authorization_endpoint' in doc, authorize.status !== 404);
      const logout = await fetch(`${server.url}/logout?client_id=${pool.spa.id}`, { redirect: 'manual' });
      assert.equal('end_session_endpoint' in doc, logout.status !== 404);
    });

    it('client_credentials: a machine token with only custom scopes, verified by aws-jwt-verify with scope checks', async () => {
      const config = await relyingParty(server, pool.poolId, pool.machine);
      const jwks = await (await fetch(`${server.url}/${pool.poolId}/.well-known/jwks.json`)).json();
      const one = await oidc.clientCredentialsGrant(config, { scope: 'orders/read' });
      assert.equal(one.token_type.toLowerCase(), 'bearer');
      assert.equal(one.refresh_token, undefined);
      assert.equal(one.id_token, undefined);
      assert.equal(one.expires_in, 3600);
      const verifier = CognitoJwtVerifier.create({ userPoolId: pool.poolId, tokenUse: 'access', clientId: pool.machine.id, scope: ['orders/read'] });
      verifier.cacheJwks(jwks as never);
      const claims = await verifier.verify(one.access_token);
      assert.equal(claims.sub, pool.machine.id);
      assert.equal(claims.client_id, pool.machine.id);
      assert.equal(claims.scope, 'orders/read');
      assert.equal(claims.version, 2);
      assert.equal(claims.username, undefined);
      assert.equal(claims.origin_jti, undefined);
      // A resource server that wants orders/write refuses it.
      const writer = CognitoJwtVerifier.create({ userPoolId: pool.poolId, tokenUse: 'access', clientId: pool.machine.id, scope: ['orders/write'] });
      writer.cacheJwks(jwks as never);
      await assert.rejects(writer.verify(one.access_token), /scope/i);
      // No scope asked: every custom scope of the client.
      const all = await oidc.clientCredentialsGrant(config);
      assert.deepEqual(decodeJwt(all.access_token).scope.split(' ').sort(), ['orders/read', 'orders/write']);
      assert.equal(await writer.verify(all.access_token).then(() => true), true);
      // client_secret_post works too.
      const post_ = await oidc.clientCredentialsGrant(await relyingParty(server, pool.poolId, pool.machine, 'post'), { scope: 'orders/write' });
      assert.equal(decodeJwt(post_.access_token).scope, 'orders/write');
      // Counted like the API's actions.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /cognate_requests_total\{action="oauth2\.token",outcome="ok"\} \d+/);
    });

    it('client_secret_basic with a secret holding "+": form-encoded as RFC 6749 §2.3.1 asks, or as sent', async () => {
      const secret = 'plus+secret+0123456789abcdefXYZ';
      const c = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'plus', ClientSecret: secret, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['orders/read'] }))).UserPoolClient!;
      const form = 'grant_type=client_credentials';
      const encoded = await post(`${server.url}/oauth2/token`, form, { authorization: `Basic ${Buffer.from(`${c.ClientId}:${encodeURIComponent(secret)}`).toString('base64')}` });
      assert.equal(encoded.status, 200, encoded.text);
      const raw = await post(`${server.url}/oauth2/token`, form, { authorization: `Basic ${Buffer.from(`${c.ClientId}:${secret}`).toString('base64')}` });
      assert.equal(raw.status, 200, raw.text);
      const viaOidc = await oidc.clientCredentialsGrant(await relyingParty(server, pool.poolId, { id: c.ClientId!, secret }));
      assert.equal(decodeJwt(viaOidc.access_token).client_id, c.ClientId);
      const wrong = await post(`${server.url}/oauth2/token`, form, { authorization: `Basic ${Buffer.from(`${c.ClientId}:${secret.replace(/\+/g, ' ')}x`).toString('base64')}` });
      assert.equal(wrong.status, 401);
    });

    it('client_credentials: a scope the client may not have, a standard scope or an unknown one is invalid_scope; only secret clients with the flow', async () => {
      for (const scope of ['orders/read openid', 'orders/read other/scope', 'openid email', 'orders/delete']) {
        const res = await token(server, pool.machine, { grant_type: 'client_credentials', scope });
        assert.deepEqual([res.status, res.json], [400, { error: 'invalid_scope' }], scope);
      }
      const twice = await token(server, pool.machine, { grant_type: 'client_credentials', scope: 'orders/read  orders/read' });
      assert.equal(decodeJwt(twice.json.access_token).scope, 'orders/read');
      const web = await token(server, pool.web, { grant_type: 'client_credentials' });
      assert.deepEqual([web.status, web.json], [400, { error: 'unauthorized_client' }]);
      const spa = await token(server, pool.spa, { grant_type: 'client_credentials' });
      assert.deepEqual([spa.status, spa.json], [400, { error: 'unauthorized_client' }]);
    });

    it('authorization_code + PKCE: openid-client redeems the code; the ID token carries nonce, at_hash, auth_time, amr and the scoped claims', async () => {
      const config = await relyingParty(server, pool.poolId, pool.spa);
      const { verifier, challenge } = pkce();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const authTime = Math.floor(Date.now() / 1000) - 5;
      const code = await issueCode(server, pool, pool.spa, { codeChallenge: challenge, nonce, authTime, amr: ['pwd'], scopes: ['openid', 'email', 'profile'] });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(`${REDIRECT}?code=${code}&state=${state}`), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, maxAge: 3600 });
      assert.ok(tokens.refresh_token);
      const id = tokens.claims()!;
      assert.equal(id.sub, pool.sub);
      assert.equal(id.aud, pool.spa.id);
      assert.equal(id.nonce, nonce);
      assert.equal(id.auth_time, authTime);
      assert.deepEqual(id.amr, ['pwd']);
      assert.equal(id.at_hash, createHash('sha256').update(tokens.access_token).digest().subarray(0, 16).toString('base64url'));
      assert.equal(id.email, `${pool.username}@example.com`);
      assert.equal(id.email_verified, true);
      assert.equal(id.name, 'Alice Example');
      assert.equal(id.phone_number, undefined, 'no phone scope: no phone claims');
      assert.equal(id['cognito:username'], pool.username);
      const access = decodeJwt(tokens.access_token);
      assert.equal(access.scope, 'openid email profile');
      assert.equal(access.version, 2);
      assert.equal(access.username, pool.username);
      assert.equal(access.client_id, pool.spa.id);
      assert.equal(access.origin_jti, id.origin_jti);

      // userInfo answers what the scopes allow.
      const info = await oidc.fetchUserInfo(config, tokens.access_token, pool.sub);
      assert.equal(info.email, `${pool.username}@example.com`);
      assert.equal(info.name, 'Alice Example');
      assert.equal(info.username, pool.username);
      assert.equal(info.phone_number, undefined);

      // refresh keeps the grant's scopes; without rotation no new refresh token.
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      assert.equal(refreshed.refresh_token, undefined);
      assert.equal(decodeJwt(refreshed.access_token).scope, 'openid email profile');
      assert.equal(refreshed.claims()!.sub, pool.sub);
      assert.equal(refreshed.claims()!.phone_number, undefined);

      // revocation ends the family: refresh and userInfo refuse what it minted.
      await oidc.tokenRevocation(config, tokens.refresh_token!);
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (e: oidc.ResponseBodyError) => e.error === 'invalid_grant');
      const revoked = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
      assert.equal(revoked.status, 401);
      assert.match(revoked.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    });

    it('a confidential client redeems with client_secret_basic and client_secret_post', async () => {
      for (const auth of ['basic', 'post'] as const) {
        const config = await relyingParty(server, pool.poolId, pool.web, auth);
        const code = await issueCode(server, pool, pool.web, { scopes: ['openid'] });
        const tokens = await oidc.authorizationCodeGrant(config, new URL(`${REDIRECT}?code=${code}`), { idTokenExpected: true });
        // openid alone: every attribute the client can read.
        const id = tokens.claims()!;
        assert.equal(id.phone_number, '+15555550100');
        assert.equal(id.email, `${pool.username}@example.com`);
        assert.equal(id.nonce, undefined);
      }
    });

    it('scopes decide the claims: phone only gives the phone claims; no openid gives no ID token and no userInfo', async () => {
      const phone = await token(server, pool.web, { grant_type: 'authorization_code', code: await issueCode(server, pool, pool.web, { scopes: ['openid', 'phone'] }), redirect_uri: REDIRECT });
      assert.equal(phone.status, 200);
      const id = decodeJwt(phone.json.id_token);
      assert.equal(id.phone_number, '+15555550100');
      assert.equal(id.phone_number_verified, true);
      assert.equal(id.email, undefined);
      assert.equal(id.name, undefined);
      const info = await fetch(`${server.url}/oauth2/userInfo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${phone.json.access_token}` });
      assert.deepEqual(await info.json(), { sub: pool.sub, phone_number: '+15555550100', phone_number_verified: 'true', username: pool.username });

      const noOpenId = await token(server, pool.web, { grant_type: 'authorization_code', code: await issueCode(server, pool, pool.web, { scopes: ['aws.cognito.signin.user.admin'] }), redirect_uri: REDIRECT });
      assert.equal(noOpenId.status, 200);
      assert.equal(noOpenId.json.id_token, undefined);
      assert.ok(noOpenId.json.refresh_token);
      const refused = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${noOpenId.json.access_token}` } });
      assert.equal(refused.status, 403);
      assert.match(refused.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    });

    it('userInfo refuses API access tokens (no openid scope) and tokens that are not ours', async () => {
      const { InitiateAuthCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      const signedIn = await server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.spa.id, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: pool.username, PASSWORD: 'Corr3ct-Horse!' } }));
      const api = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${signedIn.AuthenticationResult!.AccessToken}` } });
      assert.equal(api.status, 403);
      const forged = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } });
      assert.equal(forged.status, 401);
      const missing = await fetch(`${server.url}/oauth2/userInfo`);
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
      // An API refresh token at the token endpoint: tokens as REFRESH_TOKEN_AUTH gives them.
      const viaEndpoint = await token(server, pool.spa, { grant_type: 'refresh_token', refresh_token: signedIn.AuthenticationResult!.RefreshToken! });
      assert.equal(viaEndpoint.status, 200);
      assert.equal(decodeJwt(viaEndpoint.json.access_token).scope, 'aws.cognito.signin.user.admin');
      assert.ok(viaEndpoint.json.id_token);
    });

    it('revoke: RFC 7009 answers — unknown tokens succeed, access tokens are unsupported_token_type, another client is refused', async () => {
      const tokens = (await token(server, pool.web, { grant_type: 'authorization_code', code: await issueCode(server, pool, pool.web), redirect_uri: REDIRECT })).json;
      const unknown = await post(`${server.url}/oauth2/revoke`, { token: 'not-a-token', client_id: pool.spa.id });
      assert.equal(unknown.status, 200);
      const access = await post(`${server.url}/oauth2/revoke`, { token: tokens.access_token, client_id: pool.spa.id });
      assert.deepEqual([access.status, access.json], [400, { error: 'unsupported_token_type' }]);
      const other = await post(`${server.url}/oauth2/revoke`, { token: tokens.refresh_token, client_id: pool.spa.id });
      assert.equal(other.status, 400);
      const noAuth = await post(`${server.url}/oauth2/revoke`, { token: tokens.refresh_token, client_id: pool.web.id });
      assert.deepEqual([noAuth.status, noAuth.json], [400, { error: 'invalid_client' }]);
      // Still alive after all that.
      const still = await token(server, pool.web, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.equal(still.status, 200);
    });

    it('on a pool domain: the discovery document names the domain, and only that pool\'s clients get tokens there', async () => {
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: `shop-${kind}` }));
      const port = new URL(server.url).port;
      const host = `shop-${kind}.auth.us-east-1.localhost:${port}`;
      const doc = await onHost(`${server.url}/${pool.poolId}/.well-known/openid-configuration`, host, 'GET');
      assert.equal(doc.json.token_endpoint, `http://${host}/oauth2/token`);
      assert.equal(doc.json.userinfo_endpoint, `http://${host}/oauth2/userInfo`);
      assert.equal(doc.json.jwks_uri, `${server.url}/${pool.poolId}/.well-known/jwks.json`);
      const mine = await onHost(`${server.url}/oauth2/token`, host, 'POST', 'grant_type=client_credentials', basic(pool.machine));
      assert.equal(mine.status, 200);
      const other = await newOAuthPool(server, 'other');
      const theirs = await onHost(`${server.url}/oauth2/token`, host, 'POST', 'grant_type=client_credentials', basic(other.machine));
      assert.deepEqual([theirs.status, theirs.json], [401, { error: 'invalid_client' }]);
    });

    it('issueImplicitTokens mints as the code exchange does, without a refresh token; userInfo accepts them', async () => {
      const cognate = server.running.cognate;
      const p = (await cognate.pools.find(pool.poolId))!;
      const c = (await cognate.clients.find(pool.poolId, pool.spa.id))!;
      const user = (await cognate.users.findBySub(pool.poolId, pool.sub))!;
      const out = await issueImplicitTokens(cognate, { pool: p, client: c, user, scopes: ['openid', 'email'], nonce: 'n-implicit', authTime: Math.floor(Date.now() / 1000), amr: ['pwd'] });
      assert.equal(out.token_type, 'Bearer');
      assert.equal((out as Record<string, unknown>).refresh_token, undefined);
      const id = decodeJwt(out.id_token!);
      assert.equal(id.nonce, 'n-implicit');
      assert.equal(id.at_hash, createHash('sha256').update(out.access_token).digest().subarray(0, 16).toString('base64url'));
      assert.equal(id.email, `${pool.username}@example.com`);
      assert.equal(id.name, undefined);
      assert.equal(decodeJwt(out.access_token).scope, 'openid email');
      const info = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${out.access_token}` } });
      assert.equal(info.status, 200);
      const noOpenId = await issueImplicitTokens(cognate, { pool: p, client: c, user, scopes: ['email'], authTime: Math.floor(Date.now() / 1000) });
      assert.equal(noOpenId.id_token, undefined);
    });

    it('revokeHostedSessionTokens (logout) ends the families of that hosted session only', async () => {
      const exchange = async (hostedSessionId: string) =>
        (await token(server, pool.web, { grant_type: 'authorization_code', code: await issueCode(server, pool, pool.web, { hostedSessionId }), redirect_uri: REDIRECT })).json;
      const a = await exchange('hosted-session-a');
      const b = await exchange('hosted-session-b');
      await revokeHostedSessionTokens(server.running.cognate, 'hosted-session-a');
      assert.deepEqual((await token(server, pool.web, { grant_type: 'refresh_token', refresh_token: a.refresh_token })).json, { error: 'invalid_grant' });
      assert.equal((await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${a.access_token}` } })).status, 401);
      assert.equal((await token(server, pool.web, { grant_type: 'refresh_token', refresh_token: b.refresh_token })).status, 200);
    });
  });
}

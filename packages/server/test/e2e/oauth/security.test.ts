/**
 * security.md A08–A10 against the token endpoint, and bad input to every OAuth endpoint: RFC 6749 /
 * RFC 6750 error JSON with `Cache-Control: no-store`, never a stack trace. Codes are issued as the
 * hosted UI issues them (`issueAuthorizationCode`); the server's clock is a ManualClock, moved to
 * expire codes. On SQLite and PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { REDIRECT, basic, issueCode, newClient, newOAuthPool, pkce, post, token, type OAuthPool, type RawResponse } from './helpers.js';

function assertOAuthError(res: RawResponse, status: number, error: string): void {
  assert.equal(res.status, status, `status for ${error}: ${res.text}`);
  assert.equal(res.json?.error, error, res.text);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.doesNotMatch(res.text, LEAKED_INTERNALS);
}

for (const kind of databaseKinds) {
  describe(`OAuth security cases (${kind})`, () => {
    let server: TestServer;
    let pool: OAuthPool;
    const codeGrant = (code: string, extra: Record<string, string> = {}) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra });

    before(async () => {
      server = await startTestServer(kind);
      pool = await newOAuthPool(server);
    });
    after(async () => {
      await server?.stop();
    });

    it('A08: PKCE — no verifier, a verifier without a challenge, plain (verifier = challenge), 42 characters, bad characters, a wrong verifier: invalid_grant', async () => {
      const { verifier, challenge } = pkce();
      const code = await issueCode(server, pool, pool.spa, { codeChallenge: challenge });
      assertOAuthError(await token(server, pool.spa, codeGrant(code)), 400, 'invalid_grant');
      assertOAuthError(await token(server, pool.spa, codeGrant(code, { code_verifier: challenge })), 400, 'invalid_grant');
      assertOAuthError(await token(server, pool.spa, codeGrant(code, { code_verifier: verifier.slice(0, 42) })), 400, 'invalid_grant');
      assertOAuthError(await token(server, pool.spa, codeGrant(code, { code_verifier: `${verifier.slice(0, 42)}!!` })), 400, 'invalid_grant');
      assertOAuthError(await token(server, pool.spa, codeGrant(code, { code_verifier: pkce().verifier })), 400, 'invalid_grant');
      const withoutChallenge = await issueCode(server, pool, pool.web);
      assertOAuthError(await token(server, pool.web, codeGrant(withoutChallenge, { code_verifier: verifier })), 400, 'invalid_grant');
      // A public client's code without a challenge is refused outright (PKCE required for public clients).
      const publicWithout = await issueCode(server, pool, pool.spa);
      assertOAuthError(await token(server, pool.spa, codeGrant(publicWithout)), 400, 'invalid_grant');
      // The right verifier still redeems the code.
      assert.equal((await token(server, pool.spa, codeGrant(code, { code_verifier: verifier }))).status, 200);
    });

    it('A09: a replayed code (sequentially) is invalid_grant and revokes the refresh and access tokens of the first exchange', async () => {
      const code = await issueCode(server, pool, pool.web);
      const first = await token(server, pool.web, codeGrant(code));
      assert.equal(first.status, 200);
      assert.equal((await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${first.json.access_token}` } })).status, 200);
      assertOAuthError(await token(server, pool.web, codeGrant(code)), 400, 'invalid_grant');
      assertOAuthError(await token(server, pool.web, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token }), 400, 'invalid_grant');
      assert.equal((await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${first.json.access_token}` } })).status, 401);
    });

    it('A09: a code redeemed 10 times at once gives exactly 1 success; the rest are invalid_grant and the winner\'s tokens are revoked', async () => {
      const code = await issueCode(server, pool, pool.web);
      const answers = await Promise.all(Array.from({ length: 10 }, () => token(server, pool.web, codeGrant(code))));
      const won = answers.filter((a) => a.status === 200);
      assert.equal(won.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
      for (const a of answers.filter((x) => x.status !== 200)) assertOAuthError(a, 400, 'invalid_grant');
      assertOAuthError(await token(server, pool.web, { grant_type: 'refresh_token', refresh_token: won[0]!.json.refresh_token }), 400, 'invalid_grant');
    });

    it('A10: a code redeemed by another client, with another redirect_uri, or after 5 minutes is invalid_grant', async () => {
      const code = await issueCode(server, pool, pool.web);
      assertOAuthError(await token(server, pool.spa, codeGrant(code)), 400, 'invalid_grant');
      for (const other of [`${REDIRECT}/`, REDIRECT.toUpperCase(), `${REDIRECT}?x=1`, 'https://app.example:443/callback', 'https://evil.example/callback']) {
        assertOAuthError(await token(server, pool.web, codeGrant(code, { redirect_uri: other })), 400, 'invalid_grant');
      }
      assertOAuthError(await token(server, pool.web, { grant_type: 'authorization_code', code }), 400, 'invalid_request');
      // The failures above did not burn it for its own client; time does.
      const late = await issueCode(server, pool, pool.web);
      const start = server.clock.now();
      server.clock.advance(5 * 60 * 1000);
      try {
        assertOAuthError(await token(server, pool.web, codeGrant(late)), 400, 'invalid_grant');
      } finally {
        server.clock.set(start);
      }
      assert.equal((await token(server, pool.web, codeGrant(code))).status, 200);
    });

    it('token endpoint bad input: RFC 6749 errors, no-store, never a stack', async () => {
      const url = `${server.url}/oauth2/token`;
      const machine = basic(pool.machine);
      const cc = 'grant_type=client_credentials';
      const cases: [string, () => Promise<RawResponse>, number, string][] = [
        ['JSON body', () => post(url, JSON.stringify({ grant_type: 'client_credentials' }), { ...machine, 'content-type': 'application/json' }), 400, 'invalid_request'],
        ['no content type', () => fetch(url, { method: 'POST', headers: machine, body: new Uint8Array(Buffer.from(cc)) }).then(wrap), 400, 'invalid_request'],
        ['grant_type twice', () => post(url, `${cc}&${cc}`, machine), 400, 'invalid_request'],
        ['no grant_type', () => post(url, 'scope=orders/read', machine), 400, 'invalid_request'],
        ['empty grant_type', () => post(url, 'grant_type=', machine), 400, 'invalid_request'],
        ['grant_type password', () => post(url, 'grant_type=password&username=a&password=b', machine), 400, 'unsupported_grant_type'],
        ['grant_type null', () => post(url, 'grant_type=null', machine), 400, 'unsupported_grant_type'],
        ['a NUL byte', () => post(url, `${cc}&scope=orders%2Fread%00`, machine), 400, 'invalid_request'],
        ['a 20 KiB parameter', () => post(url, `${cc}&scope=${'a'.repeat(20_000)}`, machine), 400, 'invalid_request'],
        ['a body over the limit', () => post(url, `${cc}&x=${'a'.repeat(200_000)}`, machine), 413, 'invalid_request'],
        ['aws_client_metadata not JSON', () => post(url, `${cc}&aws_client_metadata=%7Bnope`, machine), 400, 'invalid_request'],
        ['aws_client_metadata not strings', () => post(url, `${cc}&aws_client_metadata=${encodeURIComponent('{"a":1}')}`, machine), 400, 'invalid_request'],
        ['Basic and client_secret', () => post(url, `${cc}&client_secret=${pool.machine.secret}`, machine), 400, 'invalid_request'],
        ['Basic not base64', () => post(url, cc, { authorization: 'Basic !!!' }), 401, 'invalid_client'],
        ['Basic without a colon', () => post(url, cc, { authorization: `Basic ${Buffer.from(pool.machine.id).toString('base64')}` }), 401, 'invalid_client'],
        ['Bearer instead of Basic', () => post(url, cc, { authorization: 'Bearer abc' }), 401, 'invalid_client'],
        ['a wrong secret', () => post(url, cc, basic({ id: pool.machine.id, secret: 'wrong' })), 401, 'invalid_client'],
        ['an unknown client', () => post(url, cc, basic({ id: 'unknownclient0000000000000', secret: 'x' })), 401, 'invalid_client'],
        ['a body client_id other than the header', () => post(url, `${cc}&client_id=${pool.web.id}`, machine), 401, 'invalid_client'],
        ['a secret client without its secret', () => post(url, `${cc}&client_id=${pool.machine.id}`), 400, 'invalid_client'],
        ['a public client with a secret', () => post(url, `grant_type=authorization_code&code=x&redirect_uri=${REDIRECT}&client_id=${pool.spa.id}&client_secret=x`), 400, 'invalid_client'],
        ['no client at all', () => post(url, cc), 400, 'invalid_client'],
        ['client_id null', () => post(url, `${cc}&client_id=null`), 400, 'invalid_client'],
        ['client_id with odd characters', () => post(url, `${cc}&client_id=${encodeURIComponent('../../etc/passwd')}`), 400, 'invalid_client'],
        ['code null', () => post(url, `grant_type=authorization_code&code=null&redirect_uri=${REDIRECT}&client_id=${pool.spa.id}`), 400, 'invalid_grant'],
        ['no code', () => post(url, `grant_type=authorization_code&redirect_uri=${REDIRECT}&client_id=${pool.spa.id}`), 400, 'invalid_request'],
        ['a 5 KiB code', () => post(url, `grant_type=authorization_code&code=${'c'.repeat(5000)}&redirect_uri=${REDIRECT}&client_id=${pool.spa.id}`), 400, 'invalid_grant'],
        ['no refresh_token', () => post(url, `grant_type=refresh_token&client_id=${pool.spa.id}`), 400, 'invalid_request'],
        ['refresh_token garbage', () => post(url, `grant_type=refresh_token&refresh_token=${'x'.repeat(64)}&client_id=${pool.spa.id}`), 400, 'invalid_grant'],
        ['refresh_token null', () => post(url, `grant_type=refresh_token&refresh_token=null&client_id=${pool.spa.id}`), 400, 'invalid_grant'],
      ];
      for (const [name, pending, status, error] of cases) {
        const res = await pending();
        assert.equal(res.status, status, `${name}: ${res.status} ${res.text}`);
        assert.equal(res.json?.error, error, `${name}: ${res.text}`);
        assert.equal(res.headers.get('cache-control'), 'no-store', name);
        assert.doesNotMatch(res.text, LEAKED_INTERNALS, name);
      }
      // Grants the client isn't allowed: unauthorized_client (a machine client redeeming a code, an API-only client).
      const machineCode = await post(url, `grant_type=authorization_code&code=x&redirect_uri=${REDIRECT}`, machine);
      assertOAuthError(machineCode, 400, 'unauthorized_client');
      const apiOnly = await newClient(server, pool.poolId, { GenerateSecret: true });
      assertOAuthError(await post(url, cc, basic(apiOnly)), 400, 'unauthorized_client');
      const basicFailure = await post(url, cc, basic({ id: pool.machine.id, secret: 'wrong' }));
      assert.match(basicFailure.headers.get('www-authenticate') ?? '', /^Basic /);
      const get = await fetch(url);
      assert.equal(get.status, 405);
    });

    it('userInfo and revoke bad input: RFC 6750 / RFC 7009 errors, never a stack', async () => {
      const userInfo = `${server.url}/oauth2/userInfo`;
      const cases: [string, () => Promise<Response>, number, string | undefined][] = [
        ['Basic credentials', () => fetch(userInfo, { headers: { authorization: 'Basic abc' } }), 400, 'invalid_request'],
        ['bearer garbage', () => fetch(userInfo, { headers: { authorization: 'Bearer a.b.c' } }), 401, 'invalid_token'],
        ['bearer null', () => fetch(userInfo, { headers: { authorization: 'Bearer null' } }), 401, 'invalid_token'],
        ['a 10 KiB token', () => fetch(userInfo, { headers: { authorization: `Bearer ${'a'.repeat(10_000)}` } }), 401, 'invalid_token'],
        ['header and body', () => fetch(userInfo, { method: 'POST', headers: { authorization: 'Bearer abc', 'content-type': 'application/x-www-form-urlencoded' }, body: 'access_token=abc' }), 400, 'invalid_request'],
        ['access_token twice', () => fetch(userInfo, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'access_token=a&access_token=b' }), 400, 'invalid_request'],
      ];
      for (const [name, pending, status, error] of cases) {
        const res = await wrap(await pending());
        assert.equal(res.status, status, `${name}: ${res.text}`);
        assert.equal(res.json?.error, error, name);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/, name);
        assert.doesNotMatch(res.text, LEAKED_INTERNALS, name);
      }
      const revoke = `${server.url}/oauth2/revoke`;
      const revokes: [string, () => Promise<RawResponse>, number, string][] = [
        ['JSON body', () => post(revoke, JSON.stringify({ token: 'x', client_id: pool.spa.id }), { 'content-type': 'application/json' }), 400, 'invalid_request'],
        ['no token', () => post(revoke, { client_id: pool.spa.id }), 400, 'invalid_request'],
        ['token twice', () => post(revoke, `token=a&token=b&client_id=${pool.spa.id}`), 400, 'invalid_request'],
        ['unknown client', () => post(revoke, { token: 'x', client_id: 'nobody000000000000000000000' }), 400, 'invalid_client'],
        ['wrong secret', () => post(revoke, { token: 'x' }, basic({ id: pool.web.id, secret: 'nope' })), 401, 'invalid_client'],
        ['a body over the limit', () => post(revoke, `token=${'a'.repeat(200_000)}&client_id=${pool.spa.id}`), 413, 'invalid_request'],
      ];
      for (const [name, pending, status, error] of revokes) {
        const res = await pending();
        assert.equal(res.status, status, `${name}: ${res.text}`);
        assert.equal(res.json?.error, error, name);
        assert.doesNotMatch(res.text, LEAKED_INTERNALS, name);
      }
    });
  });
}

async function wrap(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

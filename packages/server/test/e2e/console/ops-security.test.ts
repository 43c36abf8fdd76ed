/**
 * The console-ops pages over HTTP, on every database, attacker first: every page refuses a browser
 * without a session; key rotation refuses a missing or foreign CSRF token and a foreign Origin (the
 * key is not rotated); the token inspector answers malformed, forged, alg=none and HS256 tokens as
 * "Refused" with no 500 and escapes what the token says; the outbox search refuses an edited page
 * token; a malformed policy is refused with its message and audited; and each change leaves its
 * audit row (never the inspected token).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminInitiateAuthCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { databaseKinds } from '../../support/postgres.js';
import { readAudit } from '../../../src/console/audit.js';
import { signingKeyList } from '../../../src/domain/signing-key-list.js';
import { ConsoleClient, signedInClient } from './support.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const OPS_PAGES = ['/console/identity-pools', '/console/roles', '/console/triggers', '/console/signing-keys', '/console/outbox', '/console/token-inspector', '/console/metrics'];

for (const kind of databaseKinds) {
  describe(`console ops pages over HTTP (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let tokens: { AccessToken?: string; IdToken?: string; RefreshToken?: string };
    before(async () => {
      server = await startTestServer(kind);
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'ops-pool' }))).UserPool!.Id!;
      const clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ada', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ada', Password: 'Ada-Passw0rd!x', Permanent: true }));
      tokens = (await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ada', PASSWORD: 'Ada-Passw0rd!x' } }))).AuthenticationResult!;
    });
    after(async () => {
      await server?.stop();
    });

    it('every ops page sends a browser without a session to sign in, and answers a signed-in one', async () => {
      const anonymous = new ConsoleClient(server);
      const client = await signedInClient(server);
      for (const path of OPS_PAGES) {
        const out = await anonymous.get(path);
        assert.equal(out.status, 303, path);
        assert.match(out.res.headers.get('location') ?? '', /^\/console\/sign-in/);
        const page = await client.get(path);
        assert.equal(page.status, 200, path);
        const leak = LEAKED_INTERNALS.exec(page.text);
        assert.equal(leak ? page.text.slice(Math.max(0, leak.index - 200), leak.index + 100) : null, null, path);
      }
    });

    it('key rotation: a missing, wrong or foreign CSRF token and a foreign Origin are refused and nothing rotates', async () => {
      const client = await signedInClient(server);
      await client.get(`/console/signing-keys?pool=${poolId}`);
      const before = (await signingKeyList(server.running.cognate, poolId)).filter((k) => k.state === 'active');
      const other = await signedInClient(server);
      for (const [opts, why] of [[{ csrf: null }, 'no token'], [{ csrf: 'x'.repeat(40) }, 'a made-up token'], [{ csrf: other.csrf }, "another session's token"], [{ origin: 'https://evil.example' }, 'a foreign Origin']] as const) {
        const res = await client.post('/console/signing-keys/rotate', { pool: poolId }, opts);
        assert.equal(res.status, 403, why);
      }
      assert.deepEqual((await signingKeyList(server.running.cognate, poolId)).filter((k) => k.state === 'active'), before);
      const ok = await client.post('/console/signing-keys/rotate', { pool: poolId });
      assert.equal(ok.status, 303);
      const after = await signingKeyList(server.running.cognate, poolId);
      assert.notEqual(after.find((k) => k.state === 'active')?.kid, before[0]!.kid);
      assert.equal(after.find((k) => k.kid === before[0]!.kid)?.state, 'retired');
      const audit = (await readAudit(server.running.cognate, { limit: 1 })).rows[0]!;
      assert.equal(audit.action, 'RotateSigningKey');
      assert.equal(audit.target, `${poolId}/signing-keys`);
      assert.equal(audit.outcome, 'ok');
      const unknown = await client.post('/console/signing-keys/rotate', { pool: 'us-east-1_Nope00000' });
      assert.equal(unknown.status, 404);
    });

    it('token inspector: malformed, forged, alg=none and HS256 tokens are refused without a 500; the claims are escaped; nothing is audited', async () => {
      const client = await signedInClient(server);
      await client.get('/console/token-inspector');
      const auditBefore = (await readAudit(server.running.cognate, { limit: 1 })).rows[0]?.id;
      const [h, p, s] = tokens.IdToken!.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const xss = `${h}.${b64({ ...claims, name: '<script>alert(1)</script>' })}.${s}`;
      const cases: [string, RegExp][] = [
        ['', /Not a token/],
        ['not a token at all', /Not a token/],
        ['a.b.c', /Refused/],
        [`${b64({ alg: 'none' })}.${p}.`, /alg is not RS256/],
        [`${b64({ alg: 'HS256', kid: JSON.parse(Buffer.from(h, 'base64url').toString()).kid })}.${p}.${s}`, /alg is not RS256/],
        [xss, /signature does not verify/],
        ['x'.repeat(100_000), /Not a token/],
      ];
      for (const [token, expected] of cases) {
        const res = await client.post('/console/token-inspector', { token });
        assert.equal(res.status, 200, token.slice(0, 30));
        assert.match(res.text, expected, token.slice(0, 30));
        assert.doesNotMatch(res.text, LEAKED_INTERNALS);
      }
      const escaped = await client.post('/console/token-inspector', { token: xss });
      assert.ok(!escaped.text.includes('<script>alert(1)</script>'), 'the token text is escaped');
      assert.match(escaped.text, /&lt;script&gt;/);
      assert.match(escaped.text, /Claims \(unverified\)/);
      const good = await client.post('/console/token-inspector', { token: tokens.AccessToken! });
      assert.match(good.text, /<h2 id="verdict">Accepted<\/h2>/);
      const refresh = await client.post('/console/token-inspector', { token: tokens.RefreshToken! });
      assert.match(refresh.text, /Accepted: a refresh token/);
      assert.equal((await client.post('/console/token-inspector', { token: tokens.AccessToken! }, { csrf: null })).status, 403);
      assert.equal((await readAudit(server.running.cognate, { limit: 1 })).rows[0]?.id, auditBefore, 'inspecting records nothing');
    });

    it('outbox search: an edited page token and bad input are a 400 with the reason, never a 500', async () => {
      const client = await signedInClient(server);
      for (const q of ['page=AAAA', 'from=yesterday', 'channel=fax', `page=${'A'.repeat(3000)}`]) {
        const res = await client.get(`/console/outbox?${q}`);
        assert.ok(res.status === 400 || res.status === 200, `${q}: ${res.status}`);
        assert.doesNotMatch(res.text, LEAKED_INTERNALS);
      }
      assert.match((await client.get('/console/outbox?page=AAAA')).text, /Invalid pagination token/);
      assert.equal((await client.get('/console/outbox?channel=fax')).status, 400);
    });

    it('roles: a malformed policy is refused with its message and audited with its error; a good role is created and deleted with confirmation', async () => {
      const client = await signedInClient(server);
      await client.get('/console/roles');
      const bad = await client.post('/console/roles', { name: `bad-${kind}`, trust: '{"Statement": "nope"}', policy: '', document: '' });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Malformed policy document/);
      const audit = (await readAudit(server.running.cognate, { limit: 1 })).rows[0]!;
      assert.equal(audit.action, 'CreateRole');
      assert.notEqual(audit.outcome, 'ok');
      const name = `ok-${kind}`;
      const made = await client.post('/console/roles', { name, trust: '', policy: 'p', document: '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
      assert.equal(made.status, 303);
      await client.get(`/console/roles/${name}`);
      assert.equal((await client.post(`/console/roles/${name}/delete`, { confirm: 'wrong' })).status, 400);
      assert.ok(await server.running.cognate.identity.roles.findByName(name));
      assert.equal((await client.post(`/console/roles/${name}/delete`, { confirm: name })).status, 303);
      assert.equal(await server.running.cognate.identity.roles.findByName(name), undefined);
    });
  });
}

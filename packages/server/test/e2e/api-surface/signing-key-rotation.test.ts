/**
 * Signing-key rotation, checked with aws-jwt-verify as the resource server (fetching the pool's
 * JWKS from the server): `cognate keys rotate` makes a new key sign from then on while tokens signed
 * before still verify; the old key leaves the JWKS (and verifies nothing, here or there) once every
 * token it signed has expired, which is the longest token validity of the pool's clients; the
 * schedule option (--signing-key-rotation-days) rotates on its own; the database decides the active
 * key, so another node signs with the new key after its next reload, and two nodes rotating at
 * once can't both win.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { UNPUBLISH_MARGIN_MS } from '../../../src/domain/signing-keys.js';

const CLI = fileURLToPath(new URL('../../../src/cli.ts', import.meta.url));
const run = promisify(execFile);
const PASSWORD = 'Corr3ct-Horse!';
const HOUR = 3_600_000;

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid;

for (const kind of databaseKinds) {
  describe(`signing-key rotation (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });

    /** A pool with a client (token validity as given, 1 hour by default) and a user. */
    async function newPool(on: TestServer, accessHours = 1) {
      // SigV4 is checked against the server's clock, which these tests move: sign at its time.
      on.admin.config.systemClockOffset = on.clock.now() - Date.now();
      const poolId = (await on.admin.send(new CreateUserPoolCommand({ PoolName: 'keys' }))).UserPool!.Id!;
      const clientId = (await on.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], AccessTokenValidity: accessHours, IdTokenValidity: 1, TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours' } }))).UserPoolClient!.ClientId!;
      await on.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'alice', MessageAction: 'SUPPRESS' }));
      await on.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'alice', Password: PASSWORD, Permanent: true }));
      return { poolId, clientId };
    }
    const signIn = async (on: TestServer, p: { poolId: string; clientId: string }) =>
      (await on.anonymous.send(new InitiateAuthCommand({ ClientId: p.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }))).AuthenticationResult!.AccessToken!;
    const jwksOf = async (on: TestServer, poolId: string) => (await (await fetch(`${on.url}/${poolId}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    const jwksKids = async (on: TestServer, poolId: string) => (await jwksOf(on, poolId)).keys.map((k) => k.kid);
    /**
     * aws-jwt-verify given the JWKS the server publishes now (a fresh verifier; it fetches only over
     * https, so the document is handed to it, and verifySync never fetches: an unknown kid fails).
     */
    const verifierFor = async (on: TestServer, poolId: string) => {
      const verifier = JwtRsaVerifier.create({ issuer: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`, audience: null });
      verifier.cacheJwks((await jwksOf(on, poolId)) as never);
      return { verify: async (jwt: string) => verifier.verifySync(jwt) };
    };

    it('`cognate keys rotate`: a new key signs from then on; a token signed before still verifies with aws-jwt-verify and at the server; after the longest token validity the old key leaves the JWKS and its tokens no longer verify', async () => {
      const pool = await newPool(server);
      const before = await signIn(server, pool);
      const oldKid = kidOf(before);
      assert.deepEqual(await jwksKids(server, pool.poolId), [oldKid]);

      const flags = ['--data-dir', server.storage.dataDir, ...(server.storage.databaseUrl ? ['--database-url', server.storage.databaseUrl] : []), '--log-level', 'silent'];
      const out = (await run(process.execPath, ['--import', 'tsx', CLI, 'keys', 'rotate', '--pool', pool.poolId, ...flags], { timeout: 60_000 })).stdout;
      assert.match(out, new RegExp(`^${pool.poolId}: \\S+ signs now; ${oldKid} retired, in the JWKS until \\S+Z\\n$`));
      const none = await run(process.execPath, ['--import', 'tsx', CLI, 'keys', 'rotate', ...flags], { timeout: 60_000 }).then(() => 'ran', (e: { stderr: string }) => e.stderr);
      assert.match(none, /--pool <id>, --all or --identity/);

      server.clock.advance(6_000); // the server reloads the pool's keys within seconds: the database decides
      const afterRotation = await signIn(server, pool);
      const newKid = kidOf(afterRotation);
      assert.notEqual(newKid, oldKid);
      assert.deepEqual((await jwksKids(server, pool.poolId)).sort(), [oldKid, newKid].sort());
      const verifier = await verifierFor(server, pool.poolId);
      assert.equal((await verifier.verify(before)).token_use, 'access');
      assert.equal((await verifier.verify(afterRotation)).token_use, 'access');
      assert.ok((await server.anonymous.send(new GetUserCommand({ AccessToken: before }))).Username);

      // The old key's tokens lived at most an hour (the pool's longest validity), plus the margin,
      // counted from the rotation (on the command's clock, the system's).
      const row = await server.running.cognate.store.db.selectFrom('signing_keys').selectAll().where('kid', '=', oldKid).executeTakeFirstOrThrow();
      assert.equal(Number(row.unpublish_at) - Number(row.retired_at), HOUR + UNPUBLISH_MARGIN_MS);
      server.clock.set(Number(row.unpublish_at) - 1000);
      assert.deepEqual((await jwksKids(server, pool.poolId)).sort(), [oldKid, newKid].sort(), 'still published just before');
      server.clock.advance(5_000); // past it, at the next reload of the pool's keys (at most 5 s)
      assert.deepEqual(await jwksKids(server, pool.poolId), [newKid]);
      await assert.rejects((await verifierFor(server, pool.poolId)).verify(before), KidNotFoundInJwksError);
      assert.equal((await (await verifierFor(server, pool.poolId)).verify(afterRotation)).token_use, 'access', "the new key's tokens verify");
      assert.ok(server.running.cognate.keys.keyFor(pool.poolId, oldKid) === undefined, 'the server no longer verifies with it either');
    });

    it("a retired key stays as long as the pool's longest token validity (a 24-hour client keeps it a day); the next rotation deletes keys whose tokens have expired", async () => {
      const pool = await newPool(server, 24);
      const first = kidOf(await signIn(server, pool));
      const { keys } = server.running.cognate;
      const now = server.clock.now();
      const rotation = (await keys.rotate(pool.poolId, now))!;
      assert.deepEqual(rotation.retired, [first]);
      assert.equal(rotation.unpublishAt, now + 24 * HOUR + UNPUBLISH_MARGIN_MS);
      server.clock.advance(2 * HOUR);
      assert.ok((await jwksKids(server, pool.poolId)).includes(first), 'after two hours the old key is still published');
      server.clock.advance(23 * HOUR);
      assert.deepEqual(await jwksKids(server, pool.poolId), [rotation.kid]);
      const next = (await keys.rotate(pool.poolId, server.clock.now()))!;
      assert.deepEqual(next.removed, [first]);
      const rows = await server.running.cognate.store.db.selectFrom('signing_keys').select('kid').where('pool_id', '=', pool.poolId).execute();
      assert.deepEqual(rows.map((r) => r.kid).sort(), [rotation.kid, next.kid].sort());
    });

    it('--signing-key-rotation-days rotates on its own; another node signs with the new key after its reload; two nodes rotating at once: one wins', async () => {
      const scheduled = await startTestServer(kind, { signingKeyRotationDays: 1 }, server);
      try {
        const pool = await newPool(scheduled); // its key's age is measured on this node's clock
        const before = await signIn(scheduled, pool);
        const oldKid = kidOf(before);
        scheduled.clock.advance(24 * HOUR + 1000);
        await signIn(scheduled, pool); // loading the keys notices the key is due and rotates in the background
        let kids: string[] = [];
        for (let i = 0; i < 50 && kids.length < 2; i++) {
          await new Promise((r) => setTimeout(r, 100));
          kids = await jwksKids(scheduled, pool.poolId);
        }
        assert.equal(kids.length, 2, 'a second key was made');
        const newKid = kids.find((k) => k !== oldKid)!;
        assert.equal(kidOf(await signIn(scheduled, pool)), newKid);
        server.clock.advance(6_000);
        assert.equal(kidOf(await signIn(server, pool)), newKid, 'the other node signs with the key the database says is active');
        assert.equal((await (await verifierFor(scheduled, pool.poolId)).verify(before)).token_use, 'access');

        const [a, b] = await Promise.all([
          server.running.cognate.keys.rotate(pool.poolId, server.clock.now(), newKid),
          scheduled.running.cognate.keys.rotate(pool.poolId, scheduled.clock.now(), newKid),
        ]);
        assert.equal([a, b].filter((r) => r !== undefined).length, 1, 'exactly one rotation of the same key wins');
        const active = await server.running.cognate.store.db.selectFrom('signing_keys').select('kid').where('pool_id', '=', pool.poolId).where('retired_at', 'is', null).execute();
        assert.deepEqual(active.map((r) => r.kid), [(a ?? b)!.kid]);
      } finally {
        await scheduled.stop();
      }
    });
  });
}

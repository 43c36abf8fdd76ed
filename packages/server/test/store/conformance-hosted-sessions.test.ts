/**
 * Storage conformance for the hosted UI's browser sessions (store/hosted-sessions.ts through
 * domain/oauth/hosted-sessions.ts): the cookie's secret is never stored (only its hash); a
 * session expires after an hour; a new sign-in ends the browser's previous session; logout removes
 * the row; another pool's session is not found; a disabled, deleted or no-longer-confirmed user
 * has no session; pool and user deletion cascade. The same cases on SQLite and PostgreSQL.
 *
 * Run: node scripts/run-tests.mjs conformance-hosted-sessions
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOSTED_SESSION_SECONDS, endHostedSession, findHostedSession, hostedSessionId, startHostedSession } from '../../src/domain/oauth/hosted-sessions.js';
import { deleteUserPool } from '../../src/domain/pool-admin.js';
import { databaseKinds } from '../support/postgres.js';
import { assertNotContained, countRows, newClient, newPool, newUser, rowText, type Env, useEnv, SECOND } from './harness.js';

for (const kind of databaseKinds) {
  describe(`storage conformance: hosted-UI sessions (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);
    const setUp = async (e: Env) => {
      const pool = await newPool(e);
      const client = await newClient(e, pool);
      const user = await newUser(e, pool, 'alice');
      return { pool, client, user };
    };

    it('stores only the hash of the secret, and finds the session by the secret for one hour', async () => {
      const e = env();
      const { pool, client, user } = await setUp(e);
      const { secret, session } = await startHostedSession(e.cognate, { pool, client, user, amr: ['pwd', 'mfa'], authTimeMs: e.clock.now() });
      assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(session.id, hostedSessionId(secret));
      const row = await e.db.selectFrom('hosted_sessions').selectAll().where('id_hash', '=', session.id).executeTakeFirst();
      assertNotContained(rowText(row), secret, 'the session secret');
      const found = await findHostedSession(e.cognate, pool, secret);
      assert.equal(found?.user.sub, user.sub);
      assert.deepEqual(found?.session.amr, ['pwd', 'mfa']);
      assert.equal(found?.session.authTime, Math.floor(e.clock.now() / 1000));
      e.clock.advance(HOSTED_SESSION_SECONDS * SECOND - 1);
      assert.ok(await findHostedSession(e.cognate, pool, secret));
      e.clock.advance(1);
      assert.equal(await findHostedSession(e.cognate, pool, secret), undefined);
    });

    it("a new sign-in ends the browser's previous session; logout removes the row", async () => {
      const e = env();
      const { pool, client, user } = await setUp(e);
      const first = await startHostedSession(e.cognate, { pool, client, user, amr: ['pwd'], authTimeMs: e.clock.now() });
      const second = await startHostedSession(e.cognate, { pool, client, user, amr: ['pwd'], authTimeMs: e.clock.now(), previousSecret: first.secret });
      assert.notEqual(second.secret, first.secret);
      assert.equal(await findHostedSession(e.cognate, pool, first.secret), undefined);
      assert.ok(await findHostedSession(e.cognate, pool, second.secret));
      assert.equal((await endHostedSession(e.cognate, second.secret))?.id, second.session.id);
      assert.equal(await findHostedSession(e.cognate, pool, second.secret), undefined);
      assert.equal(await endHostedSession(e.cognate, second.secret), undefined);
      assert.equal(await countRows(e.db, 'hosted_sessions', pool.id), 0);
    });

    it("another pool's session, a malformed secret, and users who may no longer sign in find nothing", async () => {
      const e = env();
      const { pool, client, user } = await setUp(e);
      const other = await newPool(e);
      const { secret } = await startHostedSession(e.cognate, { pool, client, user, amr: ['pwd'], authTimeMs: e.clock.now() });
      assert.equal(await findHostedSession(e.cognate, other, secret), undefined);
      for (const bad of [undefined, '', 'x', `${secret}x`, "' OR '1'='1"]) assert.equal(await findHostedSession(e.cognate, pool, bad), undefined);
      await e.db.updateTable('users').set({ enabled: 0 }).where('id', '=', user.sub).execute();
      assert.equal(await findHostedSession(e.cognate, pool, secret), undefined, 'disabled');
      await e.db.updateTable('users').set({ enabled: 1, status: 'RESET_REQUIRED' }).where('id', '=', user.sub).execute();
      assert.equal(await findHostedSession(e.cognate, pool, secret), undefined, 'reset required');
    });

    it('deleting the user or the pool deletes their sessions', async () => {
      const e = env();
      const { pool, client, user } = await setUp(e);
      const bob = await newUser(e, pool, 'bob');
      await startHostedSession(e.cognate, { pool, client, user, amr: ['pwd'], authTimeMs: e.clock.now() });
      await startHostedSession(e.cognate, { pool, client, user: bob, amr: ['pwd'], authTimeMs: e.clock.now() });
      await e.cognate.users.remove(bob.sub);
      assert.equal(await countRows(e.db, 'hosted_sessions', pool.id), 1);
      await deleteUserPool(e.cognate, pool.id);
      assert.equal(await countRows(e.db, 'hosted_sessions', pool.id), 0);
    });
  });
}

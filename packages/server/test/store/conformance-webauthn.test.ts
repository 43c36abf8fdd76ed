/**
 * Storage conformance for passkeys (store/webauthn-credentials.ts): one credential ID per pool (also
 * under concurrent inserts), cross-pool and cross-user isolation of look-up and delete, the counter's
 * compare-and-set (of two racing updates from one value, one wins), listing pages, and the cascades
 * on user and pool deletion. The same cases on SQLite and PostgreSQL (harness.ts).
 *
 * Run: node scripts/run-tests.mjs conformance-webauthn
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deleteUserPool } from '../../src/domain/pool-admin.js';
import * as credentialStore from '../../src/store/webauthn-credentials.js';
import type { WebAuthnCredentialRow } from '../../src/store/webauthn-credentials.js';
import { databaseKinds } from '../support/postgres.js';
import { countRows, newPool, newUser, unique, useEnv } from './harness.js';

const row = (poolId: string, userId: string, credentialId: string, createdAt: number, signCount = 0): WebAuthnCredentialRow => ({
  pool_id: poolId,
  credential_id: credentialId,
  user_id: userId,
  public_key: 'pQECAyYgASFYIA',
  sign_count: signCount,
  transports: '["internal"]',
  friendly_name: 'Passkey',
  relying_party_id: 'shop.auth.us-east-1.localhost',
  authenticator_attachment: 'platform',
  aaguid: '00000000-0000-0000-0000-000000000000',
  user_verified: 1,
  created_at: createdAt,
  last_used_at: null,
});

for (const kind of databaseKinds) {
  describe(`storage conformance: passkeys (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);

    it('keeps a credential ID to one per pool (also racing), and apart across pools', async () => {
      const { db } = env();
      const pool = await newPool(env());
      const other = await newPool(env());
      const alice = await newUser(env(), pool, unique('alice'));
      const bob = await newUser(env(), pool, unique('bob'));
      const carol = await newUser(env(), other, unique('carol'));
      const id = unique('cred');
      const racing = await Promise.allSettled([alice, bob].map((u) => credentialStore.insert(db, row(pool.id, u.sub, id, 1))));
      assert.deepEqual(racing.map((r) => (r.status === 'fulfilled' ? r.value : 'threw')).sort(), ['created', 'taken'], 'one insert of the ID wins, the other hears taken');
      assert.equal(await credentialStore.insert(db, row(pool.id, alice.sub, id, 2)), 'taken');
      assert.equal(await credentialStore.insert(db, row(other.id, carol.sub, id, 3)), 'created', 'another pool is another namespace');
      assert.equal((await credentialStore.findInPool(db, other.id, id))?.user_id, carol.sub);
      const owner = (await credentialStore.findInPool(db, pool.id, id))!.user_id;
      const notOwner = owner === alice.sub ? bob : alice;
      assert.equal(await credentialStore.removeForUser(db, notOwner.sub, id), false, "another user's credential is not deleted");
      assert.equal(await credentialStore.removeForUser(db, carol.sub, id), true);
      assert.ok(await credentialStore.findInPool(db, pool.id, id), "the other pool's credential is untouched");
    });

    it('advances the counter only from the value it was checked against', async () => {
      const { db } = env();
      const pool = await newPool(env());
      const user = await newUser(env(), pool, unique('counter'));
      const id = unique('cred');
      await credentialStore.insert(db, row(pool.id, user.sub, id, 1, 5));
      const racing = await Promise.all([6, 7, 8].map((next) => credentialStore.advanceCounter(db, pool.id, id, 5, next, 10)));
      assert.equal(racing.filter(Boolean).length, 1);
      const stored = Number((await credentialStore.findInPool(db, pool.id, id))!.sign_count);
      assert.ok([6, 7, 8].includes(stored));
      assert.equal(await credentialStore.advanceCounter(db, pool.id, id, 5, 9, 11), false);
    });

    it('lists a user\'s credentials oldest first, in pages, and forgets them with the user and the pool', async () => {
      const { cognate, db } = env();
      const pool = await newPool(env());
      const user = await newUser(env(), pool, unique('lister'));
      const ids = [unique('c'), unique('c'), unique('c')];
      for (const [i, id] of ids.entries()) await credentialStore.insert(db, row(pool.id, user.sub, id, 100 + i));
      const first = await credentialStore.listForUser(db, user.sub, 2);
      assert.deepEqual(first.map((r) => r.credential_id), ids.slice(0, 2));
      const last = first[1]!;
      assert.deepEqual((await credentialStore.listForUser(db, user.sub, 2, [Number(last.created_at), last.credential_id])).map((r) => r.credential_id), [ids[2]]);
      assert.equal(await credentialStore.countForUser(db, user.sub), 3);

      await cognate.users.remove(user.sub);
      assert.equal(await credentialStore.countForUser(db, user.sub), 0);

      const other = await newUser(env(), pool, unique('stays'));
      await credentialStore.insert(db, row(pool.id, other.sub, unique('c'), 1));
      assert.equal(await countRows(db, 'webauthn_credentials', pool.id), 1);
      await deleteUserPool(cognate, pool.id);
      assert.equal(await countRows(db, 'webauthn_credentials', pool.id), 0);
    });
  });
}

/**
 * Storage conformance for issue 12's administration data (store/resource-servers.ts and the
 * branding and terms repositories, through domain/oauth/): round-trips, uniqueness under concurrent
 * inserts, cross-pool isolation of reads, updates and deletes, paging, and the cascades on pool and
 * client deletion. The same cases on SQLite and PostgreSQL (harness.ts).
 *
 * Run: node scripts/run-tests.mjs conformance-oauth-admin
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createResourceServer, deleteResourceServer, describeResourceServer, listResourceServers, updateResourceServer, MAX_RESOURCE_SERVERS_PER_POOL,
} from '../../src/domain/oauth/resource-servers.js';
import { assertScopesExist, poolScopes, unknownScopes } from '../../src/domain/oauth/scopes.js';
import { deleteUserPool } from '../../src/domain/pool-admin.js';
import * as serverStore from '../../src/store/resource-servers.js';
import { databaseKinds } from '../support/postgres.js';
import { countRows, newPool, rejectsWith, useEnv } from './harness.js';

for (const kind of databaseKinds) {
  describe(`storage conformance: OAuth administration (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);

    it('round-trips a resource server and knows its scopes as <identifier>/<scope>', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const scopes = [{ ScopeName: 'read', ScopeDescription: 'Read' }, { ScopeName: 'write', ScopeDescription: 'Write' }];
      await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'https://api.example.com', Name: 'API', Scopes: scopes });
      const got = await describeResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'https://api.example.com' });
      assert.deepEqual(got, { poolId: pool.id, identifier: 'https://api.example.com', name: 'API', scopes });
      assert.deepEqual([...(await poolScopes(cognate, pool.id))].sort(), [
        'aws.cognito.signin.user.admin', 'email', 'https://api.example.com/read', 'https://api.example.com/write', 'openid', 'phone', 'profile',
      ]);
      assert.deepEqual(await unknownScopes(cognate, pool.id, ['openid', 'https://api.example.com/read', 'https://api.example.com/delete', 'api/read']), ['https://api.example.com/delete', 'api/read']);
      await rejectsWith(assertScopesExist(cognate, pool.id, ['email', 'nope']), 'ScopeDoesNotExistException', 'Invalid scope requested: nope');
      await updateResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'https://api.example.com', Name: 'API 2', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] });
      assert.deepEqual(await unknownScopes(cognate, pool.id, ['https://api.example.com/write']), ['https://api.example.com/write']);
    });

    it('lets one of several concurrent creates of an identifier win, per pool', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const other = await newPool(env());
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'race', Name: `n${i}` })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'InvalidParameterException');
      await createResourceServer(cognate, { UserPoolId: other.id, Identifier: 'race', Name: 'other' });
      assert.equal(await countRows(env().db, 'resource_servers', pool.id), 1);
      assert.equal(await countRows(env().db, 'resource_servers', other.id), 1);
    });

    it('does not read, update or delete another pool\'s resource server', async () => {
      const { cognate, db } = env();
      const owner = await newPool(env());
      const thief = await newPool(env());
      await createResourceServer(cognate, { UserPoolId: owner.id, Identifier: 'mine', Name: 'Mine' });
      assert.equal(await serverStore.findResourceServerRow(db, thief.id, 'mine'), undefined);
      assert.equal(await serverStore.updateResourceServerRow(db, thief.id, 'mine', { name: 'x', scopes: '[]', updated_at: 1 }), false);
      assert.equal(await serverStore.deleteResourceServerRow(db, thief.id, 'mine'), false);
      await rejectsWith(describeResourceServer(cognate, { UserPoolId: thief.id, Identifier: 'mine' }), 'ResourceNotFoundException');
      await rejectsWith(deleteResourceServer(cognate, { UserPoolId: thief.id, Identifier: 'mine' }), 'ResourceNotFoundException');
      assert.deepEqual((await listResourceServers(cognate, thief.id, 10)).servers, []);
      assert.equal((await describeResourceServer(cognate, { UserPoolId: owner.id, Identifier: 'mine' })).name, 'Mine');
    });

    it('pages resource servers in identifier order and holds a pool to the quota', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const ids = Array.from({ length: MAX_RESOURCE_SERVERS_PER_POOL }, (_, i) => `s${String(i).padStart(2, '0')}`);
      for (const id of [...ids].reverse()) await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: id, Name: id });
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await listResourceServers(cognate, pool.id, 7, after);
        seen.push(...page.servers.map((s) => s.identifier));
        after = page.next;
      } while (after);
      assert.deepEqual(seen, ids);
      await rejectsWith(createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'over', Name: 'over' }), 'LimitExceededException');
    });

    it('deletes a pool\'s resource servers with the pool (cascade)', async () => {
      const { cognate, db } = env();
      const pool = await newPool(env());
      await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'gone', Name: 'gone' });
      await deleteUserPool(cognate, pool.id);
      assert.equal(await countRows(db, 'resource_servers', pool.id), 0);
    });
  });
}

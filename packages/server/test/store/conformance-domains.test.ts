/**
 * Storage conformance for user pool domains (store/user-pool-domains.ts through
 * domain/user-pool-domains.ts): round-trips, one name across pools and one domain of each kind per
 * pool (also under concurrent inserts), cross-pool isolation of update and delete, the cascade on
 * pool deletion, and findPoolByHost. The same cases on SQLite and PostgreSQL (harness.ts).
 *
 * Run: node scripts/run-tests.mjs conformance-domains
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createUserPoolDomain, deleteUserPoolDomain, describeUserPoolDomain, domainHost, findPoolByHost, poolDomainFields, updateUserPoolDomain,
} from '../../src/domain/user-pool-domains.js';
import { deleteUserPool } from '../../src/domain/pool-admin.js';
import * as domainStore from '../../src/store/user-pool-domains.js';
import { databaseKinds } from '../support/postgres.js';
import { countRows, newPool, rejectsWith, useEnv } from './harness.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
let n = 0;
const prefix = () => `pfx${process.pid}x${++n}`;

for (const kind of databaseKinds) {
  describe(`storage conformance: user pool domains (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);

    it('round-trips a prefix and a custom domain, and shows them on the pool', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const p = prefix();
      const created = await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: p, ManagedLoginVersion: 2 });
      assert.equal(created.kind, 'prefix');
      assert.equal(domainHost(cognate.config, created), `${p}.auth.${pool.id.split('_')[0]}.localhost`);
      await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: `${p}.example.com`, CustomDomainConfig: { CertificateArn: CERT } });
      const got = await describeUserPoolDomain(cognate, p);
      assert.deepEqual({ poolId: got?.poolId, version: got?.managedLoginVersion, config: got?.customDomainConfig }, { poolId: pool.id, version: 2, config: null });
      assert.deepEqual((await describeUserPoolDomain(cognate, `${p}.example.com`))?.customDomainConfig, { CertificateArn: CERT });
      assert.deepEqual(await poolDomainFields(cognate, pool.id), { Domain: p, CustomDomain: `${p}.example.com` });
      const updated = await updateUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: p, ManagedLoginVersion: 1 });
      assert.equal(updated.managedLoginVersion, 1);
      assert.equal((await describeUserPoolDomain(cognate, p))?.managedLoginVersion, 1);
    });

    it('keeps a name to one pool and one domain of each kind to a pool, also under concurrent inserts', async () => {
      const { cognate } = env();
      const pools = await Promise.all(Array.from({ length: 6 }, () => newPool(env())));
      const p = prefix();
      const results = await Promise.allSettled(pools.map((pool) => createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: p })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const winner = (await describeUserPoolDomain(cognate, p))!.poolId;
      const loser = pools.find((pool) => pool.id !== winner)!;
      await rejectsWith(createUserPoolDomain(cognate, { UserPoolId: loser.id, Domain: p }), 'InvalidParameterException', 'Domain already associated with another user pool.');
      await rejectsWith(createUserPoolDomain(cognate, { UserPoolId: winner, Domain: prefix() }), 'InvalidParameterException', 'User pool already has a domain configured.');
      const samePool = await Promise.allSettled([1, 2, 3].map(() => createUserPoolDomain(cognate, { UserPoolId: loser.id, Domain: prefix() })));
      assert.equal(samePool.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(await countRows(env().db, 'user_pool_domains', loser.id), 1);
    });

    it('does not update or delete another pool\'s domain', async () => {
      const { cognate, db } = env();
      const owner = await newPool(env());
      const other = await newPool(env());
      const p = prefix();
      await createUserPoolDomain(cognate, { UserPoolId: owner.id, Domain: p });
      assert.equal(await domainStore.deleteDomainRow(db, other.id, p), false);
      assert.equal(await domainStore.updateDomainRow(db, other.id, p, { managed_login_version: 2 }), false);
      await rejectsWith(deleteUserPoolDomain(cognate, { UserPoolId: other.id, Domain: p }), 'InvalidParameterException');
      await rejectsWith(updateUserPoolDomain(cognate, { UserPoolId: other.id, Domain: p, ManagedLoginVersion: 2 }), 'InvalidParameterException');
      const kept = await describeUserPoolDomain(cognate, p);
      assert.equal(kept?.poolId, owner.id);
      assert.equal(kept?.managedLoginVersion, 1);
      await deleteUserPoolDomain(cognate, { UserPoolId: owner.id, Domain: p });
      assert.equal(await describeUserPoolDomain(cognate, p), undefined);
    });

    it('deletes a pool\'s domains with the pool (cascade)', async () => {
      const { cognate, db } = env();
      const pool = await newPool(env());
      const p = prefix();
      await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: p });
      await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: `${p}.example.org`, CustomDomainConfig: { CertificateArn: CERT } });
      assert.equal(await countRows(db, 'user_pool_domains', pool.id), 2);
      await deleteUserPool(cognate, pool.id);
      assert.equal(await countRows(db, 'user_pool_domains', pool.id), 0);
      assert.equal(await domainStore.findDomainRow(db, p), undefined);
    });

    it('finds the pool by host (findPoolByHost)', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const region = pool.id.split('_')[0]!;
      const p = prefix();
      await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: p });
      await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: `login.${p}.dev`, CustomDomainConfig: { CertificateArn: CERT } });
      assert.equal(await findPoolByHost(cognate, `${p}.auth.${region}.localhost`), pool.id);
      assert.equal(await findPoolByHost(cognate, `${p}.auth.${region}.localhost:9229`), pool.id);
      assert.equal(await findPoolByHost(cognate, `login.${p}.dev`), pool.id);
      assert.equal(await findPoolByHost(cognate, `${p}.auth.xx-nowhere-9.localhost`), undefined);
      assert.equal(await findPoolByHost(cognate, `${p}.auth.${region}.example.com`), undefined);
      assert.equal(await findPoolByHost(cognate, p), undefined);
      assert.equal(await findPoolByHost(cognate, `login.${p}.dev.auth.${region}.localhost`), undefined);
    });
  });
}

/**
 * The runner lease (store/leases.ts, domain/runner-lease.ts) on both databases: one holder at a
 * time, renewable by its holder, taken over only once it lapsed, given back on stop; two
 * RunnerLeases racing on one database never both hold it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { databaseKinds } from '../../support/postgres.js';
import { newPlace, type Place } from '../../store/harness.js';
import { openStore, type Store } from '../../../src/store/db.js';
import { leaseHolder, releaseLease, takeLease } from '../../../src/store/leases.js';
import { RunnerLease } from '../../../src/domain/runner-lease.js';

const log = pino({ level: 'silent' });

for (const kind of databaseKinds) {
  describe(`runner leases (${kind})`, () => {
    let place: Place;
    let store: Store;

    before(async () => {
      place = await newPlace(kind);
      store = await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir });
    });
    after(async () => {
      await store?.close();
      await place?.dispose();
    });

    it('one holder at a time: renewed by it, taken by another only once it lapsed, given back by its holder only', async () => {
      const t = 1_000_000;
      assert.equal(await takeLease(store.db, 'job', 'a', t, t + 6000), true);
      assert.equal(await takeLease(store.db, 'job', 'b', t + 1000, t + 7000), false, 'held by a');
      assert.equal(await takeLease(store.db, 'job', 'a', t + 2000, t + 8000), true, 'a renews');
      assert.equal(await takeLease(store.db, 'job', 'b', t + 7999, t + 13_999), false, 'not lapsed yet');
      assert.equal(await takeLease(store.db, 'job', 'b', t + 8001, t + 14_001), true, 'lapsed: b takes it');
      assert.equal(await takeLease(store.db, 'job', 'a', t + 8002, t + 14_002), false, 'a lost it');
      await releaseLease(store.db, 'job', 'a');
      assert.equal((await leaseHolder(store.db, 'job'))?.holder, 'b', "a can't give back what b holds");
      await releaseLease(store.db, 'job', 'b');
      assert.equal(await leaseHolder(store.db, 'job'), undefined);
      assert.equal(await takeLease(store.db, 'job', 'a', t + 8003, t + 14_003), true, 'given back: anyone takes it');
      await releaseLease(store.db, 'job', 'a');
    });

    it('of several RunnerLeases on one database exactly one holds; when it stops, another takes over', async () => {
      const taken: string[] = [];
      const leases = Array.from({ length: 4 }, () => {
        const lease: RunnerLease = new RunnerLease({ store, log }, 'race', () => taken.push(lease.holder));
        return lease;
      });
      await Promise.all(leases.map((l) => l.tryTake()));
      assert.equal(leases.filter((l) => l.held).length, 1);
      assert.deepEqual(taken, [leases.find((l) => l.held)!.holder], 'onTaken ran for the one that took it');
      const first = leases.find((l) => l.held)!;
      await first.stop();
      assert.equal(first.held, false);
      const rest = leases.filter((l) => l !== first);
      await Promise.all(rest.map((l) => l.tryTake()));
      assert.equal(rest.filter((l) => l.held).length, 1, 'another took it at its next try');
      assert.equal((await leaseHolder(store.db, 'race'))?.holder, rest.find((l) => l.held)!.holder);
      await Promise.all(rest.map((l) => l.stop()));
      assert.equal(await leaseHolder(store.db, 'race'), undefined);
    });
  });
}

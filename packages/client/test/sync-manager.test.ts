/**
 * The SyncManager's logic against an in-memory Cognito Sync speaking the model's wire format
 * (test/sync-fake.ts): the local cache, offline queueing, conflicts and each resolution, stale
 * sync counts and the bounded retry, writes during a synchronize, deletes, merges and identity
 * changes, bad input. The same behaviour against the real server is in sync-e2e.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage, MobileClient, MobileClientError, SyncManager, type KeyValueStorage, type SyncManagerOptions } from '../src/index.js';
import { ENDPOINT, FakeSync, IDENTITY_POOL } from './sync-fake.js';

const config = { CredentialsProvider: { CognitoIdentity: { Default: { PoolId: IDENTITY_POOL, Region: 'us-east-1', Endpoint: ENDPOINT } } } };

async function device(fake: FakeSync, options: { storage?: KeyValueStorage; sync?: SyncManagerOptions; clock?: () => number } = {}) {
  const storage = options.storage ?? new MemoryStorage();
  const client = new MobileClient({ fetch: fake.fetch, storage, clock: { now: options.clock ?? (() => fake.now) } });
  await client.initialize(config);
  const sync = new SyncManager(client, options.sync);
  return { client, sync, storage };
}

/** Two devices of one guest identity (the second takes the first's identity id, as a restored backup would). */
async function twoDevices(fake: FakeSync) {
  const a = await device(fake);
  await a.client.getAWSCredentials();
  const storage = new MemoryStorage();
  const session = { version: 1, identityId: a.client.identityId, guestAllowed: true };
  storage.setItem(`cognate.session.${IDENTITY_POOL}`, JSON.stringify(session));
  const b = await device(fake, { storage });
  return { a, b, identityId: a.client.identityId! };
}

async function expectError(fn: () => Promise<unknown>, code: string): Promise<MobileClientError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof MobileClientError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('SyncManager: local cache', () => {
  it('put / get / remove / getAll / getSizeInBytes work offline, before any identity is known', async () => {
    const fake = new FakeSync();
    fake.offline = true;
    const { sync } = await device(fake);
    const ds = await sync.openOrCreateDataset('settings');
    await ds.put('theme', 'dark');
    await ds.putAll({ lang: 'fr', 'é': 'ü' });
    assert.equal(await ds.get('theme'), 'dark');
    assert.equal(await ds.get('missing'), undefined);
    await ds.remove('lang');
    assert.deepEqual(await ds.getAll(), { theme: 'dark', 'é': 'ü' });
    // Cognito counts UTF-8 bytes of key and value: 5+4 and 2+2.
    assert.equal(await ds.getSizeInBytes(), 13);
    assert.equal(await ds.getSizeInBytes('é'), 4);
    assert.equal(await ds.isChanged('theme'), true);
    assert.deepEqual((await sync.listDatasets()).map((d) => [d.datasetName, d.recordCount, d.lastSyncCount]), [['settings', 2, 0]]);
    assert.equal(fake.requests.length, 0, 'nothing was sent');
  });

  it('a key named __proto__ is just a key', async () => {
    const fake = new FakeSync();
    const { sync, client } = await device(fake);
    const ds = await sync.openOrCreateDataset('odd');
    await ds.put('__proto__', 'x');
    await ds.put('constructor', 'y');
    const all = await ds.getAll();
    assert.equal(Object.getPrototypeOf(all), Object.prototype);
    assert.deepEqual(Object.keys(all).sort(), ['__proto__', 'constructor']);
    assert.equal(await ds.get('__proto__'), 'x');
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.deepEqual(Object.keys(fake.values(client.identityId!, 'odd')).sort(), ['__proto__', 'constructor']);
  });

  it('bad input: dataset names, keys and values Cognito Sync refuses, null and wrong types', async () => {
    const fake = new FakeSync();
    const { sync } = await device(fake);
    for (const name of ['', 'a/b', 'x'.repeat(129), 'sp ace', null, 42]) await expectError(() => sync.openOrCreateDataset(name as string), 'invalidParameter');
    const ds = await sync.openOrCreateDataset('ok');
    await expectError(() => ds.put('', 'v'), 'invalidParameter');
    await expectError(() => ds.put('k'.repeat(129), 'v'), 'invalidParameter');
    await ds.put('😀'.repeat(128), 'v'); // 128 characters, though 256 UTF-16 units
    await ds.remove('😀'.repeat(128));
    await expectError(() => ds.put('big', 'x'.repeat(1048576)), 'invalidParameter');
    await expectError(() => ds.putAll({ a: 'x'.repeat(600_000), b: 'y'.repeat(600_000) }), 'limitExceeded');
    await expectError(() => ds.putAll(Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`k${i}`, 'v']))), 'limitExceeded');
    await expectError(() => ds.put('k', null as unknown as string), 'invalidParameter');
    await expectError(() => ds.put('k', 7 as unknown as string), 'invalidParameter');
    await expectError(() => ds.put(undefined as unknown as string, 'v'), 'invalidParameter');
    await expectError(() => ds.putAll({ a: 'ok', b: {} as unknown as string }), 'invalidParameter');
    assert.deepEqual(await ds.getAll(), {}, 'nothing half-written');
    assert.equal((await ds.getAllRecords()).filter((r) => r.value !== null).length, 0);
    assert.throws(() => new SyncManager({} as MobileClient), TypeError);
  });

  it('the cache persists in the storage: a new manager on the same storage sees the data', async () => {
    const fake = new FakeSync();
    const { sync, storage } = await device(fake);
    await (await sync.openOrCreateDataset('settings')).put('theme', 'dark');
    const again = await device(fake, { storage });
    assert.equal(await (await again.sync.openOrCreateDataset('settings')).get('theme'), 'dark');
  });

  it('a damaged cache entry is treated as absent', async () => {
    const fake = new FakeSync();
    const { sync, storage, client } = await device(fake);
    await client.getAWSCredentials();
    const ds = await sync.openOrCreateDataset('settings');
    await ds.put('a', '1');
    await storage.setItem(`cognate.sync/${IDENTITY_POOL}/${client.identityId}/settings`, '{not json');
    assert.deepEqual(await ds.getAll(), {});
    await ds.put('b', '2');
    assert.deepEqual(await ds.getAll(), { b: '2' });
  });
});

describe('SyncManager: synchronize', () => {
  it('pushes local changes signed with the identity credentials, and pulls another device\'s', async () => {
    const fake = new FakeSync();
    const { a, b, identityId } = await twoDevices(fake);
    const dsA = await a.sync.openOrCreateDataset('settings');
    await dsA.put('theme', 'dark');
    const result = await dsA.synchronize();
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(fake.values(identityId, 'settings'), { theme: 'dark' });
    const update = fake.requests.find((r) => r.action === 'UpdateRecords')!;
    assert.match(update.headers.authorization!, /^AWS4-HMAC-SHA256 Credential=ASIA\w+\/20261207\/us-east-1\/cognito-sync\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-user-agent, Signature=[0-9a-f]{64}$/);
    assert.deepEqual(update.body.RecordPatches, [{ Op: 'replace', Key: 'theme', Value: 'dark', SyncCount: 0, DeviceLastModifiedDate: fake.now / 1000 }]);
    assert.equal(await dsA.isChanged('theme'), false);
    assert.equal((await dsA.getMetadata()).lastSyncCount, 1);

    const dsB = await b.sync.openOrCreateDataset('settings');
    let updated: string[] = [];
    const r = await dsB.synchronize({ onSuccess: (_ds, records) => (updated = records.map((x) => x.key)) });
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(updated, ['theme']);
    assert.equal(await dsB.get('theme'), 'dark');

    // A removal travels too.
    await dsB.remove('theme');
    await dsB.synchronize();
    await dsA.synchronize();
    assert.equal(await dsA.get('theme'), undefined);
    assert.deepEqual(await dsA.getAllRecords(), []);
  });

  it('ListRecords pages are followed to the end, each later page with the session token of the first', async () => {
    const fake = new FakeSync();
    fake.pageSize = 2;
    const { a, identityId } = await twoDevices(fake);
    fake.write(identityId, 'big', { k1: '1', k2: '2', k3: '3', k4: '4', k5: '5' });
    const ds = await a.sync.openOrCreateDataset('big');
    await ds.put('mine', 'x');
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.deepEqual(Object.keys(await ds.getAll()).sort(), ['k1', 'k2', 'k3', 'k4', 'k5', 'mine']);
    const pages = fake.requests.filter((r) => r.action === 'ListRecords');
    assert.deepEqual(pages.map((r) => r.query.get('nextToken')), [null, '2', '4']);
    const token = pages[0]!.query.get('syncSessionToken');
    assert.equal(token, null);
    assert.ok(pages.slice(1).every((r) => r.query.get('syncSessionToken') && r.query.get('syncSessionToken') === pages[1]!.query.get('syncSessionToken')));
    assert.deepEqual(fake.values(identityId, 'big').mine, 'x');
  });

  it('more changes than one UpdateRecords takes (1,024) go in several rounds', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('many');
    await ds.putAll(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'])));
    assert.equal((await ds.synchronize()).status, 'succeeded');
    // 500 removed, 500 changed, 500 new: 1,500 changes, 1,000 records.
    for (let i = 0; i < 500; i++) await ds.remove(`k${i}`);
    await ds.putAll(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${500 + i}`, 'w'])));
    await ds.putAll(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`n${i}`, 'v'])));
    const before = fake.requests.length;
    assert.equal((await ds.synchronize({ onConflict: () => assert.fail('no conflict') })).status, 'succeeded');
    const pushes = fake.requests.slice(before).filter((r) => r.action === 'UpdateRecords').map((r) => (r.body.RecordPatches as unknown[]).length);
    assert.deepEqual(pushes, [1024, 476]);
    const server = fake.values(identityId, 'many');
    assert.equal(Object.keys(server).length, 1000);
    assert.equal(server.k999, 'w');
    assert.equal(server.k0, undefined);
    assert.equal((await ds.getAllRecords()).filter((r) => r.modified).length, 0);
  });

  it('offline: a put succeeds locally, synchronize fails with network, and pushes once back online', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('notes');
    fake.offline = true;
    await ds.put('n1', 'written offline');
    let failed: MobileClientError | undefined;
    const r = await ds.synchronize({ onFailure: (e) => (failed = e) });
    assert.equal(r.status, 'failed');
    assert.equal(failed?.code, 'network');
    assert.equal(await ds.get('n1'), 'written offline');
    fake.offline = false;
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.deepEqual(fake.values(identityId, 'notes'), { n1: 'written offline' });
  });

  for (const [name, resolve, expected] of [
    ['last writer (remote, newer)', 'lastWriter', 'remote'],
    ['local', 'local', 'local'],
    ['remote', 'remote', 'remote'],
    ['custom value', 'custom', 'local+remote'],
  ] as const) {
    it(`a conflict resolved with ${name}`, async () => {
      const fake = new FakeSync();
      const { a, identityId } = await twoDevices(fake);
      const ds = await a.sync.openOrCreateDataset('game');
      await ds.put('level', '1');
      await ds.synchronize();
      fake.now += 1000;
      await ds.put('level', 'local');
      fake.write(identityId, 'game', { level: 'remote' }, fake.now + 5000);
      let seen: { key: string; local: string | null; remote: string | null }[] = [];
      const r = await ds.synchronize({
        onConflict: (_ds, conflicts) => {
          seen = conflicts.map((c) => ({ key: c.key, local: c.local.value, remote: c.remote.value }));
          return conflicts.map((c) =>
            resolve === 'lastWriter' ? c.resolveWithLastWriter() : resolve === 'local' ? c.resolveWithLocalRecord() : resolve === 'remote' ? c.resolveWithRemoteRecord() : c.resolveWithValue(`${c.local.value}+${c.remote.value}`),
          );
        },
      });
      assert.equal(r.status, 'succeeded', r.status === 'failed' ? r.error.message : '');
      assert.deepEqual(seen, [{ key: 'level', local: 'local', remote: 'remote' }]);
      assert.equal(await ds.get('level'), expected);
      assert.equal(fake.values(identityId, 'game').level, expected);
      assert.equal(await ds.isChanged('level'), false);
    });
  }

  it('without onConflict the last writer wins (here the local write is newer)', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('game');
    fake.write(identityId, 'game', { level: 'old remote' }, fake.now - 60_000);
    await ds.put('level', 'newer local');
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.equal(fake.values(identityId, 'game').level, 'newer local');
  });

  it('onConflict returning false cancels; a missing resolution is syncConflictUnresolved; local changes are kept', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('game');
    await ds.put('k', 'mine');
    fake.write(identityId, 'game', { k: 'theirs' });
    const r1 = await ds.synchronize({ onConflict: () => false });
    assert.equal(r1.status === 'failed' && r1.error.code, 'syncCancelled');
    const r2 = await ds.synchronize({ onConflict: () => [] });
    assert.equal(r2.status === 'failed' && r2.error.code, 'syncConflictUnresolved');
    const r3 = await ds.synchronize({ onConflict: () => [{ key: 'k', value: 5 }] as never });
    assert.equal(r3.status === 'failed' && r3.error.code, 'syncConflictUnresolved');
    assert.equal(await ds.get('k'), 'mine');
    assert.equal(fake.values(identityId, 'game').k, 'theirs');
  });

  it('a stale SyncCount (another device pushed between our pull and push) pulls again and retries', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('game');
    await ds.put('score', '10');
    let injected = false;
    fake.before = (req) => {
      if (req.action === 'UpdateRecords' && !injected) {
        injected = true;
        fake.write(identityId, 'game', { score: '20', other: 'x' }, fake.now + 10_000);
      }
    };
    const conflicts: string[] = [];
    const r = await ds.synchronize({ onConflict: (_d, cs) => cs.map((c) => (conflicts.push(c.key), c.resolveWithLocalRecord())) });
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(conflicts, ['score']);
    assert.deepEqual(fake.values(identityId, 'game'), { score: '10', other: 'x' });
    assert.equal(fake.requests.filter((q) => q.action === 'UpdateRecords').length, 2);
  });

  it('the retry is bounded: a dataset that changes before every push gives syncRetriesExhausted', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = (await device(fake, { storage: a.storage, sync: { maxRetries: 2 } })).sync;
    const game = await ds.openOrCreateDataset('game');
    await game.put('score', '10');
    let n = 0;
    fake.before = (req) => {
      if (req.action === 'UpdateRecords') fake.write(identityId, 'game', { score: String(++n) });
    };
    const r = await game.synchronize({ onConflict: (_d, cs) => cs.map((c) => c.resolveWithLocalRecord()) });
    assert.equal(r.status === 'failed' && r.error.code, 'syncRetriesExhausted');
    assert.equal(fake.requests.filter((q) => q.action === 'UpdateRecords').length, 3);
    assert.equal(await game.get('score'), '10', 'the local change is kept for later');
  });

  it('a put made while a synchronize is pushing is not lost, and is pushed next time', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('game');
    await ds.put('k', 'v1');
    let put: Promise<void> | undefined;
    fake.before = (req) => {
      if (req.action === 'UpdateRecords' && !put) put = ds.put('k', 'v2');
    };
    assert.equal((await ds.synchronize()).status, 'succeeded');
    await put;
    assert.equal(await ds.get('k'), 'v2');
    assert.equal(await ds.isChanged('k'), true);
    fake.before = undefined;
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.equal(fake.values(identityId, 'game').k, 'v2');
  });

  it('concurrent synchronize calls of one dataset run one after the other', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('game');
    await ds.put('k', '1');
    const results = await Promise.all([ds.synchronize(), ds.synchronize(), ds.synchronize()]);
    assert.deepEqual(results.map((r) => r.status), ['succeeded', 'succeeded', 'succeeded']);
    assert.equal(fake.requests.filter((q) => q.action === 'UpdateRecords').length, 1);
    assert.deepEqual(fake.values(identityId, 'game'), { k: '1' });
  });

  it('delete(): gone here at once, deleted on the server by the next synchronize', async () => {
    const fake = new FakeSync();
    const { a, identityId } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('old');
    await ds.put('k', 'v');
    await ds.synchronize();
    await ds.delete();
    assert.deepEqual(await ds.getAll(), {});
    assert.deepEqual(await a.sync.listDatasets(), []);
    await expectError(() => ds.put('k', 'again'), 'invalidState');
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.equal(fake.datasets.get(identityId)?.has('old'), false);
    // Afterwards it can be created again.
    const again = await a.sync.openOrCreateDataset('old');
    await again.put('k', 'new');
    assert.equal(await again.get('k'), 'new');
  });

  it('onDatasetDeleted: another device deleted it; true drops the local copy, false keeps it', async () => {
    const fake = new FakeSync();
    const { a, b, identityId } = await twoDevices(fake);
    const dsA = await a.sync.openOrCreateDataset('shared');
    await dsA.put('k', 'v');
    await dsA.synchronize();
    const dsB = await b.sync.openOrCreateDataset('shared');
    await dsB.synchronize();
    await dsA.delete();
    await dsA.synchronize();
    assert.equal(fake.datasets.get(identityId)?.has('shared'), false);

    const kept = await dsB.synchronize({ onDatasetDeleted: () => false });
    assert.equal(kept.status === 'failed' && kept.error.code, 'syncCancelled');
    assert.equal(await dsB.get('k'), 'v');
    let told: string | undefined;
    const dropped = await dsB.synchronize({ onDatasetDeleted: (_d, name) => ((told = name), true) });
    assert.equal(dropped.status, 'succeeded');
    assert.equal(told, 'shared');
    assert.deepEqual(await dsB.getAll(), {});
    assert.deepEqual(await b.sync.listDatasets(), []);
  });

  it('refreshDatasetMetadata lists the datasets other devices created; listDatasets then shows them', async () => {
    const fake = new FakeSync();
    const { a, b } = await twoDevices(fake);
    const ds = await a.sync.openOrCreateDataset('from-a');
    await ds.put('k', 'v');
    await ds.synchronize();
    assert.deepEqual(await b.sync.listDatasets(), []);
    const refreshed = await b.sync.refreshDatasetMetadata();
    assert.deepEqual(refreshed.map((d) => [d.datasetName, d.recordCount]), [['from-a', 1]]);
    assert.deepEqual((await b.sync.listDatasets()).map((d) => d.datasetName), ['from-a']);
    const opened = await b.sync.openOrCreateDataset('from-a');
    await opened.synchronize();
    assert.equal(await opened.get('k'), 'v');
  });

  it('wipeData forgets every identity\'s cached datasets', async () => {
    const fake = new FakeSync();
    const { a } = await twoDevices(fake);
    await (await a.sync.openOrCreateDataset('x')).put('k', 'v');
    await a.sync.wipeData();
    assert.deepEqual(await a.sync.listDatasets(), []);
    assert.equal(await (await a.sync.openOrCreateDataset('x')).get('k'), undefined);
  });
});

describe('SyncManager: identity changes', () => {
  it('data written before the identity was known moves to the identity', async () => {
    const fake = new FakeSync();
    fake.offline = true;
    const { sync, client } = await device(fake);
    await (await sync.openOrCreateDataset('settings')).put('theme', 'dark');
    fake.offline = false;
    const ds = await sync.openOrCreateDataset('settings');
    assert.equal((await ds.synchronize()).status, 'succeeded');
    assert.deepEqual(fake.values(client.identityId!, 'settings'), { theme: 'dark' });
  });

  it('guest → signed in with a login that already has an identity: the guest data moves there, and the server\'s merge surfaces in onDatasetsMerged', async () => {
    const fake = new FakeSync();
    // The user already has an identity with data, from another device.
    const other = await device(fake);
    await other.client.federatedSignIn('accounts.google.com', 'alice');
    const userId = other.client.identityId!;
    const dsOther = await other.sync.openOrCreateDataset('settings');
    await dsOther.put('theme', 'dark');
    await dsOther.synchronize();

    const { client, sync } = await device(fake);
    await client.getAWSCredentials();
    const guestId = client.identityId!;
    const ds = await sync.openOrCreateDataset('settings');
    await ds.put('lang', 'fr');
    await ds.synchronize();
    await ds.put('volume', '7');

    await client.federatedSignIn('accounts.google.com', 'alice');
    assert.equal(client.identityId, userId, 'the guest merged into the user\'s identity');
    let merged: string[] = [];
    const r = await ds.synchronize({ onDatasetsMerged: (_d, names) => ((merged = names), true) });
    assert.equal(r.status, 'succeeded', r.status === 'failed' ? r.error.message : '');
    assert.deepEqual(merged, [`settings.${guestId}`]);
    assert.deepEqual(await ds.getAll(), { theme: 'dark', lang: 'fr', volume: '7' });
    assert.deepEqual(fake.values(userId, 'settings'), { theme: 'dark', lang: 'fr', volume: '7' });
  });

  it('a signed-in user\'s data stays theirs when another user signs in on the device', async () => {
    const fake = new FakeSync();
    const { client, sync } = await device(fake);
    await client.federatedSignIn('accounts.google.com', 'alice');
    const alice = client.identityId!;
    await (await sync.openOrCreateDataset('private')).put('secret', 'alice-only');
    await client.signOut();
    await client.federatedSignIn('accounts.google.com', 'bob');
    assert.notEqual(client.identityId, alice);
    const ds = await sync.openOrCreateDataset('private');
    assert.equal(await ds.get('secret'), undefined);
    await ds.synchronize();
    assert.deepEqual(fake.values(client.identityId!, 'private'), {});
  });
});

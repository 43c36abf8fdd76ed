/**
 * The SyncManager against a running Cognate server (SQLite and PostgreSQL): "devices" are
 * MobileClients with their own storage (FileStorage files) signed in as one user, editing the same
 * dataset; a conflict resolved each way (last writer, local, remote, custom value); a stale sync
 * count met by a real ResourceConflictException; a device offline (pointed at a closed port) that
 * reconnects; a guest's datasets carried into the signed-in identity (a new login linked to the
 * guest, and a login that already had an identity: the server's merge); another identity's
 * dataset refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { syncPool } from '../../server/test/e2e/sync/helpers.js';
import { FileStorage } from '../src/node.js';
import { MobileClientError, SyncManager, type AWSConfiguration, type FetchLike, type MobileClient, type SyncConflict } from '../src/index.js';
import { SyncRemote } from '../src/sync/remote.js';
import { PASSWORD, advance, clientFor, createPool, databaseKinds, startTestServer, type TestPool, type TestServer } from './support.js';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Device {
  client: MobileClient;
  /** The device's storage file. */
  file: string;
  sync: SyncManager;
  /** Points every request at a closed port while true. */
  offline: boolean;
  /** Runs before each Sync request leaves (to let another device act in between). */
  beforeSync?: ((url: string, method: string) => Promise<void>) | undefined;
}

for (const kind of databaseKinds) {
  describe(`SyncManager against the server (${kind})`, () => {
    let server: TestServer;
    let pool: TestPool;
    let identityPoolId: string;
    let config: AWSConfiguration;
    let dir: string;
    let dead: string;
    let n = 0;

    before(async () => {
      server = await startTestServer(kind);
      pool = await createPool(server);
      identityPoolId = await syncPool(server, [{ poolId: pool.poolId, clientId: pool.clientId }]);
      config = { ...pool.config, CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } } };
      dir = await mkdtemp(path.join(tmpdir(), 'cognate-sync-'));
      dead = `http://127.0.0.1:${await closedPort()}`;
    });
    after(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });

    async function newUser(): Promise<string> {
      const username = `user${++n}`;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
      return username;
    }

    /** A device with its own file storage (or the given one: the same device restarted), signed in as `username` (or a guest). */
    async function newDevice(username?: string, file = path.join(dir, `device${++n}.json`), offline = false): Promise<Device> {
      const device = { offline, file } as Device;
      const fetchImpl: FetchLike = async (url, init) => {
        if (url.includes('/identitypools/')) await device.beforeSync?.(url, init.method);
        return fetch(device.offline ? url.replace(server.url, dead) : url, init);
      };
      device.client = clientFor(server, { storage: new FileStorage(file), fetch: fetchImpl });
      await device.client.initialize(config);
      if (username) await device.client.signIn({ username, password: PASSWORD });
      device.sync = new SyncManager(device.client);
      return device;
    }

    it('two devices of one user edit the same dataset: puts, removes and new keys travel both ways', async () => {
      const user = await newUser();
      const [a, b] = [await newDevice(user), await newDevice(user)];
      const dsA = await a.sync.openOrCreateDataset('settings');
      await dsA.putAll({ theme: 'dark', lang: 'fr' });
      assert.equal((await dsA.synchronize()).status, 'succeeded');
      assert.equal(a.client.identityId, (await b.client.getAWSCredentials()).identityId, 'one identity');

      const dsB = await b.sync.openOrCreateDataset('settings');
      const pulled = await dsB.synchronize();
      assert.equal(pulled.status, 'succeeded');
      assert.deepEqual(pulled.status === 'succeeded' && pulled.updatedRecords.map((r) => r.key).sort(), ['lang', 'theme']);
      assert.deepEqual(await dsB.getAll(), { theme: 'dark', lang: 'fr' });

      await dsB.remove('lang');
      await dsB.put('volume', '7');
      assert.equal((await dsB.synchronize()).status, 'succeeded');
      assert.equal((await dsA.synchronize()).status, 'succeeded');
      assert.deepEqual(await dsA.getAll(), { theme: 'dark', volume: '7' });
      assert.equal((await dsA.getMetadata()).lastSyncCount, (await dsB.getMetadata()).lastSyncCount);

      const listed = await b.sync.refreshDatasetMetadata();
      assert.deepEqual(listed.map((d) => [d.datasetName, d.recordCount, d.storageSizeBytes]), [['settings', 2, 'themedarkvolume7'.length]]);
    });

    const resolutions: [string, (c: SyncConflict) => ReturnType<SyncConflict['resolveWithLastWriter']>, string][] = [
      ['last writer (the other device wrote later)', (c) => c.resolveWithLastWriter(), 'from B'],
      ['local', (c) => c.resolveWithLocalRecord(), 'from A'],
      ['remote', (c) => c.resolveWithRemoteRecord(), 'from B'],
      ['a custom value', (c) => c.resolveWithValue(`${c.local.value} & ${c.remote.value}`), 'from A & from B'],
    ];
    for (const [name, resolve, expected] of resolutions) {
      it(`a conflict resolved with ${name} ends the same on both devices`, async () => {
        const user = await newUser();
        const [a, b] = [await newDevice(user), await newDevice(user)];
        const dsA = await a.sync.openOrCreateDataset('game');
        await dsA.put('level', 'start');
        await dsA.synchronize();
        const dsB = await b.sync.openOrCreateDataset('game');
        await dsB.synchronize();

        await dsA.put('level', 'from A');
        advance(server, 1000);
        await dsB.put('level', 'from B');
        assert.equal((await dsB.synchronize()).status, 'succeeded');

        const seen: { key: string; local: string | null; remote: string | null }[] = [];
        const result = await dsA.synchronize({
          onConflict: (_ds, conflicts) => conflicts.map((c) => (seen.push({ key: c.key, local: c.local.value, remote: c.remote.value }), resolve(c))),
        });
        assert.equal(result.status, 'succeeded', result.status === 'failed' ? result.error.message : '');
        assert.deepEqual(seen, [{ key: 'level', local: 'from A', remote: 'from B' }]);
        assert.equal(await dsA.get('level'), expected);
        assert.equal((await dsB.synchronize()).status, 'succeeded');
        assert.equal(await dsB.get('level'), expected);
        assert.equal(await dsA.isChanged('level'), false);
      });
    }

    it('a stale SyncCount (the other device pushed between pull and push) is refused by the server, pulled again and retried', async () => {
      const user = await newUser();
      const [a, b] = [await newDevice(user), await newDevice(user)];
      const dsA = await a.sync.openOrCreateDataset('race');
      const dsB = await b.sync.openOrCreateDataset('race');
      await dsA.put('score', '1');
      await dsA.synchronize();
      await dsB.synchronize();
      await dsA.put('score', 'A');
      await dsB.put('score', 'B');
      let pushes = 0;
      b.beforeSync = async (_url, method) => {
        if (method !== 'POST' || pushes++ > 0) return;
        // A pushes after B pulled: B's UpdateRecords now carries a stale SyncCount.
        assert.equal((await dsA.synchronize()).status, 'succeeded');
      };
      const conflicts: string[] = [];
      const result = await dsB.synchronize({ onConflict: (_ds, cs) => cs.map((c) => (conflicts.push(`${c.local.value}/${c.remote.value}`), c.resolveWithLocalRecord())) });
      b.beforeSync = undefined;
      assert.equal(result.status, 'succeeded', result.status === 'failed' ? result.error.message : '');
      assert.equal(pushes, 2, 'refused once, then accepted');
      assert.deepEqual(conflicts, ['B/A']);
      await dsA.synchronize();
      assert.equal(await dsA.get('score'), 'B');
    });

    it('a device offline (a closed port) keeps its changes, fails with network, and pushes them when it reconnects', async () => {
      const user = await newUser();
      const [a, b] = [await newDevice(user), await newDevice(user)];
      const dsA = await a.sync.openOrCreateDataset('notes');
      await dsA.synchronize();
      a.offline = true;
      await dsA.put('n1', 'written on the train');
      let failure: MobileClientError | undefined;
      const offline = await dsA.synchronize({ onFailure: (e) => (failure = e) });
      assert.equal(offline.status, 'failed');
      assert.equal(failure?.code, 'network');
      assert.equal(await dsA.isChanged('n1'), true);

      // The changes survive a restart on the same storage, still offline.
      const restarted = await newDevice(undefined, a.file, true);
      const dsRestarted = await restarted.sync.openOrCreateDataset('notes');
      assert.equal(await dsRestarted.get('n1'), 'written on the train');
      assert.equal((await dsRestarted.synchronize()).status, 'failed');
      restarted.offline = false;
      const result = await dsRestarted.synchronize();
      assert.equal(result.status, 'succeeded', result.status === 'failed' ? result.error.message : '');
      assert.equal(await dsRestarted.isChanged('n1'), false);
      const dsB = await b.sync.openOrCreateDataset('notes');
      await dsB.synchronize();
      assert.equal(await dsB.get('n1'), 'written on the train');
    });

    it('a guest\'s datasets are carried into the signed-in identity (the login linked to the guest)', async () => {
      const user = await newUser();
      const guest = await newDevice();
      const guestCreds = await guest.client.getAWSCredentials();
      const ds = await guest.sync.openOrCreateDataset('cart');
      await ds.put('item1', 'book');
      assert.equal((await ds.synchronize()).status, 'succeeded');
      await ds.put('item2', 'pen'); // not synchronised yet

      await guest.client.signIn({ username: user, password: PASSWORD });
      const result = await ds.synchronize();
      assert.equal(result.status, 'succeeded', result.status === 'failed' ? result.error.message : '');
      assert.equal(guest.client.identityId, guestCreds.identityId, 'the guest identity took the login');

      const other = await newDevice(user);
      const dsOther = await other.sync.openOrCreateDataset('cart');
      await dsOther.synchronize();
      assert.deepEqual(await dsOther.getAll(), { item1: 'book', item2: 'pen' });
    });

    it('a guest signing in with a login that already has an identity: local data moves there, the server\'s merge is reported by onDatasetsMerged', async () => {
      const user = await newUser();
      const home = await newDevice(user);
      const dsHome = await home.sync.openOrCreateDataset('settings');
      await dsHome.put('theme', 'dark');
      await dsHome.synchronize();

      const guest = await newDevice();
      const guestId = (await guest.client.getAWSCredentials()).identityId;
      const ds = await guest.sync.openOrCreateDataset('settings');
      await ds.put('lang', 'fr');
      await ds.synchronize();
      await ds.put('volume', '3');

      await guest.client.signIn({ username: user, password: PASSWORD });
      const merged: string[][] = [];
      const result = await ds.synchronize({ onDatasetsMerged: (_d, names) => (merged.push(names), true) });
      assert.equal(result.status, 'succeeded', result.status === 'failed' ? result.error.message : '');
      assert.equal(guest.client.identityId, home.client.identityId, 'merged into the user\'s identity');
      assert.deepEqual(merged, [[`settings.${guestId}`]]);
      assert.deepEqual(await ds.getAll(), { theme: 'dark', lang: 'fr', volume: '3' });

      await dsHome.synchronize();
      assert.deepEqual(await dsHome.getAll(), { theme: 'dark', lang: 'fr', volume: '3' });
      // The merged dataset is there to open, and to delete once handled.
      const mergedDs = await guest.sync.openOrCreateDataset(`settings.${guestId}`);
      await mergedDs.synchronize();
      assert.deepEqual(await mergedDs.getAll(), { lang: 'fr' });
      await mergedDs.delete();
      assert.equal((await mergedDs.synchronize()).status, 'succeeded');
      const again: string[][] = [];
      await ds.synchronize({ onDatasetsMerged: (_d, names) => (again.push(names), true) });
      assert.deepEqual(again, []);
    });

    it('another identity\'s dataset is refused (NotAuthorizedException, 403); its owner\'s delete reaches their other device', async () => {
      const victimUser = await newUser();
      const [mallory, victim, victimPhone] = [await newDevice(await newUser()), await newDevice(victimUser), await newDevice(victimUser)];
      const dsVictim = await victim.sync.openOrCreateDataset('private');
      await dsVictim.put('secret', 's3cr3t');
      await dsVictim.synchronize();
      const victimId = victim.client.identityId!;
      const creds = await mallory.client.getAWSCredentials();
      const remote = new SyncRemote({ fetch, endpoint: server.url, region: 'us-east-1', identityPoolId, now: () => server.clock.now(), credentials: async () => creds });
      for (const attempt of [() => remote.listUpdates(victimId, 'private', 0), () => remote.updateRecords(victimId, 'private', [{ Op: 'replace', Key: 'secret', Value: 'x', SyncCount: 1 }], 'token'), () => remote.deleteDataset(victimId, 'private'), () => remote.listDatasets(victimId)]) {
        await assert.rejects(attempt(), (e: unknown) => e instanceof MobileClientError && e.code === 'notAuthorized' && e.status === 403);
      }
      // A wrong secret is refused too.
      const forged = new SyncRemote({ fetch, endpoint: server.url, region: 'us-east-1', identityPoolId, now: () => server.clock.now(), credentials: async () => ({ ...creds, secretAccessKey: 'x'.repeat(40) }) });
      await assert.rejects(forged.listDatasets(creds.identityId), (e: unknown) => e instanceof MobileClientError && e.status === 403);
      assert.equal(await dsVictim.get('secret'), 's3cr3t');

      const dsPhone = await victimPhone.sync.openOrCreateDataset('private');
      await dsPhone.synchronize();
      assert.equal(await dsPhone.get('secret'), 's3cr3t');
      await dsVictim.delete();
      assert.equal((await dsVictim.synchronize()).status, 'succeeded');
      assert.deepEqual(await victim.sync.refreshDatasetMetadata(), []);
      const deleted: string[] = [];
      assert.equal((await dsPhone.synchronize({ onDatasetDeleted: (_d, name) => (deleted.push(name), true) })).status, 'succeeded');
      assert.deepEqual(deleted, ['private']);
      assert.deepEqual(await dsPhone.getAll(), {});
    });
  });
}

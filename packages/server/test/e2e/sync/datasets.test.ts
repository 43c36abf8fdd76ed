/**
 * Cognito Sync datasets and records driven by @aws-sdk/client-cognito-sync with an identity's
 * credentials (fromCognitoIdentityPool): ListDatasets, DescribeDataset, DeleteDataset, ListRecords
 * (LastSyncCount, SyncSessionToken, paging, DatasetExists, DatasetDeletedAfterRequestedSyncCount)
 * and UpdateRecords (replace/remove, sync counts, a stale SyncCount refused).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteDatasetCommand, DescribeDatasetCommand, ListDatasetsCommand, ListRecordsCommand, UpdateRecordsCommand, type ListDatasetsCommandOutput, type ListRecordsCommandOutput } from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { at, device, failure, syncPool, write, type Device } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`Cognito Sync datasets and records (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let me: Device;

    before(async () => {
      server = await startTestServer(kind);
      poolId = await syncPool(server);
      me = await device(server, poolId);
    });
    after(() => server.stop());

    it('starts with no datasets; ListRecords of a new dataset says it does not exist and issues a SyncSessionToken', async () => {
      const listed = await me.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: me.identityId }));
      assert.deepEqual(listed.Datasets, []);
      assert.equal(listed.Count, 0);
      const records = await me.client.send(new ListRecordsCommand(at(me, 'settings')));
      assert.equal(records.DatasetExists, false);
      assert.equal(records.DatasetSyncCount, 0);
      assert.equal(records.Count, 0);
      assert.equal(typeof records.SyncSessionToken, 'string');
      assert.equal(records.DatasetDeletedAfterRequestedSyncCount, false);
      const missing = await failure(me.client.send(new DescribeDatasetCommand(at(me, 'settings'))));
      assert.equal(missing.name, 'ResourceNotFoundException');
      assert.equal(missing.status, 404);
    });

    it('UpdateRecords creates the dataset, each change one sync count further', async () => {
      const first = await write(me, 'settings', [
        { Op: 'replace', Key: 'theme', Value: 'dark', SyncCount: 0, DeviceLastModifiedDate: new Date(1_700_000_000_000) },
        { Op: 'replace', Key: 'lang', Value: 'fr', SyncCount: 0 },
      ]);
      assert.deepEqual(first.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['theme', 'dark', 1], ['lang', 'fr', 1]]);
      assert.equal(first.Records?.[0]?.DeviceLastModifiedDate?.getTime(), 1_700_000_000_000);
      assert.equal(first.Records?.[0]?.LastModifiedBy, me.identityId);
      const second = await write(me, 'settings', [{ Op: 'replace', Key: 'theme', Value: 'light', SyncCount: 1 }, { Op: 'remove', Key: 'lang', SyncCount: 1 }]);
      assert.deepEqual(second.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['theme', 'light', 2], ['lang', undefined, 2]]);

      const d = (await me.client.send(new DescribeDatasetCommand(at(me, 'settings')))).Dataset!;
      assert.equal(d.DatasetName, 'settings');
      assert.equal(d.IdentityId, me.identityId);
      assert.equal(d.NumRecords, 1);
      assert.equal(d.DataStorage, Buffer.byteLength('theme') + Buffer.byteLength('light'));
      assert.equal(d.LastModifiedBy, me.identityId);
      assert.ok(d.CreationDate instanceof Date && d.LastModifiedDate instanceof Date);

      const all = await me.client.send(new ListRecordsCommand(at(me, 'settings')));
      assert.equal(all.DatasetExists, true);
      assert.equal(all.DatasetSyncCount, 2);
      assert.deepEqual(all.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['lang', undefined, 2], ['theme', 'light', 2]]);
      const since1 = await me.client.send(new ListRecordsCommand({ ...at(me, 'settings'), LastSyncCount: 2 }));
      assert.deepEqual(since1.Records, []);
      // Removing what is not there (never written, or removed already) changes nothing.
      const noop = await write(me, 'settings', [{ Op: 'remove', Key: 'never', SyncCount: 0 }, { Op: 'remove', Key: 'lang', SyncCount: 2 }]);
      assert.deepEqual(noop.Records, []);
      assert.equal((await me.client.send(new ListRecordsCommand(at(me, 'settings')))).DatasetSyncCount, 2);
    });

    it('refuses a stale SyncCount with ResourceConflictException and writes nothing', async () => {
      await write(me, 'game', [{ Op: 'replace', Key: 'level', Value: '1', SyncCount: 0 }]);
      await write(me, 'game', [{ Op: 'replace', Key: 'level', Value: '2', SyncCount: 1 }]);
      const stale = await failure(write(me, 'game', [{ Op: 'replace', Key: 'score', Value: '10', SyncCount: 0 }, { Op: 'replace', Key: 'level', Value: '3', SyncCount: 1 }]));
      assert.equal(stale.name, 'ResourceConflictException');
      assert.equal(stale.status, 409);
      const after = await me.client.send(new ListRecordsCommand(at(me, 'game')));
      assert.deepEqual(after.Records?.map((r) => [r.Key, r.Value]), [['level', '2']]);
      assert.equal(after.DatasetSyncCount, 2);
    });

    it('pages ListRecords and ListDatasets with NextToken and MaxResults', async () => {
      const patches = Array.from({ length: 7 }, (_, i) => ({ Op: 'replace' as const, Key: `k${i}`, Value: `v${i}`, SyncCount: 0 }));
      await write(me, 'paged', patches);
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page: ListRecordsCommandOutput = await me.client.send(new ListRecordsCommand({ ...at(me, 'paged'), MaxResults: 3, NextToken }));
        assert.ok((page.Records?.length ?? 0) <= 3);
        seen.push(...(page.Records ?? []).map((r) => r.Key!));
        NextToken = page.NextToken;
      } while (NextToken);
      assert.deepEqual(seen, patches.map((p) => p.Key));
      const names: string[] = [];
      NextToken = undefined;
      do {
        const page: ListDatasetsCommandOutput = await me.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: me.identityId, MaxResults: 2, NextToken }));
        names.push(...(page.Datasets ?? []).map((d) => d.DatasetName!));
        NextToken = page.NextToken;
      } while (NextToken);
      assert.deepEqual(names, ['game', 'paged', 'settings']);
    });

    it('DeleteDataset: gone for DescribeDataset, and ListRecords tells a device that synced before to delete its copy', async () => {
      await write(me, 'doomed', [{ Op: 'replace', Key: 'a', Value: '1', SyncCount: 0 }]);
      const deleted = await me.client.send(new DeleteDatasetCommand(at(me, 'doomed')));
      assert.equal(deleted.Dataset?.DatasetName, 'doomed');
      assert.equal(deleted.Dataset?.NumRecords, 1);
      assert.equal((await failure(me.client.send(new DescribeDatasetCommand(at(me, 'doomed'))))).name, 'ResourceNotFoundException');
      assert.equal((await failure(me.client.send(new DeleteDatasetCommand(at(me, 'doomed'))))).name, 'ResourceNotFoundException');
      const stale = await me.client.send(new ListRecordsCommand({ ...at(me, 'doomed'), LastSyncCount: 1 }));
      assert.equal(stale.DatasetExists, false);
      assert.equal(stale.DatasetDeletedAfterRequestedSyncCount, true);
      assert.deepEqual(stale.Records, []);
      const fresh = await me.client.send(new ListRecordsCommand(at(me, 'doomed')));
      assert.equal(fresh.DatasetDeletedAfterRequestedSyncCount, false);
      // Made again, it counts on from its tombstone, and a device that saw the deletion is told nothing.
      const again = await me.client.send(new UpdateRecordsCommand({ ...at(me, 'doomed'), SyncSessionToken: fresh.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'b', Value: '2', SyncCount: 0 }] }));
      assert.equal(again.Records?.[0]?.SyncCount, 3);
      const after = await me.client.send(new ListRecordsCommand({ ...at(me, 'doomed'), LastSyncCount: 2 }));
      assert.equal(after.DatasetExists, true);
      assert.equal(after.DatasetDeletedAfterRequestedSyncCount, false);
      assert.deepEqual(after.Records?.map((r) => r.Key), ['b']);
    });
  });
}

/**
 * Developer calls with the admin keys (any identity of any pool: ListRecords/UpdateRecords on an
 * identity's behalf, LastModifiedBy `developer`) and the usage actions: DescribeIdentityUsage,
 * DescribeIdentityPoolUsage (SyncSessionsCount, DataStorage), ListIdentityPoolUsage with paging;
 * unknown pools and identities are ResourceNotFoundException.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeDatasetCommand, DescribeIdentityPoolUsageCommand, DescribeIdentityUsageCommand, ListDatasetsCommand, ListIdentityPoolUsageCommand, ListRecordsCommand,
  UpdateRecordsCommand, type CognitoSyncClient, type ListIdentityPoolUsageCommandOutput,
} from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { NO_IDENTITY } from '../identity/helpers.js';
import { at, developer, device, failure, syncPool, write, type Device } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`Cognito Sync developer calls and usage (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let otherPoolId: string;
    let me: Device;
    let dev: CognitoSyncClient;

    before(async () => {
      server = await startTestServer(kind);
      poolId = await syncPool(server);
      otherPoolId = await syncPool(server);
      me = await device(server, poolId);
      dev = developer(server);
    });
    after(() => server.stop());

    it("reads and writes any identity's datasets with the admin keys", async () => {
      await write(me, 'prefs', [{ Op: 'replace', Key: 'color', Value: 'red', SyncCount: 0 }]);
      const listed = await dev.send(new ListRecordsCommand(at(me, 'prefs')));
      assert.deepEqual(listed.Records?.map((r) => [r.Key, r.Value, r.LastModifiedBy]), [['color', 'red', me.identityId]]);
      const updated = await dev.send(new UpdateRecordsCommand({ ...at(me, 'prefs'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'color', Value: 'blue', SyncCount: 1 }] }));
      assert.equal(updated.Records?.[0]?.LastModifiedBy, 'developer');
      const mine = await me.client.send(new ListRecordsCommand({ ...at(me, 'prefs'), LastSyncCount: 1 }));
      assert.deepEqual(mine.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['color', 'blue', 2]]);
      assert.equal(mine.LastModifiedBy, 'developer');
      const datasets = await dev.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: me.identityId }));
      assert.deepEqual(datasets.Datasets?.map((d) => d.DatasetName), ['prefs']);
    });

    it('answers ResourceNotFoundException for an unknown identity or pool, and for an identity of another pool', async () => {
      for (const call of [
        new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: NO_IDENTITY }),
        new DescribeDatasetCommand({ IdentityPoolId: poolId, IdentityId: NO_IDENTITY, DatasetName: 'x' }),
        new DescribeIdentityUsageCommand({ IdentityPoolId: poolId, IdentityId: NO_IDENTITY }),
        new DescribeIdentityUsageCommand({ IdentityPoolId: otherPoolId, IdentityId: me.identityId }),
        new ListRecordsCommand({ IdentityPoolId: otherPoolId, IdentityId: me.identityId, DatasetName: 'prefs' }),
        new DescribeIdentityPoolUsageCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' }),
      ]) {
        const f = await failure(dev.send(call as never));
        assert.equal(f.name, 'ResourceNotFoundException', call.constructor.name);
        assert.equal(f.status, 404);
      }
    });

    it('describes an identity\'s usage to itself and to the developer', async () => {
      await write(me, 'second', [{ Op: 'replace', Key: 'k', Value: 'vv', SyncCount: 0 }]);
      for (const client of [me.client, dev]) {
        const u = (await client.send(new DescribeIdentityUsageCommand({ IdentityPoolId: poolId, IdentityId: me.identityId }))).IdentityUsage!;
        assert.equal(u.IdentityId, me.identityId);
        assert.equal(u.IdentityPoolId, poolId);
        assert.equal(u.DatasetCount, 2);
        assert.equal(u.DataStorage, 'color'.length + 'blue'.length + 'k'.length + 'vv'.length);
        assert.ok(u.LastModifiedDate instanceof Date);
      }
    });

    it('describes and lists identity pools\' usage: storage, sync sessions, paging', async () => {
      const usage = (await dev.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: poolId }))).IdentityPoolUsage!;
      assert.equal(usage.IdentityPoolId, poolId);
      assert.equal(usage.DataStorage, 'color'.length + 'blue'.length + 'k'.length + 'vv'.length);
      // Three UpdateRecords so far: two by the identity, one by the developer.
      assert.equal(usage.SyncSessionsCount, 3);
      assert.ok(usage.LastModifiedDate instanceof Date);
      const empty = (await dev.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: otherPoolId }))).IdentityPoolUsage!;
      assert.equal(empty.DataStorage, 0);
      assert.equal(empty.SyncSessionsCount, 0);

      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page: ListIdentityPoolUsageCommandOutput = await dev.send(new ListIdentityPoolUsageCommand({ MaxResults: 1, NextToken }));
        assert.equal(page.Count, page.IdentityPoolUsages?.length);
        assert.equal(page.MaxResults, 1);
        seen.push(...(page.IdentityPoolUsages ?? []).map((u) => u.IdentityPoolId!));
        NextToken = page.NextToken;
      } while (NextToken);
      assert.deepEqual(seen, [poolId, otherPoolId].sort());
    });
  });
}

/**
 * Cognito Streams and bulk publish driven by @aws-sdk/client-cognito-sync: CognitoStreams
 * configuration (admin keys), each dataset change delivered as Cognito's stream record to a real
 * HTTP server that verifies the signature, DISABLED streams silent, BulkPublish of existing data
 * (one run at a time, once per 24 hours) with GetBulkPublishDetails, bad input and null members.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BulkPublishCommand, DeleteDatasetCommand, GetBulkPublishDetailsCommand, GetIdentityPoolConfigurationCommand, SetIdentityPoolConfigurationCommand, type CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { at, developer, failure, syncPool, write, type Device } from './helpers.js';
import { newIdentity, rawSync, Receiver, settle, SYNC_WEBHOOK_SECRET } from './push-receiver.js';

const STREAM_ROLE = 'arn:aws:iam::123456789012:role/CognitoStreams';

for (const kind of databaseKinds) {
  describe(`Cognito Streams and bulk publish (${kind})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let poolId: string;
    let dev: CognitoSyncClient;
    let me: Device;
    let other: Device;

    const streams = (StreamingStatus: 'ENABLED' | 'DISABLED', StreamName = 'sync-changes') =>
      dev.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, CognitoStreams: { StreamName, RoleArn: STREAM_ROLE, StreamingStatus } }));

    before(async () => {
      receiver = await Receiver.start();
      server = await startTestServer(kind, { syncStreamsWebhookUrl: `${receiver.url}/stream`, syncWebhookSecret: SYNC_WEBHOOK_SECRET });
      poolId = await syncPool(server);
      dev = developer(server);
      me = await newIdentity(server, poolId);
      other = await newIdentity(server, poolId);
    });
    after(async () => {
      await server.stop();
      await receiver.stop();
    });

    it('CognitoStreams is set and read back with the admin keys; identities may not', async () => {
      const set = await streams('ENABLED');
      assert.deepEqual(set.CognitoStreams, { StreamName: 'sync-changes', RoleArn: STREAM_ROLE, StreamingStatus: 'ENABLED' });
      const got = await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }));
      assert.deepEqual(got.CognitoStreams, set.CognitoStreams);
      assert.equal(got.PushSync, undefined);
      const byIdentity = await failure(me.client.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, CognitoStreams: { StreamName: 'x', RoleArn: STREAM_ROLE, StreamingStatus: 'DISABLED' } })));
      assert.equal(byIdentity.name, 'NotAuthorizedException');
      // Push sync needs a push endpoint, which this server has not: refused, streams untouched.
      const push = await failure(dev.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, PushSync: { ApplicationArns: ['arn:aws:sns:us-east-1:123456789012:app/GCM/a'], RoleArn: STREAM_ROLE } })));
      assert.equal(push.name, 'InvalidParameterException');
      assert.deepEqual((await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }))).CognitoStreams, set.CognitoStreams);
    });

    it('each dataset change is one signed stream record in Cognito\'s shape; a delete is a remove', async () => {
      await streams('ENABLED');
      const out = await write(me, 'profile', [
        { Op: 'replace', Key: 'name', Value: 'Ada', SyncCount: 0, DeviceLastModifiedDate: new Date(1_700_000_000_000) },
        { Op: 'replace', Key: 'city', Value: 'Paris', SyncCount: 0 },
      ]);
      const [delivery] = await receiver.waitFor((d) => d.body.identityId === me.identityId && d.body.dataSetName === 'profile');
      assert.equal(delivery!.path, '/stream');
      const record = delivery!.body;
      const when = out.Records![0]!.LastModifiedDate!.getTime();
      assert.deepEqual(record, {
        identityPoolId: poolId,
        identityId: me.identityId,
        dataSetName: 'profile',
        operation: 'replace',
        kinesisSyncRecords: [
          { key: 'name', value: 'Ada', syncCount: 1, lastModifiedDate: when, deviceLastModifiedDate: 1_700_000_000_000, op: 'replace' },
          { key: 'city', value: 'Paris', syncCount: 1, lastModifiedDate: when, deviceLastModifiedDate: when, op: 'replace' },
        ],
        lastModifiedDate: when,
        payloadType: 'Inline',
        syncCount: 1,
      });
      await write(me, 'profile', [{ Op: 'remove', Key: 'city', SyncCount: 1 }]);
      const [removed] = await receiver.waitFor((d) => d.body.dataSetName === 'profile' && d.body.syncCount === 2);
      assert.deepEqual(removed!.body.kinesisSyncRecords.map((r: { key: string; value: unknown; op: string }) => [r.key, r.value, r.op]), [['city', null, 'remove']]);

      await me.client.send(new DeleteDatasetCommand(at(me, 'profile')));
      const [deleted] = await receiver.waitFor((d) => d.body.dataSetName === 'profile' && d.body.operation === 'remove');
      assert.equal(deleted!.body.syncCount, 3);
      assert.deepEqual(deleted!.body.kinesisSyncRecords.map((r: { key: string; op: string }) => [r.key, r.op]), [['name', 'remove']]);
      assert.deepEqual(receiver.badSignatures, []);
    });

    it('DISABLED streams send nothing; ENABLED again, the next change is the next record', async () => {
      await streams('DISABLED');
      await write(other, 'quiet', [{ Op: 'replace', Key: 'k', Value: 'unseen', SyncCount: 0 }]);
      await streams('ENABLED');
      await write(other, 'quiet', [{ Op: 'replace', Key: 'k', Value: 'seen', SyncCount: 1 }]);
      await receiver.waitFor((d) => d.body.dataSetName === 'quiet' && d.body.syncCount === 2);
      await settle();
      const quiet = receiver.deliveries.filter((d) => d.body.dataSetName === 'quiet');
      assert.deepEqual(quiet.map((d) => d.body.kinesisSyncRecords[0].value), ['seen']);
    });

    it('BulkPublish publishes every existing dataset once; a burst runs once; then AlreadyStreamedException', async () => {
      const before = await dev.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: poolId }));
      assert.equal(before.BulkPublishStatus, 'NOT_STARTED');
      await write(me, 'bulk-a', [{ Op: 'replace', Key: 'x', Value: '1', SyncCount: 0 }]);
      await write(other, 'bulk-b', [{ Op: 'replace', Key: 'y', Value: '2', SyncCount: 0 }, { Op: 'replace', Key: 'z', Value: '3', SyncCount: 0 }]);
      await settle();
      const mark = receiver.deliveries.length;

      const burst = await Promise.allSettled(Array.from({ length: 4 }, () => dev.send(new BulkPublishCommand({ IdentityPoolId: poolId }))));
      const ok = burst.filter((r) => r.status === 'fulfilled');
      assert.equal(ok.length, 1, 'one run');
      for (const r of burst) {
        if (r.status === 'rejected') assert.ok(['DuplicateRequestException', 'AlreadyStreamedException'].includes((r.reason as Error).name), (r.reason as Error).name);
      }
      let details = await dev.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: poolId }));
      for (let i = 0; i < 100 && details.BulkPublishStatus === 'IN_PROGRESS'; i++) {
        await settle(100);
        details = await dev.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: poolId }));
      }
      assert.equal(details.BulkPublishStatus, 'SUCCEEDED');
      assert.ok(details.BulkPublishStartTime instanceof Date && details.BulkPublishCompleteTime instanceof Date);
      assert.ok(details.BulkPublishCompleteTime.getTime() >= details.BulkPublishStartTime.getTime());

      // Every live dataset of the pool, once, with its live records (the deleted 'profile' not at all).
      const published = await receiver.waitFor((d) => receiver.deliveries.indexOf(d) >= mark && (d.body.dataSetName === 'bulk-a' || d.body.dataSetName === 'bulk-b' || d.body.dataSetName === 'quiet'), 3);
      await settle();
      const names = receiver.deliveries.slice(mark).map((d) => `${d.body.identityId === me.identityId ? 'me' : 'other'}/${d.body.dataSetName}`).sort();
      assert.deepEqual(names, ['me/bulk-a', 'other/bulk-b', 'other/quiet']);
      const b = published.find((d) => d.body.dataSetName === 'bulk-b')!.body;
      assert.equal(b.operation, 'replace');
      assert.deepEqual(b.kinesisSyncRecords.map((r: { key: string; value: string }) => [r.key, r.value]).sort(), [['y', '2'], ['z', '3']]);

      const again = await failure(dev.send(new BulkPublishCommand({ IdentityPoolId: poolId })));
      assert.equal(again.name, 'AlreadyStreamedException');
    });

    it('bulk publish and streams: identity credentials, unknown pools, disabled streams, bad input and null members refused', async () => {
      assert.equal((await failure(me.client.send(new BulkPublishCommand({ IdentityPoolId: poolId })))).name, 'NotAuthorizedException');
      assert.equal((await failure(me.client.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: poolId })))).name, 'NotAuthorizedException');
      const unknown = 'us-east-1:00000000-0000-4000-8000-000000000000';
      assert.equal((await failure(dev.send(new BulkPublishCommand({ IdentityPoolId: unknown })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(dev.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: unknown })))).name, 'ResourceNotFoundException');
      const fresh = await syncPool(server);
      assert.equal((await failure(dev.send(new BulkPublishCommand({ IdentityPoolId: fresh })))).name, 'InvalidParameterException', 'streams not enabled');
      assert.equal((await failure(dev.send(new BulkPublishCommand({ IdentityPoolId: 'not-a-pool' })))).name, 'InvalidParameterException');

      const asDev = (body: unknown) => rawSync(server.url, server.credentials, 'POST', `/identitypools/${fresh}/configuration`, body, server.clock.now());
      for (const body of [
        { CognitoStreams: { StreamName: 'ok', RoleArn: STREAM_ROLE, StreamingStatus: 'PAUSED' } },
        { CognitoStreams: { StreamName: 'ok', RoleArn: 'arn:aws:iam::1:user/x', StreamingStatus: 'ENABLED' } },
        { CognitoStreams: { StreamName: 'ok', StreamingStatus: 'ENABLED' } },
        { CognitoStreams: { StreamName: 'ok', RoleArn: null, StreamingStatus: 'ENABLED' } },
        { CognitoStreams: { StreamName: 'bad name', RoleArn: STREAM_ROLE } },
        { CognitoStreams: { StreamName: 'x'.repeat(129), RoleArn: STREAM_ROLE } },
        { CognitoStreams: [] },
      ]) {
        const r = await asDev(body);
        assert.ok(['InvalidParameterException', 'SerializationException'].includes(r.type), `${JSON.stringify(body).slice(0, 100)}: ${r.type}`);
        assert.equal(r.status, 400);
      }
      const nulls = await asDev({ CognitoStreams: { StreamName: 'ok-stream', RoleArn: STREAM_ROLE, StreamingStatus: null } });
      assert.equal(nulls.status, 200);
      assert.deepEqual(nulls.json.CognitoStreams, { StreamName: 'ok-stream', RoleArn: STREAM_ROLE, StreamingStatus: 'ENABLED' });
      const cleared = await asDev({ CognitoStreams: {} });
      assert.equal(cleared.status, 200);
      assert.equal(cleared.json.CognitoStreams, undefined);
    });
  });
}

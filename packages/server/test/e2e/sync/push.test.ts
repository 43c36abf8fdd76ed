/**
 * Cognito Sync push sync driven by @aws-sdk/client-cognito-sync: PushSync configuration (admin
 * keys), RegisterDevice / SubscribeToDataset / UnsubscribeFromDataset (an identity's credentials
 * from fromCognitoIdentityPool), and the silent pushes a dataset change sends, received by a real
 * HTTP server that verifies each signature; a failing endpoint retried; other identities refused;
 * bad input and null members.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetIdentityPoolConfigurationCommand,
  ListRecordsCommand,
  RegisterDeviceCommand,
  SetIdentityPoolConfigurationCommand,
  SubscribeToDatasetCommand,
  UnsubscribeFromDatasetCommand,
  UpdateRecordsCommand,
  type CognitoSyncClient,
} from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { at, developer, failure, syncPool, type Device } from './helpers.js';
import { newIdentity, rawSync, Receiver, settle, SYNC_WEBHOOK_SECRET } from './push-receiver.js';

const GCM_APP = 'arn:aws:sns:us-east-1:123456789012:app/GCM/cognate-app';
const APNS_APP = 'arn:aws:sns:us-east-1:123456789012:app/APNS/cognate-app';
const PUSH_ROLE = 'arn:aws:iam::123456789012:role/CognitoPushSync';
const BAD_INPUT = ['InvalidParameterException', 'SerializationException'];

for (const kind of databaseKinds) {
  describe(`Cognito Sync push sync (${kind})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let poolId: string;
    let dev: CognitoSyncClient;
    let me: Device;
    let other: Device;

    const register = (d: Device, Token: string, Platform: 'GCM' | 'APNS' | 'ADM' | 'APNS_SANDBOX' = 'GCM') =>
      d.client.send(new RegisterDeviceCommand({ IdentityPoolId: d.identityPoolId, IdentityId: d.identityId, Platform, Token })).then((o) => o.DeviceId!);
    const subscribe = (d: Device, dataset: string, DeviceId: string) => d.client.send(new SubscribeToDatasetCommand({ ...at(d, dataset), DeviceId }));
    /** One synchronisation from a device that says which DeviceId it is. */
    const writeFrom = async (d: Device, dataset: string, DeviceId: string | undefined, Key: string, Value: string) => {
      const listed = await d.client.send(new ListRecordsCommand(at(d, dataset)));
      const have = listed.Records?.find((r) => r.Key === Key)?.SyncCount ?? 0;
      const out = await d.client.send(new UpdateRecordsCommand({ ...at(d, dataset), SyncSessionToken: listed.SyncSessionToken, ...(DeviceId ? { DeviceId } : {}), RecordPatches: [{ Op: 'replace', Key, Value, SyncCount: have }] }));
      return out.Records![0]!.SyncCount!;
    };

    before(async () => {
      receiver = await Receiver.start();
      server = await startTestServer(kind, { syncPushWebhookUrl: `${receiver.url}/push`, syncWebhookSecret: SYNC_WEBHOOK_SECRET });
      poolId = await syncPool(server);
      dev = developer(server);
      me = await newIdentity(server, poolId);
      other = await newIdentity(server, poolId);
    });
    after(async () => {
      await server.stop();
      await receiver.stop();
    });

    it('PushSync is configured with the admin keys and read back; a pool without it refuses RegisterDevice', async () => {
      const before = await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }));
      assert.equal(before.IdentityPoolId, poolId);
      assert.equal(before.PushSync, undefined);
      const refused = await failure(register(me, 'token-before-config'));
      assert.equal(refused.name, 'InvalidConfigurationException');

      const set = await dev.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, PushSync: { ApplicationArns: [GCM_APP, APNS_APP], RoleArn: PUSH_ROLE } }));
      assert.deepEqual(set.PushSync, { ApplicationArns: [GCM_APP, APNS_APP], RoleArn: PUSH_ROLE });
      const got = await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }));
      assert.deepEqual(got.PushSync, { ApplicationArns: [GCM_APP, APNS_APP], RoleArn: PUSH_ROLE });
    });

    it('RegisterDevice answers one DeviceId per token, the same one again; a platform with no application is InvalidConfigurationException', async () => {
      const a = await register(me, 'gcm-token-phone');
      const again = await register(me, 'gcm-token-phone');
      assert.equal(again, a);
      const b = await register(me, 'gcm-token-tablet');
      assert.notEqual(b, a);
      const apns = await register(me, 'a'.repeat(64), 'APNS');
      assert.ok(apns && apns !== a && apns !== b);
      const adm = await failure(register(me, 'adm-token', 'ADM'));
      assert.equal(adm.name, 'InvalidConfigurationException');
      // The same token on another identity is another device of that identity.
      const theirs = await register(other, 'gcm-token-phone');
      assert.notEqual(theirs, a);
    });

    it('a change pushes Cognito\'s silent payload, signed, to the identity\'s other subscribed devices only', async () => {
      const phone = await register(me, 'gcm-token-phone');
      const tablet = await register(me, 'gcm-token-tablet');
      const watch = await register(me, 'a'.repeat(64), 'APNS');
      await subscribe(me, 'settings', phone);
      await subscribe(me, 'settings', tablet);
      await subscribe(me, 'settings', tablet); // twice is once
      await subscribe(me, 'other-dataset', watch);
      const theirs = await register(other, 'their-token');
      await subscribe(other, 'settings', theirs);

      const start = receiver.deliveries.length;
      const syncCount = await writeFrom(me, 'settings', phone, 'theme', 'dark');
      const [push] = await receiver.waitFor((d) => d.body.deviceId === tablet);
      assert.equal(push!.path, '/push');
      assert.deepEqual(push!.body, {
        applicationArn: GCM_APP,
        platform: 'GCM',
        token: 'gcm-token-tablet',
        deviceId: tablet,
        data: { source: 'cognito-sync', type: 'push-sync', identityPoolId: poolId, identityId: me.identityId, datasetName: 'settings', syncCount },
      });
      await settle();
      const since = receiver.deliveries.slice(start);
      assert.deepEqual(since.map((d) => d.body.deviceId), [tablet], 'not the phone that wrote, not the watch (other dataset), not the other identity');
      assert.deepEqual(receiver.badSignatures, []);

      // Without a DeviceId both subscribed devices are told; after unsubscribing, the tablet no more.
      await writeFrom(me, 'settings', undefined, 'theme', 'light');
      await receiver.waitFor((d) => d.body.deviceId === phone);
      await me.client.send(new UnsubscribeFromDatasetCommand({ ...at(me, 'settings'), DeviceId: tablet }));
      const mark = receiver.deliveries.length;
      await writeFrom(me, 'settings', undefined, 'theme', 'blue');
      await receiver.waitFor((d) => d.body.deviceId === phone && d.body.data.syncCount === 3);
      await settle();
      assert.deepEqual(receiver.deliveries.slice(mark).map((d) => d.body.deviceId), [phone]);
    });

    it('a failing endpoint is retried with the same idempotency key until it takes the push', async () => {
      const phone = await register(me, 'retry-phone');
      await subscribe(me, 'retried', phone);
      receiver.failNext(2);
      await writeFrom(me, 'retried', undefined, 'k', 'v');
      for (let i = 0; i < 40 && receiver.refused.length < 1; i++) await settle(100);
      assert.equal(receiver.refused.length >= 1, true, 'the first attempt was refused');
      // The outbox backs off on the server's clock (2 s, then 4 s): move it on so the next attempts
      // fall due, a little at a time (signed requests must stay within SigV4's 5 minutes of it).
      for (let i = 0; i < 8 && !receiver.deliveries.some((d) => d.body.deviceId === phone); i++) {
        server.clock.advance(5_000);
        await settle(1200);
      }
      const [delivered] = await receiver.waitFor((d) => d.body.deviceId === phone);
      assert.equal(receiver.refused.length, 2);
      assert.ok(receiver.refused.every((k) => k === delivered!.idempotencyKey), 'every attempt carries one idempotency key');
    });

    it('another identity\'s device or identity is refused; developer keys cannot register; identities cannot configure', async () => {
      const mine = await register(me, 'private-token');
      const viaOther = await failure(other.client.send(new SubscribeToDatasetCommand({ ...at(other, 'settings'), DeviceId: mine })));
      assert.equal(viaOther.name, 'ResourceNotFoundException');
      const unknown = await failure(other.client.send(new SubscribeToDatasetCommand({ ...at(other, 'settings'), DeviceId: '00000000-0000-4000-8000-000000000000' })));
      assert.deepEqual({ name: unknown.name, status: unknown.status }, { name: viaOther.name, status: viaOther.status }, 'another identity\'s device answers as an unknown one');
      const unsub = await failure(other.client.send(new UnsubscribeFromDatasetCommand({ ...at(other, 'settings'), DeviceId: mine })));
      assert.equal(unsub.name, 'ResourceNotFoundException');
      const onMine = await failure(other.client.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: me.identityId, Platform: 'GCM', Token: 'sneaky' })));
      assert.equal(onMine.name, 'NotAuthorizedException');
      const subMine = await failure(other.client.send(new SubscribeToDatasetCommand({ ...at(me, 'settings'), DeviceId: mine })));
      assert.equal(subMine.name, 'NotAuthorizedException');
      const developerRegister = await failure(dev.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: me.identityId, Platform: 'GCM', Token: 'dev' })));
      assert.equal(developerRegister.name, 'NotAuthorizedException');
      const identityConfigures = await failure(me.client.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, PushSync: { ApplicationArns: [], RoleArn: PUSH_ROLE } })));
      assert.equal(identityConfigures.name, 'NotAuthorizedException');
      const identityReads = await failure(me.client.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId })));
      assert.equal(identityReads.name, 'NotAuthorizedException');
      const stillSet = await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }));
      assert.deepEqual(stillSet.PushSync?.ApplicationArns, [GCM_APP, APNS_APP]);
    });

    it('bad input and null members: InvalidParameterException (or ResourceNotFoundException), nothing written', async () => {
      const creds = await fromCognitoIdentity({ identityId: me.identityId, clientConfig: { region: 'us-east-1', endpoint: server.url } })();
      const asMe = (method: 'POST' | 'DELETE' | 'GET', path: string, body?: unknown) => rawSync(server.url, creds, method, path, body, server.clock.now());
      const asDev = (method: 'POST' | 'GET', path: string, body?: unknown) => rawSync(server.url, server.credentials, method, path, body, server.clock.now());
      const devicePath = `/identitypools/${poolId}/identity/${me.identityId}/device`;
      for (const body of [{ Platform: null, Token: 't' }, { Platform: 'GCM', Token: null }, { Platform: 'GCM' }, { Platform: 'WINDOWS', Token: 't' }, { Platform: 5, Token: 't' }, { Platform: 'GCM', Token: ['t'] }, { Platform: 'GCM', Token: 'x'.repeat(5000) }]) {
        const r = await asMe('POST', devicePath, body);
        // A member of the wrong JSON type is the framing's SerializationException; a bad value InvalidParameterException.
        assert.ok(BAD_INPUT.includes(r.type), `${JSON.stringify(body).slice(0, 80)}: ${r.type}`);
        assert.equal(r.status, 400);
        assert.ok(!/\n\s+at /.test(JSON.stringify(r.json)), 'no stack trace');
      }
      const phone = await register(me, 'gcm-token-phone');
      for (const [name, path] of [
        ['bad dataset', `/identitypools/${poolId}/identities/${me.identityId}/datasets/bad%20name!/subscriptions/${phone}`],
        ['long dataset', `/identitypools/${poolId}/identities/${me.identityId}/datasets/${'d'.repeat(129)}/subscriptions/${phone}`],
      ] as const) {
        for (const method of ['POST', 'DELETE'] as const) assert.equal((await asMe(method, path)).type, 'InvalidParameterException', `${method} ${name}`);
      }
      const unknownPool = await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' })).catch((e: Error) => e);
      assert.equal((unknownPool as Error).name, 'ResourceNotFoundException');
      const configPath = `/identitypools/${poolId}/configuration`;
      for (const body of [
        { PushSync: { ApplicationArns: ['arn:aws:sns:us-east-1:123456789012:app/WINDOWS/x'], RoleArn: PUSH_ROLE } },
        { PushSync: { ApplicationArns: ['not-an-arn'], RoleArn: PUSH_ROLE } },
        { PushSync: { ApplicationArns: [GCM_APP] } },
        { PushSync: { ApplicationArns: [GCM_APP], RoleArn: null } },
        { PushSync: { ApplicationArns: [null], RoleArn: PUSH_ROLE } },
        { PushSync: { ApplicationArns: GCM_APP, RoleArn: PUSH_ROLE } },
        { PushSync: 'on' },
        { CognitoStreams: { StreamName: 7, RoleArn: PUSH_ROLE } },
      ]) {
        const r = await asDev('POST', configPath, body);
        assert.ok(BAD_INPUT.includes(r.type), `${JSON.stringify(body)}: ${r.type}`);
        assert.equal(r.status, 400);
      }
      // Null members are absent members: the stored configuration is untouched.
      const nulls = await asDev('POST', configPath, { PushSync: null, CognitoStreams: null });
      assert.equal(nulls.status, 200);
      assert.deepEqual(nulls.json.PushSync, { ApplicationArns: [GCM_APP, APNS_APP], RoleArn: PUSH_ROLE });
      // Streams can't be enabled on a server with no stream destination.
      const streams = await failure(dev.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, CognitoStreams: { StreamName: 'sync-stream', RoleArn: PUSH_ROLE, StreamingStatus: 'ENABLED' } })));
      assert.equal(streams.name, 'InvalidParameterException');
      const got = await dev.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }));
      assert.equal(got.CognitoStreams, undefined, 'nothing half-written');
    });
  });
}

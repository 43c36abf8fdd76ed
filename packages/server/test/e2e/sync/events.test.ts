/**
 * Cognito Events driven by @aws-sdk/client-cognito-sync: SetCognitoEvents / GetCognitoEvents
 * (admin keys), and the SyncTrigger run through the user-pool trigger invokers (an ES module, a
 * signed webhook, the Lambda Invoke API) with Cognito's sync event; the function's datasetRecords
 * are what is stored; a failing function writes nothing; developer writes don't run it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCognitoEventsCommand, ListRecordsCommand, SetCognitoEventsCommand, UpdateRecordsCommand, type CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../../support/triggers.js';
import { at, developer, failure, syncPool, write, type Device } from './helpers.js';
import { newIdentity, rawSync } from './push-receiver.js';

const values = async (d: Device, dataset: string) =>
  Object.fromEntries(((await d.client.send(new ListRecordsCommand(at(d, dataset)))).Records ?? []).filter((r) => r.Value !== undefined).map((r) => [r.Key, r.Value]));

for (const kind of databaseKinds) {
  describe(`Cognito Sync events: SyncTrigger (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let poolId: string;
    let dev: CognitoSyncClient;
    let me: Device;

    const trigger = (fn: string) => dev.send(new SetCognitoEventsCommand({ IdentityPoolId: poolId, Events: { SyncTrigger: fn } }));

    before(async () => {
      host = await TriggerHost.start();
      const rewrite = await host.module(
        'sync-rewrite',
        `export const handler = async (event) => {
           for (const [key, record] of Object.entries(event.datasetRecords)) {
             if (key === 'name' && record.op === 'replace') record.newValue = record.newValue.toUpperCase();
             if (key === 'level' && Number(record.newValue) >= 10) event.datasetRecords.award = { newValue: 'gold', op: 'replace' };
             if (key === 'secret') delete event.datasetRecords[key];
           }
           return event;
         };`,
      );
      server = await startTestServer(kind, {
        triggers: { [arn('sync-rewrite')]: rewrite, [arn('sync-hook')]: `${host.webhookUrl}/sync-hook`, [arn('sync-broken')]: `${host.webhookUrl}/sync-broken` },
        triggerWebhookSecret: WEBHOOK_SECRET,
        triggerTimeoutMs: 2000,
        lambdaEndpoint: host.lambdaUrl,
        lambdaAccessKeyId: 'AKIALAMBDASTUB',
        lambdaSecretAccessKey: 'lambda-stub-secret',
      });
      poolId = await syncPool(server);
      dev = developer(server);
      me = await newIdentity(server, poolId);
    });
    after(async () => {
      await server.stop();
      await host.stop();
    });

    it('SetCognitoEvents sets the SyncTrigger, GetCognitoEvents reads it back, an empty ARN removes it', async () => {
      assert.deepEqual((await dev.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId }))).Events ?? {}, {});
      await trigger(arn('sync-hook'));
      assert.deepEqual((await dev.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId }))).Events, { SyncTrigger: arn('sync-hook') });
      await trigger('');
      assert.deepEqual((await dev.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId }))).Events ?? {}, {});
    });

    it('a module SyncTrigger rewrites a value, adds a record and drops one: what it answers is what is stored', async () => {
      await trigger(arn('sync-rewrite'));
      const out = await write(me, 'game', [
        { Op: 'replace', Key: 'name', Value: 'ada', SyncCount: 0 },
        { Op: 'replace', Key: 'level', Value: '12', SyncCount: 0 },
        { Op: 'replace', Key: 'secret', Value: 'cheat', SyncCount: 0 },
      ]);
      assert.deepEqual(Object.fromEntries(out.Records!.map((r) => [r.Key, r.Value])), { name: 'ADA', level: '12', award: 'gold' });
      assert.deepEqual(await values(me, 'game'), { name: 'ADA', level: '12', award: 'gold' });
    });

    it('a webhook SyncTrigger gets Cognito\'s sync event (version 2), signed, with old and new values', async () => {
      await trigger(arn('sync-hook'));
      await write(me, 'profile', [{ Op: 'replace', Key: 'city', Value: 'Paris', SyncCount: 0 }]);
      await write(me, 'profile', [{ Op: 'replace', Key: 'city', Value: 'Lyon', SyncCount: 1 }, { Op: 'remove', Key: 'nothing', SyncCount: 0 }]);
      const event = host.last('sync-hook') as unknown as Record<string, unknown>;
      assert.deepEqual(event, {
        version: 2,
        eventType: 'SyncTrigger',
        region: 'us-east-1',
        identityPoolId: poolId,
        identityId: me.identityId,
        datasetName: 'profile',
        datasetRecords: { city: { oldValue: 'Paris', newValue: 'Lyon', op: 'replace' }, nothing: { oldValue: null, newValue: null, op: 'remove' } },
      });
      assert.deepEqual(host.badSignatures, []);
      assert.deepEqual(await values(me, 'profile'), { city: 'Lyon' });
    });

    it('through the Lambda API too; a failing or unusable function fails UpdateRecords and nothing is written', async () => {
      host.handlers.set('lambda-sync', (e) => {
        (e as unknown as { datasetRecords: Record<string, { newValue: string }> }).datasetRecords.k!.newValue = 'from-lambda';
        return e;
      });
      await trigger(arn('lambda-sync'));
      await write(me, 'via-lambda', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]);
      assert.deepEqual(await values(me, 'via-lambda'), { k: 'from-lambda' });

      await trigger(arn('sync-broken'));
      for (const answer of [() => { throw new Error('no cheating'); }, () => ({ datasetRecords: 5 }), () => ({ datasetRecords: { k: { op: 'explode' } } }), () => 'nope']) {
        host.handlers.set('sync-broken', answer);
        const failed = await failure(write(me, 'via-lambda', [{ Op: 'replace', Key: 'k', Value: 'changed', SyncCount: 1 }]));
        assert.equal(failed.name, 'InvalidLambdaFunctionOutputException');
        assert.equal(failed.status, 400);
      }
      assert.deepEqual(await values(me, 'via-lambda'), { k: 'from-lambda' }, 'nothing written');
      const listed = await me.client.send(new ListRecordsCommand(at(me, 'via-lambda')));
      assert.equal(listed.DatasetSyncCount, 1);
    });

    it('developer writes don\'t run the SyncTrigger (as in Cognito)', async () => {
      await trigger(arn('sync-rewrite'));
      const listed = await dev.send(new ListRecordsCommand(at(me, 'dev-data')));
      await dev.send(new UpdateRecordsCommand({ ...at(me, 'dev-data'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'name', Value: 'ada', SyncCount: 0 }] }));
      assert.deepEqual(await values(me, 'dev-data'), { name: 'ada' });
    });

    it('identities, unknown pools, other event types, bad ARNs and null members are refused', async () => {
      assert.equal((await failure(me.client.send(new SetCognitoEventsCommand({ IdentityPoolId: poolId, Events: { SyncTrigger: arn('sync-hook') } })))).name, 'NotAuthorizedException');
      assert.equal((await failure(me.client.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId })))).name, 'NotAuthorizedException');
      const unknown = 'us-east-1:00000000-0000-4000-8000-000000000000';
      assert.equal((await failure(dev.send(new GetCognitoEventsCommand({ IdentityPoolId: unknown })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(dev.send(new SetCognitoEventsCommand({ IdentityPoolId: unknown, Events: { SyncTrigger: arn('x') } })))).name, 'ResourceNotFoundException');
      const path = `/identitypools/${poolId}/events`;
      for (const body of [{ Events: { PreSync: arn('x') } }, { Events: { SyncTrigger: 'not-an-arn' } }, { Events: null }, {}, { Events: { SyncTrigger: 5 } }, { Events: [arn('x')] }, { Events: { SyncTrigger: arn('a'), Other: arn('b') } }]) {
        const r = await rawSync(server.url, server.credentials, 'POST', path, body, server.clock.now());
        assert.ok(['InvalidParameterException', 'SerializationException'].includes(r.type), `${JSON.stringify(body)}: ${r.type}`);
        assert.equal(r.status, 400);
      }
      assert.deepEqual((await dev.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId }))).Events, { SyncTrigger: arn('sync-rewrite') }, 'unchanged');
    });
  });
}

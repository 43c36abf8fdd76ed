/**
 * Who may touch which Sync data: another identity's datasets refused for every action, the role's
 * policy deciding (an explicit deny, an action left out), developer-only actions refused to
 * identities, unsigned / wrongly signed / foreign-service requests refused; SyncSessionTokens
 * single-use, bound to their identity and dataset, and expiring; parallel UpdateRecords on one
 * dataset with exactly one winner per sync count.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoSyncClient, DeleteDatasetCommand, DescribeDatasetCommand, DescribeIdentityPoolUsageCommand, DescribeIdentityUsageCommand, ListDatasetsCommand,
  ListIdentityPoolUsageCommand, ListRecordsCommand, UpdateRecordsCommand,
} from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { at, credentialsOf, device, failure, OWN_DATA_POLICY, pathOf, raw, setRolePolicy, syncPool, write, type Device } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`Cognito Sync authorisation and sync sessions (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let alice: Device;
    let bob: Device;

    before(async () => {
      server = await startTestServer(kind);
      poolId = await syncPool(server);
      alice = await device(server, poolId);
      bob = await device(server, poolId);
      await write(bob, 'private', [{ Op: 'replace', Key: 'secret', Value: 'bob-only', SyncCount: 0 }]);
    });
    after(() => server.stop());

    it("refuses every action on another identity's data with NotAuthorizedException (403), and changes nothing", async () => {
      const theirs = at(bob, 'private');
      const mine = await alice.client.send(new ListRecordsCommand(at(alice, 'private')));
      const calls = [
        new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: bob.identityId }),
        new DescribeDatasetCommand(theirs),
        new DeleteDatasetCommand(theirs),
        new ListRecordsCommand(theirs),
        new UpdateRecordsCommand({ ...theirs, SyncSessionToken: mine.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'secret', Value: 'alice', SyncCount: 1 }] }),
        new DescribeIdentityUsageCommand({ IdentityPoolId: poolId, IdentityId: bob.identityId }),
      ];
      for (const call of calls) {
        const f = await failure(alice.client.send(call as never));
        assert.equal(f.name, 'NotAuthorizedException', call.constructor.name);
        assert.equal(f.status, 403);
      }
      // Another pool's path with alice's own identity ID is refused too.
      const otherPool = await failure(alice.client.send(new ListDatasetsCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', IdentityId: alice.identityId })));
      assert.equal(otherPool.name, 'NotAuthorizedException');
      const still = await bob.client.send(new ListRecordsCommand(at(bob, 'private')));
      assert.deepEqual(still.Records?.map((r) => [r.Key, r.Value]), [['secret', 'bob-only']]);
    });

    it("lets the role's policy decide: an action left out or explicitly denied is NotAuthorizedException", async () => {
      try {
        await setRolePolicy(server, JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['cognito-sync:ListDatasets', 'cognito-sync:ListRecords', 'cognito-sync:DescribeDataset'], Resource: 'arn:aws:cognito-sync:*:*:identitypool/*/identity/${cognito-identity.amazonaws.com:sub}*' },
            { Effect: 'Deny', Action: 'cognito-sync:DescribeDataset', Resource: 'arn:aws:cognito-sync:*:*:identitypool/*/identity/*/dataset/hidden' },
          ],
        }));
        await alice.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: alice.identityId }));
        const listed = await alice.client.send(new ListRecordsCommand(at(alice, 'notes')));
        const update = await failure(alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'notes'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'a', Value: 'b', SyncCount: 0 }] })));
        assert.equal(update.name, 'NotAuthorizedException');
        assert.match(update.message, /cognito-sync:UpdateRecords/);
        const denied = await failure(alice.client.send(new DescribeDatasetCommand(at(alice, 'hidden'))));
        assert.equal(denied.name, 'NotAuthorizedException');
        assert.match(denied.message, /explicit deny|not authorized/);
      } finally {
        await setRolePolicy(server, OWN_DATA_POLICY);
      }
    });

    it('keeps developer-only actions from identities', async () => {
      for (const call of [new DescribeIdentityPoolUsageCommand({ IdentityPoolId: poolId }), new ListIdentityPoolUsageCommand({})]) {
        const f = await failure(alice.client.send(call as never));
        assert.equal(f.name, 'NotAuthorizedException');
        assert.equal(f.status, 403);
      }
    });

    it('refuses unsigned requests, unknown keys, bad signatures and other services\' signatures', async () => {
      const path = pathOf(poolId, alice.identityId);
      const unsigned = await fetch(`${server.url}${path}/datasets`);
      assert.equal(unsigned.status, 403);
      assert.ok(unsigned.headers.get('x-amzn-errortype'));
      const stranger = await raw(server, { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'nope' }, { method: 'GET', path: `${path}/datasets` });
      assert.equal(stranger.status, 403);
      const creds = await credentialsOf(alice);
      const wrongSecret = await raw(server, { ...creds, secretAccessKey: creds.secretAccessKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }, { method: 'GET', path: `${path}/datasets` });
      assert.equal(wrongSecret.status, 403);
      assert.equal(wrongSecret.errorType, 'InvalidSignatureException');
      const otherService = await raw(server, creds, { method: 'GET', path: `${path}/datasets`, service: 'cognito-identity' });
      assert.equal(otherService.status, 403);
      const ok = await raw(server, creds, { method: 'GET', path: `${path}/datasets` });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      const unknownRoute = await raw(server, creds, { method: 'PUT', path: `${path}/datasets` });
      assert.equal(unknownRoute.status, 404);
      assert.equal(unknownRoute.errorType, 'UnknownOperationException');
    });

    it('answers browsers\' CORS preflights for the Sync paths', async () => {
      const res = await fetch(`${server.url}${pathOf(poolId, alice.identityId, 'd')}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization,x-amz-date,x-amz-security-token' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /DELETE/);
      const listed = await raw(server, await credentialsOf(alice), { method: 'GET', path: `${pathOf(poolId, alice.identityId)}/datasets` });
      assert.equal(listed.status, 200);
    });

    it('spends a SyncSessionToken once: a replay is refused and writes nothing', async () => {
      const listed = await alice.client.send(new ListRecordsCommand(at(alice, 'once')));
      const patch = (v: string) => [{ Op: 'replace' as const, Key: 'k', Value: v, SyncCount: 0 }];
      await alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'once'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: patch('first') }));
      const replay = await failure(alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'once'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'k', Value: 'again', SyncCount: 1 }] })));
      assert.equal(replay.name, 'InvalidParameterException');
      // A spent token is no page token of a later ListRecords either.
      assert.equal((await failure(alice.client.send(new ListRecordsCommand({ ...at(alice, 'once'), SyncSessionToken: listed.SyncSessionToken })))).name, 'InvalidParameterException');
      const now = await alice.client.send(new ListRecordsCommand(at(alice, 'once')));
      assert.deepEqual(now.Records?.map((r) => r.Value), ['first']);
    });

    it("refuses a token issued for another dataset, another identity, or altered", async () => {
      const forOther = await alice.client.send(new ListRecordsCommand(at(alice, 'other')));
      const wrongDataset = await failure(alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'mine'), SyncSessionToken: forOther.SyncSessionToken, RecordPatches: [] })));
      assert.equal(wrongDataset.name, 'InvalidParameterException');
      const bobs = await bob.client.send(new ListRecordsCommand(at(bob, 'mine')));
      const wrongIdentity = await failure(alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'mine'), SyncSessionToken: bobs.SyncSessionToken, RecordPatches: [] })));
      assert.equal(wrongIdentity.name, 'InvalidParameterException');
      const t = forOther.SyncSessionToken!;
      const altered = t.slice(0, 20) + (t[20] === 'A' ? 'B' : 'A') + t.slice(21);
      assert.equal((await failure(alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'other'), SyncSessionToken: altered, RecordPatches: [] })))).name, 'InvalidParameterException');
      assert.equal((await failure(alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'other'), SyncSessionToken: 'not-a-token', RecordPatches: [] })))).name, 'InvalidParameterException');
      await assert.rejects(alice.client.send(new DescribeDatasetCommand(at(alice, 'mine'))), { name: 'ResourceNotFoundException' });
    });

    it('lets a SyncSessionToken expire after 15 minutes', async () => {
      const listed = await alice.client.send(new ListRecordsCommand(at(alice, 'slow')));
      server.clock.advance(15 * 60 * 1000 + 1000);
      try {
        const late = new CognitoSyncClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: await credentialsOf(alice), systemClockOffset: server.clock.now() - Date.now() });
        const f = await failure(late.send(new UpdateRecordsCommand({ ...at(alice, 'slow'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }] })));
        assert.equal(f.name, 'InvalidParameterException');
        assert.match(f.message, /expired/);
      } finally {
        server.clock.advance(-(15 * 60 * 1000 + 1000));
      }
    });

    it('lets exactly one of parallel UpdateRecords win per sync count', async () => {
      await write(alice, 'race', [{ Op: 'replace', Key: 'counter', Value: '0', SyncCount: 0 }]);
      const tokens = await Promise.all(Array.from({ length: 6 }, () => alice.client.send(new ListRecordsCommand(at(alice, 'race')))));
      const results = await Promise.allSettled(
        tokens.map((t, i) => alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'race'), SyncSessionToken: t.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'counter', Value: `writer-${i}`, SyncCount: 1 }] }))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))));
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ResourceConflictException');
      const final = await alice.client.send(new ListRecordsCommand(at(alice, 'race')));
      assert.equal(final.DatasetSyncCount, 2);
      assert.equal(final.Records?.[0]?.Value, (won[0] as PromiseFulfilledResult<{ Records?: { Value?: string }[] }>).value.Records?.[0]?.Value);
      // One token raced against itself: one use wins.
      const one = await alice.client.send(new ListRecordsCommand(at(alice, 'race2')));
      const same = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => alice.client.send(new UpdateRecordsCommand({ ...at(alice, 'race2'), SyncSessionToken: one.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: `k${i}`, Value: 'v', SyncCount: 0 }] }))),
      );
      assert.equal(same.filter((r) => r.status === 'fulfilled').length, 1);
      const ds = await alice.client.send(new DescribeDatasetCommand(at(alice, 'race2')));
      assert.equal(ds.Dataset?.NumRecords, 1);
    });
  });
}

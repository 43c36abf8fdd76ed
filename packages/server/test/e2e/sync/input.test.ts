/**
 * Bad input and Cognito Sync's limits, for every action: `null` and wrong JSON types at each member,
 * URI labels and query parameters that break the model's constraints, bodies that are no JSON
 * object; 20 datasets per identity, 1,024 records and 1 MB per dataset, 128-character keys. Each
 * is a 4xx with the model's error name, never a 500, and writes nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteDatasetCommand, DescribeDatasetCommand, ListDatasetsCommand, ListRecordsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { at, credentialsOf, device, failure, pathOf, raw, syncPool, write, type Device } from './helpers.js';

type Creds = Awaited<ReturnType<typeof credentialsOf>>;

for (const kind of databaseKinds) {
  describe(`Cognito Sync bad input and limits (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let me: Device;
    let creds: Creds;
    const send = (method: string, path: string, opts: { query?: Record<string, string>; body?: string; admin?: boolean } = {}) =>
      raw(server, opts.admin ? server.credentials : creds, { method, path, ...(opts.query ? { query: opts.query } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}) });
    const assertRefused = (r: { status: number; errorType: string | null; json: Record<string, unknown> }, what: string, name?: string) => {
      assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${JSON.stringify(r.json)}`);
      assert.ok(r.errorType && ['InvalidParameterException', 'SerializationException', 'LimitExceededException'].includes(r.errorType), `${what}: ${r.errorType}`);
      if (name) assert.equal(r.errorType, name, what);
      assert.equal(typeof r.json.message, 'string', what);
      assert.doesNotMatch(String(r.json.message), /at .*\.(ts|js):\d+/, `${what}: no stack`);
    };

    before(async () => {
      server = await startTestServer(kind);
      poolId = await syncPool(server);
      me = await device(server, poolId);
      creds = await credentialsOf(me);
      await write(me, 'base', [{ Op: 'replace', Key: 'a', Value: '1', SyncCount: 0 }]);
    });
    after(() => server.stop());

    it('refuses URI labels that break the model (pattern, length) for every action', async () => {
      const bad = ['bad name!', 'x'.repeat(129), 'ü'];
      for (const name of bad) {
        for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['GET', '/records'], ['POST', '']] as const) {
          const r = await send(method, pathOf(poolId, me.identityId, name) + suffix, method === 'POST' ? { body: '{"SyncSessionToken":"t"}' } : {});
          assertRefused(r, `${method} dataset ${JSON.stringify(name)}${suffix}`, 'InvalidParameterException');
        }
      }
      for (const id of ['no-colon', 'us-east-1:XYZ', `us-east-1:${'a'.repeat(60)}`]) {
        assertRefused(await send('GET', pathOf(poolId, id) + '/datasets'), `ListDatasets identity ${id}`, 'InvalidParameterException');
        assertRefused(await send('GET', pathOf(poolId, id)), `DescribeIdentityUsage identity ${id}`, 'InvalidParameterException');
        assertRefused(await send('GET', `/identitypools/${encodeURIComponent(id)}`, { admin: true }), `DescribeIdentityPoolUsage pool ${id}`, 'InvalidParameterException');
      }
    });

    it('refuses query parameters of the wrong type or range', async () => {
      const list = pathOf(poolId, me.identityId) + '/datasets';
      const records = pathOf(poolId, me.identityId, 'base') + '/records';
      for (const [path, query, admin] of [
        [list, { maxResults: 'abc' }, false], [list, { maxResults: '0' }, false], [list, { maxResults: '99999999999' }, false], [list, { nextToken: 'garbage!!' }, false],
        [records, { lastSyncCount: 'x' }, false], [records, { maxResults: '-1' }, false], [records, { nextToken: 'e30' }, false], [records, { syncSessionToken: 'forged' }, false],
        ['/identitypools', { maxResults: 'many' }, true], ['/identitypools', { nextToken: '%%%' }, true],
      ] as const) {
        assertRefused(await send('GET', path, { query: { ...query }, admin }), `${path} ${JSON.stringify(query)}`);
      }
    });

    it('refuses UpdateRecords bodies with null, wrong types or bad patches, writing nothing', async () => {
      const path = pathOf(poolId, me.identityId, 'base');
      const token = async () => (await me.client.send(new ListRecordsCommand(at(me, 'base')))).SyncSessionToken!;
      const t = await token();
      const cases: [string, string][] = [
        ['body not JSON', '{"SyncSessionToken":'],
        ['body an array', '[]'],
        ['body a string', '"x"'],
        ['SyncSessionToken null', '{"SyncSessionToken":null}'],
        ['SyncSessionToken a number', '{"SyncSessionToken":5}'],
        ['RecordPatches a string', JSON.stringify({ SyncSessionToken: t, RecordPatches: 'x' })],
        ['RecordPatches with null', JSON.stringify({ SyncSessionToken: t, RecordPatches: [null] })],
        ['patch without Op', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Key: 'a', SyncCount: 1, Value: 'x' }] })],
        ['patch Op unknown', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'merge', Key: 'a', SyncCount: 1, Value: 'x' }] })],
        ['patch Key null', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: null, SyncCount: 1, Value: 'x' }] })],
        ['patch Key empty', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: '', SyncCount: 1, Value: 'x' }] })],
        ['patch Key of 129 characters', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'k'.repeat(129), SyncCount: 0, Value: 'x' }] })],
        ['patch SyncCount a string', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 'one', Value: 'x' }] })],
        ['patch SyncCount negative', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: -1, Value: 'x' }] })],
        ['patch SyncCount fractional', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1.5, Value: 'x' }] })],
        ['patch Value a number', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1, Value: 2 }] })],
        ['replace without Value', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1 }] })],
        ['one key twice', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1, Value: 'x' }, { Op: 'remove', Key: 'a', SyncCount: 1 }] })],
        ['NUL in a value', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1, Value: 'x\u0000y' }] })],
        ['DeviceLastModifiedDate a string', JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1, Value: 'x', DeviceLastModifiedDate: 'yesterday' }] })],
        ['DeviceId empty', JSON.stringify({ SyncSessionToken: t, DeviceId: '', RecordPatches: [] })],
      ];
      for (const [what, body] of cases) assertRefused(await send('POST', path, { body }), what);
      const after = await me.client.send(new ListRecordsCommand(at(me, 'base')));
      assert.deepEqual(after.Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['a', '1', 1]]);
      // The token survived every refusal: nothing was spent.
      const ok = await send('POST', path, { body: JSON.stringify({ SyncSessionToken: t, RecordPatches: [{ Op: 'replace', Key: 'a', SyncCount: 1, Value: '2' }] }) });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
    });

    it('holds an identity to 20 datasets (LimitExceededException), and a deleted one frees its place', async () => {
      const have = (await me.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: me.identityId }))).Count!;
      for (let i = have; i < 20; i++) await write(me, `ds${i}`, []);
      assert.equal((await me.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: me.identityId }))).Count, 20);
      const over = await failure(write(me, 'one-too-many', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]));
      assert.equal(over.name, 'LimitExceededException');
      assert.equal(over.status, 400);
      assert.equal((await failure(me.client.send(new DescribeDatasetCommand(at(me, 'one-too-many'))))).name, 'ResourceNotFoundException');
      await me.client.send(new DeleteDatasetCommand(at(me, 'ds19')));
      await write(me, 'one-too-many', [{ Op: 'replace', Key: 'k', Value: 'v', SyncCount: 0 }]);
      await me.client.send(new DeleteDatasetCommand(at(me, 'one-too-many')));
      for (let i = have; i < 19; i++) await me.client.send(new DeleteDatasetCommand(at(me, `ds${i}`)));
    });

    it('holds a dataset to 1,024 records and 1 MB, counting only live records', async () => {
      const many = Array.from({ length: 1025 }, (_, i) => ({ Op: 'replace' as const, Key: `r${i}`, Value: 'v', SyncCount: 0 }));
      const tooMany = await failure(write(me, 'big', many));
      assert.equal(tooMany.name, 'LimitExceededException');
      await write(me, 'big', many.slice(0, 1024));
      const listed = await me.client.send(new ListRecordsCommand(at(me, 'big')));
      // A removal makes room for another record.
      assert.equal((await failure(me.client.send(new UpdateRecordsCommand({ ...at(me, 'big'), SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'extra', Value: 'v', SyncCount: 0 }] })))).name, 'LimitExceededException');
      await write(me, 'big', [{ Op: 'remove', Key: 'r0', SyncCount: 1 }, { Op: 'replace', Key: 'extra', Value: 'v', SyncCount: 0 }]);
      assert.equal((await me.client.send(new DescribeDatasetCommand(at(me, 'big')))).Dataset?.NumRecords, 1024);

      const huge = 'x'.repeat(1024 * 1024 - 4);
      const tooBig = await failure(write(me, 'heavy', [{ Op: 'replace', Key: 'blob', Value: huge + 'x', SyncCount: 0 }]));
      assert.equal(tooBig.name, 'LimitExceededException');
      await write(me, 'heavy', [{ Op: 'replace', Key: 'blob', Value: huge, SyncCount: 0 }]);
      const d = (await me.client.send(new DescribeDatasetCommand(at(me, 'heavy')))).Dataset!;
      assert.equal(d.DataStorage, 1024 * 1024);
      const full = await failure(write(me, 'heavy', [{ Op: 'replace', Key: 'b', Value: 'y', SyncCount: 0 }]));
      assert.equal(full.name, 'LimitExceededException');
      // Multi-byte characters count as their UTF-8 bytes.
      await write(me, 'heavy', [{ Op: 'replace', Key: 'blob', Value: 'é'.repeat(10), SyncCount: 1 }]);
      assert.equal((await me.client.send(new DescribeDatasetCommand(at(me, 'heavy')))).Dataset?.DataStorage, 4 + 20);
    });
  });
}

/**
 * Resource servers with the AWS SDK: CreateResourceServer, DescribeResourceServer,
 * UpdateResourceServer, DeleteResourceServer and ListResourceServers (MaxResults/NextToken paging),
 * Cognito's rules the model can't express (an identifier once per pool, a scope name once per
 * server, 25 servers per pool), isolation between pools, the cascade on DeleteUserPool, and bad
 * input at every member (null, wrong types, unknown pool → ResourceNotFoundException).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolCommand,
  DescribeResourceServerCommand,
  ListResourceServersCommand,
  UpdateResourceServerCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';

for (const kind of databaseKinds) {
  describe(`resource servers (${kind})`, () => {
    let server: TestServer;
    const newPool = async (name = 'rs') => (await server.admin.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });

    it('creates, describes, updates (replacing the scopes) and deletes a resource server', async () => {
      const poolId = await newPool();
      const scopes = [{ ScopeName: 'read', ScopeDescription: 'Read the photos' }, { ScopeName: 'write', ScopeDescription: 'Change the photos' }];
      const created = await server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com', Name: 'Photos API', Scopes: scopes }));
      assert.deepEqual(created.ResourceServer, { UserPoolId: poolId, Identifier: 'https://photos.example.com', Name: 'Photos API', Scopes: scopes });

      const described = await server.admin.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com' }));
      assert.deepEqual(described.ResourceServer, created.ResourceServer);

      const updated = await server.admin.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com', Name: 'Photos', Scopes: [{ ScopeName: 'admin', ScopeDescription: 'Everything' }] }));
      assert.deepEqual(updated.ResourceServer?.Scopes, [{ ScopeName: 'admin', ScopeDescription: 'Everything' }]);
      const again = await server.admin.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com' }));
      assert.equal(again.ResourceServer?.Name, 'Photos');
      assert.deepEqual(again.ResourceServer?.Scopes, [{ ScopeName: 'admin', ScopeDescription: 'Everything' }]);

      const cleared = await server.admin.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com', Name: 'Photos' }));
      assert.deepEqual(cleared.ResourceServer?.Scopes, []);

      await server.admin.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com' }));
      const gone = await failure(() => server.admin.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com' })));
      assert.equal(gone.name, 'ResourceNotFoundException');
      const deleteAgain = await failure(() => server.admin.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://photos.example.com' })));
      assert.equal(deleteAgain.name, 'ResourceNotFoundException');
      const updateMissing = await failure(() => server.admin.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'nothing', Name: 'x' })));
      assert.equal(updateMissing.name, 'ResourceNotFoundException');
    });

    it('keeps an identifier to one server per pool, but lets another pool use it', async () => {
      const a = await newPool('a');
      const b = await newPool('b');
      await server.admin.send(new CreateResourceServerCommand({ UserPoolId: a, Identifier: 'orders', Name: 'Orders' }));
      const dup = await failure(() => server.admin.send(new CreateResourceServerCommand({ UserPoolId: a, Identifier: 'orders', Name: 'Orders again' })));
      assert.equal(dup.name, 'InvalidParameterException');
      await server.admin.send(new CreateResourceServerCommand({ UserPoolId: b, Identifier: 'orders', Name: 'B orders' }));
      assert.equal((await server.admin.send(new DescribeResourceServerCommand({ UserPoolId: a, Identifier: 'orders' }))).ResourceServer?.Name, 'Orders');
      // Another pool's server is not reachable by naming this pool.
      await server.admin.send(new CreateResourceServerCommand({ UserPoolId: b, Identifier: 'only-b', Name: 'B only' }));
      for (const cmd of [
        new DescribeResourceServerCommand({ UserPoolId: a, Identifier: 'only-b' }),
        new UpdateResourceServerCommand({ UserPoolId: a, Identifier: 'only-b', Name: 'stolen' }),
        new DeleteResourceServerCommand({ UserPoolId: a, Identifier: 'only-b' }),
      ]) {
        assert.equal((await failure(() => server.admin.send(cmd as never))).name, 'ResourceNotFoundException');
      }
      assert.equal((await server.admin.send(new DescribeResourceServerCommand({ UserPoolId: b, Identifier: 'only-b' }))).ResourceServer?.Name, 'B only');
    });

    it('pages ListResourceServers with MaxResults and NextToken, in identifier order, and stops at 25 servers per pool', async () => {
      const poolId = await newPool('many');
      const ids = Array.from({ length: 25 }, (_, i) => `api-${String(i).padStart(2, '0')}`);
      for (const id of ids) await server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: id, Name: id, Scopes: [{ ScopeName: 'r', ScopeDescription: 'read' }] }));
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await server.admin.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 10, NextToken: token }));
        assert.ok(page.ResourceServers!.length <= 10);
        seen.push(...page.ResourceServers!.map((s) => s.Identifier!));
        for (const s of page.ResourceServers!) assert.deepEqual(s.Scopes, [{ ScopeName: 'r', ScopeDescription: 'read' }]);
        token = page.NextToken;
        pages++;
      } while (token);
      assert.deepEqual(seen, ids);
      assert.equal(pages, 3);
      const all = await server.admin.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50 }));
      assert.equal(all.ResourceServers!.length, 25);
      assert.equal(all.NextToken, undefined);
      const over = await failure(() => server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'api-25', Name: 'one too many' })));
      assert.equal(over.name, 'LimitExceededException');
      const empty = await server.admin.send(new ListResourceServersCommand({ UserPoolId: await newPool('empty'), MaxResults: 5 }));
      assert.deepEqual(empty.ResourceServers, []);
      const badToken = await failure(() => server.admin.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 5, NextToken: Buffer.from('a b').toString('base64url') })));
      assert.equal(badToken.name, 'InvalidParameterException');
    });

    it('deletes a pool\'s resource servers with the pool', async () => {
      const poolId = await newPool('doomed');
      await server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'doomed-api', Name: 'Doomed' }));
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
      const { db } = server.running.cognate.store;
      assert.equal((await db.selectFrom('resource_servers').selectAll().where('pool_id', '=', poolId).execute()).length, 0);
      const list = await failure(() => server.admin.send(new ListResourceServersCommand({ UserPoolId: poolId })));
      assert.equal(list.name, 'ResourceNotFoundException');
    });

    it('refuses bad input: duplicate scope names, patterns and lengths, null and wrong types, unknown pools', async () => {
      const poolId = await newPool('bad');
      const dupScopes = await failure(() =>
        server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'dup', Name: 'dup', Scopes: [{ ScopeName: 'a', ScopeDescription: 'x' }, { ScopeName: 'a', ScopeDescription: 'y' }] })),
      );
      assert.equal(dupScopes.name, 'InvalidParameterException');
      const tooMany = await failure(() =>
        server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'many', Name: 'many', Scopes: Array.from({ length: 101 }, (_, i) => ({ ScopeName: `s${i}`, ScopeDescription: 'x' })) })),
      );
      assert.equal(tooMany.name, 'InvalidParameterException');
      for (const Identifier of ['has space', 'quote"d', 'back\\slash', 'x'.repeat(257), '']) {
        const bad = await failure(() => server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier, Name: 'n' })));
        assert.equal(bad.name, 'InvalidParameterException', Identifier);
      }
      for (const ScopeName of ['a/b', 'sp ace', 'q"', '']) {
        const bad = await failure(() => server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'scopes', Name: 'n', Scopes: [{ ScopeName, ScopeDescription: 'd' }] })));
        assert.equal(bad.name, 'InvalidParameterException', ScopeName);
      }
      const badName = await failure(() => server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'named', Name: 'semi;colon' })));
      assert.equal(badName.name, 'InvalidParameterException');
      const noDescription = await failure(() => server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'desc', Name: 'n', Scopes: [{ ScopeName: 'r' } as never] })));
      assert.equal(noDescription.name, 'InvalidParameterException');

      const unknown = 'us-east-1_Nowhere00';
      for (const call of [
        () => server.admin.send(new CreateResourceServerCommand({ UserPoolId: unknown, Identifier: 'x', Name: 'x' })),
        () => server.admin.send(new DescribeResourceServerCommand({ UserPoolId: unknown, Identifier: 'x' })),
        () => server.admin.send(new UpdateResourceServerCommand({ UserPoolId: unknown, Identifier: 'x', Name: 'x' })),
        () => server.admin.send(new DeleteResourceServerCommand({ UserPoolId: unknown, Identifier: 'x' })),
        () => server.admin.send(new ListResourceServersCommand({ UserPoolId: unknown })),
      ]) {
        assert.equal((await failure(call)).name, 'ResourceNotFoundException');
      }

      // Null and wrong JSON types at every member, sent by the SDK as given: refused at the edge, never a 5xx.
      const base = { UserPoolId: poolId, Identifier: 'raw', Name: 'raw', Scopes: [{ ScopeName: 'r', ScopeDescription: 'd' }] };
      const variants: [string, unknown][] = [
        ['UserPoolId', null], ['UserPoolId', 7], ['Identifier', null], ['Identifier', []], ['Name', null], ['Name', {}],
        ['Scopes', 'read'], ['Scopes', [{ ScopeName: 5, ScopeDescription: 'd' }]], ['Scopes', [{ ScopeName: 'r', ScopeDescription: null }]],
      ];
      const rejected = async (what: string, call: () => Promise<unknown>) => {
        const e = await failure(call);
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, `${what}: ${e.name} ${e.message}`);
      };
      for (const [member, value] of variants) {
        const input = { ...base, [member]: value } as never;
        await rejected(`Create ${member}`, () => server.admin.send(new CreateResourceServerCommand(input)));
        await rejected(`Update ${member}`, () => server.admin.send(new UpdateResourceServerCommand(input)));
      }
      for (const input of [{ UserPoolId: poolId, Identifier: null }, { UserPoolId: poolId, Identifier: 3 }, { UserPoolId: null, Identifier: 'x' }, { UserPoolId: poolId }]) {
        await rejected(`Describe ${JSON.stringify(input)}`, () => server.admin.send(new DescribeResourceServerCommand(input as never)));
        await rejected(`Delete ${JSON.stringify(input)}`, () => server.admin.send(new DeleteResourceServerCommand(input as never)));
      }
      for (const input of [{ UserPoolId: poolId, MaxResults: 0 }, { UserPoolId: poolId, MaxResults: 51 }, { UserPoolId: poolId, MaxResults: '5' }, { UserPoolId: poolId, NextToken: 5 }, { UserPoolId: poolId, NextToken: '' }, { UserPoolId: null }]) {
        await rejected(`List ${JSON.stringify(input)}`, () => server.admin.send(new ListResourceServersCommand(input as never)));
      }
    });
  });
}

/**
 * Terms documents with the AWS SDK: CreateTerms, DescribeTerms, ListTerms (paging), UpdateTerms,
 * DeleteTerms — one document of each name per app client (TermsExistsException), links that must be
 * http(s) URLs, isolation between pools, cascades with the client and pool, bad input — and what the
 * sign-up page gets from termsLinksFor() (both documents or none; the page's language, else default).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTermsCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteTermsCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeTermsCommand,
  ListTermsCommand,
  UpdateTermsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { termsLinksFor } from '../../../src/domain/oauth/terms.js';

const TOU = { 'cognito:default': 'https://example.com/terms', 'cognito:french': 'https://example.com/fr/conditions' };
const PP = { 'cognito:default': 'https://example.com/privacy' };

for (const kind of databaseKinds) {
  describe(`terms documents (${kind})`, () => {
    let server: TestServer;
    const newPool = async () => (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'terms' }))).UserPool!.Id!;
    const newClient = async (poolId: string) => (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    const linksFor = async (poolId: string, clientId: string, lang: string) => {
      const { cognate } = server.running;
      return termsLinksFor(cognate, await cognate.pools.get(poolId), await cognate.clients.get(poolId, clientId), lang);
    };
    const create = (poolId: string, clientId: string, name: 'terms-of-use' | 'privacy-policy', links: Record<string, string>) =>
      server.admin.send(new CreateTermsCommand({ UserPoolId: poolId, ClientId: clientId, TermsName: name, TermsSource: 'LINK', Enforcement: 'NONE', Links: links }));

    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });

    it('creates, describes, updates and deletes terms, and the sign-up page shows both links or none', async () => {
      const poolId = await newPool();
      const clientId = await newClient(poolId);
      const tou = (await create(poolId, clientId, 'terms-of-use', TOU)).Terms!;
      assert.match(tou.TermsId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual({ ...tou, TermsId: undefined, CreationDate: undefined, LastModifiedDate: undefined }, {
        TermsId: undefined, UserPoolId: poolId, ClientId: clientId, TermsName: 'terms-of-use', TermsSource: 'LINK', Enforcement: 'NONE', Links: TOU, CreationDate: undefined, LastModifiedDate: undefined,
      });
      assert.ok(tou.CreationDate instanceof Date);
      // One document only: the page shows none.
      assert.deepEqual(await linksFor(poolId, clientId, 'en'), []);

      await create(poolId, clientId, 'privacy-policy', PP);
      assert.deepEqual(await linksFor(poolId, clientId, 'en'), [{ kind: 'terms-of-use', url: 'https://example.com/terms' }, { kind: 'privacy-policy', url: 'https://example.com/privacy' }]);
      assert.deepEqual(await linksFor(poolId, clientId, 'fr'), [{ kind: 'terms-of-use', url: 'https://example.com/fr/conditions' }, { kind: 'privacy-policy', url: 'https://example.com/privacy' }]);

      const dup = await failure(() => create(poolId, clientId, 'terms-of-use', TOU));
      assert.equal(dup.name, 'TermsExistsException');

      const described = await server.admin.send(new DescribeTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId }));
      assert.deepEqual(described.Terms?.Links, TOU);
      const updated = await server.admin.send(new UpdateTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId, Links: { 'cognito:english': 'https://example.com/en/terms' } }));
      assert.deepEqual(updated.Terms?.Links, { 'cognito:english': 'https://example.com/en/terms' });
      assert.equal(updated.Terms?.TermsName, 'terms-of-use');
      assert.equal((await linksFor(poolId, clientId, 'en-US'))[0]?.url, 'https://example.com/en/terms');
      // No French and no default link for the terms of use any more: no links in French.
      assert.deepEqual(await linksFor(poolId, clientId, 'fr'), []);
      const rename = await failure(() => server.admin.send(new UpdateTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId, TermsName: 'privacy-policy' })));
      assert.equal(rename.name, 'TermsExistsException');

      await server.admin.send(new DeleteTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId }));
      for (const call of [
        () => server.admin.send(new DescribeTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId })),
        () => server.admin.send(new DeleteTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId })),
        () => server.admin.send(new UpdateTermsCommand({ UserPoolId: poolId, TermsId: tou.TermsId, Links: TOU })),
      ]) {
        assert.equal((await failure(call)).name, 'ResourceNotFoundException');
      }
      assert.deepEqual(await linksFor(poolId, clientId, 'en'), []);
    });

    it('pages ListTerms with MaxResults and NextToken', async () => {
      const poolId = await newPool();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const clientId = await newClient(poolId);
        for (const name of ['terms-of-use', 'privacy-policy'] as const) ids.push((await create(poolId, clientId, name, PP)).Terms!.TermsId!);
      }
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await server.admin.send(new ListTermsCommand({ UserPoolId: poolId, MaxResults: 3, NextToken: token }));
        assert.ok(page.Terms!.length <= 3);
        for (const t of page.Terms!) {
          assert.deepEqual(Object.keys(t).sort(), ['CreationDate', 'Enforcement', 'LastModifiedDate', 'TermsId', 'TermsName']);
          seen.push(t.TermsId!);
        }
        token = page.NextToken;
      } while (token);
      assert.deepEqual(seen, [...ids].sort());
      assert.deepEqual((await server.admin.send(new ListTermsCommand({ UserPoolId: await newPool() }))).Terms, []);
    });

    it('keeps terms to their pool and deletes them with their client and pool', async () => {
      const a = await newPool();
      const b = await newPool();
      const ca = await newClient(a);
      const t = (await create(a, ca, 'terms-of-use', TOU)).Terms!;
      for (const call of [
        () => server.admin.send(new DescribeTermsCommand({ UserPoolId: b, TermsId: t.TermsId })),
        () => server.admin.send(new UpdateTermsCommand({ UserPoolId: b, TermsId: t.TermsId, Links: PP })),
        () => server.admin.send(new DeleteTermsCommand({ UserPoolId: b, TermsId: t.TermsId })),
        () => create(b, ca, 'privacy-policy', PP),
      ]) {
        assert.equal((await failure(call)).name, 'ResourceNotFoundException');
      }
      assert.deepEqual((await server.admin.send(new ListTermsCommand({ UserPoolId: b }))).Terms, []);
      const db = server.running.cognate.store.db;
      await server.admin.send(new DeleteUserPoolClientCommand({ UserPoolId: a, ClientId: ca }));
      assert.equal((await db.selectFrom('terms').selectAll().where('pool_id', '=', a).execute()).length, 0);
      const cb = await newClient(b);
      await create(b, cb, 'terms-of-use', TOU);
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: b }));
      assert.equal((await db.selectFrom('terms').selectAll().where('pool_id', '=', b).execute()).length, 0);
    });

    it('refuses bad input', async () => {
      const poolId = await newPool();
      const clientId = await newClient(poolId);
      const bad = async (what: string, call: () => Promise<unknown>, name: RegExp = /^(InvalidParameterException|SerializationException)$/) => {
        const e = await failure(call);
        assert.match(e.name, name, `${what}: ${e.name} ${e.message}`);
      };
      const base = { UserPoolId: poolId, ClientId: clientId, TermsName: 'terms-of-use', TermsSource: 'LINK', Enforcement: 'NONE', Links: TOU };
      const send = (input: Record<string, unknown>) => server.admin.send(new CreateTermsCommand(input as never));
      await bad('no links', () => send({ ...base, Links: undefined }));
      await bad('empty links', () => send({ ...base, Links: {} }));
      await bad('unknown name', () => send({ ...base, TermsName: 'cookies' }));
      await bad('unknown source', () => send({ ...base, TermsSource: 'FILE' }));
      await bad('unknown enforcement', () => send({ ...base, Enforcement: 'STRICT' }));
      await bad('unknown language', () => send({ ...base, Links: { 'cognito:klingon': 'https://example.com/t' } }));
      await bad('javascript link', () => send({ ...base, Links: { 'cognito:default': 'javascript:alert(1)' } }));
      await bad('http link', () => send({ ...base, Links: { 'cognito:default': 'http://example.com/t' } }));
      await bad('app scheme link', () => send({ ...base, Links: { 'cognito:default': 'myapp://terms' } }));
      await bad('null name', () => send({ ...base, TermsName: null }));
      await bad('links as string', () => send({ ...base, Links: 'https://example.com' }));
      await bad('link as number', () => send({ ...base, Links: { 'cognito:default': 5 } }));
      await bad('malformed ID', () => server.admin.send(new DescribeTermsCommand({ UserPoolId: poolId, TermsId: 'nope' })));
      await bad('MaxResults 0', () => server.admin.send(new ListTermsCommand({ UserPoolId: poolId, MaxResults: 0 })));
      await bad('MaxResults 61', () => server.admin.send(new ListTermsCommand({ UserPoolId: poolId, MaxResults: 61 })));
      await bad('bad token', () => server.admin.send(new ListTermsCommand({ UserPoolId: poolId, NextToken: 'garbage' })));
      const unknownPool = 'us-east-1_Nowhere00';
      const someId = '11111111-2222-4333-8444-555555555555';
      await bad('unknown pool', () => send({ ...base, UserPoolId: unknownPool }), /^ResourceNotFoundException$/);
      await bad('unknown client', () => send({ ...base, ClientId: 'nosuchclient' }), /^ResourceNotFoundException$/);
      await bad('describe unknown pool', () => server.admin.send(new DescribeTermsCommand({ UserPoolId: unknownPool, TermsId: someId })), /^ResourceNotFoundException$/);
      await bad('list unknown pool', () => server.admin.send(new ListTermsCommand({ UserPoolId: unknownPool })), /^ResourceNotFoundException$/);
      await bad('update unknown', () => server.admin.send(new UpdateTermsCommand({ UserPoolId: poolId, TermsId: someId, Links: TOU })), /^ResourceNotFoundException$/);
      await bad('delete unknown', () => server.admin.send(new DeleteTermsCommand({ UserPoolId: poolId, TermsId: someId })), /^ResourceNotFoundException$/);
    });
  });
}

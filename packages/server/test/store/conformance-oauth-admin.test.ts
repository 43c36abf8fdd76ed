/**
 * Storage conformance for issue 12's administration data (store/resource-servers.ts and the
 * branding and terms repositories, through domain/oauth/): round-trips, uniqueness under concurrent
 * inserts, cross-pool isolation of reads, updates and deletes, paging, and the cascades on pool and
 * client deletion. The same cases on SQLite and PostgreSQL (harness.ts).
 *
 * Run: node scripts/run-tests.mjs conformance-oauth-admin
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createResourceServer, deleteResourceServer, describeResourceServer, listResourceServers, updateResourceServer, MAX_RESOURCE_SERVERS_PER_POOL,
} from '../../src/domain/oauth/resource-servers.js';
import { assertScopesExist, poolScopes, scopesForRequest, unknownScopes } from '../../src/domain/oauth/scopes.js';
import { deleteUserPool } from '../../src/domain/pool-admin.js';
import * as serverStore from '../../src/store/resource-servers.js';
import * as brandingStore from '../../src/store/managed-login-brandings.js';
import * as termsStore from '../../src/store/terms.js';
import * as uiStore from '../../src/store/ui-customizations.js';
import { createManagedLoginBranding, describeManagedLoginBranding, updateManagedLoginBranding } from '../../src/domain/oauth/managed-login-branding.js';
import { createTerms, describeTerms, termsLinksFor } from '../../src/domain/oauth/terms.js';
import { getUiCustomization, setUiCustomization } from '../../src/domain/oauth/ui-customization.js';
import { brandingFor } from '../../src/domain/oauth/branding.js';
import { createUserPoolDomain } from '../../src/domain/user-pool-domains.js';
import { databaseKinds } from '../support/postgres.js';
import { countRows, newClient, newPool, rejectsWith, unique, useEnv } from './harness.js';

for (const kind of databaseKinds) {
  describe(`storage conformance: OAuth administration (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);

    it('round-trips a resource server and knows its scopes as <identifier>/<scope>', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const scopes = [{ ScopeName: 'read', ScopeDescription: 'Read' }, { ScopeName: 'write', ScopeDescription: 'Write' }];
      await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'https://api.example.com', Name: 'API', Scopes: scopes });
      const got = await describeResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'https://api.example.com' });
      assert.deepEqual(got, { poolId: pool.id, identifier: 'https://api.example.com', name: 'API', scopes });
      assert.deepEqual([...(await poolScopes(cognate, pool.id))].sort(), [
        'aws.cognito.signin.user.admin', 'email', 'https://api.example.com/read', 'https://api.example.com/write', 'openid', 'phone', 'profile',
      ]);
      assert.deepEqual(await unknownScopes(cognate, pool.id, ['openid', 'https://api.example.com/read', 'https://api.example.com/delete', 'api/read']), ['https://api.example.com/delete', 'api/read']);
      await rejectsWith(assertScopesExist(cognate, pool.id, ['email', 'nope']), 'ScopeDoesNotExistException', 'Invalid scope requested: nope');
      await updateResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'https://api.example.com', Name: 'API 2', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] });
      assert.deepEqual(await unknownScopes(cognate, pool.id, ['https://api.example.com/write']), ['https://api.example.com/write']);
    });

    it('decides the scopes of a request from the client\'s allowed scopes and what still exists (scopesForRequest)', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'api', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }, { ScopeName: 'write', ScopeDescription: 'w' }] });
      const web = ['openid', 'email', 'api/read'];
      assert.deepEqual(await scopesForRequest(cognate, pool.id, web, undefined, 'code'), { scopes: web });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, web, ['email', 'openid', 'email'], 'code'), { scopes: ['email', 'openid'] });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, web, ['openid', 'api/write'], 'code'), { error: 'invalid_scope', scope: 'api/write' });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, web, ['profile'], 'implicit'), { error: 'invalid_scope', scope: 'profile' });
      const machine = ['api/read', 'api/write'];
      assert.deepEqual(await scopesForRequest(cognate, pool.id, machine, [], 'client_credentials'), { scopes: machine });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, [...machine, 'openid'], undefined, 'client_credentials'), { scopes: machine });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, [...machine, 'openid'], ['openid'], 'client_credentials'), { error: 'invalid_scope', scope: 'openid' });
      // A scope removed from its resource server is no longer granted, though the client still lists it.
      await updateResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'api', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }] });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, machine, undefined, 'client_credentials'), { scopes: ['api/read'] });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, machine, ['api/write'], 'client_credentials'), { error: 'invalid_scope', scope: 'api/write' });
      assert.deepEqual(await scopesForRequest(cognate, pool.id, undefined, undefined, 'code'), { scopes: [] });
    });

    it('lets one of several concurrent creates of an identifier win, per pool', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const other = await newPool(env());
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'race', Name: `n${i}` })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'InvalidParameterException');
      await createResourceServer(cognate, { UserPoolId: other.id, Identifier: 'race', Name: 'other' });
      assert.equal(await countRows(env().db, 'resource_servers', pool.id), 1);
      assert.equal(await countRows(env().db, 'resource_servers', other.id), 1);
    });

    it('does not read, update or delete another pool\'s resource server', async () => {
      const { cognate, db } = env();
      const owner = await newPool(env());
      const thief = await newPool(env());
      await createResourceServer(cognate, { UserPoolId: owner.id, Identifier: 'mine', Name: 'Mine' });
      assert.equal(await serverStore.findResourceServerRow(db, thief.id, 'mine'), undefined);
      assert.equal(await serverStore.updateResourceServerRow(db, thief.id, 'mine', { name: 'x', scopes: '[]', updated_at: 1 }), false);
      assert.equal(await serverStore.deleteResourceServerRow(db, thief.id, 'mine'), false);
      await rejectsWith(describeResourceServer(cognate, { UserPoolId: thief.id, Identifier: 'mine' }), 'ResourceNotFoundException');
      await rejectsWith(deleteResourceServer(cognate, { UserPoolId: thief.id, Identifier: 'mine' }), 'ResourceNotFoundException');
      assert.deepEqual((await listResourceServers(cognate, thief.id, 10)).servers, []);
      assert.equal((await describeResourceServer(cognate, { UserPoolId: owner.id, Identifier: 'mine' })).name, 'Mine');
    });

    it('pages resource servers in identifier order and holds a pool to the quota', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const ids = Array.from({ length: MAX_RESOURCE_SERVERS_PER_POOL }, (_, i) => `s${String(i).padStart(2, '0')}`);
      for (const id of [...ids].reverse()) await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: id, Name: id });
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await listResourceServers(cognate, pool.id, 7, after);
        seen.push(...page.servers.map((s) => s.identifier));
        after = page.next;
      } while (after);
      assert.deepEqual(seen, ids);
      await rejectsWith(createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'over', Name: 'over' }), 'LimitExceededException');
    });

    it('keeps one managed-login style and one terms document of each name per client, under concurrent creates', async () => {
      const { cognate, db } = env();
      const pool = await newPool(env());
      const client = await newClient(env(), pool);
      const styles = await Promise.allSettled([1, 2, 3, 4].map(() => createManagedLoginBranding(cognate, { UserPoolId: pool.id, ClientId: client.id, UseCognitoProvidedValues: true })));
      assert.equal(styles.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of styles) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ManagedLoginBrandingExistsException');
      const terms = await Promise.allSettled([1, 2, 3].map(() => createTerms(cognate, { UserPoolId: pool.id, ClientId: client.id, TermsName: 'privacy-policy', TermsSource: 'LINK', Enforcement: 'NONE', Links: { 'cognito:default': 'https://example.com/p' } })));
      assert.equal(terms.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(await countRows(db, 'managed_login_brandings', pool.id), 1);
      assert.equal(await countRows(db, 'terms', pool.id), 1);
    });

    it('does not read, change or delete another pool\'s branding and terms', async () => {
      const { cognate, db } = env();
      const owner = await newPool(env());
      const thief = await newPool(env());
      const client = await newClient(env(), owner);
      await createUserPoolDomain(cognate, { UserPoolId: owner.id, Domain: unique('brand').toLowerCase() });
      await setUiCustomization(cognate, { UserPoolId: owner.id, ClientId: client.id, CSS: '.label-customizable { font-weight: 700; }' });
      const style = await createManagedLoginBranding(cognate, { UserPoolId: owner.id, ClientId: client.id, Settings: { a: 1 } });
      const doc = await createTerms(cognate, { UserPoolId: owner.id, ClientId: client.id, TermsName: 'terms-of-use', TermsSource: 'LINK', Enforcement: 'NONE', Links: { 'cognito:default': 'https://example.com/t' } });
      assert.equal(await uiStore.findUiCustomizationRow(db, thief.id, client.id), undefined);
      assert.deepEqual(await uiStore.findUiCustomizationRows(db, thief.id, client.id), []);
      assert.equal(await brandingStore.findBrandingRow(db, thief.id, style.id), undefined);
      assert.equal(await brandingStore.findBrandingRowByClient(db, thief.id, client.id), undefined);
      assert.equal(await brandingStore.updateBrandingRow(db, thief.id, style.id, { use_cognito_provided_values: 1, settings: null, assets: '[]', updated_at: 1 }, style.updatedAt), false);
      assert.equal(await brandingStore.deleteBrandingRow(db, thief.id, style.id), false);
      assert.equal(await termsStore.findTermsRow(db, thief.id, doc.id), undefined);
      assert.equal(await termsStore.updateTermsRow(db, thief.id, doc.id, { name: 'privacy-policy', source: 'LINK', enforcement: 'NONE', links: '{}', updated_at: 1 }), 'missing');
      assert.equal(await termsStore.deleteTermsRow(db, thief.id, doc.id), false);
      assert.deepEqual(await termsStore.listTermsRows(db, thief.id, 10), []);
      await rejectsWith(getUiCustomization(cognate, { UserPoolId: thief.id, ClientId: client.id }), 'ResourceNotFoundException');
      await rejectsWith(describeManagedLoginBranding(cognate, { UserPoolId: thief.id, ManagedLoginBrandingId: style.id }), 'ResourceNotFoundException');
      await rejectsWith(describeTerms(cognate, { UserPoolId: thief.id, TermsId: doc.id }), 'ResourceNotFoundException');
      assert.deepEqual((await describeManagedLoginBranding(cognate, { UserPoolId: owner.id, ManagedLoginBrandingId: style.id })).settings, { a: 1 });
      assert.equal((await describeTerms(cognate, { UserPoolId: owner.id, TermsId: doc.id })).name, 'terms-of-use');
    });

    it('refuses a managed-login update that lost a race (compare-and-set) and merges the winner\'s settings', async () => {
      const { cognate } = env();
      const pool = await newPool(env());
      const client = await newClient(env(), pool);
      const style = await createManagedLoginBranding(cognate, { UserPoolId: pool.id, ClientId: client.id, Settings: { base: true } });
      const results = await Promise.allSettled(['x', 'y', 'z'].map((k) => updateManagedLoginBranding(cognate, { UserPoolId: pool.id, ManagedLoginBrandingId: style.id, Settings: { [k]: 1 } })));
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.ok(won.length >= 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ConcurrentModificationException');
      const stored = (await describeManagedLoginBranding(cognate, { UserPoolId: pool.id, ManagedLoginBrandingId: style.id })).settings!;
      assert.equal(stored.base, true);
      assert.equal(Object.keys(stored).length, 1 + won.length);
    });

    it('takes a client\'s UI customization, style and terms with the client, and the pool\'s default stays; brandingFor and termsLinksFor follow', async () => {
      const { cognate, db } = env();
      const pool = await newPool(env());
      const client = await newClient(env(), pool);
      await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: unique('brand').toLowerCase() });
      await setUiCustomization(cognate, { UserPoolId: pool.id, CSS: '.background-customizable { background-color: #123456; }' });
      await setUiCustomization(cognate, { UserPoolId: pool.id, ClientId: client.id, CSS: '.background-customizable { background-color: #abcdef; }' });
      await createManagedLoginBranding(cognate, { UserPoolId: pool.id, ClientId: client.id });
      for (const name of ['terms-of-use', 'privacy-policy'] as const) {
        await createTerms(cognate, { UserPoolId: pool.id, ClientId: client.id, TermsName: name, TermsSource: 'LINK', Enforcement: 'NONE', Links: { 'cognito:default': `https://example.com/${name}` } });
      }
      assert.match((await brandingFor(cognate, pool, client)).css, /#abcdef/);
      assert.equal((await termsLinksFor(cognate, pool, client, 'de')).length, 2);
      await cognate.clients.delete(pool.id, client.id, env().clock.now());
      assert.equal(await countRows(db, 'managed_login_brandings', pool.id), 0);
      assert.equal(await countRows(db, 'terms', pool.id), 0);
      assert.deepEqual((await db.selectFrom('ui_customizations').select('target').where('pool_id', '=', pool.id).execute()).map((r) => r.target), ['ALL']);
      const other = await newClient(env(), pool);
      assert.match((await brandingFor(cognate, pool, other)).css, /#123456/);
      assert.deepEqual(await termsLinksFor(cognate, pool, other, 'en'), []);
    });

    it('deletes a pool\'s resource servers with the pool (cascade)', async () => {
      const { cognate, db } = env();
      const pool = await newPool(env());
      await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: 'gone', Name: 'gone' });
      await deleteUserPool(cognate, pool.id);
      assert.equal(await countRows(db, 'resource_servers', pool.id), 0);
    });
  });
}

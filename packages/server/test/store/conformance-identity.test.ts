/**
 * Storage conformance for identity pools: the identity repositories (store/identities.ts,
 * identity-pools.ts, iam-roles.ts, iam-providers.ts) and the domain classes on them, with the same
 * cases on SQLite and PostgreSQL, including cross-pool isolation (the same login in two identity
 * pools is two identities) and the cascades the deletes rely on.
 *
 * Run: node scripts/run-tests.mjs conformance-identity
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { identityPoolArn, type IdentityPool } from '../../src/identity/identity-pools.js';
import type { VerifiedLogin } from '../../src/identity/logins.js';
import { IamError } from '../../src/identity/iam-errors.js';
import * as identityStore from '../../src/store/identities.js';
import * as poolStore from '../../src/store/identity-pools.js';
import * as roleStore from '../../src/store/iam-roles.js';
import * as providerStore from '../../src/store/iam-providers.js';
import { databaseKinds } from '../support/postgres.js';
import { SECOND, countRows, rejectsWith, unique, type Env, type Kind, useEnv } from './harness.js';

async function newIdentityPool(env: Env, input: Record<string, unknown> = {}): Promise<IdentityPool> {
  return env.cognate.identity.pools.create({ IdentityPoolName: unique('ipool'), AllowUnauthenticatedIdentities: true, ...input }, env.clock.now());
}

/** A verified login as logins.ts would produce it (the repositories only read provider and subject). */
function login(provider: string, subject: string): VerifiedLogin {
  return { key: provider, provider, subject, mappingKey: provider, amr: `${provider}:x:${subject}`, claims: { sub: subject } };
}

const ROLE_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The ON DELETE rule of each foreign key of a table, by referenced table, as the database reports it. */
async function onDeleteRules(env: Env, table: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (env.kind === 'sqlite') {
    const rows = await sql<{ table: string; on_delete: string }>`select "table", on_delete from pragma_foreign_key_list(${table})`.execute(env.db);
    for (const r of rows.rows) out[r.table] = r.on_delete.toUpperCase();
  } else {
    const rows = await sql<{ referenced: string; delete_rule: string }>`
      select ccu.table_name as referenced, rc.delete_rule
      from information_schema.table_constraints tc
      join information_schema.referential_constraints rc on rc.constraint_name = tc.constraint_name and rc.constraint_schema = tc.constraint_schema
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
      where tc.table_name = ${table} and tc.constraint_type = 'FOREIGN KEY'`.execute(env.db);
    for (const r of rows.rows) out[r.referenced] = r.delete_rule.toUpperCase();
  }
  return out;
}

for (const kind of databaseKinds) {
  describe(`identity storage conformance (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);

    // -------------------------------------------------------------------------------------------
    describe('foreign keys', () => {
      it('identities and identity_logins cascade from their identity pool and identity', async () => {
        assert.deepEqual(await onDeleteRules(env(), 'identities'), { identity_pools: 'CASCADE' });
        assert.deepEqual(await onDeleteRules(env(), 'identity_logins'), { identity_pools: 'CASCADE', identities: 'CASCADE' });
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('identities repository', () => {
      it('inserts, finds, marks signed in and touches an identity', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const id = e.cognate.identity.identities.newId();
        const t = e.clock.now();
        await identityStore.insertIdentity(e.db, { id, poolId: pool.id, authenticated: false }, t);
        assert.deepEqual(await identityStore.findIdentity(e.db, id), { id, poolId: pool.id, authenticated: false, createdAt: t, updatedAt: t });
        e.clock.advance(SECOND);
        await identityStore.markAuthenticated(e.db, id, e.clock.now());
        assert.deepEqual(await identityStore.findIdentity(e.db, id), { id, poolId: pool.id, authenticated: true, createdAt: t, updatedAt: t + SECOND });
        e.clock.advance(SECOND);
        await identityStore.touchIdentity(e.db, id, e.clock.now());
        assert.equal((await identityStore.findIdentity(e.db, id))?.updatedAt, t + 2 * SECOND);
        assert.equal(await identityStore.findIdentity(e.db, `${id}x`), undefined);
      });

      it('a login belongs to the first identity that links it; a second insert changes nothing', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const [a, b] = [e.cognate.identity.identities.newId(), e.cognate.identity.identities.newId()];
        await identityStore.insertIdentity(e.db, { id: a, poolId: pool.id, authenticated: true }, e.clock.now());
        await identityStore.insertIdentity(e.db, { id: b, poolId: pool.id, authenticated: true }, e.clock.now());
        const subject = 'user-' + 'x'.repeat(300); // longer than any key column: the key is its hash
        await identityStore.insertLoginIfAbsent(e.db, pool.id, a, { provider: 'accounts.google.com', subject }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, b, { provider: 'accounts.google.com', subject }, e.clock.now());
        assert.equal(await identityStore.ownerOfLogin(e.db, pool.id, 'accounts.google.com', subject), a);
        assert.deepEqual(await identityStore.loginsOf(e.db, a), [{ provider: 'accounts.google.com', subject }]);
        assert.deepEqual(await identityStore.loginsOf(e.db, b), []);
        assert.equal(await identityStore.ownerOfLogin(e.db, pool.id, 'accounts.google.com', 'someone-else'), undefined);
        assert.equal(await identityStore.ownerOfLogin(e.db, pool.id, 'graph.facebook.com', subject), undefined);
      });

      it('lists logins oldest first, for one identity and for several', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const [a, b, c] = [0, 1, 2].map(() => e.cognate.identity.identities.newId()) as [string, string, string];
        for (const id of [a, b, c]) await identityStore.insertIdentity(e.db, { id, poolId: pool.id, authenticated: true }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, a, { provider: 'p2', subject: 's1' }, e.clock.now());
        e.clock.advance(SECOND);
        await identityStore.insertLoginIfAbsent(e.db, pool.id, a, { provider: 'p1', subject: 's2' }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, b, { provider: 'p1', subject: 's3' }, e.clock.now());
        assert.deepEqual(await identityStore.loginsOf(e.db, a), [{ provider: 'p2', subject: 's1' }, { provider: 'p1', subject: 's2' }]);
        const many = await identityStore.loginsOfMany(e.db, [a, b, c]);
        assert.deepEqual([...many.entries()], [
          [a, [{ provider: 'p2', subject: 's1' }, { provider: 'p1', subject: 's2' }]],
          [b, [{ provider: 'p1', subject: 's3' }]],
          [c, []],
        ]);
        assert.equal((await identityStore.loginsOfMany(e.db, [])).size, 0);
      });

      it('unlinks one subject or every subject at a provider, and counts them', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const id = e.cognate.identity.identities.newId();
        await identityStore.insertIdentity(e.db, { id, poolId: pool.id, authenticated: true }, e.clock.now());
        for (const s of ['s1', 's2', 's3']) await identityStore.insertLoginIfAbsent(e.db, pool.id, id, { provider: 'dev', subject: s }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, id, { provider: 'accounts.google.com', subject: 'g' }, e.clock.now());
        assert.equal(await identityStore.deleteLogins(e.db, id, 'dev', 's2'), 1);
        assert.equal(await identityStore.deleteLogins(e.db, id, 'dev', 's2'), 0);
        assert.equal(await identityStore.deleteLogins(e.db, id, 'dev'), 2);
        assert.deepEqual(await identityStore.loginsOf(e.db, id), [{ provider: 'accounts.google.com', subject: 'g' }]);
      });

      it('pages the subjects of an identity at a provider', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const id = e.cognate.identity.identities.newId();
        await identityStore.insertIdentity(e.db, { id, poolId: pool.id, authenticated: true }, e.clock.now());
        const subjects = Array.from({ length: 5 }, (_, i) => `dev-user-${i}`);
        for (const s of subjects) await identityStore.insertLoginIfAbsent(e.db, pool.id, id, { provider: 'dev', subject: s }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, id, { provider: 'other', subject: 'o' }, e.clock.now());
        const seen: string[] = [];
        let next: string | undefined;
        let pages = 0;
        do {
          const page = await identityStore.subjectsAt(e.db, id, 'dev', 2, next);
          seen.push(...page.subjects);
          next = page.next;
          pages++;
        } while (next !== undefined);
        assert.equal(pages, 3);
        assert.deepEqual([...seen].sort(), subjects);
      });

      it('deleting identities deletes their logins (cascade) and nothing else', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const [a, b] = [e.cognate.identity.identities.newId(), e.cognate.identity.identities.newId()];
        await identityStore.insertIdentity(e.db, { id: a, poolId: pool.id, authenticated: true }, e.clock.now());
        await identityStore.insertIdentity(e.db, { id: b, poolId: pool.id, authenticated: true }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, a, { provider: 'p', subject: 'a' }, e.clock.now());
        await identityStore.insertLoginIfAbsent(e.db, pool.id, b, { provider: 'p', subject: 'b' }, e.clock.now());
        await identityStore.deleteIdentities(e.db, [a]);
        await identityStore.deleteIdentities(e.db, []);
        assert.equal(await identityStore.findIdentity(e.db, a), undefined);
        assert.equal(await identityStore.ownerOfLogin(e.db, pool.id, 'p', 'a'), undefined);
        assert.equal(await countRows(e.db, 'identity_logins', pool.id), 1);
        assert.equal(await identityStore.ownerOfLogin(e.db, pool.id, 'p', 'b'), b);
      });

      it('lists a pool\'s identities in ID order, page by page, and no other pool\'s', async () => {
        const e = env();
        const [pool, other] = [await newIdentityPool(e), await newIdentityPool(e)];
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(await e.cognate.identity.identities.createGuest(pool.id, e.clock.now()));
        await e.cognate.identity.identities.createGuest(other.id, e.clock.now());
        const seen: string[] = [];
        let next: string | undefined;
        do {
          const page = await e.cognate.identity.identities.list(pool.id, 2, next);
          seen.push(...page.identities.map((i) => i.id));
          next = page.next;
        } while (next !== undefined);
        assert.deepEqual(seen, [...ids].sort());
        assert.deepEqual((await identityStore.listIdentities(e.db, pool.id, 10)).map((i) => i.id), [...ids].sort());
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('identities: linking, unlinking and merging (domain on the repositories)', () => {
      it('the same login gives the same identity; a new login a new one', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const ids = e.cognate.identity.identities;
        const first = await ids.resolve(pool.id, undefined, [login('accounts.google.com', 'alice')], e.clock.now());
        assert.equal(await ids.resolve(pool.id, undefined, [login('accounts.google.com', 'alice')], e.clock.now()), first);
        const second = await ids.resolve(pool.id, undefined, [login('accounts.google.com', 'bob')], e.clock.now());
        assert.notEqual(second, first);
        assert.equal((await ids.get(first)).authenticated, true);
      });

      it('cross-pool isolation: the same login in two identity pools is two identities', async () => {
        const e = env();
        const [p1, p2] = [await newIdentityPool(e), await newIdentityPool(e)];
        const ids = e.cognate.identity.identities;
        const alice = login('accounts.google.com', 'alice');
        const in1 = await ids.resolve(p1.id, undefined, [alice], e.clock.now());
        const in2 = await ids.resolve(p2.id, undefined, [alice], e.clock.now());
        assert.notEqual(in1, in2);
        assert.equal((await ids.get(in1)).poolId, p1.id);
        assert.equal((await ids.get(in2)).poolId, p2.id);
        assert.equal(await ids.ownerOf(p1.id, alice.provider, alice.subject), in1);
        assert.equal(await ids.ownerOf(p2.id, alice.provider, alice.subject), in2);
        // An identity of one pool can't be opened through another pool.
        await rejectsWith(ids.resolve(p2.id, in1, [alice], e.clock.now()), 'ResourceNotFoundException');
        await rejectsWith(ids.linkTo(p2.id, in1, [login('dev', 'x')], e.clock.now()), 'ResourceNotFoundException');
        // Unlinking, merging and deleting in one pool leaves the other's login where it was.
        await ids.unlink(in1, [{ provider: alice.provider }], e.clock.now());
        assert.equal(await ids.ownerOf(p1.id, alice.provider, alice.subject), undefined);
        assert.equal(await ids.ownerOf(p2.id, alice.provider, alice.subject), in2);
        const dest = await ids.resolve(p1.id, undefined, [login('dev', 'dest')], e.clock.now());
        await ids.merge(p1.id, in2, dest, e.clock.now()); // in2 is not p1's: its logins stay
        assert.equal(await ids.ownerOf(p2.id, alice.provider, alice.subject), in2);
        await e.cognate.identity.pools.delete(p1.id);
        assert.equal(await ids.find(in2).then((i) => i?.poolId), p2.id);
        assert.equal(await countRows(e.db, 'identity_logins', p2.id), 1);
      });

      it('a guest takes the logins it signs in with, or merges into the identity that has them', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const ids = e.cognate.identity.identities;
        const guest = await ids.createGuest(pool.id, e.clock.now());
        assert.equal((await ids.get(guest)).authenticated, false);
        assert.equal(await ids.resolve(pool.id, guest, [login('accounts.google.com', 'carol')], e.clock.now()), guest);
        assert.equal((await ids.get(guest)).authenticated, true);
        const other = await ids.createGuest(pool.id, e.clock.now());
        assert.equal(await ids.resolve(pool.id, other, [login('accounts.google.com', 'carol')], e.clock.now()), guest);
        assert.equal(await ids.find(other), undefined, 'the merged guest is gone');
      });

      it('refuses logins linked to two identities, and a signed-in identity without one of its logins', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const ids = e.cognate.identity.identities;
        const a = await ids.resolve(pool.id, undefined, [login('accounts.google.com', 'a')], e.clock.now());
        await ids.resolve(pool.id, undefined, [login('graph.facebook.com', 'b')], e.clock.now());
        await rejectsWith(ids.resolve(pool.id, undefined, [login('accounts.google.com', 'a'), login('graph.facebook.com', 'b')], e.clock.now()), 'ResourceConflictException');
        await rejectsWith(ids.resolve(pool.id, a, [login('graph.facebook.com', 'new')], e.clock.now()), 'NotAuthorizedException');
        // A second login of its own links to it.
        assert.equal(await ids.resolve(pool.id, a, [login('accounts.google.com', 'a'), login('www.amazon.com', 'a2')], e.clock.now()), a);
        assert.deepEqual((await ids.logins(a)).map((l) => l.provider).sort(), ['accounts.google.com', 'www.amazon.com']);
      });

      it('links developer logins, refuses one registered to another identity, unlinks and merges', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const ids = e.cognate.identity.identities;
        const a = await ids.resolve(pool.id, undefined, [login('dev', 'u1')], e.clock.now());
        const b = await ids.resolve(pool.id, undefined, [login('dev', 'u2')], e.clock.now());
        await ids.linkTo(pool.id, a, [login('dev', 'u3')], e.clock.now());
        await rejectsWith(ids.linkTo(pool.id, a, [login('dev', 'u2')], e.clock.now()), 'DeveloperUserAlreadyRegisteredException');
        assert.deepEqual((await ids.subjectsAt(a, 'dev', 10)).subjects.sort(), ['u1', 'u3']);
        assert.equal(await ids.unlink(a, [{ provider: 'dev', subject: 'u3' }, { provider: 'dev', subject: 'nope' }], e.clock.now()), 1);
        await ids.merge(pool.id, b, a, e.clock.now());
        assert.equal(await ids.find(b), undefined);
        assert.equal(await ids.ownerOf(pool.id, 'dev', 'u2'), a);
        assert.deepEqual((await ids.subjectsAt(a, 'dev', 10)).subjects.sort(), ['u1', 'u2']);
        await ids.merge(pool.id, a, a, e.clock.now()); // merging into itself changes nothing
        assert.ok(await ids.find(a));
      });

      it('concurrent GetId calls with one new login agree on one identity', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        const ids = e.cognate.identity.identities;
        const results = await Promise.all(Array.from({ length: 6 }, () => ids.resolve(pool.id, undefined, [login('accounts.google.com', 'racer')], e.clock.now())));
        assert.equal(new Set(results).size, 1);
        assert.equal(await countRows(e.db, 'identity_logins', pool.id), 1);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('identity pools repository', () => {
      it('stores a pool and reads back what it stored', async () => {
        const e = env();
        const pool = await newIdentityPool(e, { DeveloperProviderName: 'login.example', IdentityPoolTags: { team: 'a' } });
        assert.deepEqual(await poolStore.findIdentityPool(e.db, pool.id), pool);
        assert.equal(await poolStore.findIdentityPool(e.db, `${pool.id}0`), undefined);
      });

      it('updates only the parts given', async () => {
        const e = env();
        const pool = await newIdentityPool(e);
        e.clock.advance(SECOND);
        const roles = { Roles: { authenticated: 'arn:aws:iam::000000000000:role/A' }, RoleMappings: {} };
        await poolStore.updateIdentityPool(e.db, pool.id, { roles }, e.clock.now());
        await poolStore.updateIdentityPool(e.db, pool.id, { tags: { k: 'v' }, principalTags: { dev: { UseDefaults: false, PrincipalTags: { a: 'b' } } } }, e.clock.now());
        const read = await poolStore.findIdentityPool(e.db, pool.id);
        assert.deepEqual(read, { ...pool, roles, tags: { k: 'v' }, principalTags: { dev: { UseDefaults: false, PrincipalTags: { a: 'b' } } }, updatedAt: pool.createdAt + SECOND });
      });

      it('lists pools in ID order, page by page', async () => {
        const e = env();
        for (let i = 0; i < 3; i++) await newIdentityPool(e);
        const all = await poolStore.listIdentityPools(e.db, 1000);
        assert.deepEqual(all.map((p) => p.id), all.map((p) => p.id).sort());
        const seen: string[] = [];
        let next: string | undefined;
        do {
          const page = await e.cognate.identity.pools.list(2, next);
          seen.push(...page.pools.map((p) => p.id));
          next = page.next;
        } while (next !== undefined);
        assert.deepEqual(seen, all.map((p) => p.id));
      });

      it('concurrent tag and principal-tag changes of one pool all land (compare-and-set)', async () => {
        const e = env();
        const pools = e.cognate.identity.pools;
        const pool = await newIdentityPool(e, { DeveloperProviderName: 'login.example', SupportedLoginProviders: { 'accounts.google.com': 'app' }, IdentityPoolTags: { old: 'x' } });
        const arn = identityPoolArn(e.cognate.config.region, pool.id);
        const keys = Array.from({ length: 6 }, (_, i) => `k${i}`);
        await Promise.all([
          ...keys.map((k) => pools.tag(arn, { [k]: k }, e.clock.now())),
          pools.untag(arn, ['old'], e.clock.now()),
          pools.setPrincipalTags(pool.id, 'login.example', false, { a: 'sub' }, e.clock.now()),
          pools.setPrincipalTags(pool.id, 'accounts.google.com', true, undefined, e.clock.now()),
        ]);
        const read = await poolStore.findIdentityPool(e.db, pool.id);
        assert.deepEqual(read!.tags, Object.fromEntries(keys.map((k) => [k, k])));
        assert.deepEqual(read!.principalTags, {
          'login.example': { UseDefaults: false, PrincipalTags: { a: 'sub' } },
          'accounts.google.com': { UseDefaults: true, PrincipalTags: { username: 'sub', client: 'aud' } },
        });
        // Tagging another pool's ARN changes nothing here.
        const other = await newIdentityPool(e);
        await pools.tag(identityPoolArn(e.cognate.config.region, other.id), { elsewhere: 'y' }, e.clock.now());
        assert.equal((await poolStore.findIdentityPool(e.db, pool.id))!.tags.elsewhere, undefined);
      });

      it('deleting a pool deletes its identities and logins (cascade), not another pool\'s', async () => {
        const e = env();
        const [pool, other] = [await newIdentityPool(e), await newIdentityPool(e)];
        const ids = e.cognate.identity.identities;
        await ids.resolve(pool.id, undefined, [login('accounts.google.com', 'dora')], e.clock.now());
        await ids.createGuest(pool.id, e.clock.now());
        const kept = await ids.resolve(other.id, undefined, [login('accounts.google.com', 'dora')], e.clock.now());
        await e.cognate.identity.pools.delete(pool.id);
        assert.equal(await poolStore.findIdentityPool(e.db, pool.id), undefined);
        assert.equal(await countRows(e.db, 'identities', pool.id), 0);
        assert.equal(await countRows(e.db, 'identity_logins', pool.id), 0);
        assert.equal(await countRows(e.db, 'identities', other.id), 1);
        assert.equal(await ids.ownerOf(other.id, 'accounts.google.com', 'dora'), kept);
        await rejectsWith(e.cognate.identity.pools.delete(pool.id), 'ResourceNotFoundException');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('IAM roles and providers repositories', () => {
      it('stores a role with its trust and permission policies, by ARN and by name', async () => {
        const e = env();
        const roles = e.cognate.identity.roles;
        const name = unique('Role').replace(/[^\w+=,.@-]/g, '');
        const role = await roles.create({ name, path: '/app/', trust: ROLE_TRUST, policies: { all: ALLOW_ALL } }, e.clock.now());
        assert.equal(role.arn, `arn:aws:iam::000000000000:role/app/${name}`);
        assert.deepEqual(await roleStore.findRoleByArn(e.db, role.arn), role);
        assert.deepEqual(await roleStore.findRoleByName(e.db, name), role);
        assert.equal(await roleStore.findRoleByName(e.db, `${name}x`), undefined);
        await rejectsWith(roles.create({ name, trust: ROLE_TRUST }, e.clock.now()), 'InvalidParameterException', `Role with name ${name} already exists.`);
        await assert.rejects(roles.create({ name, trust: ROLE_TRUST }, e.clock.now()), (err: unknown) => err instanceof IamError && err.code === 'EntityAlreadyExists');
      });

      it('replaces policies, and deletes a role', async () => {
        const e = env();
        const roles = e.cognate.identity.roles;
        const name = unique('Role').replace(/[^\w+=,.@-]/g, '');
        const role = await roles.create({ name, trust: ROLE_TRUST }, e.clock.now());
        await roles.putPolicy(name, 'p1', ALLOW_ALL, e.clock.now());
        await roles.updateTrust(name, { Statement: [{ Effect: 'Deny', Principal: '*', Action: '*' }] }, e.clock.now());
        const read = await roleStore.findRoleByName(e.db, name);
        assert.deepEqual(Object.keys(read!.policies), ['p1']);
        assert.equal(read!.trust?.Statement[0]?.Effect, 'Deny');
        assert.deepEqual(await roles.getPolicy(name, 'p1'), read!.policies.p1);
        await assert.rejects(roles.getPolicy(name, 'p2'), (err: unknown) => err instanceof IamError && err.code === 'NoSuchEntity');
        await roles.deletePolicy(name, 'p1', e.clock.now());
        assert.deepEqual((await roleStore.findRoleByName(e.db, name))!.policies, {});
        await roles.delete(name);
        assert.equal(await roleStore.findRoleByArn(e.db, role.arn), undefined);
        assert.equal(await roles.find(role.arn), undefined);
        await assert.rejects(roles.delete(name), (err: unknown) => err instanceof IamError && err.code === 'NoSuchEntity');
      });

      it('concurrent creates of one role name or one provider: exactly one succeeds, the rest are EntityAlreadyExists', async () => {
        const e = env();
        const name = unique('Racer').replace(/[^\w+=,.@-]/g, '');
        const isTaken = (r: PromiseSettledResult<unknown>) => r.status === 'rejected' && r.reason instanceof IamError && r.reason.code === 'EntityAlreadyExists';
        // The same name under two paths is two ARNs but one name: still one role.
        const roles = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => e.cognate.identity.roles.create({ name, path: i % 2 ? '/a/' : '/', trust: ROLE_TRUST }, e.clock.now())));
        assert.equal(roles.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(roles.map((r) => r.status)));
        assert.ok(roles.filter((r) => r.status === 'rejected').every(isTaken));
        const host = `${unique('racer')}.example`;
        const providers = await Promise.allSettled(Array.from({ length: 6 }, () => e.cognate.identity.external.createOidc(`https://${host}`, [], e.clock.now())));
        assert.equal(providers.filter((r) => r.status === 'fulfilled').length, 1);
        assert.ok(providers.filter((r) => r.status === 'rejected').every(isTaken));
      });

      it('concurrent policy changes of one role all land (compare-and-set)', async () => {
        const e = env();
        const roles = e.cognate.identity.roles;
        const name = unique('Busy').replace(/[^\w+=,.@-]/g, '');
        await roles.create({ name, trust: ROLE_TRUST, policies: { gone: ALLOW_ALL } }, e.clock.now());
        const names = Array.from({ length: 6 }, (_, i) => `p${i}`);
        const denyTrust = { Statement: [{ Effect: 'Deny', Principal: '*', Action: '*' }] };
        await Promise.all([
          ...names.map((p) => roles.putPolicy(name, p, ALLOW_ALL, e.clock.now())),
          roles.updateTrust(name, denyTrust, e.clock.now()),
          roles.deletePolicy(name, 'gone', e.clock.now()),
        ]);
        const read = await roleStore.findRoleByName(e.db, name);
        assert.deepEqual(Object.keys(read!.policies).sort(), names);
        assert.equal(read!.trust?.Statement[0]?.Effect, 'Deny');
        // Names that are properties of every object are not policies.
        for (const p of ['toString', 'constructor', '__proto__']) {
          await assert.rejects(roles.getPolicy(name, p), (err: unknown) => err instanceof IamError && err.code === 'NoSuchEntity', p);
          await assert.rejects(roles.deletePolicy(name, p, e.clock.now()), (err: unknown) => err instanceof IamError && err.code === 'NoSuchEntity', p);
        }
      });

      it('stores OIDC and SAML providers by ARN and kind', async () => {
        const e = env();
        const external = e.cognate.identity.external;
        const host = `${unique('idp')}.example`;
        const oidc = await external.createOidc(`https://${host}/`, ['client-1'], e.clock.now());
        assert.deepEqual(oidc, { arn: `arn:aws:iam::000000000000:oidc-provider/${host}`, url: `https://${host}`, clientIds: ['client-1'] });
        assert.deepEqual(await external.findOidc(oidc.arn), oidc);
        assert.equal(await external.findSaml(oidc.arn), undefined, 'an OIDC provider is not a SAML one');
        assert.deepEqual(await providerStore.findProvider(e.db, oidc.arn, 'oidc'), { url: oidc.url, clientIds: ['client-1'] });
        await assert.rejects(external.createOidc(`https://${host}`, [], e.clock.now()), (err: unknown) => err instanceof IamError && err.code === 'EntityAlreadyExists');
        const saml = await external.createSaml(unique('Saml').replace(/[^\w._-]/g, ''), '<md/>', e.clock.now());
        assert.deepEqual(await external.findSaml(saml.arn), saml);
        assert.equal(await external.findOidc(saml.arn), undefined);
        await external.delete(oidc.arn);
        assert.equal(await providerStore.findProvider(e.db, oidc.arn, 'oidc'), undefined);
        assert.equal(await providerStore.deleteProvider(e.db, oidc.arn), false);
        await assert.rejects(external.delete(oidc.arn), (err: unknown) => err instanceof IamError && err.code === 'NoSuchEntity');
        assert.deepEqual(await external.findSaml(saml.arn), saml);
      });
    });
  });
}

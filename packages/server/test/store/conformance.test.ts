/**
 * Storage conformance: the same cases, through the domain classes, on SQLite and on PostgreSQL
 * (in the spirit of ory/kratos's persister tests). Every describe block opens its own fresh
 * database (a temporary SQLite file, or a new database on the test cluster), with a ManualClock,
 * and drops it afterwards. Cases never depend on each other's data: each makes its own pools and
 * users and moves the clock only forward, relative to where it found it.
 *
 * Run: node scripts/run-tests.mjs test/store
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createCognate } from '../../src/app.js';
import { newDeviceForSignIn } from '../../src/domain/devices.js';
import { setUserSettings } from '../../src/domain/mfa.js';
import { newSub, srpPoolName } from '../../src/domain/ids.js';
import { MAX_CODES_PER_HOUR, type CodePurpose } from '../../src/domain/codes.js';
import { loadMasterKey, loadServerSecrets } from '../../src/domain/secrets.js';
import { UserPools } from '../../src/domain/user-pools.js';
import { validateAttributes } from '../../src/domain/users.js';
import { ADMIN_SCOPE } from '../../src/domain/tokens.js';
import { createVerifier } from '../../src/crypto/srp.js';
import { signJwt } from '../../src/tokens/jwt.js';
import { Lockout } from '../../src/domain/lockout.js';
import { Outbox } from '../../src/messaging/outbox.js';
import { consoleTransport, TransportError, type MessageTransport } from '../../src/messaging/transports.js';
import { openStore, type Store } from '../../src/store/db.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.js';
import { readAttributes } from '../../src/store/users.js';
import * as refreshTokenStore from '../../src/store/refresh-tokens.js';
import { databaseKinds } from '../support/postgres.js';
import {
  DAY, HOUR, MINUTE, SECOND, T0,
  assertNotContained, configFor, countRows, declaredSchema, newClient, newPlace, newPool, newUser, pausedAfterFirst, rejectsWith, rowText, silentLog, unique,
  type Env, type Kind, useEnv,
} from './harness.js';

async function describeTables(store: Store): Promise<Record<string, { columns: string[]; nullable: string[] }>> {
  const tables = await store.db.introspection.getTables();
  const out: Record<string, { columns: string[]; nullable: string[] }> = {};
  for (const t of tables) {
    out[t.name] = { columns: t.columns.map((c) => c.name).sort(), nullable: t.columns.filter((c) => c.isNullable).map((c) => c.name).sort() };
  }
  return out;
}

const SCHEMA = declaredSchema();

for (const kind of databaseKinds) {
  describe(`storage conformance (${kind})`, () => {
    // -------------------------------------------------------------------------------------------
    describe('migrations', { timeout: 120_000 }, () => {
      it('running migrateToLatest twice is a no-op; the data stays', async () => {
        const place = await newPlace(kind);
        try {
          const store = await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir, migrate: false });
          try {
            const applied = await migrateToLatest(store.db);
            assert.equal(applied[0], '0001_foundation');
            assert.deepEqual(applied, [...applied].sort(), 'migrations run in name order');
            const tables = await describeTables(store);
            const pools = new UserPools(store, 'us-east-1');
            const pool = await pools.create({ PoolName: 'survivor' }, T0);
            assert.deepEqual(await migrateToLatest(store.db), []);
            assert.deepEqual(await migrateToLatest(store.db), []);
            assert.deepEqual(await describeTables(store), tables);
            assert.deepEqual(await pools.find(pool.id), pool);
            const executed = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
            assert.deepEqual(executed.rows.map((r) => r.name), applied);
          } finally {
            await store.close();
          }
          // Reopening (which migrates) finds everything as it was.
          const again = await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir });
          try {
            assert.deepEqual((await new UserPools(again, 'us-east-1').list(10)).pools.map((p) => p.name), ['survivor']);
            assert.deepEqual(await migrateToLatest(again.db), []);
          } finally {
            await again.close();
          }
        } finally {
          await place.dispose();
        }
      });

      it('0032 copies each user\'s attributes into their row, in name order; a user without any gets []', async () => {
        const place = await newPlace(kind);
        try {
          const store = await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir, migrate: false });
          try {
            await migrateTo(store.db, '0031_sync_extras');
            const pool = await new UserPools(store, 'us-east-1').create({ PoolName: 'before-0032' }, T0);
            const user = (id: string) => ({ id, pool_id: pool.id, username: id, username_key: id, status: 'CONFIRMED', enabled: 1, created_at: T0, updated_at: T0, failed_attempts: 0 });
            await store.db.insertInto('users').values([user('with'), user('without')]).execute();
            const attribute = (name: string, value: string) => ({ user_id: 'with', pool_id: pool.id, name, value });
            await store.db.insertInto('user_attributes').values([attribute('name', 'Wanda "W" Ü'), attribute('email', 'w@example.com'), attribute('custom:tier', 'gold')]).execute();
            assert.deepEqual(await migrateToLatest(store.db), ['0032_inline_attributes']);
            assert.deepEqual([...(await readAttributes(store.db, 'with'))], [['custom:tier', 'gold'], ['email', 'w@example.com'], ['name', 'Wanda "W" Ü']]);
            assert.deepEqual(await readAttributes(store.db, 'without'), new Map());
          } finally {
            await store.close();
          }
        } finally {
          await place.dispose();
        }
      });

      it('the migrated tables and columns are exactly those schema.ts declares', async () => {
        const place = await newPlace(kind);
        try {
          const store = await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir });
          try {
            const tables = await describeTables(store);
            assert.deepEqual(Object.keys(tables).sort(), Object.keys(SCHEMA).sort());
            for (const [name, t] of Object.entries(tables)) assert.deepEqual(t.columns, SCHEMA[name]!.columns, `columns of ${name}`);
          } finally {
            await store.close();
          }
        } finally {
          await place.dispose();
        }
      });

      it(
        'NOT NULL columns agree with schema.ts (primary keys refuse NULL)',
        {},
        async () => {
          const place = await newPlace(kind);
          try {
            const store = await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir });
            try {
              const tables = await describeTables(store);
              for (const [name, t] of Object.entries(SCHEMA)) assert.deepEqual(tables[name]?.nullable, t.nullable, `nullable columns of ${name}`);
              await assert.rejects(sql`insert into user_pools (id, name, settings, created_at, updated_at) values (null, 'n', '{}', 1, 1)`.execute(store.db));
            } finally {
              await store.close();
            }
          } finally {
            await place.dispose();
          }
        },
      );

      it(
        'concurrent openStore calls on one fresh database all succeed',
        {},
        async () => {
          const place = await newPlace(kind);
          const open = () => openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir });
          const results = await Promise.allSettled([open(), open(), open()]);
          try {
            for (const r of results) if (r.status === 'rejected') throw r.reason;
            const store = (results[0] as PromiseFulfilledResult<Store>).value;
            const executed = (await sql<{ name: string }>`select name from kysely_migration`.execute(store.db)).rows.map((r) => r.name);
            assert.ok(executed.includes('0001_foundation'));
            assert.equal(executed.length, new Set(executed).size, 'a migration ran twice');
            for (const other of results.slice(1)) assert.deepEqual(await migrateToLatest((other as PromiseFulfilledResult<Store>).value.db), []);
            assert.deepEqual(Object.keys(await describeTables(store)).sort(), Object.keys(SCHEMA).sort());
          } finally {
            for (const r of results) if (r.status === 'fulfilled') await r.value.close();
            await place.dispose();
          }
        },
      );
    });

    // -------------------------------------------------------------------------------------------
    describe('user pools', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('create, find and get round-trip the settings; times come back as numbers', async () => {
        const { pools } = env().cognate;
        const created = await pools.create(
          { PoolName: 'round-trip', AutoVerifiedAttributes: ['email'], MfaConfiguration: 'OPTIONAL', UserPoolTags: { team: 'ünïcode ✓' }, Schema: [{ Name: 'plan', AttributeDataType: 'String' }] } as never,
          env().clock.now(),
        );
        assert.match(created.id, /^us-east-1_[0-9A-Za-z]{9}$/);
        const found = await pools.find(created.id);
        assert.deepEqual(found, created);
        assert.equal(typeof found!.createdAt, 'number');
        assert.equal(found!.createdAt, env().clock.now());
        assert.deepEqual(await pools.get(created.id), created);
        assert.equal(await pools.find('us-east-1_doesnotex'), undefined);
        await rejectsWith(pools.get('us-east-1_doesnotex'), 'ResourceNotFoundException', 'User pool us-east-1_doesnotex does not exist.');
      });

      it('update replaces settings, keeps what cannot change, and is visible to find', async () => {
        const { pools } = env().cognate;
        const pool = await newPool(env(), { UsernameConfiguration: { CaseSensitive: true }, AliasAttributes: ['email'] });
        env().clock.advance(SECOND);
        const updated = await pools.update(pool.id, { MfaConfiguration: 'OPTIONAL', AutoVerifiedAttributes: ['email'] } as never, env().clock.now());
        const found = await pools.find(pool.id);
        assert.deepEqual(found, updated);
        assert.equal(found!.settings.MfaConfiguration, 'OPTIONAL');
        assert.deepEqual(found!.settings.AutoVerifiedAttributes, ['email']);
        assert.deepEqual(found!.settings.UsernameConfiguration, { CaseSensitive: true });
        assert.deepEqual(found!.settings.AliasAttributes, ['email']);
        assert.equal(found!.name, pool.name);
        assert.equal(found!.createdAt, pool.createdAt);
        assert.equal(found!.updatedAt, pool.createdAt + SECOND);
        await rejectsWith(pools.update('us-east-1_doesnotex', {}, env().clock.now()), 'ResourceNotFoundException');
      });

      it('list pages with limit + next: no duplicates, nothing missed, a stable order, even with inserts between pages', async () => {
        const { pools } = env().cognate;
        const mine = new Set<string>();
        for (let i = 0; i < 7; i++) mine.add((await newPool(env())).id);
        const everything = (await pools.list(1000)).pools.map((p) => p.id);
        assert.equal(everything.length, new Set(everything).size);
        for (const id of mine) assert.ok(everything.includes(id));

        const walk = async (limit: number, duringWalk?: () => Promise<void>) => {
          const seen: string[] = [];
          let next: string | undefined;
          let pages = 0;
          do {
            const page = await pools.list(limit, next);
            assert.ok(page.pools.length <= limit);
            if (page.next !== undefined) assert.equal(page.next, page.pools.at(-1)!.id);
            seen.push(...page.pools.map((p) => p.id));
            next = page.next;
            pages++;
            await duringWalk?.();
            assert.ok(pages < 100, 'pagination does not end');
          } while (next);
          return seen;
        };
        for (const limit of [1, 2, 3, everything.length]) {
          const seen = await walk(limit);
          assert.deepEqual(seen, everything, `pages of ${limit}`);
        }
        // Exactly `limit` left: no `next` pointing at an empty page.
        assert.equal((await pools.list(everything.length)).next, undefined);

        // Keyset pagination: pools created during the walk never make an old one appear twice.
        const added: string[] = [];
        const seen = await walk(2, async () => {
          added.push((await newPool(env())).id);
        });
        assert.equal(seen.length, new Set(seen).size, 'a pool was listed twice');
        for (const id of everything) assert.ok(seen.includes(id), `${id} was skipped`);
        const after = (await pools.list(1000)).pools.map((p) => p.id);
        assert.deepEqual(after.filter((id) => seen.includes(id)), seen, 'pages came out of order');
      });

      it('countUsers counts the users of one pool only', async () => {
        const a = await newPool(env());
        const b = await newPool(env());
        assert.equal(await env().cognate.pools.countUsers(a.id), 0);
        for (let i = 0; i < 3; i++) await newUser(env(), a, `user${i}`);
        await newUser(env(), b, 'user0');
        const n = await env().cognate.pools.countUsers(a.id);
        assert.equal(n, 3);
        assert.equal(typeof n, 'number');
        assert.equal(await env().cognate.pools.countUsers(b.id), 1);
        assert.equal(await env().cognate.pools.countUsers('us-east-1_doesnotex'), 0);
      });

      it('delete removes the pool with its users, attributes, codes, refresh tokens, clients and keys, and nothing of another pool', async () => {
        const { cognate, db } = env();
        const populate = async (poolUsers: number) => {
          const pool = await newPool(env(), { AutoVerifiedAttributes: ['email'], DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } });
          const clients = [await newClient(env(), pool), await newClient(env(), pool, { GenerateSecret: true })];
          for (let i = 0; i < poolUsers; i++) {
            const user = await newUser(env(), pool, `member${i}`, { email: `member${i}@example.com`, name: `Member ${i}` });
            await cognate.codes.issue(db, { poolId: pool.id, userId: user.sub, purpose: 'signup' }, env().clock.now());
            for (const client of clients) await cognate.tokens.issue({ pool, client, user });
            await newDeviceForSignIn(cognate, pool, user);
            await setUserSettings(cognate, user, []);
          }
          return { pool, clients };
        };
        const a = await populate(2);
        const b = await populate(1);
        // Every table that holds pool data (schema.ts, as it grows), except the outbox: messages are a
        // delivery log and outlive their pool.
        const tables = ['user_pools', ...Object.keys(SCHEMA).filter((t) => t !== 'outbox' && SCHEMA[t]!.columns.includes('pool_id'))] as Array<keyof typeof SCHEMA & string>;
        const counts = async (poolId: string) => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await countRows(db, t as never, poolId)] as const)));
        const expectA = { user_pools: 1, users: 2, user_attributes: 4, codes: 2, refresh_tokens: 4, user_pool_clients: 2, signing_keys: 1, devices: 2, user_mfa: 2 };
        const beforeA = await counts(a.pool.id);
        for (const [t, n] of Object.entries(expectA)) assert.equal(beforeA[t], n, `${t} rows of pool A before`);
        const beforeB = await counts(b.pool.id);

        await cognate.pools.delete(a.pool.id);
        assert.deepEqual(await counts(a.pool.id), Object.fromEntries(tables.map((t) => [t, 0])), 'rows of the deleted pool');
        assert.deepEqual(await counts(b.pool.id), beforeB, 'rows of the other pool');
        assert.equal(await cognate.pools.find(a.pool.id), undefined);
        assert.equal(await cognate.clients.find(undefined, a.clients[0]!.id), undefined);
        await rejectsWith(cognate.pools.delete(a.pool.id), 'ResourceNotFoundException');
        assert.equal(await cognate.pools.countUsers(b.pool.id), 1);
      });

      it('delete refuses a pool with deletion protection and leaves it whole', async () => {
        const { cognate } = env();
        const pool = await newPool(env(), { DeletionProtection: 'ACTIVE' });
        await newUser(env(), pool, 'kept');
        await rejectsWith(cognate.pools.delete(pool.id), 'InvalidParameterException', /deletion protection/);
        assert.ok(await cognate.pools.find(pool.id));
        assert.equal(await cognate.pools.countUsers(pool.id), 1);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('transactions', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('a transaction PostgreSQL aborts to break a deadlock runs again and both commit', { skip: kind !== 'postgres' && 'SQLite runs one writer at a time: nothing to deadlock' }, async () => {
        const { store } = env().cognate;
        const [a, b] = [await newPool(env()), await newPool(env())];
        const touch = (trx: Parameters<Parameters<Store['transaction']>[0]>[0], id: string, at: number) =>
          trx.updateTable('user_pools').set({ updated_at: at }).where('id', '=', id).execute();
        // Each transaction locks its first pool, waits until the other holds its own, then wants the
        // other's: a deadlock PostgreSQL breaks by aborting one of them (SQLSTATE 40P01).
        let aLocked!: () => void;
        let bLocked!: () => void;
        const aHeld = new Promise<void>((resolve) => (aLocked = resolve));
        const bHeld = new Promise<void>((resolve) => (bLocked = resolve));
        let attempts = 0;
        const crossing = (first: string, second: string, held: () => void, other: Promise<void>, at: number) =>
          store.transaction(async (trx) => {
            attempts++;
            await touch(trx, first, at);
            held();
            await other;
            await touch(trx, second, at);
            return at;
          });
        const results = await Promise.all([crossing(a.id, b.id, aLocked, bHeld, T0 + 1), crossing(b.id, a.id, bLocked, aHeld, T0 + 2)]);
        assert.deepEqual(results, [T0 + 1, T0 + 2]);
        assert.equal(attempts, 3, 'the aborted one ran once more');
        const times = await env().db.selectFrom('user_pools').select('updated_at').where('id', 'in', [a.id, b.id]).execute();
        assert.equal(new Set(times.map((t) => Number(t.updated_at))).size, 1, 'the retried transaction committed last, whole');
      });

      it('prepared statements survive a schema change under them (another node migrating)', { skip: kind !== 'postgres' && 'SQLite statements are prepared in-process' }, async () => {
        const { db } = env();
        await sql`create table prepared_probe (id text primary key, a text)`.execute(db);
        await sql`insert into prepared_probe (id, a) values (${'x'}, ${'one'})`.execute(db);
        await db.connection().execute(async (conn) => {
          const read = () => sql<Record<string, unknown>>`select * from prepared_probe where id = ${'x'}`.execute(conn);
          assert.deepEqual((await read()).rows, [{ id: 'x', a: 'one' }]);
          // The connection now holds this statement prepared; the table changes shape under it.
          await sql`alter table prepared_probe add column b text default 'two'`.execute(conn);
          assert.deepEqual((await read()).rows, [{ id: 'x', a: 'one', b: 'two' }]);
        });
        await sql`drop table prepared_probe`.execute(db);
      });

      it('other errors are not retried', async () => {
        let attempts = 0;
        await assert.rejects(
          env().cognate.store.transaction(async () => {
            attempts++;
            throw new Error('not a conflict');
          }),
          /not a conflict/,
        );
        assert.equal(attempts, 1);
      });
    });

    describe('app clients', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('seals the client secret at rest and opens it on read', async () => {
        const pool = await newPool(env());
        const client = await newClient(env(), pool, { GenerateSecret: true });
        assert.match(client.secret!, /^[a-z0-9]{51}$/);
        const row = await env().db.selectFrom('user_pool_clients').selectAll().where('id', '=', client.id).executeTakeFirst();
        assertNotContained(rowText(row), client.secret!, 'the client secret');
        assert.ok(row!.secret_sealed);
        assert.equal((await env().cognate.clients.get(pool.id, client.id)).secret, client.secret);

        const chosen = 'my_own+secret_0123456789abcdef';
        const withChosen = await newClient(env(), pool, { ClientSecret: chosen });
        const chosenRow = await env().db.selectFrom('user_pool_clients').selectAll().where('id', '=', withChosen.id).executeTakeFirst();
        assertNotContained(rowText(chosenRow), chosen, 'a chosen client secret');
        assert.equal((await env().cognate.clients.get(pool.id, withChosen.id)).secret, chosen);

        const pub = await newClient(env(), pool);
        assert.equal(pub.secret, undefined);
        assert.equal((await env().db.selectFrom('user_pool_clients').select('secret_sealed').where('id', '=', pub.id).executeTakeFirst())!.secret_sealed, null);
        assert.equal((await env().cognate.clients.get(pool.id, pub.id)).secret, undefined);
      });

      it('a sealed secret is bound to its client: copied to another client it does not open', async () => {
        const pool = await newPool(env());
        const donor = await newClient(env(), pool, { GenerateSecret: true });
        const victim = await newClient(env(), pool, { GenerateSecret: true });
        const sealed = (await env().db.selectFrom('user_pool_clients').select('secret_sealed').where('id', '=', donor.id).executeTakeFirstOrThrow()).secret_sealed;
        await env().db.updateTable('user_pool_clients').set({ secret_sealed: sealed }).where('id', '=', victim.id).execute();
        await rejectsWith(env().cognate.clients.get(pool.id, victim.id), 'InternalErrorException');
      });

      it('settings round-trip through create, get, update and list', async () => {
        const { clients } = env().cognate;
        const pool = await newPool(env());
        const input = {
          ClientName: 'web ✓',
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'hours' },
          AccessTokenValidity: 15,
          IdTokenValidity: 20,
          RefreshTokenValidity: 48,
          ReadAttributes: ['email', 'custom:plan'],
          CallbackURLs: ['https://app.example/cb'],
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid'],
          AllowedOAuthFlowsUserPoolClient: true,
          PreventUserExistenceErrors: 'LEGACY',
          RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
        };
        const created = await clients.create(pool.id, input as never, env().clock.now());
        assert.deepEqual(await clients.get(pool.id, created.id), created);
        assert.equal(created.name, 'web ✓');
        assert.deepEqual(created.settings.ExplicitAuthFlows, input.ExplicitAuthFlows);
        assert.deepEqual(created.settings.RefreshTokenRotation, input.RefreshTokenRotation);
        assert.deepEqual((await clients.list(pool.id, 10)).clients, [created]);

        env().clock.advance(SECOND);
        const updated = await clients.update(pool.id, created.id, { AccessTokenValidity: 2 } as never, env().clock.now());
        const read = await clients.get(pool.id, created.id);
        assert.deepEqual(read, updated);
        assert.equal(read.name, 'web ✓', 'the name is kept when not given');
        assert.equal(read.settings.AccessTokenValidity, 2);
        assert.equal(read.settings.ExplicitAuthFlows, undefined, 'settings not given are reset');
        assert.equal(read.updatedAt, created.createdAt + SECOND);
        assert.equal(read.createdAt, created.createdAt);
      });

      it('list pages per pool: limit + next, no duplicates, only the pool\'s clients', async () => {
        const { clients } = env().cognate;
        const a = await newPool(env());
        const b = await newPool(env());
        const ofA = new Set<string>();
        for (let i = 0; i < 5; i++) ofA.add((await newClient(env(), a)).id);
        const ofB = new Set<string>();
        for (let i = 0; i < 3; i++) ofB.add((await newClient(env(), b)).id);

        const full = (await clients.list(a.id, 100)).clients.map((c) => c.id);
        assert.deepEqual(new Set(full), ofA);
        for (const limit of [1, 2, 5]) {
          const seen: string[] = [];
          let next: string | undefined;
          do {
            const page = await clients.list(a.id, limit, next);
            assert.ok(page.clients.length <= limit);
            assert.ok(page.clients.every((c) => c.poolId === a.id));
            seen.push(...page.clients.map((c) => c.id));
            next = page.next;
          } while (next);
          assert.deepEqual(seen, full, `pages of ${limit}`);
        }
        assert.deepEqual(new Set((await clients.list(b.id, 100)).clients.map((c) => c.id)), ofB);
        // A cursor from pool A does not leak pool A's clients into pool B's list.
        const fromCursor = await clients.list(b.id, 100, full[0]);
        assert.ok(fromCursor.clients.every((c) => ofB.has(c.id)));
      });

      it('delete revokes the client\'s refresh tokens, and only its own', async () => {
        const { cognate, db, clock } = env();
        const pool = await newPool(env());
        const doomed = await newClient(env(), pool);
        const other = await newClient(env(), pool);
        const user = await newUser(env(), pool, 'holder');
        const t1 = await cognate.tokens.issue({ pool, client: doomed, user });
        const t2 = await cognate.tokens.issue({ pool, client: doomed, user });
        const t3 = await cognate.tokens.issue({ pool, client: other, user });
        clock.advance(SECOND);
        await cognate.clients.delete(pool.id, doomed.id, clock.now());

        const rows = await db.selectFrom('refresh_tokens').select(['client_id', 'revoked_at']).where('user_id', '=', user.sub).execute();
        for (const row of rows) assert.equal(row.revoked_at, row.client_id === doomed.id ? clock.now() : null);
        assert.equal(rows.filter((r) => r.client_id === doomed.id).length, 2);
        await rejectsWith(cognate.clients.get(pool.id, doomed.id), 'ResourceNotFoundException', `User pool client ${doomed.id} does not exist.`);
        for (const t of [t1, t2]) await rejectsWith(cognate.tokens.verifyAccessToken(t.AccessToken), 'NotAuthorizedException', 'Access Token has been revoked');
        await cognate.tokens.verifyAccessToken(t3.AccessToken);
        assert.equal((await cognate.tokens.resolveRefreshToken(other, t3.RefreshToken!)).userSub, user.sub);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('users', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('case-insensitive pools fold Alice, ALICE and full-width Ａlice together, but not dotless alıce', async () => {
        const { users } = env().cognate;
        const pool = await newPool(env());
        assert.equal(pool.settings.UsernameConfiguration.CaseSensitive, false);
        const alice = await newUser(env(), pool, 'Alice');
        for (const name of ['Alice', 'alice', 'ALICE', 'aLiCe', 'Ａlice', 'ＡＬＩＣＥ']) {
          const found = await users.findByUsername(pool, name);
          assert.equal(found?.sub, alice.sub, `${name} finds Alice`);
          assert.equal(found?.username, 'Alice', 'the username keeps its case');
        }
        assert.equal(await users.findByUsername(pool, 'alıce'), undefined);
        assert.equal(await users.findByUsername(pool, 'ALİCE'), undefined);
        const dotless = await newUser(env(), pool, 'alıce');
        assert.notEqual(dotless.sub, alice.sub);
        assert.equal((await users.findByUsername(pool, 'alıce'))?.sub, dotless.sub);
        for (const name of ['ALICE', 'Ａlice']) await rejectsWith(newUser(env(), pool, name), 'UsernameExistsException', 'User already exists');
        assert.equal(await env().cognate.pools.countUsers(pool.id), 2);
      });

      it('case-sensitive pools match usernames exactly', async () => {
        const { users } = env().cognate;
        const pool = await newPool(env(), { UsernameConfiguration: { CaseSensitive: true } });
        const upper = await newUser(env(), pool, 'Bob');
        assert.equal((await users.findByUsername(pool, 'Bob'))?.sub, upper.sub);
        for (const name of ['bob', 'BOB', 'Ｂob']) assert.equal(await users.findByUsername(pool, name), undefined, name);
        const lower = await newUser(env(), pool, 'bob');
        assert.notEqual(lower.sub, upper.sub);
        assert.equal((await users.findByUsername(pool, 'bob'))?.sub, lower.sub);
        await rejectsWith(newUser(env(), pool, 'Bob'), 'UsernameExistsException');
      });

      for (const inTransactions of [false, true]) {
        it(`concurrent inserts of 10 case variants: exactly one wins${inTransactions ? ' (each in its own transaction, as SignUp does)' : ''}`, async () => {
          const { cognate, db, clock } = env();
          const pool = await newPool(env());
          const variants = ['Dave', 'dave', 'DAVE', 'dAve', 'daVe', 'davE', 'DaVe', 'Ｄave', 'ＤＡＶＥ', 'dAVE'];
          const insert = (username: string) => {
            const user = { sub: newSub(), username, status: 'CONFIRMED' as const, attributes: new Map([['email', `${username}@example.com`], ['name', username]]) };
            return inTransactions
              ? db.transaction().execute((trx) => cognate.users.insert(trx, pool, user, clock.now()))
              : cognate.users.insert(db, pool, user, clock.now());
          };
          const results = await Promise.allSettled(variants.map(insert));
          const won = results.filter((r) => r.status === 'fulfilled');
          assert.equal(won.length, 1, `${won.length} inserts won`);
          for (const r of results) {
            if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'UsernameExistsException', String(r.reason));
          }
          assert.equal(await cognate.pools.countUsers(pool.id), 1);
          const winner = await cognate.users.findByUsername(pool, 'dave');
          assert.ok(winner);
          if (inTransactions) {
            // Losers rolled back: only the winner's attributes exist.
            assert.equal(await countRows(db, 'user_attributes', pool.id), 2);
            assert.equal(winner.attributes.get('name'), winner.username);
          }
        });
      }

      it('concurrent inserts of the same username in a case-sensitive pool: exactly one wins', async () => {
        const { cognate, db, clock } = env();
        const pool = await newPool(env(), { UsernameConfiguration: { CaseSensitive: true } });
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => cognate.users.insert(db, pool, { sub: newSub(), username: 'Same', status: 'CONFIRMED', attributes: new Map() }, clock.now())),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.ok(results.every((r) => r.status === 'fulfilled' || (r.reason as Error).name === 'UsernameExistsException'));
      });

      it('findForSignIn finds a UsernameAttributes user by email (domain case-folded) or by its sub-username', async () => {
        const { users } = env().cognate;
        const pool = await newPool(env(), { UsernameAttributes: ['email'] });
        const sub = newSub();
        await env().cognate.users.insert(env().db, pool, { sub, username: sub, status: 'CONFIRMED', attributes: new Map([['email', 'erin@example.com']]) }, env().clock.now());
        assert.equal((await users.findForSignIn(pool, 'erin@example.com'))?.sub, sub);
        assert.equal((await users.findForSignIn(pool, 'erin@EXAMPLE.com'))?.sub, sub);
        assert.equal((await users.findForSignIn(pool, sub))?.sub, sub);
        assert.equal(await users.findForSignIn(pool, 'nobody@example.com'), undefined);
        assert.equal(await users.findByUsername(pool, 'erin@example.com'), undefined, 'an email is not a username');
      });

      it('findForSignIn by alias requires a verified, unambiguous holder', async () => {
        const { users, } = env().cognate;
        const pool = await newPool(env(), { AliasAttributes: ['email', 'phone_number'] });
        const frank = await newUser(env(), pool, 'frank', { email: 'frank@example.com', phone_number: '+15550001111' });
        assert.equal(await users.findForSignIn(pool, 'frank@example.com'), undefined, 'unverified email');
        await users.setAttributes(env().db, pool.id, frank.sub, new Map([['email_verified', 'true'], ['phone_number_verified', 'true']]));
        assert.equal((await users.findForSignIn(pool, 'frank@example.com'))?.sub, frank.sub);
        assert.equal((await users.findForSignIn(pool, '+15550001111'))?.sub, frank.sub);
        assert.equal((await users.findForSignIn(pool, 'FRANK'))?.sub, frank.sub, 'the username still works');
        // One verified holder per alias (P14): a second is refused, and nothing of it is written.
        await rejectsWith(newUser(env(), pool, 'frank2', { email: 'frank@example.com', email_verified: 'true' }), 'AliasExistsException', 'An account with the email already exists.');
        assert.equal(await users.findByUsername(pool, 'frank2'), undefined);
        assert.equal((await users.findForSignIn(pool, 'FRANK@example.com'))?.sub, frank.sub, 'the local part folds in case-insensitive pools');
        const unverified = await newUser(env(), pool, 'frank3', { email: 'frank@example.com' });
        assert.equal((await users.findForSignIn(pool, 'frank@example.com'))?.sub, frank.sub, 'an unverified holder is no alias');
        await users.deleteAttributes(env().db, pool.id, frank.sub, ['email', 'email_verified']);
        assert.equal(await users.findForSignIn(pool, 'frank@example.com'), undefined, 'a deleted email is no alias');
        await users.setAttributes(env().db, pool.id, unverified.sub, new Map([['email_verified', 'true']]));
        assert.equal((await users.findForSignIn(pool, 'frank@example.com'))?.sub, unverified.sub, 'the released alias can be claimed');
      });

      it('setAttributes upserts: changed values replace, others stay', async () => {
        const { users } = env().cognate;
        const pool = await newPool(env());
        const grace = await newUser(env(), pool, 'grace', { email: 'grace@example.com', name: 'Grace' });
        await users.setAttributes(env().db, pool.id, grace.sub, new Map([['email', 'grace@new.example'], ['custom:plan', 'gold']]));
        await users.setAttributes(env().db, pool.id, grace.sub, new Map([['custom:plan', 'silver']]));
        const read = await users.findBySub(pool.id, grace.sub);
        assert.deepEqual(Object.fromEntries(read!.attributes), { email: 'grace@new.example', name: 'Grace', 'custom:plan': 'silver' });
        assert.equal(await countRows(env().db, 'user_attributes', pool.id), 3);
        const long = 'x'.repeat(2048);
        await users.setAttributes(env().db, pool.id, grace.sub, new Map([['name', long]]));
        assert.equal((await users.findBySub(pool.id, grace.sub))!.attributes.get('name'), long);
      });

      it(
        'a username whose case-folded key would be too long to index is refused with InvalidParameterException',
        async () => {
          const pool = await newPool(env());
          const name = '\uFDFA'.repeat(128);
          assert.equal([...name].length, 128);
          assert.equal(name.normalize('NFKC').toLowerCase().length, 2304);
          await assert.rejects(newUser(env(), pool, name), { name: 'InvalidParameterException' });
          assert.equal(await env().cognate.users.findByUsername(pool, 'x'.repeat(10)), undefined);
        },
      );

      it('attribute values keep any Unicode: astral, combining, right-to-left, maximal length', async () => {
        const { users } = env().cognate;
        const pool = await newPool(env());
        const values = { name: 'Zoë 🎉 e\u0301 \u05E9\u05DC\u05D5\u05DD', nickname: '\u{1F600}'.repeat(1024), 'custom:plan': 'ａｂｃ' };
        const ivy = await newUser(env(), pool, 'ivy', values);
        assert.deepEqual(Object.fromEntries((await users.findBySub(pool.id, ivy.sub))!.attributes), values);
      });

      it(
        'an attribute value with a NUL character is refused before it reaches the database',
        async () => {
          const pool = await newPool(env());
          assert.throws(() => validateAttributes(pool, [{ Name: 'name', Value: 'a\u0000b' }], 'user', { creating: false }), { name: 'InvalidParameterException' });
        },
      );

      it('seals the SRP verifier at rest; it opens only for the same pool and username', async () => {
        const { users } = env().cognate;
        const pool = await newPool(env());
        const other = await newPool(env());
        const password = 'Corr3ct-Horse!';
        const heidi = await newUser(env(), pool, 'Heidi', {}, { password });
        const verifier = users.srpVerifier(heidi);
        assert.ok(verifier);
        assert.equal(verifier, createVerifier(srpPoolName(pool.id), 'Heidi', password, Buffer.from(heidi.srpSalt!, 'hex')).verifier);

        const row = await env().db.selectFrom('users').selectAll().where('id', '=', heidi.sub).executeTakeFirst();
        const text = rowText(row);
        assertNotContained(text, Buffer.from(verifier, 'hex'), 'the SRP verifier');
        assert.ok(!text.toLowerCase().includes(verifier.replace(/^0+/, '').toLowerCase()), 'the SRP verifier is stored in the clear');
        assertNotContained(text, password, 'the password');
        assert.match(row!.password_hash!, /^\$argon2id\$/);

        assert.equal(users.srpVerifier({ ...heidi, poolId: other.id }), undefined, 'another pool');
        assert.equal(users.srpVerifier({ ...heidi, username: 'Mallory' }), undefined, 'another username');
        const twin = await newUser(env(), other, 'Heidi', {}, { password });
        assert.equal(users.srpVerifier({ ...twin, srpVerifierSealed: heidi.srpVerifierSealed }), undefined, 'the same username in another pool');
        assert.ok(users.srpVerifier(twin));
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('cross-pool isolation', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      type Side = Awaited<ReturnType<typeof side>>;
      const side = async (options: Record<string, unknown> = {}) => {
        const pool = await newPool(env(), options);
        const client = await newClient(env(), pool);
        const user = await newUser(env(), pool, 'shared', { email: 'shared@example.com', email_verified: 'true' });
        const tokens = await env().cognate.tokens.issue({ pool, client, user });
        return { pool, client, user, tokens };
      };
      let a: Side;
      let b: Side;
      before(async () => {
        a = await side({ AliasAttributes: ['email'] });
        b = await side({ AliasAttributes: ['email'] });
      });

      it('the same username in two pools is two users', async () => {
        const { users } = env().cognate;
        assert.notEqual(a.user.sub, b.user.sub);
        assert.equal((await users.findByUsername(a.pool, 'SHARED'))?.sub, a.user.sub);
        assert.equal((await users.findByUsername(b.pool, 'SHARED'))?.sub, b.user.sub);
        assert.equal((await users.findForSignIn(a.pool, 'shared@example.com'))?.sub, a.user.sub);
        assert.equal((await users.findForSignIn(b.pool, 'shared@example.com'))?.sub, b.user.sub);
      });

      it('look-ups in pool B never return pool A\'s user', async () => {
        const { users } = env().cognate;
        const onlyA = await newUser(env(), a.pool, 'only-in-a', { email: 'only-a@example.com', email_verified: 'true' });
        assert.equal(await users.findBySub(b.pool.id, a.user.sub), undefined);
        assert.equal(await users.findBySub(b.pool.id, onlyA.sub), undefined);
        assert.equal(await users.findByUsername(b.pool, 'only-in-a'), undefined);
        assert.equal(await users.findForSignIn(b.pool, 'only-in-a'), undefined);
        assert.equal(await users.findForSignIn(b.pool, 'only-a@example.com'), undefined);
        assert.equal((await users.findForSignIn(a.pool, 'only-a@example.com'))?.sub, onlyA.sub);
      });

      it('a code issued for pool A\'s user can\'t be consumed for pool B\'s user', async () => {
        const { codes } = env().cognate;
        const { db, clock } = env();
        const purpose: CodePurpose = 'verify:email';
        const codeA = await codes.issue(db, { poolId: a.pool.id, userId: a.user.sub, purpose }, clock.now());
        assert.equal(await codes.consume(db, { userId: b.user.sub, purpose, code: codeA }, clock.now()), 'mismatch', 'B has no code');
        const codeB = await codes.issue(db, { poolId: b.pool.id, userId: b.user.sub, purpose }, clock.now());
        if (codeB !== codeA) assert.equal(await codes.consume(db, { userId: b.user.sub, purpose, code: codeA }, clock.now()), 'mismatch', 'B has its own code');
        assert.equal(await codes.consume(db, { userId: a.user.sub, purpose, code: codeA }, clock.now()), 'ok');
        assert.equal(await codes.consume(db, { userId: b.user.sub, purpose, code: codeB }, clock.now()), 'ok');
      });

      it('one pool\'s code budget does not limit another pool\'s user', async () => {
        const { codes } = env().cognate;
        const { db, clock } = env();
        for (let i = 0; i < MAX_CODES_PER_HOUR; i++) await codes.issue(db, { poolId: a.pool.id, userId: a.user.sub, purpose: 'forgot_password' }, clock.now());
        await rejectsWith(codes.issue(db, { poolId: a.pool.id, userId: a.user.sub, purpose: 'forgot_password' }, clock.now()), 'LimitExceededException');
        await codes.issue(db, { poolId: b.pool.id, userId: b.user.sub, purpose: 'forgot_password' }, clock.now());
      });

      it('AppClients of pool A are not found, changed or deleted through pool B', async () => {
        const { clients } = env().cognate;
        const now = env().clock.now();
        await rejectsWith(clients.get(b.pool.id, a.client.id), 'ResourceNotFoundException', `User pool client ${a.client.id} does not exist.`);
        assert.equal(await clients.find(b.pool.id, a.client.id), undefined);
        await rejectsWith(clients.update(b.pool.id, a.client.id, { ClientName: 'hijacked' } as never, now), 'ResourceNotFoundException');
        await rejectsWith(clients.delete(b.pool.id, a.client.id, now), 'ResourceNotFoundException');
        assert.equal((await clients.get(a.pool.id, a.client.id)).name, a.client.name);
        assert.ok(!(await clients.list(b.pool.id, 100)).clients.some((c) => c.id === a.client.id));
        await env().cognate.tokens.resolveRefreshToken(a.client, a.tokens.RefreshToken!);
      });

      it('a refresh token of pool A\'s client is refused for a client of pool B', async () => {
        const { tokens } = env().cognate;
        await rejectsWith(tokens.resolveRefreshToken(b.client, a.tokens.RefreshToken!), 'NotAuthorizedException', 'Invalid Refresh Token');
        await rejectsWith(tokens.revokeRefreshToken(b.client, a.tokens.RefreshToken!), 'NotAuthorizedException', 'Client id does not match the refresh token.');
        assert.equal((await tokens.resolveRefreshToken(a.client, a.tokens.RefreshToken!)).userSub, a.user.sub, 'still live for its own client');
      });

      it('signing keys: keyFor(B, kid of A) is undefined and B\'s JWKS does not list A\'s key', async () => {
        const { keys } = env().cognate;
        const now = env().clock.now();
        const jwksA = await keys.jwks(a.pool.id, now);
        const jwksB = await keys.jwks(b.pool.id, now);
        assert.equal(jwksA.keys.length, 1);
        assert.equal(jwksB.keys.length, 1);
        const kidA = jwksA.keys[0]!.kid;
        const kidB = jwksB.keys[0]!.kid;
        assert.notEqual(kidA, kidB);
        assert.ok(keys.keyFor(a.pool.id, kidA));
        assert.equal(keys.keyFor(b.pool.id, kidA), undefined);
        assert.equal(keys.keyFor(a.pool.id, kidB), undefined);
        assert.ok(!jwksB.keys.some((k) => k.kid === kidA));
        const header = JSON.parse(Buffer.from(a.tokens.AccessToken.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
        assert.equal(header.kid, kidA);
        const privateRows = await env().db.selectFrom('signing_keys').selectAll().where('pool_id', 'in', [a.pool.id, b.pool.id]).execute();
        for (const row of privateRows) assert.ok(!row.private_key_sealed.includes('PRIVATE KEY'), 'a private key is stored in the clear');
      });

      it('a token for pool B signed with pool A\'s key is refused', async () => {
        const { keys, tokens } = env().cognate;
        const now = env().clock.now();
        const familyB = await tokens.resolveRefreshToken(b.client, b.tokens.RefreshToken!);
        const iat = Math.floor(now / 1000);
        const claims = {
          sub: b.user.sub, iss: tokens.issuer(b.pool.id), client_id: b.client.id, origin_jti: familyB.originJti, event_id: newSub(),
          token_use: 'access', scope: ADMIN_SCOPE, auth_time: iat, exp: iat + 3600, iat, jti: newSub(), username: b.user.username,
        };
        const forged = signJwt(claims, await keys.signingKey(a.pool.id, now));
        await rejectsWith(tokens.verifyAccessToken(forged), 'NotAuthorizedException', 'Invalid Access Token');
        // The same claims signed with B's own key pass: the key is what was refused.
        const genuine = signJwt(claims, await keys.signingKey(b.pool.id, now));
        assert.equal((await tokens.verifyAccessToken(genuine)).user.sub, b.user.sub);
      });

      it('revoking all of one user\'s tokens leaves the same-named user of the other pool signed in', async () => {
        const { tokens } = env().cognate;
        const pool = await newPool(env());
        const client = await newClient(env(), pool);
        const other = await newPool(env());
        const otherClient = await newClient(env(), other);
        const u1 = await newUser(env(), pool, 'twin');
        const u2 = await newUser(env(), other, 'twin');
        const t1 = await tokens.issue({ pool, client, user: u1 });
        const t2 = await tokens.issue({ pool: other, client: otherClient, user: u2 });
        await refreshTokenStore.revokeAllForUser(env().db, u1.sub, env().clock.now());
        await rejectsWith(tokens.verifyAccessToken(t1.AccessToken), 'NotAuthorizedException', 'Access Token has been revoked');
        assert.equal((await tokens.verifyAccessToken(t2.AccessToken)).user.sub, u2.sub);
      });

      it('lockout of pool A\'s user does not lock pool B\'s same-named user', async () => {
        const { lockout } = env().cognate;
        const now = env().clock.now();
        const pool = await newPool(env());
        const other = await newPool(env());
        const u1 = await newUser(env(), pool, 'locked-twin');
        const u2 = await newUser(env(), other, 'locked-twin');
        for (let i = 0; i < 6; i++) await lockout.recordFailure(u1.sub, now);
        await rejectsWith(lockout.assertStillNotLocked(u1.sub, now), 'NotAuthorizedException', 'Password attempts exceeded');
        await lockout.assertStillNotLocked(u2.sub, now);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('codes', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      const user = async (purpose: CodePurpose = 'signup') => {
        const pool = await newPool(env());
        const u = await newUser(env(), pool, unique('coder'), {}, { status: 'UNCONFIRMED' });
        const p = { poolId: pool.id, userId: u.sub, purpose };
        return { pool, user: u, p, issue: () => env().cognate.codes.issue(env().db, p, env().clock.now()), consume: (code: string) => env().cognate.codes.consume(env().db, { ...p, code }, env().clock.now()) };
      };
      const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const codeRows = (userId: string) => env().db.selectFrom('codes').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();

      it('issues a 6-digit code stored only as a hash; it is consumed once', async () => {
        const u = await user();
        const code = await u.issue();
        assert.match(code, /^\d{6}$/);
        const [row] = await codeRows(u.user.sub);
        assert.ok(row);
        assertNotContained(rowText(row), code, 'the code');
        assert.equal(row.expires_at, env().clock.now() + DAY);
        assert.equal(await u.consume(code), 'ok');
        assert.equal(await u.consume(code), 'mismatch', 'a used code');
      });

      it('a wrong code counts an attempt and returns the outcome instead of throwing', async () => {
        const u = await user();
        const code = await u.issue();
        assert.equal(await u.consume(wrong(code)), 'mismatch');
        assert.equal((await codeRows(u.user.sub))[0]!.attempts, 1);
        // Inside a transaction that commits, the count is kept.
        const outcome = await env().db.transaction().execute((trx) => env().cognate.codes.consume(trx, { ...u.p, code: wrong(code) }, env().clock.now()));
        assert.equal(outcome, 'mismatch');
        assert.equal((await codeRows(u.user.sub))[0]!.attempts, 2);
        assert.equal(await u.consume(code), 'ok');
      });

      it('five wrong answers kill the code: the right one is then \'exhausted\' (not \'expired\', which is the right code past its time)', async () => {
        const u = await user();
        const code = await u.issue();
        for (let i = 0; i < 5; i++) assert.equal(await u.consume(wrong(code)), 'mismatch', `wrong answer ${i + 1}`);
        assert.equal(await u.consume(code), 'exhausted');
        assert.equal((await codeRows(u.user.sub))[0]!.consumed_at, null);
      });

      it('four wrong answers still leave the right one good', async () => {
        const u = await user();
        const code = await u.issue();
        for (let i = 0; i < 4; i++) await u.consume(wrong(code));
        assert.equal(await u.consume(code), 'ok');
      });

      it('parallel wrong guesses can\'t outrun the attempt limit', async () => {
        const u = await user();
        const code = await u.issue();
        const guesses = Array.from({ length: 20 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
        const outcomes = await Promise.all(guesses.map((g) => env().db.transaction().execute((trx) => env().cognate.codes.consume(trx, { ...u.p, code: g }, env().clock.now()))));
        assert.ok(outcomes.every((o) => o === 'mismatch' || o === 'exhausted'));
        assert.ok((await codeRows(u.user.sub))[0]!.attempts >= 5);
        assert.equal(await u.consume(code), 'exhausted');
      });

      const lifetimes: Array<[CodePurpose, number]> = [['signup', DAY], ['forgot_password', HOUR], ['verify:email', DAY]];
      for (const [purpose, lifetime] of lifetimes) {
        it(`a ${purpose} code lives ${lifetime / HOUR} h: good 1 s before, 'expired' 1 s after`, async () => {
          const early = await user(purpose);
          const late = await user(purpose);
          const earlyCode = await early.issue();
          const lateCode = await late.issue();
          env().clock.advance(lifetime - SECOND);
          assert.equal(await early.consume(earlyCode), 'ok');
          env().clock.advance(2 * SECOND);
          assert.equal(await late.consume(wrong(lateCode)), 'exhausted', 'a wrong code for a dead one tells nothing of its time');
          assert.equal(await late.consume(lateCode), 'expired');
        });
      }

      it('the newest code supersedes older ones', async () => {
        const u = await user();
        const first = await u.issue();
        env().clock.advance(1);
        const second = await u.issue();
        if (first !== second) assert.equal(await u.consume(first), 'mismatch');
        assert.equal(await u.consume(second), 'ok');
        const rows = await codeRows(u.user.sub);
        assert.equal(rows.length, 2);
        assert.ok(rows.every((r) => r.consumed_at !== null));
      });

      it('a code issued in the same millisecond as its predecessor still supersedes it', async () => {
        // Several issues at one instant (a ManualClock, or two resends landing in the same ms).
        for (let round = 0; round < 5; round++) {
          const u = await user();
          await u.issue();
          await u.issue();
          const newest = await u.issue();
          assert.equal(await u.consume(newest), 'ok', `round ${round}`);
        }
      });

      it(
        'a resend handled by a node whose clock is behind still gives a working code',
        {},
        async () => {
          const u = await user();
          const now = env().clock.now();
          await env().cognate.codes.issue(env().db, u.p, now); // node A
          const resent = await env().cognate.codes.issue(env().db, u.p, now - 50); // node B, 50 ms behind, later in real time
          const live = await env().db.selectFrom('codes').select('created_at').where('user_id', '=', u.user.sub).where('consumed_at', 'is', null).execute();
          assert.deepEqual(live.map((r) => r.created_at), [now - 50], 'the resent code is the live one');
          assert.equal(await u.consume(resent), 'ok');
        },
      );

      it('purposes are independent', async () => {
        const u = await user('signup');
        const signup = await u.issue();
        const forgot = await env().cognate.codes.issue(env().db, { ...u.p, purpose: 'forgot_password' }, env().clock.now());
        assert.equal(await env().cognate.codes.consume(env().db, { ...u.p, purpose: 'forgot_password', code: forgot }, env().clock.now()), 'ok');
        assert.equal(await u.consume(signup), 'ok', 'issuing another purpose does not supersede');
      });

      it(`at most ${MAX_CODES_PER_HOUR} codes per user and purpose in an hour: LimitExceededException`, async () => {
        const u = await user();
        const start = env().clock.now();
        for (let i = 0; i < MAX_CODES_PER_HOUR; i++) {
          await u.issue();
          env().clock.advance(SECOND);
        }
        await rejectsWith(u.issue(), 'LimitExceededException', 'Attempt limit exceeded, please try after some time.');
        const other = await env().cognate.codes.issue(env().db, { ...u.p, purpose: 'forgot_password' }, env().clock.now());
        assert.match(other, /^\d{6}$/, 'another purpose is not limited');
        env().clock.set(start + HOUR - 1);
        await rejectsWith(u.issue(), 'LimitExceededException');
        env().clock.set(start + HOUR);
        const code = await u.issue();
        assert.equal(await u.consume(code), 'ok');
      });

      it(
        `parallel issues can't exceed ${MAX_CODES_PER_HOUR} codes per hour`,
        {},
        async () => {
          const u = await user();
          const results = await Promise.allSettled(
            Array.from({ length: 30 }, () => env().db.transaction().execute((trx) => env().cognate.codes.issue(trx, u.p, env().clock.now()))),
          );
          const issued = results.filter((r) => r.status === 'fulfilled').length;
          for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'LimitExceededException', String(r.reason));
          assert.ok(issued <= MAX_CODES_PER_HOUR, `${issued} codes issued in parallel`);
          assert.ok((await codeRows(u.user.sub)).length <= MAX_CODES_PER_HOUR);
        },
      );

      it('20 parallel consume() of the right code in separate transactions: exactly one \'ok\' (R06)', async () => {
        const u = await user();
        const code = await u.issue();
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, () => env().db.transaction().execute((trx) => env().cognate.codes.consume(trx, { ...u.p, code }, env().clock.now()))),
        );
        assert.equal(outcomes.filter((o) => o === 'ok').length, 1, outcomes.join(','));
        assert.ok(outcomes.every((o) => o === 'ok' || o === 'mismatch'), outcomes.join(','));
      });

      it('a code issued in a transaction that rolls back does not exist', async () => {
        const u = await user();
        let code = '';
        await assert.rejects(
          env().db.transaction().execute(async (trx) => {
            code = await env().cognate.codes.issue(trx, u.p, env().clock.now());
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal((await codeRows(u.user.sub)).length, 0);
        assert.equal(await u.consume(code), 'mismatch');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('tokens', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      const setup = async () => {
        const pool = await newPool(env());
        const client = await newClient(env(), pool);
        const user = await newUser(env(), pool, unique('tok'), { email: 'tok@example.com' });
        return { pool, client, user };
      };

      it('issue creates a refresh-token family that resolves for its client', async () => {
        const { cognate, db, clock } = env();
        const { pool, client, user } = await setup();
        const result = await cognate.tokens.issue({ pool, client, user });
        assert.ok(result.RefreshToken && result.AccessToken && result.IdToken);
        assert.equal(result.ExpiresIn, 3600);
        const rows = await db.selectFrom('refresh_tokens').selectAll().where('user_id', '=', user.sub).execute();
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        assert.deepEqual(
          { pool_id: row.pool_id, client_id: row.client_id, created_at: row.created_at, expires_at: row.expires_at, revoked_at: row.revoked_at },
          { pool_id: pool.id, client_id: client.id, created_at: clock.now(), expires_at: clock.now() + 30 * DAY, revoked_at: null },
        );
        assert.ok(!rowText(row).includes(result.RefreshToken!), 'the refresh token is stored in the clear');
        const resolved = await cognate.tokens.resolveRefreshToken(client, result.RefreshToken!);
        assert.deepEqual(resolved, { originJti: row.id, userSub: user.sub, authTime: row.auth_time, deviceKey: null });
        const ctx = await cognate.tokens.verifyAccessToken(result.AccessToken);
        assert.equal(ctx.originJti, row.id);
        assert.equal(ctx.user.sub, user.sub);

        // Refreshing (with originJti) mints new tokens in the same family, no new row.
        const refreshed = await cognate.tokens.issue({ pool, client, user, originJti: row.id, authTime: row.auth_time });
        assert.equal(refreshed.RefreshToken, undefined);
        assert.equal((await cognate.tokens.verifyAccessToken(refreshed.AccessToken)).originJti, row.id);
        assert.equal(await countRows(db, 'refresh_tokens', pool.id), 1);
      });

      it('malformed and tampered refresh tokens are invalid', async () => {
        const { cognate } = env();
        const { pool, client, user } = await setup();
        const { RefreshToken } = await cognate.tokens.issue({ pool, client, user });
        const raw = Buffer.from(RefreshToken!, 'base64url');
        raw.writeUInt8(raw.readUInt8(40) ^ 1, 40);
        for (const bad of ['', 'garbage', raw.toString('base64url'), RefreshToken!.slice(0, -1)]) {
          await rejectsWith(cognate.tokens.resolveRefreshToken(client, bad), 'NotAuthorizedException', 'Invalid Refresh Token');
        }
      });

      it('after revokeRefreshToken: "Refresh Token has been revoked" and the access token is refused', async () => {
        const { cognate } = env();
        const { pool, client, user } = await setup();
        const kept = await cognate.tokens.issue({ pool, client, user });
        const t = await cognate.tokens.issue({ pool, client, user });
        await cognate.tokens.revokeRefreshToken(client, t.RefreshToken!);
        await cognate.tokens.revokeRefreshToken(client, t.RefreshToken!); // again: silently fine
        await rejectsWith(cognate.tokens.resolveRefreshToken(client, t.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');
        await rejectsWith(cognate.tokens.verifyAccessToken(t.AccessToken), 'NotAuthorizedException', 'Access Token has been revoked');
        await cognate.tokens.verifyAccessToken(kept.AccessToken);
        await cognate.tokens.resolveRefreshToken(client, kept.RefreshToken!);
      });

      it('revokeAllForUser revokes every family of the user and no one else\'s', async () => {
        const { cognate, db } = env();
        const { pool, client, user } = await setup();
        const second = await newClient(env(), pool);
        const bystander = await newUser(env(), pool, unique('bystander'));
        const issued = [
          await cognate.tokens.issue({ pool, client, user }),
          await cognate.tokens.issue({ pool, client, user }),
          await cognate.tokens.issue({ pool, client: second, user }),
        ];
        const theirs = await cognate.tokens.issue({ pool, client, user: bystander });
        await refreshTokenStore.revokeAllForUser(db, user.sub, env().clock.now());
        for (const t of issued) {
          await rejectsWith(cognate.tokens.verifyAccessToken(t.AccessToken), 'NotAuthorizedException', 'Access Token has been revoked');
        }
        await rejectsWith(cognate.tokens.resolveRefreshToken(second, issued[2]!.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');
        const rows = await db.selectFrom('refresh_tokens').select('revoked_at').where('user_id', '=', user.sub).execute();
        assert.equal(rows.length, 3);
        assert.ok(rows.every((r) => r.revoked_at === env().clock.now()));
        await cognate.tokens.verifyAccessToken(theirs.AccessToken);
      });

      it('expiry: access tokens after their lifetime, refresh tokens after 30 days', async () => {
        const { cognate, clock } = env();
        const { pool, client, user } = await setup();
        const t = await cognate.tokens.issue({ pool, client, user });
        clock.advance(HOUR - SECOND);
        await cognate.tokens.verifyAccessToken(t.AccessToken);
        clock.advance(2 * SECOND);
        await rejectsWith(cognate.tokens.verifyAccessToken(t.AccessToken), 'NotAuthorizedException', 'Access Token has expired');
        clock.advance(30 * DAY - HOUR - 2 * SECOND);
        await cognate.tokens.resolveRefreshToken(client, t.RefreshToken!);
        clock.advance(SECOND);
        await rejectsWith(cognate.tokens.resolveRefreshToken(client, t.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has expired');
      });

      it('a disabled user\'s access token is refused', async () => {
        const { cognate, db } = env();
        const { pool, client, user } = await setup();
        const t = await cognate.tokens.issue({ pool, client, user });
        await db.updateTable('users').set({ enabled: 0 }).where('id', '=', user.sub).execute();
        await rejectsWith(cognate.tokens.verifyAccessToken(t.AccessToken), 'NotAuthorizedException', 'User is disabled.');
      });

      it('tokens of a deleted pool are refused', async () => {
        const { cognate } = env();
        const { pool, client, user } = await setup();
        const t = await cognate.tokens.issue({ pool, client, user });
        await cognate.pools.delete(pool.id);
        cognate.keys.forget(pool.id);
        await rejectsWith(cognate.tokens.verifyAccessToken(t.AccessToken), 'NotAuthorizedException', 'Invalid Access Token');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('lockout', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      const state = (sub: string) => env().db.selectFrom('users').select(['failed_attempts', 'last_failed_at', 'locked_until']).where('id', '=', sub).executeTakeFirstOrThrow();
      const someone = async () => newUser(env(), await newPool(env()), unique('locky'));

      // Lock length after the n-th consecutive failure: 2^(n-5) s from the 5th, capped at 900 s.
      const TABLE: Array<[number, number | null]> = [
        [1, null], [2, null], [3, null], [4, null],
        [5, 1], [6, 2], [7, 4], [8, 8], [9, 16], [10, 32], [11, 64], [12, 128], [13, 256], [14, 512],
        [15, 900], [16, 900], [17, 900], [18, 900], [19, 900], [20, 900],
      ];

      it('locks from the 5th failure for 1 s, doubling, capped at 900 s (n = 1..20)', async () => {
        const { lockout } = env().cognate;
        const user = await someone();
        const now = env().clock.now();
        for (const [n, seconds] of TABLE) {
          await lockout.recordFailure(user.sub, now);
          const s = await state(user.sub);
          assert.equal(s.failed_attempts, n);
          assert.equal(s.last_failed_at, now);
          if (seconds === null) {
            assert.equal(s.locked_until, null, `not locked after ${n} failures`);
            await lockout.assertStillNotLocked(user.sub, now);
          } else {
            assert.equal(s.locked_until, now + seconds * SECOND, `locked ${seconds} s after ${n} failures`);
            await rejectsWith(lockout.assertStillNotLocked(user.sub, now + seconds * SECOND - 1), 'NotAuthorizedException', 'Password attempts exceeded');
            await lockout.assertStillNotLocked(user.sub, now + seconds * SECOND);
          }
        }
      });

      it('the count resets after 15 minutes without failures, not before', async () => {
        const { lockout } = env().cognate;
        const fresh = await someone();
        const still = await someone();
        const t = env().clock.now();
        for (let i = 0; i < 7; i++) {
          await lockout.recordFailure(fresh.sub, t);
          await lockout.recordFailure(still.sub, t);
        }
        await lockout.recordFailure(still.sub, t + 15 * MINUTE);
        assert.equal((await state(still.sub)).failed_attempts, 8, 'exactly 15 min later still counts');
        await lockout.recordFailure(fresh.sub, t + 15 * MINUTE + 1);
        const s = await state(fresh.sub);
        assert.equal(s.failed_attempts, 1);
        await lockout.assertStillNotLocked(fresh.sub, t + 15 * MINUTE + 1);
      });

      it('success resets the count and unlocks', async () => {
        const { lockout } = env().cognate;
        const user = await someone();
        const now = env().clock.now();
        for (let i = 0; i < 6; i++) await lockout.recordFailure(user.sub, now);
        await lockout.recordSuccess(user.sub);
        assert.deepEqual(await state(user.sub), { failed_attempts: 0, last_failed_at: null, locked_until: null });
        await lockout.assertStillNotLocked(user.sub, now);
      });

      it('50 parallel failures count exactly 50 (A18)', async () => {
        const { lockout } = env().cognate;
        const user = await someone();
        const now = env().clock.now();
        await Promise.all(Array.from({ length: 50 }, () => lockout.recordFailure(user.sub, now)));
        assert.equal((await state(user.sub)).failed_attempts, 50);
        await rejectsWith(lockout.assertStillNotLocked(user.sub, now), 'NotAuthorizedException', 'Password attempts exceeded');
      });

      it('50 parallel failures lock for the full 900 s, like 50 sequential ones', async () => {
        const { lockout } = env().cognate;
        const now = env().clock.now();
        // Several rounds: an unlucky interleaving is what this looks for.
        for (let round = 0; round < 5; round++) {
          const user = await someone();
          await Promise.all(Array.from({ length: 50 }, () => lockout.recordFailure(user.sub, now)));
          assert.equal((await state(user.sub)).locked_until, now + 900 * SECOND, `round ${round}`);
        }
      });

      it(
        'a slower concurrent failure never shortens a longer lock (deterministic interleaving)',
        {},
        async () => {
          const { lockout } = env().cognate;
          const user = await someone();
          const now = env().clock.now();
          for (let i = 0; i < 13; i++) await lockout.recordFailure(user.sub, now);
          // Request X counts failure 14, then stalls (GC pause, slow network) before writing its lock...
          const gate = pausedAfterFirst('executeTakeFirst');
          const slow = new Lockout(gate.wrap(env().db));
          const x = slow.recordFailure(user.sub, now);
          await gate.reached;
          // ...while request Y counts failure 15 and locks for the full 900 s.
          await lockout.recordFailure(user.sub, now);
          assert.equal((await state(user.sub)).locked_until, now + 900 * SECOND);
          gate.release();
          await x;
          const s = await state(user.sub);
          assert.equal(s.failed_attempts, 15);
          assert.equal(s.locked_until, now + 900 * SECOND, `locked for ${((s.locked_until ?? now) - now) / SECOND} s after 15 failures`);
        },
      );
    });

    // -------------------------------------------------------------------------------------------
    describe('outbox', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      const headerId = /\bid (\S+)$/;
      const recording = () => {
        const lines: string[] = [];
        const transport = consoleTransport((line) => lines.push(line));
        const delivered = () => lines.map((l) => headerId.exec(l)?.[1]).filter((id): id is string => id !== undefined);
        return { lines, transport, delivered };
      };
      const outboxWith = (transports: { email?: MessageTransport; sms?: MessageTransport; outbox?: MessageTransport }, db = env().db) =>
        new Outbox(db, env().cognate.secrets.atRest, env().clock, transports, silentLog);
      const message = (poolId: string, code: string, to = 'someone@example.com') => ({
        poolId, channel: 'email' as const, to, kind: 'SignUp', subject: 'Your code', text: `Your verification code is ${code}`, html: `<b>${code}</b>`,
      });

      it('a message enqueued in a transaction that rolls back leaves nothing', async () => {
        const poolId = unique('pool');
        const { transport, delivered } = recording();
        const outbox = outboxWith({ outbox: transport });
        await assert.rejects(
          env().db.transaction().execute(async (trx) => {
            await outbox.enqueue(trx, message(poolId, '111111'));
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal(await countRows(env().db, 'outbox', poolId), 0);
        assert.deepEqual(await outbox.recent(20, poolId), []);
        await outbox.deliverDue();
        assert.deepEqual(delivered(), []);
      });

      it('a message sent by a transport with a long name (sms-webhook(<origin>)) is marked delivered once, not refused by the column and sent again', async () => {
        const poolId = unique('pool');
        const { transport, delivered } = recording();
        const longNamed: MessageTransport = { ...transport, name: `sms-webhook(https://sms-gateway.internal.example.com:8443)`, send: (m) => transport.send(m) };
        const outbox = outboxWith({ email: longNamed });
        await outbox.enqueue(env().db, message(poolId, '390127'));
        await outbox.deliverDue();
        await outbox.deliverDue();
        assert.equal(delivered().length, 1, 'sent once');
        const row = await env().db.selectFrom('outbox').select(['delivered_at', 'delivered_by']).where('pool_id', '=', poolId).executeTakeFirstOrThrow();
        assert.ok(row.delivered_at !== null);
        assert.equal(row.delivered_by, longNamed.name.slice(0, 32), 'the name, cut to the column');
      });

      it('seals content at rest; recent() opens it, newest first, per pool', async () => {
        const poolId = unique('pool');
        const outbox = outboxWith({});
        const first = await env().db.transaction().execute((trx) => outbox.enqueue(trx, message(poolId, '482913', 'ivan@example.com')));
        env().clock.advance(1);
        const second = await outbox.enqueue(env().db, { poolId, channel: 'sms', to: '+15550002222', kind: 'ForgotPassword', text: 'Code 771204' });
        const rows = await env().db.selectFrom('outbox').selectAll().where('pool_id', '=', poolId).execute();
        assert.equal(rows.length, 2);
        for (const row of rows) {
          const text = rowText(row);
          for (const secret of ['482913', '771204', 'verification code', 'Your code']) assertNotContained(text, secret, 'message content');
        }
        const recent = await outbox.recent(20, poolId);
        assert.deepEqual(recent.map((m) => m.id), [second, first]);
        assert.deepEqual(
          { to: recent[1]!.to, channel: recent[1]!.channel, kind: recent[1]!.kind, subject: recent[1]!.subject, text: recent[1]!.text, html: recent[1]!.html, deliveredAt: recent[1]!.deliveredAt, attempts: recent[1]!.attempts },
          { to: 'ivan@example.com', channel: 'email', kind: 'SignUp', subject: 'Your code', text: 'Your verification code is 482913', html: '<b>482913</b>', deliveredAt: null, attempts: 0 },
        );
        assert.equal(recent[0]!.text, 'Code 771204');
        assert.equal(recent[0]!.subject, undefined);
        assert.deepEqual((await outbox.recent(1, poolId)).map((m) => m.id), [second]);
        assert.deepEqual(await outbox.recent(20, unique('other-pool')), []);
      });

      it('committed messages are delivered exactly once, even by concurrent passes of two nodes', async () => {
        const poolId = unique('pool');
        const { transport, delivered, lines } = recording();
        const node1 = outboxWith({ outbox: transport });
        // A second node: its own connection(s) to the same database.
        const store2 = await openStore({ databaseUrl: env().place.databaseUrl, dataDir: env().place.dataDir, migrate: false });
        try {
          const node2 = outboxWith({ outbox: transport }, store2.db);
          const ids = await env().db.transaction().execute(async (trx) => {
            const out: string[] = [];
            for (let i = 0; i < 10; i++) out.push(await node1.enqueue(trx, message(poolId, String(100000 + i), `user${i}@example.com`)));
            return out;
          });
          await Promise.all([node1.deliverDue(), node1.deliverDue(), node2.deliverDue(), node2.deliverDue()]);
          const sent = delivered().filter((id) => ids.includes(id));
          assert.deepEqual([...sent].sort(), [...ids].sort(), 'each message exactly once');
          for (let i = 0; i < 10; i++) assert.equal(lines.filter((l) => l.includes(`Your verification code is ${100000 + i}`)).length, 1);

          const rows = await env().db.selectFrom('outbox').selectAll().where('pool_id', '=', poolId).execute();
          for (const row of rows) {
            assert.equal(row.delivered_at, env().clock.now());
            assert.equal(row.delivered_by, 'console');
            assert.equal(row.attempts, 1);
            assert.equal(row.failed_at, null);
          }
          // Later passes (lease or not) deliver nothing again.
          env().clock.advance(MINUTE);
          await Promise.all([node1.deliverDue(), node2.deliverDue()]);
          assert.equal(delivered().filter((id) => ids.includes(id)).length, 10);
        } finally {
          await store2.close();
        }
      });

      it('a transient failure is retried after a backoff; a permanent one is given up', async () => {
        const poolId = unique('pool');
        const calls: string[] = [];
        let fail: 'transient' | 'permanent' | undefined = 'transient';
        const flaky: MessageTransport = {
          name: 'flaky',
          async send(m) {
            calls.push(m.id);
            if (fail) throw new TransportError('nope', { permanent: fail === 'permanent' });
          },
        };
        const outbox = outboxWith({ email: flaky });
        const id = await outbox.enqueue(env().db, message(poolId, '222222'));
        await outbox.deliverDue();
        let row = await env().db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual({ attempts: row.attempts, delivered_at: row.delivered_at, failed_at: row.failed_at, last_error: row.last_error }, { attempts: 1, delivered_at: null, failed_at: null, last_error: 'nope' });
        assert.ok(row.next_attempt_at > env().clock.now());
        await outbox.deliverDue();
        assert.equal(calls.filter((c) => c === id).length, 1, 'not retried before the backoff');
        env().clock.set(row.next_attempt_at);
        fail = undefined;
        await outbox.deliverDue();
        row = await env().db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(calls.filter((c) => c === id).length, 2);
        assert.equal(row.delivered_by, 'flaky');
        assert.equal(row.last_error, null);

        fail = 'permanent';
        const doomed = await outbox.enqueue(env().db, message(poolId, '333333'));
        await outbox.deliverDue();
        env().clock.advance(HOUR);
        await outbox.deliverDue();
        const dead = await env().db.selectFrom('outbox').selectAll().where('id', '=', doomed).executeTakeFirstOrThrow();
        assert.equal(calls.filter((c) => c === doomed).length, 1);
        assert.ok(dead.failed_at !== null);
        assert.equal(dead.delivered_at, null);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('server secrets', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('loading twice, and concurrently, agrees on the same keys', async () => {
        const { store, secrets } = env().cognate;
        const masterKey = loadMasterKey('', env().place.dataDir);
        const loaded = [await loadServerSecrets(store, masterKey, env().clock.now()), ...(await Promise.all([1, 2, 3].map(() => loadServerSecrets(store, masterKey, env().clock.now()))))];
        for (const s of loaded) {
          assert.ok(s.codeKey.equals(secrets.codeKey));
          assert.ok(s.fakeSaltKey.equals(secrets.fakeSaltKey));
          assert.equal(s.sessions.openString(secrets.sessions.sealToString('hello', 'session'), 'session')?.toString(), 'hello');
          assert.equal(secrets.atRest.openString(s.atRest.sealToString('at rest', 'purpose'), 'purpose')?.toString(), 'at rest');
        }
        assert.equal((await env().db.selectFrom('server_secrets').selectAll().execute()).length, 3);
      });

      it('nodes starting at once on a fresh database agree on one set of secrets', async () => {
        const place = await newPlace(kind);
        const stores: Store[] = [];
        try {
          stores.push(await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir }));
          stores.push(await openStore({ databaseUrl: place.databaseUrl, dataDir: place.dataDir, migrate: false }));
          const masterKey = randomBytes(32);
          const loaded = await Promise.all(stores.flatMap((store) => [1, 2, 3].map(() => loadServerSecrets(store, masterKey, T0))));
          for (const s of loaded) {
            assert.ok(s.codeKey.equals(loaded[0]!.codeKey));
            assert.ok(s.fakeSaltKey.equals(loaded[0]!.fakeSaltKey));
            assert.ok(!s.codeKey.equals(s.fakeSaltKey));
            assert.equal(s.sessions.openString(loaded[0]!.sessions.sealToString('x', 'y'), 'y')?.toString(), 'x');
          }
          const rows = await stores[0]!.db.selectFrom('server_secrets').selectAll().execute();
          assert.deepEqual(rows.map((r) => r.name).sort(), ['code-key', 'fake-salt-key', 'session-key']);
          for (const row of rows) assertNotContained(row.value_sealed, loaded[0]!.codeKey, 'the code key');
        } finally {
          for (const store of stores) await store.close();
          await place.dispose();
        }
      });

      it('another master key fails clearly and changes nothing', async () => {
        const { store } = env().cognate;
        const before = await env().db.selectFrom('server_secrets').selectAll().orderBy('name').execute();
        await assert.rejects(
          loadServerSecrets(store, randomBytes(32), env().clock.now()),
          /server secret [\w-]+ can't be opened: is this the master key the database was created with\?/,
        );
        await assert.rejects(
          createCognate(configFor(env().place, { masterKey: randomBytes(32).toString('base64') }), silentLog, { clock: env().clock }),
          /can't be opened: is this the master key/,
        );
        assert.deepEqual(await env().db.selectFrom('server_secrets').selectAll().orderBy('name').execute(), before);
        // The right key still works.
        await loadServerSecrets(store, loadMasterKey('', env().place.dataDir), env().clock.now());
      });
    });
  });
}

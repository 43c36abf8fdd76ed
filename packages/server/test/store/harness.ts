/**
 * Helpers for the storage conformance suite (conformance.test.ts): a fresh database of either kind,
 * the Cognate domain assembled on it with a ManualClock, and small builders and assertions that
 * every case shares. Nothing here knows which dialect it runs on; the cases must not either.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { sql, type Kysely } from 'kysely';
import { loadConfig, type Config } from '../../src/config.js';
import { createCognate, type Cognate } from '../../src/app.js';
import { newSub } from '../../src/domain/ids.js';
import type { UserPool } from '../../src/domain/user-pools.js';
import type { User, UserStatus } from '../../src/domain/users.js';
import type { AppClient } from '../../src/domain/app-clients.js';
import { ManualClock } from '../../src/ports.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase } from '../support/postgres.js';

export type Kind = 'sqlite' | 'postgres';

/** A fixed start time, well past 2^31 ms, so BIGINT handling is exercised. */
export const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const silentLog = pino({ level: 'silent' });

/**
 * Where one database lives: a temporary data folder (SQLite file, master key) and, for PostgreSQL,
 * a fresh database on the test cluster. `dispose()` drops and removes both; safe to call twice.
 */
export interface Place {
  kind: Kind;
  dataDir: string;
  databaseUrl: string;
  dispose(): Promise<void>;
}

export async function newPlace(kind: Kind): Promise<Place> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `cognate-store-${kind}-`));
  let databaseUrl = '';
  let drop: (() => Promise<void>) | undefined;
  if (kind === 'postgres') {
    const database = await createTestDatabase().catch(async (e: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      throw e;
    });
    if (!database) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error('PostgreSQL requested but COGNATE_TEST_PG_URL is not set');
    }
    databaseUrl = database.url;
    drop = database.drop;
  }
  let disposed: Promise<void> | undefined;
  return {
    kind,
    dataDir,
    databaseUrl,
    dispose: () =>
      (disposed ??= (async () => {
        try {
          await drop?.();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      })()),
  };
}

/** The configuration the brief prescribes, for a place. */
export function configFor(place: Place, extra: Partial<Record<keyof Config, unknown>> = {}): Config {
  return loadConfig(
    {
      dataDir: place.dataDir,
      databaseUrl: place.databaseUrl,
      printOutbox: false,
      argon2MemoryKiB: 4096,
      adminAccessKeyId: 'AKIATEST',
      adminSecretAccessKey: 'x'.repeat(40),
      sqliteSynchronous: 'NORMAL',
      ...extra,
    },
    {},
  );
}

/** A fresh database with the domain on it. */
export interface Env {
  kind: Kind;
  place: Place;
  clock: ManualClock;
  cognate: Cognate;
  /** The raw database, for looking at rows as stored. */
  db: Kysely<Database>;
  close(): Promise<void>;
}

export async function openEnv(kind: Kind): Promise<Env> {
  const place = await newPlace(kind);
  const clock = new ManualClock(T0);
  let cognate: Cognate;
  try {
    cognate = await createCognate(configFor(place), silentLog, { clock });
  } catch (e) {
    await place.dispose();
    throw e;
  }
  let closed: Promise<void> | undefined;
  return {
    kind,
    place,
    clock,
    cognate,
    db: cognate.store.db,
    close: () =>
      (closed ??= (async () => {
        try {
          await cognate.close();
        } finally {
          await place.dispose();
        }
      })()),
  };
}

let counter = 0;
/** A name no other case in this process uses. */
/** Opens a fresh Env before the enclosing describe's cases and closes (drops) it after them. */
export function useEnv(kind: Kind): () => Env {
  let env: Env | undefined;
  before(async () => {
    env = await openEnv(kind);
  });
  after(async () => {
    await env?.close();
  });
  return () => env ?? assert.fail('the test database is not open');
}

export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** Creates a pool (with its signing key, as CreateUserPool does). */
export async function newPool(env: Env, input: Record<string, unknown> = {}): Promise<UserPool> {
  const now = env.clock.now();
  const pool = await env.cognate.pools.create({ PoolName: unique('pool'), ...input } as never, now);
  await env.cognate.keys.create(pool.id, now);
  return pool;
}

export async function newClient(env: Env, pool: UserPool, input: Record<string, unknown> = {}): Promise<AppClient> {
  return env.cognate.clients.create(pool.id, { ClientName: unique('client'), ...input } as never, env.clock.now());
}

/** Inserts a user directly (no password unless `credentials`), and reads it back. */
export async function newUser(
  env: Env,
  pool: UserPool,
  username: string,
  attributes: Record<string, string> = {},
  opts: { status?: UserStatus; password?: string } = {},
): Promise<User> {
  const sub = newSub();
  const credentials = opts.password ? await env.cognate.users.credentials(pool, username, opts.password) : undefined;
  await env.cognate.users.insert(
    env.db,
    pool,
    { sub, username, status: opts.status ?? 'CONFIRMED', attributes: new Map(Object.entries(attributes)), ...(credentials ? { credentials } : {}) },
    env.clock.now(),
  );
  const user = await env.cognate.users.findBySub(pool.id, sub);
  assert.ok(user, `user ${username} was not found after insert`);
  return user;
}

/** Asserts that `work` rejects with a CognitoError of this name (and, when given, message). */
export async function rejectsWith(work: Promise<unknown> | (() => Promise<unknown>), name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(typeof work === 'function' ? work() : work, (e: unknown) => {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

/** Rows of `table` whose pool_id (id for user_pools) is `poolId`. */
export async function countRows(db: Kysely<Database>, table: keyof Omit<Database, 'kysely_placeholder'>, poolId: string): Promise<number> {
  const column = table === 'user_pools' ? 'id' : 'pool_id';
  const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${poolId}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/** Every stored text column of a row, joined, for "is this secret anywhere in it" checks. */
export function rowText(row: object | undefined): string {
  assert.ok(row, 'row not found');
  return Object.values(row).map((v) => String(v)).join('\n');
}

/** Asserts that none of the given renderings of `secret` appears in `text`. */
export function assertNotContained(text: string, secret: string | Buffer, what: string): void {
  const forms = typeof secret === 'string'
    ? [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]
    : [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')];
  for (const form of forms) assert.ok(!text.includes(form), `${what} is stored in the clear (${form.slice(0, 16)}…)`);
}

/**
 * Stalls a caller between two of its queries, to replay an interleaving deterministically.
 * `wrap(db)` returns a view of `db` whose builders behave as usual, except that the first
 * `method` call (e.g. `executeTakeFirst`) completes its query, releases the connection, and then
 * waits: `reached` resolves at that point and the caller continues only after `release()`.
 */
export function pausedAfterFirst(method: string): { wrap<T extends object>(db: T): T; reached: Promise<void>; release(): void } {
  let reachedResolve!: () => void;
  let releaseResolve!: () => void;
  const reached = new Promise<void>((r) => (reachedResolve = r));
  const released = new Promise<void>((r) => (releaseResolve = r));
  let armed = true;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        if (prop === method) {
          return async (...args: unknown[]) => {
            const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
            if (armed) {
              armed = false;
              reachedResolve();
              await released;
            }
            return result;
          };
        }
        return (...args: unknown[]) => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(t, args);
          return result !== null && typeof result === 'object' && !(result instanceof Promise) ? wrap(result) : result;
        };
      },
    });
  return { wrap, reached, release: () => releaseResolve() };
}

/** A table as schema.ts declares it: its columns, and those whose type admits null. */
export interface DeclaredTable {
  columns: string[];
  nullable: string[];
}

/**
 * The tables of src/store/schema.ts, read from its source (its `Database` interface and the
 * interfaces it names, there or in the schema-*.ts files it re-exports), so the schema checks
 * follow the schema as it grows. Sorted names.
 */
export function declaredSchema(): Record<string, DeclaredTable> {
  const dir = fileURLToPath(new URL('../../src/store/', import.meta.url));
  const text = readdirSync(dir)
    .filter((f) => /^schema(-[\w-]+)?\.ts$/.test(f))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const blocks = new Map<string, string>();
  // An interface that extends others (Database extends AreaTables) has their members as well.
  const bases = new Map<string, string[]>();
  for (const m of text.matchAll(/^export interface (\w+)(?: extends ([\w, ]+))? \{([\s\S]*?)^\}/gm)) {
    blocks.set(m[1]!, m[3]!);
    if (m[2]) bases.set(m[1]!, m[2].split(',').map((b) => b.trim()));
  }
  const withBases = (name: string): string | undefined => {
    const own = blocks.get(name);
    return own === undefined ? undefined : [own, ...(bases.get(name) ?? []).map((b) => withBases(b) ?? '')].join('\n');
  };
  const fields = (body: string) =>
    [...body.matchAll(/^\s+(\w+)(\??):\s*([^;]+);/gm)].map((m) => ({ name: m[1]!, optional: m[2] === '?', type: m[3]!.trim() }));
  const database = withBases('Database');
  assert.ok(database, 'schema.ts has no Database interface');
  const out: Record<string, DeclaredTable> = {};
  for (const table of fields(database)) {
    if (table.optional) continue; // kysely_placeholder: a typing aid, not a table
    const body = blocks.get(table.type);
    assert.ok(body, `schema.ts: no interface ${table.type} for table ${table.name}`);
    const columns = fields(body);
    out[table.name] = {
      columns: columns.map((c) => c.name).sort(),
      nullable: columns.filter((c) => /\bnull\b/.test(c.type)).map((c) => c.name).sort(),
    };
  }
  return out;
}

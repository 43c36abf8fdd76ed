/**
 * Opens the database: SQLite in the data folder by default (zero set-up), PostgreSQL when
 * `DATABASE_URL` is a postgres:// URL. Both run the same migrations and queries through Kysely.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type SqliteDialectConfig, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations.js';
import { BoundedMap } from '../domain/cache.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * What a repository function runs its statements on: the database, or the transaction a caller
 * opened with `Store.transaction`. The domain passes it along and never builds a query with it.
 */
export type Executor = Kysely<Database>;

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * Runs `work` in a transaction. When PostgreSQL rolls it back whole because it lost a deadlock
   * or a serialization conflict to a concurrent one (SQLSTATE 40P01, 40001), it runs again, a few
   * times, after a short random pause: `work` must read what it needs inside the transaction and
   * have no effect outside it.
   */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Throws when the database can't answer a trivial query within `timeoutMs` (default 1 s). */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// BIGINT (int8) and NUMERIC come back from pg as strings; our BIGINTs are epoch milliseconds, well inside 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface OpenOptions {
  databaseUrl: string;
  dataDir: string;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** SQLite's busy_timeout: how long a statement waits for another process's lock (default 5000 ms). */
  sqliteBusyTimeoutMs?: number;
  /** SQLite's mmap_size, in MiB (default 0: no memory map). */
  sqliteMmapMb?: number;
  migrate?: boolean;
}

/**
 * Kysely locks migrations on PostgreSQL but not across SQLite processes: when two nodes start on
 * one fresh file, the loser's CREATE TABLE fails; after a moment the winner's work is visible and
 * the migrator finds nothing left to do.
 */
async function migrateWithRetry(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(db);
      return;
    } catch (e) {
      if (dialect !== 'sqlite' || attempt >= 5) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** PostgreSQL's deadlock_detected and serialization_failure: nothing was written; try again. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
/**
 * Tries a transaction gets: 18 writers crossing on one alias (test/e2e/aliases) lost 10 in a row on
 * a machine at load 12. After the last, the conflict is answered as a busy database (store/faults.ts:
 * a retryable 503), never as an internal error.
 */
const MAX_TRANSACTION_ATTEMPTS = 16;

async function retryConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (attempt >= MAX_TRANSACTION_ATTEMPTS || typeof code !== 'string' || !RETRYABLE_SQLSTATES.has(code)) throw e;
      // Exponential backoff with full jitter (≤ 2, 4, 8 … 250 ms), so the crossing writers spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 2 ** attempt)));
    }
  }
}

/**
 * Kysely prepares every statement anew; better-sqlite3 statements are reusable, and Kysely runs
 * each to completion before the next, so one prepared statement per distinct SQL text serves all.
 * The set of texts is bounded by the code (values are always parameters).
 */
function cachePreparedStatements(sqlite: SqliteDatabase.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, SqliteDatabase.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      if (statements.size < 2000) statements.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

const PREPARED = Symbol('cognate.preparedStatements');

/** Statement names by SQL text, shared by every connection: the hash is taken once per text, not per query. */
const statementNames = new BoundedMap<string, string>(2000);
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = createHash('sha1').update(text).digest('base64url').slice(0, 22);
    statementNames.set(text, name);
  }
  return name;
}
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * Sends Kysely's parameterised statements as named prepared statements (the name is a hash of the
 * text), so each connection parses and plans a statement once and then reuses it — after five runs
 * PostgreSQL settles on a generic plan. On 2 cores this lifted refresh and GetUser on PostgreSQL by
 * half (docs/benchmarks.md). Statements without parameters (BEGIN, DDL) go as they are.
 *
 * A schema change under a running node (another node migrating) can invalidate a prepared
 * `select *` ("cached plan must not change result type"): the connection then prepares afresh
 * under new names, and the statement that hit it runs once more.
 */
function preparedStatements(client: pg.PoolClient): pg.PoolClient {
  const patched = client as pg.PoolClient & { [PREPARED]?: true };
  if (patched[PREPARED]) return client;
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
  let generation = 0;
  const named = (text: string, values: unknown[]) => query({ name: `k${generation}_${statementName(text)}`, text, values });
  (client as { query: unknown }).query = async (text: unknown, values?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || !PREPARABLE.test(text)) return query(text, values);
    try {
      return await named(text, values);
    } catch (e) {
      if ((e as { code?: string }).code !== '0A000' || !/cached plan/i.test(String((e as Error).message))) throw e;
      generation++;
      return named(text, values);
    }
  };
  patched[PREPARED] = true;
  return client;
}

/** Rejects when `work` has not settled within `ms` (work itself goes on; its result is dropped). */
function withTimeout(work: Promise<unknown>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
  });
  work.catch(() => {});
  return Promise.race([work.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * SQLite transactions begin IMMEDIATE: the write lock is taken (waiting up to the busy timeout for
 * another process to release it) before the transaction reads. A deferred transaction (Kysely's
 * `begin`) that reads and then writes can't wait: when another process committed meanwhile, its
 * snapshot is stale and the write fails at once with SQLITE_BUSY_SNAPSHOT — a 503 for every write
 * that crossed another worker's (`cognate start --workers N` on one file). Within one process it
 * changes nothing: Kysely runs SQLite's one connection one transaction at a time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

export async function openStore(options: OpenOptions): Promise<Store> {
  const url = options.databaseUrl;
  let db: Kysely<Database>;
  let dialect: Dialect;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    dialect = 'postgres';
    const pool = new pg.Pool({
      connectionString: url,
      max: 20,
      // An unreachable database fails a connect within 2 s (a 503 the client retries) instead of
      // holding the request; keepalive notices a silently dropped connection (store/faults.ts).
      connectionTimeoutMillis: 2000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      idleTimeoutMillis: 30_000,
      // A hung database fails requests fast instead of piling them up (security.md R03).
      statement_timeout: 5000,
      query_timeout: 6000,
    });
    // A client losing its connection (the database stopped or restarted) emits 'error'. The pool
    // listens while a client is idle and replaces it; while a client is checked out nobody does,
    // and an 'error' without a listener ends the process (issue-10 item 9). So every client gets
    // its own listener for its whole life: the query in flight rejects with the same error, the
    // request answers 503, and pg-pool discards a client that errored when it is released.
    pool.on('error', () => {});
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const preparing = { connect: async () => preparedStatements(await pool.connect()), end: () => pool.end() };
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparing }) });
  } else if (url === '' || url.startsWith('sqlite:') || url.startsWith('file:')) {
    dialect = 'sqlite';
    let file = url.replace(/^(sqlite|file):(\/\/)?/, '');
    if (file === '') {
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      file = path.join(options.dataDir, 'cognate.db');
    }
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.trunc(options.sqliteBusyTimeoutMs ?? 5000)}`);
    // SQLite's default page cache is 2 MB; a directory of a million users is about 750 MB, and
    // every ListUsers page reads index and user pages scattered through it. 64 MiB of cache keeps
    // the hot ones in memory. A memory map (--sqlite-mmap-mb) saves ListUsers some CPU at a million
    // users, but its pages count in each worker's resident memory (~270 MB more at 256 MiB), so it
    // is off unless asked for (docs/configuration.md cites the runs).
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma(`mmap_size = ${Math.trunc(options.sqliteMmapMb ?? 0) * 1024 * 1024}`);
    cachePreparedStatements(sqlite);
    db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  } else {
    throw new Error('DATABASE_URL must be empty (SQLite), sqlite:<file>, or postgres://…');
  }
  if (options.migrate !== false) await migrateWithRetry(db, dialect);
  return {
    transaction: (work) => retryConflicts(() => db.transaction().execute(work)),
    db,
    dialect,
    ping: (timeoutMs = 1000) => withTimeout(sql`select 1`.execute(db), timeoutMs, 'database ping timed out'),
    close: () => db.destroy(),
  };
}

/**
 * The online backup of the SQLite database (`cognate backup`, devflow/backup.ts). `VACUUM INTO`
 * copies the database as one read transaction sees it: a consistent snapshot, taken while the
 * server's workers go on writing (WAL readers don't block writers, nor writers them), and never
 * restarted by those writes as the page-by-page backup API is.
 */
import { sql } from 'kysely';
import type { Executor } from './db.js';

/** Writes a consistent copy of the database `db` is open on to `file`, which must not exist. */
export async function vacuumInto(db: Executor, file: string): Promise<void> {
  await sql`VACUUM INTO ${file}`.execute(db);
}

/** SQLite's own check of a database file's structure: 'ok', or the first problems it found. */
export async function integrityCheck(db: Executor): Promise<string> {
  const result = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
  return result.rows.map((r) => r.integrity_check).join('; ');
}

/** How many rows a table has (the backup's summary). */
export async function countRows(db: Executor, table: 'user_pools' | 'users' | 'identity_pools'): Promise<number> {
  const result = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(result.n);
}

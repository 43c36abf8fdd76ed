/**
 * Confirmation codes: one row per code issued (its HMAC, never the code), bound to a user and a
 * purpose, with its expiry, wrong attempts and when it was used up (domain/codes.ts has the rules).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from './db.js';
import type { CodesTable } from './schema.js';

export type CodeRow = Selectable<CodesTable>;

/**
 * Takes the user's row lock (a no-op update), so concurrent issues for one user count one after
 * another (PostgreSQL; SQLite transactions are serial anyway). A key that names no user locks nothing.
 */
export async function lockUser(db: Executor, userId: string): Promise<void> {
  await db.updateTable('users').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', userId).execute();
}

/** Codes of a purpose the user was sent after `since` (all of them without it). */
export async function count(db: Executor, p: { userId: string; purpose: string; since?: number }): Promise<number> {
  let q = db.selectFrom('codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', p.userId).where('purpose', '=', p.purpose);
  if (p.since !== undefined) q = q.where('created_at', '>', p.since);
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Codes sent to a user since `since` whose purpose starts with `prefix` (a literal without LIKE wildcards: `mfa:`), across Sessions. */
export async function countByPrefix(db: Executor, p: { userId: string; prefix: string; since: number }): Promise<number> {
  const row = await db
    .selectFrom('codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', p.userId)
    .where('purpose', 'like', `${p.prefix}%`)
    .where('created_at', '>', p.since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insert(db: Executor, row: Insertable<CodesTable>): Promise<void> {
  await db.insertInto('codes').values(row).execute();
}

/** Uses up every live code of a purpose. */
export async function invalidate(db: Executor, p: { userId: string; purpose: string }, now: number): Promise<void> {
  await db.updateTable('codes').set({ consumed_at: now }).where('user_id', '=', p.userId).where('purpose', '=', p.purpose).where('consumed_at', 'is', null).execute();
}

/** The newest unconsumed code of a purpose, found by state, not by time, so a code issued by a node whose clock is behind still counts. */
export async function live(db: Executor, p: { userId: string; purpose: string }): Promise<CodeRow | undefined> {
  return db.selectFrom('codes').selectAll().where('user_id', '=', p.userId).where('purpose', '=', p.purpose).where('consumed_at', 'is', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** Counts a wrong attempt on code `id`. */
export async function countAttempt(db: Executor, id: string): Promise<void> {
  await db.updateTable('codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
}

/** Uses code `id` up if it is still unconsumed with fewer than `maxAttempts` wrong attempts: true when this call did. */
export async function consume(db: Executor, id: string, now: number, maxAttempts: number): Promise<boolean> {
  const result = await db.updateTable('codes').set({ consumed_at: now }).where('id', '=', id).where('consumed_at', 'is', null).where('attempts', '<', maxAttempts).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

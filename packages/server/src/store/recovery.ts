/**
 * Decoy rows (table `recovery_requests`): what a code request or a wrong code for a name that gets
 * no code writes under PreventUserExistenceErrors ENABLED, so it costs what a real one costs
 * (domain/messages.ts sendDecoyCode, tryDecoyCode). Keyed by an HMAC that names no one; never read
 * for anything but the decoy's own attempt count.
 */
import type { Executor } from './db.js';

type Kind = 'code' | 'message' | 'attempt';

/**
 * Writes a decoy code or message row: an upsert, so one name keeps one row of each kind; a new code
 * starts with no wrong attempts, as a real one does.
 */
export async function putDecoy(db: Executor, p: { key: string; poolId: string; kind: Exclude<Kind, 'attempt'>; purpose: string; value: string; now: number }): Promise<void> {
  await db
    .insertInto('recovery_requests')
    .values({ key: p.key, pool_id: p.poolId, kind: p.kind, purpose: p.purpose, value: p.value, created_at: p.now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ purpose: p.purpose, value: p.value, attempts: 0, created_at: p.now }))
    .execute();
}

/** Writes (upserts) a name's `attempt` row: the write a wrong code makes. */
export async function putDecoyAttempt(db: Executor, p: { key: string; poolId: string; purpose: string; now: number }): Promise<void> {
  await db
    .insertInto('recovery_requests')
    .values({ key: p.key, pool_id: p.poolId, kind: 'attempt', purpose: p.purpose, value: '', created_at: p.now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ purpose: p.purpose, created_at: p.now }))
    .execute();
}

export async function findDecoy(db: Executor, key: string): Promise<{ purpose: string; attempts: number; created_at: number } | undefined> {
  return db.selectFrom('recovery_requests').select(['purpose', 'attempts', 'created_at']).where('key', '=', key).executeTakeFirst();
}

/** Counts a wrong code against a decoy code row. */
export async function countDecoyAttempt(db: Executor, key: string): Promise<void> {
  await db.updateTable('recovery_requests').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('key', '=', key).execute();
}

/** Deletes decoy rows written before `before`. */
export async function pruneDecoys(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('recovery_requests').where('created_at', '<', before).execute();
}

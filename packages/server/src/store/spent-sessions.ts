/**
 * Spent sessions: the nonces of single-use sealed Sessions already answered (domain/single-use.ts).
 * The nonce is the primary key, so of two inserts of one nonce, on any nodes, exactly one succeeds.
 */
import type { Executor } from './db.js';

/** Records `nonce` as spent; throws the database's unique violation when it was spent before. */
export async function insert(db: Executor, nonce: string, expiresAt: number): Promise<void> {
  await db.insertInto('spent_sessions').values({ nonce, expires_at: expiresAt }).execute();
}

/** Whether `nonce` is recorded as spent. */
export async function isSpent(db: Executor, nonce: string): Promise<boolean> {
  return (await db.selectFrom('spent_sessions').select('nonce').where('nonce', '=', nonce).executeTakeFirst()) !== undefined;
}

/** Forgets nonces whose Sessions have expired anyway. */
export async function pruneExpired(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('spent_sessions').where('expires_at', '<', now).execute();
}

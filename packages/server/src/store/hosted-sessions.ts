/**
 * The hosted UI's browser sessions (domain/oauth/hosted-sessions.ts). Rows are keyed by the hash of
 * the cookie value; an expired row is as good as absent and is pruned now and then.
 */
import type { Executor } from './db.js';
import type { HostedSessionsTable } from './schema.js';

export type HostedSessionRow = HostedSessionsTable;

export async function insert(db: Executor, row: HostedSessionRow): Promise<void> {
  await db.insertInto('hosted_sessions').values(row).execute();
}

/** The live session with this hash, if any. */
export async function findLive(db: Executor, idHash: string, now: number): Promise<HostedSessionRow | undefined> {
  return db.selectFrom('hosted_sessions').selectAll().where('id_hash', '=', idHash).where('expires_at', '>', now).executeTakeFirst();
}

/** Ends a session; returns the row it ended, if there was one. */
export async function remove(db: Executor, idHash: string): Promise<HostedSessionRow | undefined> {
  const row = await db.selectFrom('hosted_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (row) await db.deleteFrom('hosted_sessions').where('id_hash', '=', idHash).execute();
  return row;
}

/** Forgets sessions that have expired anyway. */
export async function pruneExpired(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('hosted_sessions').where('expires_at', '<=', now).execute();
}

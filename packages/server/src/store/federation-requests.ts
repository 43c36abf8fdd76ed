/**
 * Outbound requests toward external providers (domain/federation/requests.ts), keyed by the
 * SHA-256 of their id; single use.
 */
import type { Executor } from './db.js';
import type { FederationRequestsTable } from './schema.js';

export type FederationRequestRow = FederationRequestsTable;

export async function insert(db: Executor, row: FederationRequestRow): Promise<void> {
  await db.insertInto('federation_requests').values(row).execute();
}

/**
 * Takes a live request: deletes it and returns it, unless another caller took it first or it
 * expired (undefined). The delete decides a race: only one taker sees a deleted row.
 */
export async function take(db: Executor, poolId: string, idHash: string, now: number): Promise<FederationRequestRow | undefined> {
  const row = await db.selectFrom('federation_requests').selectAll().where('id_hash', '=', idHash).where('pool_id', '=', poolId).executeTakeFirst();
  if (!row) return undefined;
  const r = await db.deleteFrom('federation_requests').where('id_hash', '=', idHash).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) return undefined;
  return Number(row.expires_at) > now ? row : undefined;
}

/** Deletes expired requests. */
export async function pruneExpired(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('federation_requests').where('expires_at', '<=', now).execute();
}

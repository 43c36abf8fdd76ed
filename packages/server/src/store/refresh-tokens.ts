/**
 * Refresh tokens: one row per refresh-token family (its id is the family's origin_jti), with the
 * user, client, device and auth time it was issued for, the hash of its secret, and when it was
 * revoked.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from './db.js';
import type { RefreshTokensTable } from './schema.js';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export async function insert(db: Executor, row: Insertable<RefreshTokensTable>): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

/** The family whose origin_jti is `id`, in whatever pool. */
export async function find(db: Executor, id: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Revokes one family, unless it is revoked already. */
export async function revoke(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Revokes every family of the user that is not revoked yet. */
export async function revokeAllForUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', sub).where('revoked_at', 'is', null).execute();
}

/** Revokes every family issued to the client that is not revoked yet (the client is being deleted). */
export async function revokeAllForClient(db: Executor, clientId: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('client_id', '=', clientId).where('revoked_at', 'is', null).execute();
}

/**
 * Refresh tokens: one row per refresh-token family (its id is the family's origin_jti), with the
 * user, client, device and auth time it was issued for, the hash of its secret, and when it was
 * revoked.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from './db.js';
import { fixedStatement } from './compiled.js';
import type { RefreshTokenRotationsTable, RefreshTokensTable } from './schema.js';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export async function insert(db: Executor, row: Insertable<RefreshTokensTable>): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

/** The family whose origin_jti is `id`, in whatever pool. */
const findStatement = fixedStatement(1, (db, id: string) => db.selectFrom('refresh_tokens').selectAll().where('id', '=', id));

export async function find(db: Executor, id: string): Promise<RefreshTokenRow | undefined> {
  return (await findStatement(db, id)).rows[0];
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

/** Revokes every family the hosted-UI session produced (its logout). */
export async function revokeAllForHostedSession(db: Executor, hostedSessionId: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('hosted_session_id', '=', hostedSessionId).where('revoked_at', 'is', null).execute();
}

/** Replaces the family's current token hash, if it still is `expected` and the family is live; false otherwise. */
export async function swapToken(db: Executor, id: string, expected: string, next: string): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ token_hash: next })
    .where('id', '=', id)
    .where('token_hash', '=', expected)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a token that rotation replaced, accepted until `grace_until`. */
export async function insertRotation(db: Executor, row: Insertable<RefreshTokenRotationsTable>): Promise<void> {
  await db.insertInto('refresh_token_rotations').values(row).execute();
}

/** A token rotation replaced, by its hash. */
export async function findRotation(db: Executor, tokenHash: string): Promise<Selectable<RefreshTokenRotationsTable> | undefined> {
  return db.selectFrom('refresh_token_rotations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Forgets rotated tokens of families that expired or were revoked (their reuse no longer matters:
 * the family refuses every token anyway).
 */
export async function pruneRotations(db: Executor, now: number): Promise<void> {
  await db
    .deleteFrom('refresh_token_rotations')
    .where('family_id', 'in', (eb) => eb.selectFrom('refresh_tokens').select('id').where((w) => w.or([w('expires_at', '<', now), w('revoked_at', 'is not', null)])))
    .execute();
}

/**
 * The signing keys repository: `signing_keys` rows (private key sealed, public JWK as JSON text).
 * `pool_id` is a user pool's ID, or '' for the server-wide keys that sign identity tokens.
 */
import type { Executor } from './db.js';
import type { SigningKeysTable } from './schema.js';

export type SigningKeyRow = SigningKeysTable;

export async function insertSigningKey(db: Executor, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** The keys of one pool (or of the server, for ''), newest first. */
export async function signingKeysOfPool(db: Executor, poolId: string): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().where('pool_id', '=', poolId).orderBy('created_at', 'desc').execute();
}

/**
 * Retires the pool's active keys (all but `except`), each published until `unpublishAt`, if
 * `expectedKid` is still active: the compare-and-set that lets several nodes (or a command and a
 * node) rotate at once and only one of them win. Run it in a transaction with the new key's insert.
 * Returns whether `expectedKid` was active (false: somebody else rotated first; roll back).
 */
export async function retireActiveKeys(db: Executor, poolId: string, expectedKid: string, except: string, now: number, unpublishAt: number): Promise<boolean> {
  const won = await db.updateTable('signing_keys').set({ retired_at: now, unpublish_at: unpublishAt })
    .where('pool_id', '=', poolId).where('kid', '=', expectedKid).where('retired_at', 'is', null).executeTakeFirst();
  if (Number(won.numUpdatedRows) !== 1) return false;
  await db.updateTable('signing_keys').set({ retired_at: now, unpublish_at: unpublishAt })
    .where('pool_id', '=', poolId).where('retired_at', 'is', null).where('kid', '!=', except).execute();
  return true;
}

/** Deletes the pool's retired keys whose tokens have all expired (`unpublish_at` passed). */
export async function deleteUnpublishedKeys(db: Executor, poolId: string, now: number): Promise<string[]> {
  const gone = await db.selectFrom('signing_keys').select('kid').where('pool_id', '=', poolId).where('unpublish_at', 'is not', null).where('unpublish_at', '<=', now).execute();
  if (gone.length > 0) await db.deleteFrom('signing_keys').where('pool_id', '=', poolId).where('kid', 'in', gone.map((r) => r.kid)).execute();
  return gone.map((r) => r.kid);
}

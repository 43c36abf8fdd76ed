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

/**
 * Passkeys (domain/webauthn/): one row per registered WebAuthn credential, keyed by pool and
 * credential ID. Rows go with their user and pool (foreign keys cascade).
 */
import { isUniqueViolation } from './constraints.js';
import type { Executor } from './db.js';
import type { WebAuthnCredentialsTable } from './schema.js';

export type WebAuthnCredentialRow = WebAuthnCredentialsTable;

/** Stores a new credential; 'taken' when the pool already has a credential with this ID (the primary key decides a race). */
export async function insert(db: Executor, row: WebAuthnCredentialRow): Promise<'created' | 'taken'> {
  const existing = await db.selectFrom('webauthn_credentials').select('user_id').where('pool_id', '=', row.pool_id).where('credential_id', '=', row.credential_id).executeTakeFirst();
  if (existing) return 'taken';
  try {
    await db.insertInto('webauthn_credentials').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    throw e;
  }
  return 'created';
}

export async function countForUser(db: Executor, userId: string): Promise<number> {
  const r = await db.selectFrom('webauthn_credentials').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** A user's credentials, oldest first, `limit` of them after the cursor (created_at, credential_id). */
export async function listForUser(db: Executor, userId: string, limit: number, after?: [createdAt: number, credentialId: string]): Promise<WebAuthnCredentialRow[]> {
  let q = db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('credential_id').limit(limit);
  if (after) {
    const [createdAt, id] = after;
    q = q.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('credential_id', '>', id)])]));
  }
  return q.execute();
}

/** The pool's credential with this ID, whoever it belongs to. */
export async function findInPool(db: Executor, poolId: string, credentialId: string): Promise<WebAuthnCredentialRow | undefined> {
  return db.selectFrom('webauthn_credentials').selectAll().where('pool_id', '=', poolId).where('credential_id', '=', credentialId).executeTakeFirst();
}

/** Deletes one of the user's credentials; false when the user has none with this ID. */
export async function removeForUser(db: Executor, userId: string, credentialId: string): Promise<boolean> {
  const r = await db.deleteFrom('webauthn_credentials').where('user_id', '=', userId).where('credential_id', '=', credentialId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Records an accepted assertion's counter, only if the stored one is still the one the assertion
 * was checked against: of two assertions racing with one counter value, one wins. False otherwise.
 */
export async function advanceCounter(db: Executor, poolId: string, credentialId: string, expected: number, next: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('webauthn_credentials')
    .set({ sign_count: next, last_used_at: now })
    .where('pool_id', '=', poolId)
    .where('credential_id', '=', credentialId)
    .where('sign_count', '=', expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * SAML federation's rows (domain/federation/saml*.ts): the pool's SAML keys, spent assertion IDs,
 * and the SAML facts of hosted sessions (single logout).
 */
import type { Executor } from './db.js';
import type { SamlKeysTable, SamlSessionsTable } from './schema.js';

export type SamlKeyRow = SamlKeysTable;
export type SamlSessionRow = SamlSessionsTable;

export async function findKey(db: Executor, poolId: string, purpose: string, providerName: string): Promise<SamlKeyRow | undefined> {
  return db.selectFrom('saml_keys').selectAll().where('pool_id', '=', poolId).where('purpose', '=', purpose).where('provider_name', '=', providerName).executeTakeFirst();
}

/** Inserts the key unless the pool has one for this purpose and provider already (the first writer wins). */
export async function insertKeyIfAbsent(db: Executor, row: SamlKeyRow): Promise<void> {
  await db.insertInto('saml_keys').values(row).onConflict((oc) => oc.columns(['pool_id', 'purpose', 'provider_name']).doNothing()).execute();
}

/** Replaces a key (a provider created anew under an old name gets a key of its own). */
export async function replaceKey(db: Executor, row: SamlKeyRow): Promise<void> {
  await db.deleteFrom('saml_keys').where('pool_id', '=', row.pool_id).where('purpose', '=', row.purpose).where('provider_name', '=', row.provider_name).execute();
  await db.insertInto('saml_keys').values(row).execute();
}

/**
 * Records an assertion ID as used. True when this call recorded it; false when it was spent
 * already (and not yet expired): a replay. The primary key decides between racing nodes.
 */
export async function spendAssertion(db: Executor, poolId: string, idHash: string, expiresAt: number, now: number): Promise<boolean> {
  await db.deleteFrom('saml_spent_assertions').where('pool_id', '=', poolId).where('id_hash', '=', idHash).where('expires_at', '<=', now).execute();
  const result = await db
    .insertInto('saml_spent_assertions')
    .values({ pool_id: poolId, id_hash: idHash, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['pool_id', 'id_hash']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function pruneSpent(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('saml_spent_assertions').where('expires_at', '<=', now).execute();
}

export async function insertSession(db: Executor, row: SamlSessionRow): Promise<void> {
  await db.insertInto('saml_sessions').values(row).onConflict((oc) => oc.column('session_id').doNothing()).execute();
}

/** Takes (reads and deletes) the SAML facts of a hosted session. */
export async function takeSession(db: Executor, sessionId: string): Promise<SamlSessionRow | undefined> {
  const row = await db.selectFrom('saml_sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  if (row) await db.deleteFrom('saml_sessions').where('session_id', '=', sessionId).execute();
  return row;
}

export async function pruneSessions(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('saml_sessions').where('expires_at', '<=', now).execute();
}

/**
 * The app clients repository: `user_pool_clients` rows (the secret sealed, the settings as JSON
 * text). A client belongs to one pool; every look-up that names a pool is scoped to it.
 */
import type { Executor } from './db.js';
import type { UserPoolClientsTable } from './schema.js';
import { revokeAllForClient } from './refresh-tokens.js';

export type AppClientRow = UserPoolClientsTable;

export async function insertAppClient(db: Executor, row: AppClientRow): Promise<void> {
  await db.insertInto('user_pool_clients').values(row).execute();
}

/** A client by its ID, whatever its pool (the ID is globally unique; callers check the pool). */
export async function findAppClientRow(db: Executor, clientId: string): Promise<AppClientRow | undefined> {
  return db.selectFrom('user_pool_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
}

export async function updateAppClient(db: Executor, poolId: string, clientId: string, changes: { name: string; settings: string; updated_at: number }): Promise<boolean> {
  const result = await db.updateTable('user_pool_clients').set(changes).where('id', '=', clientId).where('pool_id', '=', poolId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Writes a client's sealed secrets if they are still `expected` (compare-and-set); returns whether it did. */
export async function swapAppClientSecrets(db: Executor, poolId: string, clientId: string, sealed: string | null, expected: string | null): Promise<boolean> {
  let q = db.updateTable('user_pool_clients').set({ secret_sealed: sealed }).where('id', '=', clientId).where('pool_id', '=', poolId);
  q = expected === null ? q.where('secret_sealed', 'is', null) : q.where('secret_sealed', '=', expected);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Deletes a client of a pool and revokes the refresh tokens issued to it (they name the client but
 * have no foreign key to it: a token of a deleted client must read as revoked, not vanish). Run it
 * in a transaction. Returns whether the client existed in that pool.
 */
export async function deleteAppClient(db: Executor, poolId: string, clientId: string, now: number): Promise<boolean> {
  const result = await db.deleteFrom('user_pool_clients').where('id', '=', clientId).where('pool_id', '=', poolId).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) return false;
  await revokeAllForClient(db, clientId, now);
  return true;
}

/** A pool's clients in ID order, `limit + 1` of them so the caller sees whether there is a next page. */
export async function listAppClientRows(db: Executor, poolId: string, limit: number, after?: string): Promise<AppClientRow[]> {
  let q = db.selectFrom('user_pool_clients').selectAll().where('pool_id', '=', poolId).orderBy('id').limit(limit + 1);
  if (after) q = q.where('id', '>', after);
  return q.execute();
}

/** The settings (JSON text) of every client of a pool: how long their tokens live, for signing-key rotation. */
export async function clientSettingsOfPool(db: Executor, poolId: string): Promise<string[]> {
  return (await db.selectFrom('user_pool_clients').select('settings').where('pool_id', '=', poolId).execute()).map((r) => r.settings);
}

/** The pool's clients whose settings mention `providerName` (the caller checks SupportedIdentityProviders in the JSON). */
export async function clientRowsNamingProvider(db: Executor, poolId: string, providerName: string): Promise<AppClientRow[]> {
  const rows = await db.selectFrom('user_pool_clients').selectAll().where('pool_id', '=', poolId).execute();
  return rows.filter((r) => r.settings.includes(JSON.stringify(providerName)));
}

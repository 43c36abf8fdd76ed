/**
 * The managed-login branding repository: `managed_login_brandings`, one style per app client (the
 * client_id column is unique). Styles go with their pool and their client (ON DELETE CASCADE;
 * 0011_oauth_admin). Every look-up by ID is scoped to a pool.
 */
import type { Executor } from './db.js';
import type { ManagedLoginBrandingsTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraints.js';

export type ManagedLoginBrandingRow = ManagedLoginBrandingsTable;

/** Inserts a style: 'taken' when the client already has one, 'gone' when the pool or client is gone. */
export async function insertBranding(db: Executor, row: ManagedLoginBrandingRow): Promise<'created' | 'taken' | 'gone'> {
  try {
    await db.insertInto('managed_login_brandings').values(row).execute();
    return 'created';
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    if (isForeignKeyViolation(e)) return 'gone';
    throw e;
  }
}

export async function findBrandingRow(db: Executor, poolId: string, id: string): Promise<ManagedLoginBrandingRow | undefined> {
  return db.selectFrom('managed_login_brandings').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
}

export async function findBrandingRowByClient(db: Executor, poolId: string, clientId: string): Promise<ManagedLoginBrandingRow | undefined> {
  return db.selectFrom('managed_login_brandings').selectAll().where('pool_id', '=', poolId).where('client_id', '=', clientId).executeTakeFirst();
}

/** Writes a style's contents if it still has `expectedUpdatedAt` (compare-and-set); returns whether it did. */
export async function updateBrandingRow(
  db: Executor,
  poolId: string,
  id: string,
  changes: Pick<ManagedLoginBrandingRow, 'use_cognito_provided_values' | 'settings' | 'assets' | 'updated_at'>,
  expectedUpdatedAt: number,
): Promise<boolean> {
  const result = await db.updateTable('managed_login_brandings').set(changes).where('pool_id', '=', poolId).where('id', '=', id).where('updated_at', '=', expectedUpdatedAt).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteBrandingRow(db: Executor, poolId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('managed_login_brandings').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

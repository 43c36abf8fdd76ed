/**
 * The classic hosted-UI customization repository: `ui_customizations`, one row per pool ('ALL') and
 * per client with its own. A pool's rows go with the pool, a client's row with the client (foreign
 * keys with ON DELETE CASCADE; 0011_oauth_admin).
 */
import type { Executor } from './db.js';
import type { UiCustomizationsTable } from './schema.js';
import { isForeignKeyViolation } from './constraints.js';

export type UiCustomizationRow = UiCustomizationsTable;

export async function findUiCustomizationRow(db: Executor, poolId: string, target: string): Promise<UiCustomizationRow | undefined> {
  return db.selectFrom('ui_customizations').selectAll().where('pool_id', '=', poolId).where('target', '=', target).executeTakeFirst();
}

/** The client's row and the pool's ('ALL'), whichever exist, in one read. */
export async function findUiCustomizationRows(db: Executor, poolId: string, clientId: string): Promise<UiCustomizationRow[]> {
  return db.selectFrom('ui_customizations').selectAll().where('pool_id', '=', poolId).where('target', 'in', [clientId, 'ALL']).execute();
}

/**
 * Writes the customization of a target, replacing CSS and logo together (SetUICustomization sets
 * both at once); keeps the first creation time. Returns false when the pool or client is gone.
 */
export async function upsertUiCustomization(db: Executor, row: UiCustomizationRow): Promise<boolean> {
  try {
    await db
      .insertInto('ui_customizations')
      .values(row)
      .onConflict((oc) => oc.columns(['pool_id', 'target']).doUpdateSet({ css: row.css, css_version: row.css_version, image: row.image, image_type: row.image_type, updated_at: row.updated_at }))
      .execute();
    return true;
  } catch (e) {
    if (isForeignKeyViolation(e)) return false;
    throw e;
  }
}

/**
 * The terms repository: `terms`, one document of each name (terms-of-use, privacy-policy) per app
 * client (a unique index). Documents go with their pool and their client (ON DELETE CASCADE;
 * 0011_oauth_admin). Every look-up by ID is scoped to a pool.
 */
import type { Executor } from './db.js';
import type { TermsTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraints.js';

export type TermsRow = TermsTable;

/** Inserts a document: 'taken' when the client has one of that name, 'gone' when the pool or client is gone. */
export async function insertTerms(db: Executor, row: TermsRow): Promise<'created' | 'taken' | 'gone'> {
  try {
    await db.insertInto('terms').values(row).execute();
    return 'created';
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    if (isForeignKeyViolation(e)) return 'gone';
    throw e;
  }
}

export async function findTermsRow(db: Executor, poolId: string, id: string): Promise<TermsRow | undefined> {
  return db.selectFrom('terms').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
}

export async function listClientTermsRows(db: Executor, poolId: string, clientId: string): Promise<TermsRow[]> {
  return db.selectFrom('terms').selectAll().where('pool_id', '=', poolId).where('client_id', '=', clientId).orderBy('name').execute();
}

/** Changes a document of a pool: 'taken' when the new name is the client's other document's, 'missing' when there is no such document. */
export async function updateTermsRow(db: Executor, poolId: string, id: string, changes: Pick<TermsRow, 'name' | 'source' | 'enforcement' | 'links' | 'updated_at'>): Promise<'updated' | 'taken' | 'missing'> {
  try {
    const result = await db.updateTable('terms').set(changes).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? 'updated' : 'missing';
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    throw e;
  }
}

export async function deleteTermsRow(db: Executor, poolId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('terms').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A pool's documents in ID order, `limit + 1` of them so the caller sees whether there is a next page. */
export async function listTermsRows(db: Executor, poolId: string, limit: number, after?: string): Promise<TermsRow[]> {
  let q = db.selectFrom('terms').selectAll().where('pool_id', '=', poolId).orderBy('id').limit(limit + 1);
  if (after !== undefined) q = q.where('id', '>', after);
  return q.execute();
}

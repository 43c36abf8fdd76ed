/**
 * The user-pool replicas repository: `user_pool_replicas`, a pool's secondaries (the primary has no
 * row). Rows go with their pool (foreign key, cascade).
 */
import type { Executor } from './db.js';
import type { UserPoolReplicasTable } from './schema.js';

export type UserPoolReplicaRow = UserPoolReplicasTable;

export async function listReplicaRows(db: Executor, poolId: string): Promise<UserPoolReplicaRow[]> {
  return db.selectFrom('user_pool_replicas').selectAll().where('pool_id', '=', poolId).orderBy('region').execute();
}

/** The replicas of several pools at once (ListUserPools' page). */
export async function listReplicaRowsOfPools(db: Executor, poolIds: readonly string[]): Promise<UserPoolReplicaRow[]> {
  if (poolIds.length === 0) return [];
  return db.selectFrom('user_pool_replicas').selectAll().where('pool_id', 'in', poolIds).orderBy('pool_id').orderBy('region').execute();
}

/**
 * Locks the pool's row for the rest of the transaction (an update that changes nothing: PostgreSQL
 * takes the row lock, SQLite has one writer at a time anyway), so replica changes of one pool run
 * one after another and a count read after it stays true until the commit.
 */
export async function lockPoolForReplicas(db: Executor, poolId: string): Promise<boolean> {
  const result = await db.updateTable('user_pools').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', poolId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertReplicaRow(db: Executor, row: UserPoolReplicaRow): Promise<void> {
  await db.insertInto('user_pool_replicas').values(row).execute();
}

/** Sets a secondary's status (and, with `expected`, only if it still has that status); returns whether a row changed. */
export async function updateReplicaStatus(db: Executor, poolId: string, region: string, status: string, now: number, expected?: string): Promise<boolean> {
  let q = db.updateTable('user_pool_replicas').set({ status, updated_at: now }).where('pool_id', '=', poolId).where('region', '=', region);
  if (expected !== undefined) q = q.where('status', '=', expected);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Replaces a secondary's tags only if they are still `expected` (compare-and-set); returns whether they were written. */
export async function updateReplicaTags(db: Executor, poolId: string, region: string, tags: string, expected: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('user_pool_replicas')
    .set({ tags, updated_at: now })
    .where('pool_id', '=', poolId)
    .where('region', '=', region)
    .where('tags', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a secondary only while it has `status` (INACTIVE); returns whether it was deleted. */
export async function deleteReplicaRow(db: Executor, poolId: string, region: string, status: string): Promise<boolean> {
  const result = await db.deleteFrom('user_pool_replicas').where('pool_id', '=', poolId).where('region', '=', region).where('status', '=', status).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * The resource servers repository: `resource_servers`, keyed by (pool, identifier), the scopes as
 * JSON. Deleting a pool takes its resource servers with it (the foreign key cascades; 0011_oauth_admin).
 */
import type { Executor } from './db.js';
import type { ResourceServersTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraints.js';

export type ResourceServerRow = ResourceServersTable;

export async function findResourceServerRow(db: Executor, poolId: string, identifier: string): Promise<ResourceServerRow | undefined> {
  return db.selectFrom('resource_servers').selectAll().where('pool_id', '=', poolId).where('identifier', '=', identifier).executeTakeFirst();
}

/** Inserts a resource server: 'taken' when the pool already has that identifier, 'no-pool' when the pool is gone. */
export async function insertResourceServer(db: Executor, row: ResourceServerRow): Promise<'created' | 'taken' | 'no-pool'> {
  try {
    await db.insertInto('resource_servers').values(row).execute();
    return 'created';
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    if (isForeignKeyViolation(e)) return 'no-pool';
    throw e;
  }
}

/** Replaces a resource server's name and scopes; returns whether the pool has it. */
export async function updateResourceServerRow(db: Executor, poolId: string, identifier: string, changes: Pick<ResourceServerRow, 'name' | 'scopes' | 'updated_at'>): Promise<boolean> {
  const result = await db.updateTable('resource_servers').set(changes).where('pool_id', '=', poolId).where('identifier', '=', identifier).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteResourceServerRow(db: Executor, poolId: string, identifier: string): Promise<boolean> {
  const result = await db.deleteFrom('resource_servers').where('pool_id', '=', poolId).where('identifier', '=', identifier).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A pool's resource servers in identifier order, `limit + 1` of them so the caller sees whether there is a next page. */
export async function listResourceServerRows(db: Executor, poolId: string, limit: number, after?: string): Promise<ResourceServerRow[]> {
  let q = db.selectFrom('resource_servers').selectAll().where('pool_id', '=', poolId).orderBy('identifier').limit(limit + 1);
  if (after !== undefined) q = q.where('identifier', '>', after);
  return q.execute();
}

export async function countResourceServers(db: Executor, poolId: string): Promise<number> {
  const row = await db.selectFrom('resource_servers').select((eb) => eb.fn.countAll<number>().as('n')).where('pool_id', '=', poolId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

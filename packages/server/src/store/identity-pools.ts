/**
 * Identity pools (table `identity_pools`). The settings, roles and role mappings, principal-tag
 * maps and tags are stored as JSON, in the shapes identity/identity-pools.ts checks and uses.
 * Deleting a pool deletes its identities and their logins (ON DELETE CASCADE, migration
 * 0006_identity_pools).
 */
import type { Executor } from './db.js';
import type { IdentityPool, IdentityPoolRoles, IdentityPoolSettings, PrincipalTagMap } from '../identity/identity-pools.js';

function rowToPool(row: { id: string; name: string; settings: string; roles: string; principal_tags: string; tags: string; created_at: number; updated_at: number }): IdentityPool {
  return {
    id: row.id,
    name: row.name,
    settings: JSON.parse(row.settings) as IdentityPoolSettings,
    roles: JSON.parse(row.roles) as IdentityPoolRoles,
    principalTags: JSON.parse(row.principal_tags) as Record<string, PrincipalTagMap>,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertIdentityPool(db: Executor, pool: IdentityPool): Promise<void> {
  await db
    .insertInto('identity_pools')
    .values({
      id: pool.id,
      name: pool.name,
      settings: JSON.stringify(pool.settings),
      roles: JSON.stringify(pool.roles),
      principal_tags: JSON.stringify(pool.principalTags),
      tags: JSON.stringify(pool.tags),
      created_at: pool.createdAt,
      updated_at: pool.updatedAt,
    })
    .execute();
}

export async function findIdentityPool(db: Executor, id: string): Promise<IdentityPool | undefined> {
  const row = await db.selectFrom('identity_pools').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToPool(row) : undefined;
}

/** Pools in ID order after `after`, at most `limit`. */
export async function listIdentityPools(db: Executor, limit: number, after?: string): Promise<IdentityPool[]> {
  let q = db.selectFrom('identity_pools').selectAll().orderBy('id').limit(limit);
  if (after) q = q.where('id', '>', after);
  return (await q.execute()).map(rowToPool);
}

/** Writes the given parts of a pool (each JSON part replaces the stored one whole). */
export async function updateIdentityPool(
  db: Executor,
  id: string,
  change: { name?: string; settings?: IdentityPoolSettings; roles?: IdentityPoolRoles; principalTags?: Record<string, PrincipalTagMap>; tags?: Record<string, string> },
  now: number,
): Promise<void> {
  await db
    .updateTable('identity_pools')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.settings !== undefined ? { settings: JSON.stringify(change.settings) } : {}),
      ...(change.roles !== undefined ? { roles: JSON.stringify(change.roles) } : {}),
      ...(change.principalTags !== undefined ? { principal_tags: JSON.stringify(change.principalTags) } : {}),
      ...(change.tags !== undefined ? { tags: JSON.stringify(change.tags) } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** The JSON parts of a pool that are read, changed and written back (tags, principal-tag maps). */
export type MergedPart = 'tags' | 'principalTags';
const PART_COLUMN = { tags: 'tags', principalTags: 'principal_tags' } as const;

/**
 * A pool with the stored text of its merged parts, which {@link updateIdentityPoolPart} compares
 * against (compare-and-set: a change made since the read is not overwritten).
 */
export async function findIdentityPoolForUpdate(db: Executor, id: string): Promise<{ pool: IdentityPool; stored: Record<MergedPart, string> } | undefined> {
  const row = await db.selectFrom('identity_pools').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { pool: rowToPool(row), stored: { tags: row.tags, principalTags: row.principal_tags } } : undefined;
}

/** Writes one merged part if its stored text is still `expected`; whether it did. */
export async function updateIdentityPoolPart<K extends MergedPart>(db: Executor, id: string, part: K, value: IdentityPool[K], expected: string, now: number): Promise<boolean> {
  const column: 'tags' | 'principal_tags' = PART_COLUMN[part];
  const result = await db
    .updateTable('identity_pools')
    .set({ [column]: JSON.stringify(value), updated_at: now })
    .where('id', '=', id)
    .where(column, '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a pool with its identities and their logins (the foreign keys cascade). */
export async function deleteIdentityPool(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('identity_pools').where('id', '=', id).execute();
}

/**
 * The groups repository: `user_pool_groups` (keyed by pool and name) and the memberships of users
 * in them. Every statement is scoped to one pool. Deleting a group, a user or a pool takes the
 * memberships with it: the foreign keys cascade (store/migrations.ts, 0002_groups).
 */
import type { Executor } from './db.js';
import { fixedStatement } from './compiled.js';
import type { UserGroupMembershipsTable, UserPoolGroupsTable, UsersTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraints.js';

export type GroupRow = UserPoolGroupsTable;
export type MembershipRow = UserGroupMembershipsTable;

export async function findGroupRow(db: Executor, poolId: string, name: string): Promise<GroupRow | undefined> {
  return db.selectFrom('user_pool_groups').selectAll().where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
}

/** Inserts a group: 'exists' when the pool has one of that name, 'no-pool' when the pool is gone. */
export async function insertGroup(db: Executor, row: GroupRow): Promise<'created' | 'exists' | 'no-pool'> {
  try {
    await db.insertInto('user_pool_groups').values(row).execute();
    return 'created';
  } catch (e) {
    if (isUniqueViolation(e)) return 'exists';
    if (isForeignKeyViolation(e)) return 'no-pool';
    throw e;
  }
}

/** Changes a group's properties; returns whether the pool has the group. */
export async function updateGroupRow(db: Executor, poolId: string, name: string, changes: Partial<Pick<GroupRow, 'description' | 'role_arn' | 'precedence' | 'updated_at'>>): Promise<boolean> {
  const result = await db.updateTable('user_pool_groups').set(changes).where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a group (its memberships go with it, by cascade); returns whether the pool had it. */
export async function deleteGroupRow(db: Executor, poolId: string, name: string): Promise<boolean> {
  const result = await db.deleteFrom('user_pool_groups').where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A pool's groups in name order after `after`, `limit + 1` of them so the caller sees whether there is more. */
export async function listGroupRows(db: Executor, poolId: string, limit: number, after?: string): Promise<GroupRow[]> {
  let q = db.selectFrom('user_pool_groups').selectAll().where('pool_id', '=', poolId);
  if (after !== undefined) q = q.where('name', '>', after);
  return q.orderBy('name').limit(limit + 1).execute();
}

/** Adds a member; adding one again changes nothing. 'gone' when the group or the user no longer exists. */
export async function addMembership(db: Executor, row: MembershipRow): Promise<'added' | 'gone'> {
  try {
    await db.insertInto('user_group_memberships').values(row).onConflict((oc) => oc.columns(['pool_id', 'group_name', 'user_id']).doNothing()).execute();
    return 'added';
  } catch (e) {
    if (isForeignKeyViolation(e)) return 'gone';
    throw e;
  }
}

export async function removeMembership(db: Executor, poolId: string, groupName: string, sub: string): Promise<void> {
  await db.deleteFrom('user_group_memberships').where('pool_id', '=', poolId).where('group_name', '=', groupName).where('user_id', '=', sub).execute();
}

/**
 * The groups a user of the pool is in, in name order; with `page`, those after `page.after`,
 * `page.limit + 1` of them.
 */
const groupsOfUser = (db: Executor, poolId: string, sub: string) =>
  db
    .selectFrom('user_group_memberships as m')
    .innerJoin('user_pool_groups as g', (j) => j.onRef('g.pool_id', '=', 'm.pool_id').onRef('g.name', '=', 'm.group_name'))
    .selectAll('g')
    .where('m.pool_id', '=', poolId)
    .where('m.user_id', '=', sub);
const groupsOfUserStatement = fixedStatement(2, groupsOfUser);

export async function groupRowsOfUser(db: Executor, poolId: string, sub: string, page?: { limit: number; after?: string }): Promise<GroupRow[]> {
  if (!page) return (await groupsOfUserStatement(db, poolId, sub)).rows;
  let q = groupsOfUser(db, poolId, sub);
  if (page.after !== undefined) q = q.where('m.group_name', '>', page.after);
  return q.orderBy('m.group_name').limit(page.limit + 1).execute();
}

/** The members of a group of the pool (their user rows), in `sub` order after `after`, `limit + 1` of them. */
export async function memberRowsOfGroup(db: Executor, poolId: string, groupName: string, limit: number, after?: string): Promise<UsersTable[]> {
  let q = db
    .selectFrom('user_group_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('u')
    .where('m.pool_id', '=', poolId)
    .where('m.group_name', '=', groupName);
  if (after !== undefined) q = q.where('m.user_id', '>', after);
  return q.orderBy('m.user_id').limit(limit + 1).execute();
}

/**
 * User pool groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, the membership
 * actions, and the group claims tokens carry (`cognito:groups`, `cognito:roles`,
 * `cognito:preferred_role`).
 *
 * Group names are compared exactly (case-sensitive), as Cognito does. Precedence 0 is the highest;
 * a group without one ranks below every group with one (API_GroupType).
 */
import type { Kysely, Transaction } from 'kysely';
import { CognitoError, errors } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Cognate } from './cognate.js';
import { hydrateUsers } from './list-users.js';
import { openPageToken, pageLimit, sealPageToken } from './page-tokens.js';
import { isUniqueViolation, type User } from './users.js';
import type { UserPool } from './user-pools.js';

export interface Group {
  poolId: string;
  name: string;
  description: string | null;
  roleArn: string | null;
  precedence: number | null;
  createdAt: number;
  updatedAt: number;
}

type Db = Kysely<Database> | Transaction<Database>;
type GroupRow = Database['user_pool_groups'];

const rowToGroup = (r: GroupRow): Group => ({
  poolId: r.pool_id,
  name: r.name,
  description: r.description,
  roleArn: r.role_arn,
  precedence: r.precedence === null ? null : Number(r.precedence),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const groupNotFound = () => errors.resourceNotFound('Group not found.');

const isForeignKeyViolation = (e: unknown) => {
  const code = (e as { code?: string })?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
};

async function findGroup(db: Db, poolId: string, name: string): Promise<Group | undefined> {
  const row = await db.selectFrom('user_pool_groups').selectAll().where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
  return row ? rowToGroup(row) : undefined;
}

/** The named group of a pool, or Cognito's ResourceNotFoundException "Group not found.". */
export async function getGroup(cognate: Cognate, poolId: string, name: string): Promise<Group> {
  const pool = await cognate.pools.get(poolId);
  const group = await findGroup(cognate.store.db, pool.id, name);
  if (!group) throw groupNotFound();
  return group;
}

export interface GroupInput {
  UserPoolId: string;
  GroupName: string;
  Description?: string;
  RoleArn?: string;
  Precedence?: number;
}

export async function createGroup(cognate: Cognate, input: GroupInput): Promise<Group> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const now = cognate.clock.now();
  const row: GroupRow = {
    pool_id: pool.id,
    name: input.GroupName,
    description: input.Description ?? null,
    role_arn: input.RoleArn ?? null,
    precedence: input.Precedence ?? null,
    created_at: now,
    updated_at: now,
  };
  try {
    await cognate.store.db.insertInto('user_pool_groups').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new CognitoError('GroupExistsException', `A group with the name ${input.GroupName} already exists.`);
    if (isForeignKeyViolation(e)) throw errors.resourceNotFound(`User pool ${pool.id} does not exist.`);
    throw e;
  }
  return rowToGroup(row);
}

/**
 * UpdateGroup changes the properties it is given and keeps the others (API_UpdateGroup's example
 * sends no RoleArn and gets the existing one back). A RoleArn can't be removed: the model's
 * minimum length refuses an empty one, as Cognito does.
 */
export async function updateGroup(cognate: Cognate, input: GroupInput): Promise<Group> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const now = cognate.clock.now();
  return cognate.store.transaction(async (trx) => {
    const changes: Partial<GroupRow> = { updated_at: now };
    if (input.Description !== undefined) changes.description = input.Description;
    if (input.RoleArn !== undefined) changes.role_arn = input.RoleArn;
    if (input.Precedence !== undefined) changes.precedence = input.Precedence;
    const result = await trx.updateTable('user_pool_groups').set(changes).where('pool_id', '=', pool.id).where('name', '=', input.GroupName).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw groupNotFound();
    return (await findGroup(trx, pool.id, input.GroupName))!;
  });
}

/** DeleteGroup: the group and every membership of it; members' next tokens no longer name it. */
export async function deleteGroup(cognate: Cognate, input: { UserPoolId: string; GroupName: string }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  await cognate.store.transaction(async (trx) => {
    await trx.deleteFrom('user_group_memberships').where('pool_id', '=', pool.id).where('group_name', '=', input.GroupName).execute();
    const result = await trx.deleteFrom('user_pool_groups').where('pool_id', '=', pool.id).where('name', '=', input.GroupName).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw groupNotFound();
  });
}

export interface PageInput {
  Limit?: number;
  NextToken?: string;
}

/** ListGroups: the pool's groups in name order. */
export async function listGroups(cognate: Cognate, input: { UserPoolId: string } & PageInput): Promise<{ groups: Group[]; nextToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const scope = ['ListGroups', pool.id];
  const after = input.NextToken !== undefined ? (openPageToken(cognate, scope, input.NextToken, ['string'])[0] as string) : undefined;
  let q = cognate.store.db.selectFrom('user_pool_groups').selectAll().where('pool_id', '=', pool.id);
  if (after !== undefined) q = q.where('name', '>', after);
  const rows = await q.orderBy('name').limit(limit + 1).execute();
  const groups = rows.slice(0, limit).map(rowToGroup);
  return rows.length > limit ? { groups, nextToken: sealPageToken(cognate, scope, [groups[groups.length - 1]!.name]) } : { groups };
}

/** The group and user a membership action names: the group first, then the user (by username or alias). */
async function groupAndUser(cognate: Cognate, input: { UserPoolId: string; Username: string; GroupName: string }): Promise<{ pool: UserPool; group: Group; user: User }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const group = await findGroup(cognate.store.db, pool.id, input.GroupName);
  if (!group) throw groupNotFound();
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  return { pool, group, user };
}

/** AdminAddUserToGroup: idempotent, adding a member again changes nothing. */
export async function addUserToGroup(cognate: Cognate, input: { UserPoolId: string; Username: string; GroupName: string }): Promise<void> {
  const { pool, group, user } = await groupAndUser(cognate, input);
  try {
    await cognate.store.db
      .insertInto('user_group_memberships')
      .values({ pool_id: pool.id, group_name: group.name, user_id: user.sub, created_at: cognate.clock.now() })
      .onConflict((oc) => oc.columns(['pool_id', 'group_name', 'user_id']).doNothing())
      .execute();
  } catch (e) {
    // The group or the user was deleted between the look-up and the insert.
    if (isForeignKeyViolation(e)) throw groupNotFound();
    throw e;
  }
}

/** AdminRemoveUserFromGroup: removing a user who isn't a member succeeds. */
export async function removeUserFromGroup(cognate: Cognate, input: { UserPoolId: string; Username: string; GroupName: string }): Promise<void> {
  const { pool, group, user } = await groupAndUser(cognate, input);
  await cognate.store.db.deleteFrom('user_group_memberships').where('pool_id', '=', pool.id).where('group_name', '=', group.name).where('user_id', '=', user.sub).execute();
}

/** AdminListGroupsForUser: the user's groups in name order. */
export async function groupsForUser(cognate: Cognate, input: { UserPoolId: string; Username: string } & PageInput): Promise<{ groups: Group[]; nextToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  const scope = ['AdminListGroupsForUser', pool.id, user.sub];
  const after = input.NextToken !== undefined ? (openPageToken(cognate, scope, input.NextToken, ['string'])[0] as string) : undefined;
  let q = cognate.store.db
    .selectFrom('user_group_memberships as m')
    .innerJoin('user_pool_groups as g', (j) => j.onRef('g.pool_id', '=', 'm.pool_id').onRef('g.name', '=', 'm.group_name'))
    .selectAll('g')
    .where('m.pool_id', '=', pool.id)
    .where('m.user_id', '=', user.sub);
  if (after !== undefined) q = q.where('m.group_name', '>', after);
  const rows = await q.orderBy('m.group_name').limit(limit + 1).execute();
  const groups = rows.slice(0, limit).map(rowToGroup);
  return rows.length > limit ? { groups, nextToken: sealPageToken(cognate, scope, [groups[groups.length - 1]!.name]) } : { groups };
}

/** ListUsersInGroup: the group's members with their attributes, in `sub` order. */
export async function usersInGroup(cognate: Cognate, input: { UserPoolId: string; GroupName: string } & PageInput): Promise<{ users: User[]; nextToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const group = await findGroup(cognate.store.db, pool.id, input.GroupName);
  if (!group) throw groupNotFound();
  const scope = ['ListUsersInGroup', pool.id, group.name];
  const after = input.NextToken !== undefined ? (openPageToken(cognate, scope, input.NextToken, ['string'])[0] as string) : undefined;
  let q = cognate.store.db
    .selectFrom('user_group_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('u')
    .where('m.pool_id', '=', pool.id)
    .where('m.group_name', '=', group.name);
  if (after !== undefined) q = q.where('m.user_id', '>', after);
  const rows = await q.orderBy('m.user_id').limit(limit + 1).execute();
  const users = await hydrateUsers(cognate, rows.slice(0, limit));
  return rows.length > limit ? { users, nextToken: sealPageToken(cognate, scope, [users[users.length - 1]!.sub]) } : { users };
}

export interface GroupClaims {
  /** Group names, highest precedence first (then by name); empty when the user is in no group. */
  groups: string[];
  /** The distinct role ARNs of those groups, in the same order. */
  roles: string[];
  /** The role of the highest-precedence group with a role, unless groups tied there disagree. */
  preferredRole?: string;
}

const byPrecedenceThenName = (a: Group, b: Group) => {
  const pa = a.precedence ?? Number.POSITIVE_INFINITY;
  const pb = b.precedence ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

/**
 * What a user's groups put in their tokens. `cognito:preferred_role` follows API_GroupType: the
 * lowest Precedence among the groups that have a RoleArn wins; when several groups share that
 * precedence, the claim is set only if they all carry the same role ARN.
 */
export async function groupClaims(db: Db, poolId: string, sub: string): Promise<GroupClaims> {
  const rows = await db
    .selectFrom('user_group_memberships as m')
    .innerJoin('user_pool_groups as g', (j) => j.onRef('g.pool_id', '=', 'm.pool_id').onRef('g.name', '=', 'm.group_name'))
    .selectAll('g')
    .where('m.pool_id', '=', poolId)
    .where('m.user_id', '=', sub)
    .execute();
  const groups = rows.map(rowToGroup).sort(byPrecedenceThenName);
  const withRole = groups.filter((g) => g.roleArn !== null);
  const roles = [...new Set(withRole.map((g) => g.roleArn!))];
  const claims: GroupClaims = { groups: groups.map((g) => g.name), roles };
  const top = withRole[0];
  if (top) {
    const tied = new Set(withRole.filter((g) => g.precedence === top.precedence).map((g) => g.roleArn));
    if (tied.size === 1) claims.preferredRole = top.roleArn!;
  }
  return claims;
}

/**
 * User pool groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, the membership
 * actions, and the group claims tokens carry (`cognito:groups`, `cognito:roles`,
 * `cognito:preferred_role`).
 *
 * Group names are compared exactly (case-sensitive), as Cognito does. Precedence 0 is the highest;
 * a group without one ranks below every group with one (API_GroupType).
 */
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as groupStore from '../store/groups.js';
import type { GroupRow } from '../store/groups.js';
import type { Ports } from './cognate.js';
import { hydrateUsers } from './list-users.js';
import { openPageToken, pageLimit, sealPageToken } from './page-tokens.js';
import type { User } from './users.js';
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

async function findGroup(db: Executor, poolId: string, name: string): Promise<Group | undefined> {
  const row = await groupStore.findGroupRow(db, poolId, name);
  return row ? rowToGroup(row) : undefined;
}

/** The named group of a pool, or Cognito's ResourceNotFoundException "Group not found.". */
export async function getGroup(cognate: Ports<'pools' | 'store'>, poolId: string, name: string): Promise<Group> {
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

export async function createGroup(cognate: Ports<'clock' | 'pools' | 'store'>, input: GroupInput): Promise<Group> {
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
  const outcome = await groupStore.insertGroup(cognate.store.db, row);
  if (outcome === 'exists') throw new CognitoError('GroupExistsException', `A group with the name ${input.GroupName} already exists.`);
  if (outcome === 'no-pool') throw errors.resourceNotFound(`User pool ${pool.id} does not exist.`);
  return rowToGroup(row);
}

/**
 * UpdateGroup changes the properties it is given and keeps the others (API_UpdateGroup's example
 * sends no RoleArn and gets the existing one back). A RoleArn can't be removed: the model's
 * minimum length refuses an empty one, as Cognito does.
 */
export async function updateGroup(cognate: Ports<'clock' | 'pools' | 'store'>, input: GroupInput): Promise<Group> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const now = cognate.clock.now();
  return cognate.store.transaction(async (trx) => {
    const changes: Partial<GroupRow> = { updated_at: now };
    if (input.Description !== undefined) changes.description = input.Description;
    if (input.RoleArn !== undefined) changes.role_arn = input.RoleArn;
    if (input.Precedence !== undefined) changes.precedence = input.Precedence;
    if (!(await groupStore.updateGroupRow(trx, pool.id, input.GroupName, changes))) throw groupNotFound();
    return (await findGroup(trx, pool.id, input.GroupName))!;
  });
}

/**
 * DeleteGroup: the group and (by the foreign key's cascade) every membership of it; members' next
 * tokens no longer name it.
 */
export async function deleteGroup(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; GroupName: string }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (!(await groupStore.deleteGroupRow(cognate.store.db, pool.id, input.GroupName))) throw groupNotFound();
}

export interface PageInput {
  Limit?: number;
  NextToken?: string;
}

/** ListGroups: the pool's groups in name order. */
export async function listGroups(cognate: Ports<'clock' | 'pools' | 'secrets' | 'store'>, input: { UserPoolId: string } & PageInput): Promise<{ groups: Group[]; nextToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const scope = ['ListGroups', pool.id];
  const after = input.NextToken !== undefined ? (openPageToken(cognate, scope, input.NextToken, ['string'])[0] as string) : undefined;
  const rows = await groupStore.listGroupRows(cognate.store.db, pool.id, limit, after);
  const groups = rows.slice(0, limit).map(rowToGroup);
  return rows.length > limit ? { groups, nextToken: sealPageToken(cognate, scope, [groups[groups.length - 1]!.name]) } : { groups };
}

/** The group and user a membership action names: the group first, then the user (by username or alias). */
async function groupAndUser(cognate: Ports<'pools' | 'store' | 'users'>, input: { UserPoolId: string; Username: string; GroupName: string }): Promise<{ pool: UserPool; group: Group; user: User }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const group = await findGroup(cognate.store.db, pool.id, input.GroupName);
  if (!group) throw groupNotFound();
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  return { pool, group, user };
}

/** AdminAddUserToGroup: idempotent, adding a member again changes nothing. */
export async function addUserToGroup(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: { UserPoolId: string; Username: string; GroupName: string }): Promise<void> {
  const { pool, group, user } = await groupAndUser(cognate, input);
  const outcome = await groupStore.addMembership(cognate.store.db, { pool_id: pool.id, group_name: group.name, user_id: user.sub, created_at: cognate.clock.now() });
  // The group or the user was deleted between the look-up and the insert.
  if (outcome === 'gone') throw groupNotFound();
}

/** AdminRemoveUserFromGroup: removing a user who isn't a member succeeds. */
export async function removeUserFromGroup(cognate: Ports<'pools' | 'store' | 'users'>, input: { UserPoolId: string; Username: string; GroupName: string }): Promise<void> {
  const { pool, group, user } = await groupAndUser(cognate, input);
  await groupStore.removeMembership(cognate.store.db, pool.id, group.name, user.sub);
}

/** AdminListGroupsForUser: the user's groups in name order. */
export async function groupsForUser(cognate: Ports<'clock' | 'pools' | 'secrets' | 'store' | 'users'>, input: { UserPoolId: string; Username: string } & PageInput): Promise<{ groups: Group[]; nextToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  const scope = ['AdminListGroupsForUser', pool.id, user.sub];
  const after = input.NextToken !== undefined ? (openPageToken(cognate, scope, input.NextToken, ['string'])[0] as string) : undefined;
  const rows = await groupStore.groupRowsOfUser(cognate.store.db, pool.id, user.sub, { limit, ...(after !== undefined ? { after } : {}) });
  const groups = rows.slice(0, limit).map(rowToGroup);
  return rows.length > limit ? { groups, nextToken: sealPageToken(cognate, scope, [groups[groups.length - 1]!.name]) } : { groups };
}

/** ListUsersInGroup: the group's members with their attributes, in `sub` order. */
export async function usersInGroup(cognate: Ports<'clock' | 'pools' | 'secrets' | 'store'>, input: { UserPoolId: string; GroupName: string } & PageInput): Promise<{ users: User[]; nextToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const group = await findGroup(cognate.store.db, pool.id, input.GroupName);
  if (!group) throw groupNotFound();
  const scope = ['ListUsersInGroup', pool.id, group.name];
  const after = input.NextToken !== undefined ? (openPageToken(cognate, scope, input.NextToken, ['string'])[0] as string) : undefined;
  const rows = await groupStore.memberRowsOfGroup(cognate.store.db, pool.id, group.name, limit, after);
  const users = hydrateUsers(rows.slice(0, limit));
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
export async function groupClaims(db: Executor, poolId: string, sub: string): Promise<GroupClaims> {
  const rows = await groupStore.groupRowsOfUser(db, poolId, sub);
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

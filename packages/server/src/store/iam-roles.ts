/**
 * IAM roles (table `iam_roles`): the role's ARN and unique name, and its trust policy and named
 * permission policies stored together as one JSON document.
 */
import type { Executor } from './db.js';
import type { PolicyDocument } from '../identity/policy.js';

export interface StoredRole {
  arn: string;
  name: string;
  trust: PolicyDocument | null;
  policies: Record<string, PolicyDocument>;
  createdAt: number;
}

/** The JSON the `policy` column holds. */
interface PolicyColumn {
  name: string;
  trust: PolicyDocument | null;
  policies: Record<string, PolicyDocument>;
}

function rowToRole(row: { arn: string; policy: string; created_at: number }): StoredRole {
  const stored = JSON.parse(row.policy) as PolicyColumn;
  return { arn: row.arn, ...stored, createdAt: row.created_at };
}

const policyColumn = (role: { name: string; trust: PolicyDocument | null; policies: Record<string, PolicyDocument> }) =>
  JSON.stringify({ name: role.name, trust: role.trust, policies: role.policies } satisfies PolicyColumn);

/** Inserts a role unless one of that name (or ARN) exists; whether it did. */
export async function insertRole(db: Executor, role: StoredRole, now: number): Promise<boolean> {
  const result = await db
    .insertInto('iam_roles')
    .values({ arn: role.arn, name: role.name, policy: policyColumn(role), created_at: role.createdAt, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findRoleByArn(db: Executor, arn: string): Promise<StoredRole | undefined> {
  const row = await db.selectFrom('iam_roles').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? rowToRole(row) : undefined;
}

export async function findRoleByName(db: Executor, name: string): Promise<StoredRole | undefined> {
  const row = await db.selectFrom('iam_roles').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? rowToRole(row) : undefined;
}

/**
 * A role with the stored text of its policies, which {@link updateRolePolicies} compares against
 * (compare-and-set: a change made since the read is not overwritten).
 */
export async function findRoleForUpdate(db: Executor, name: string): Promise<{ role: StoredRole; version: string } | undefined> {
  const row = await db.selectFrom('iam_roles').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? { role: rowToRole(row), version: row.policy } : undefined;
}

/** Replaces the role's trust and permission policies if they are still `expected` (as read); whether it did. */
export async function updateRolePolicies(db: Executor, role: Omit<StoredRole, 'createdAt'>, now: number, expected: string): Promise<boolean> {
  const result = await db
    .updateTable('iam_roles')
    .set({ policy: policyColumn(role), updated_at: now })
    .where('arn', '=', role.arn)
    .where('policy', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteRole(db: Executor, arn: string): Promise<void> {
  await db.deleteFrom('iam_roles').where('arn', '=', arn).execute();
}

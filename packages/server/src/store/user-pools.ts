/**
 * The user pools repository: the `user_pools` rows (settings as JSON text), and deleting a pool.
 *
 * Deleting a pool is one statement on `user_pools`: the foreign keys (store/migrations.ts) cascade
 * it to everything that belongs to the pool — its clients, groups and memberships, import jobs,
 * users, and through the users their attributes, aliases, pending attributes, codes, refresh
 * tokens, devices, MFA settings and password history. Two tables hold pool rows without such a key
 * and are cleared here, in the same transaction: `signing_keys` (its `pool_id` is '' for the
 * server-wide identity keys, so it can't reference `user_pools`), `recovery_requests` and
 * `trigger_invocations` (the console's log of trigger runs, also of identity pools' SyncTrigger). The
 * outbox is a delivery log and keeps its messages.
 */
import type { Executor } from './db.js';
import type { UserPoolsTable } from './schema.js';

export type UserPoolRow = UserPoolsTable;

export async function insertUserPool(db: Executor, row: UserPoolRow): Promise<void> {
  await db.insertInto('user_pools').values(row).execute();
}

export async function findUserPoolRow(db: Executor, id: string): Promise<UserPoolRow | undefined> {
  return db.selectFrom('user_pools').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Writes a pool's settings. With `expected`, only if the stored settings are still exactly those
 * (compare-and-set); returns whether a row was written.
 */
export async function updateUserPoolSettings(db: Executor, id: string, settings: string, now: number, expected?: string): Promise<boolean> {
  let q = db.updateTable('user_pools').set({ settings, updated_at: now }).where('id', '=', id);
  if (expected !== undefined) q = q.where('settings', '=', expected);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Pools in ID order, `limit + 1` of them so the caller sees whether there is a next page. */
export async function listUserPoolRows(db: Executor, limit: number, after?: string): Promise<UserPoolRow[]> {
  let q = db.selectFrom('user_pools').selectAll().orderBy('id').limit(limit + 1);
  if (after) q = q.where('id', '>', after);
  return q.execute();
}

export async function countUsersOfPool(db: Executor, poolId: string): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('pool_id', '=', poolId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Deletes a pool with everything it holds (see the top of this file). Run it in a transaction, so
 * the keyless tables and the cascade go together. Returns whether the pool existed.
 */
export async function deleteUserPool(db: Executor, id: string): Promise<boolean> {
  await db.deleteFrom('signing_keys').where('pool_id', '=', id).execute();
  await db.deleteFrom('recovery_requests').where('pool_id', '=', id).execute();
  await db.deleteFrom('trigger_invocations').where('pool_id', '=', id).execute();
  const result = await db.deleteFrom('user_pools').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

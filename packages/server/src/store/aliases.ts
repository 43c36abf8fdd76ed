/**
 * Sign-in aliases (table `sign_in_aliases`): one row per (pool, attribute, folded value), so the
 * database enforces one holder however many requests race. Part of the users aggregate: the rows
 * go with their user (foreign key cascade). Which aliases a user holds, and what a conflict does,
 * is domain/aliases.ts's to decide.
 */
import type { Executor } from './db.js';

/** The aliases a user holds now. */
export async function aliasesOf(db: Executor, sub: string): Promise<{ name: string; value_key: string }[]> {
  return db.selectFrom('sign_in_aliases').select(['name', 'value_key']).where('user_id', '=', sub).execute();
}

/** Gives up one of the user's aliases (a no-op when someone else holds it now). */
export async function releaseAlias(db: Executor, p: { poolId: string; name: string; valueKey: string; sub: string }): Promise<void> {
  await db.deleteFrom('sign_in_aliases').where('pool_id', '=', p.poolId).where('name', '=', p.name).where('value_key', '=', p.valueKey).where('user_id', '=', p.sub).execute();
}

/**
 * Inserts the alias for `sub`, or locks the existing row and reads its holder (a no-op update), so
 * the answer stays true until the caller's transaction ends. Returns the holder: `sub` when the
 * alias was free or already theirs.
 */
export async function claimAlias(db: Executor, p: { poolId: string; name: string; valueKey: string; sub: string; now: number }): Promise<string> {
  const row = await db
    .insertInto('sign_in_aliases')
    .values({ pool_id: p.poolId, name: p.name, value_key: p.valueKey, user_id: p.sub, created_at: p.now })
    .onConflict((oc) => oc.columns(['pool_id', 'name', 'value_key']).doUpdateSet((eb) => ({ user_id: eb.ref('sign_in_aliases.user_id') })))
    .returning('user_id')
    .executeTakeFirstOrThrow();
  return row.user_id;
}

/** Hands an alias (locked by {@link claimAlias}) to `sub`. */
export async function moveAlias(db: Executor, p: { poolId: string; name: string; valueKey: string; sub: string; now: number }): Promise<void> {
  await db.updateTable('sign_in_aliases').set({ user_id: p.sub, created_at: p.now }).where('pool_id', '=', p.poolId).where('name', '=', p.name).where('value_key', '=', p.valueKey).execute();
}

/**
 * Password history (table `password_history`): the argon2id hashes of a user's earlier passwords,
 * numbered by `seq`, newest highest. Part of the users aggregate (the rows cascade with the user).
 * How many count is the pool's policy (domain/password-history.ts).
 */
import type { Executor } from './db.js';

/** The user's `limit` most recent earlier password hashes, newest first. */
export async function recentPasswordHashes(db: Executor, sub: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db.selectFrom('password_history').select('password_hash').where('user_id', '=', sub).orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((r) => r.password_hash);
}

/**
 * Appends a replaced password's hash and trims the user's history to the newest `keep`. Of two
 * replacements racing (two admins, say), one entry is kept; the password itself is theirs to settle.
 */
export async function appendPasswordHash(db: Executor, p: { sub: string; poolId: string; passwordHash: string; now: number; keep: number }): Promise<void> {
  const last = await db.selectFrom('password_history').select((eb) => eb.fn.max('seq').as('seq')).where('user_id', '=', p.sub).executeTakeFirst();
  const seq = Number(last?.seq ?? 0) + 1;
  await db.insertInto('password_history').values({ user_id: p.sub, seq, pool_id: p.poolId, password_hash: p.passwordHash, created_at: p.now }).onConflict((oc) => oc.columns(['user_id', 'seq']).doNothing()).execute();
  await db.deleteFrom('password_history').where('user_id', '=', p.sub).where('seq', '<=', seq - p.keep).execute();
}

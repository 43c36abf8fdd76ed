/**
 * The lockout counters (security.md P03, A18, A19): `failed_attempts`, `last_failed_at` and
 * `locked_until` on a user's row, the same columns on the decoy rows an unknown name's attempts
 * write (lockout_decoys), and the second-factor counter on user_mfa. Every statement that counts a
 * failure uses the one count expression and the one lock table below, so the rule "after 5
 * failures lock for 2^(n-5) s, capped at 15 min; the count resets after 15 min without failures"
 * is written once (domain/lockout-policy.ts holds its numbers).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Executor } from './db.js';
import { fixedStatement } from './compiled.js';
import { FREE_ATTEMPTS, lockMs, MAX_LOCK_MS, RESET_AFTER_MS } from '../domain/lockout-policy.js';


/** The failure count after one more failure at `now`: 1 when the last one is older than RESET_AFTER_MS. */
export function failureCount(now: number): RawBuilder<number> {
  return sql<number>`(case when last_failed_at is null or last_failed_at < ${now - RESET_AFTER_MS} then 1 else failed_attempts + 1 end)`;
}

/** When a lock that `count` failures at `now` bring ends, or null for no lock (lockMs as SQL). */
function lockFor(count: RawBuilder<number>, now: number): RawBuilder<number | null> {
  const whens = [];
  for (let n = 1; lockMs(n) < MAX_LOCK_MS; n++) whens.push(sql`when ${sql.lit(n)} then ${lockMs(n) === 0 ? sql`null` : sql`cast(${now} as bigint) + ${sql.lit(lockMs(n))}`}`);
  return sql<number | null>`case ${count} ${sql.join(whens, sql` `)} else cast(${now} as bigint) + ${sql.lit(MAX_LOCK_MS)} end`;
}

/** `locked_until` lengthened to `until` (never shortened; null leaves it as it is). */
function lengthened(until: RawBuilder<number | null>): RawBuilder<number | null> {
  return sql<number | null>`case when ${until} is null then locked_until when locked_until is null or locked_until < ${until} then ${until} else locked_until end`;
}

const lockedUntilStatement = fixedStatement(1, (db, sub: string) => db.selectFrom('users').select('locked_until').where('id', '=', sub));

export async function lockedUntil(db: Executor, sub: string): Promise<number | null> {
  const row = (await lockedUntilStatement(db, sub)).rows[0];
  return row?.locked_until === null || row?.locked_until === undefined ? null : Number(row.locked_until);
}

type CounterTable = 'users' | 'lockout_decoys';

/**
 * Counts an attempt before its password is checked, in one statement that also refuses during a
 * lock and sets the lock the attempt brings (A18). The row is written whether or not it is locked
 * (an attempt during a lock keeps the counters and says so in attempt_admitted), so a locked row, a
 * user's or a decoy's, costs the same write as an open one (P01). Returns the new count, or
 * undefined while locked.
 */
export async function reserve(db: Executor, table: CounterTable, key: string | number, now: number): Promise<number | undefined> {
  const count = failureCount(now);
  const open = sql<boolean>`(locked_until is null or locked_until <= ${now})`;
  // One statement for both tables; Kysely's types can't follow a table chosen at run time.
  const any = db as unknown as Kysely<Record<CounterTable, { id: string; slot: number; failed_attempts: number; last_failed_at: number | null; locked_until: number | null; attempt_admitted: number }>>;
  const row = await any
    .updateTable(table)
    .set({
      failed_attempts: sql<number>`case when ${open} then ${count} else failed_attempts end`,
      last_failed_at: sql<number>`case when ${open} then cast(${now} as bigint) else last_failed_at end`,
      locked_until: sql<number | null>`case when ${open} then ${lockFor(count, now)} else locked_until end`,
      attempt_admitted: sql<number>`case when ${open} then 1 else 0 end`,
    })
    .where(table === 'users' ? 'id' : 'slot', '=', key)
    .returning(['failed_attempts', 'attempt_admitted'])
    .executeTakeFirst();
  return row && Number(row.attempt_admitted) === 1 ? Number(row.failed_attempts) : undefined;
}

/** Gives back an attempt reserved at `now` (its password was right but signs in no one). */
export async function release(db: Executor, sub: string, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({
      failed_attempts: sql<number>`case when failed_attempts > 0 then failed_attempts - 1 else 0 end`,
      locked_until: sql<number | null>`case when failed_attempts - 1 < ${sql.lit(FREE_ATTEMPTS)} and last_failed_at = ${now} then null else locked_until end`,
    })
    .where('id', '=', sub)
    .execute();
}

/**
 * Counts a failure, during a lock too, in one statement, and lengthens the lock to what the new
 * count brings, or to `atLeastUntil` (a lock another counter calls for) if that is later. A slower
 * concurrent failure with a lower count never shortens a lock.
 */
export async function recordFailure(db: Executor, sub: string, now: number, atLeastUntil?: number): Promise<void> {
  const count = failureCount(now);
  const lock = lockFor(count, now);
  const until = atLeastUntil === undefined ? lock : sql<number | null>`case when ${lock} is null or ${lock} < ${atLeastUntil} then cast(${atLeastUntil} as bigint) else ${lock} end`;
  await db
    .updateTable('users')
    .set({ failed_attempts: count, last_failed_at: now, locked_until: lengthened(until) })
    .where('id', '=', sub)
    .executeTakeFirst();
}

/** Clears the count and any lock (a proven password or second factor). */
export async function clear(db: Executor, sub: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_attempts: 0, last_failed_at: null, locked_until: null })
    .where('id', '=', sub)
    .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('locked_until', 'is not', null)]))
    .execute();
}

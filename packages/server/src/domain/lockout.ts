/**
 * Brute-force lockout shared by every sign-in path (security.md P03, A18, A19): after 5 failures
 * the account locks for 2^(n-5) seconds, capped at 15 minutes. Attempts during a lock are refused
 * without being counted; the counter resets on success, or after 15 minutes without failures.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { errors } from '../errors.js';
import type { Database } from '../store/schema.js';

export const FREE_ATTEMPTS = 5;
export const MAX_LOCK_MS = 900_000;
export const RESET_AFTER_MS = 900_000;
/** Rows of lockout_decoys (created, all of them, by migration 0008_lockout_decoys). */
export const LOCKOUT_DECOY_SLOTS = 1024;

/** Lock length after the n-th consecutive failure. */
export const lockMs = (failures: number) => (failures < FREE_ATTEMPTS ? 0 : Math.min(MAX_LOCK_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS)));

/** The answer to an attempt during a lock, the same for a right and a wrong password. */
export const passwordAttemptsExceeded = () => errors.notAuthorized('Password attempts exceeded');

/**
 * The decoy row an unknown name's attempts write (Lockout.reserveDecoy): an HMAC under a server key
 * of the pool and the name's key (usernameKey: lowercased where the pool is case-insensitive), so a
 * name always lands on the same slot and nobody outside can tell which.
 */
export function decoySlot(key: Buffer, poolId: string, nameKey: string): number {
  return createHmac('sha256', key).update(`cognate-lockout-decoy\0${poolId}\0${nameKey}`).digest().readUInt32BE(0) % LOCKOUT_DECOY_SLOTS;
}

/** An attempt counted before its password is checked (Lockout.reserveAttempt). */
export interface Reservation {
  count: number;
}

export class Lockout {
  constructor(private readonly db: Kysely<Database>) {}

  /** Refuses while the user is locked. */
  async assertNotLocked(sub: string, now: number): Promise<void> {
    if (await this.isLocked(sub, now)) throw passwordAttemptsExceeded();
  }

  async isLocked(sub: string, now: number): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('locked_until').where('id', '=', sub).executeTakeFirst();
    return !!row?.locked_until && Number(row.locked_until) > now;
  }

  /**
   * Counts an attempt before the password is checked, in one statement that also refuses during a
   * lock and sets the lock the attempt brings (security.md A18): however many guesses arrive at once,
   * on however many nodes, at most FREE_ATTEMPTS of them are checked before the lock, and each later
   * one only after the lock before it ran out. A proven password clears the count
   * ({@link recordVerifiedPassword}). Undefined while locked.
   */
  async reserveAttempt(sub: string, now: number): Promise<Reservation | undefined> {
    return this.reserve('users', 'id', sub, now);
  }

  /**
   * The write {@link reserveAttempt} does, for a name that matches no one (or a user without an SRP
   * verifier): the same UPDATE … RETURNING on the decoy row `slot` (0 ≤ slot < LOCKOUT_DECOY_SLOTS,
   * from {@link decoySlot}), so an unknown name costs the database round trip a wrong password for a
   * real user does (security.md P01, issue 10 item 8). The result is thrown away.
   * A decoy row locks as a user's row does; that costs nothing, because the reservation writes its
   * row whether or not it is locked.
   */
  async reserveDecoy(slot: number, now: number): Promise<void> {
    await this.reserve('lockout_decoys', 'slot', slot, now);
  }

  /** reserveAttempt's statement, on a users row or a decoy row: both tables have the counter columns. */
  private async reserve(table: 'users' | 'lockout_decoys', key: 'id' | 'slot', value: string | number, now: number): Promise<Reservation | undefined> {
    const count = sql<number>`(case when last_failed_at is null or last_failed_at < ${now - RESET_AFTER_MS} then 1 else failed_attempts + 1 end)`;
    const whens = [];
    for (let n = 1; lockMs(n) < MAX_LOCK_MS; n++) whens.push(sql`when ${sql.lit(n)} then ${lockMs(n) === 0 ? sql`null` : sql`cast(${now} as bigint) + ${sql.lit(lockMs(n))}`}`);
    const lock = sql<number | null>`case ${count} ${sql.join(whens, sql` `)} else cast(${now} as bigint) + ${sql.lit(MAX_LOCK_MS)} end`;
    // The row is written whether or not it is locked (an attempt during a lock keeps the counters and
    // says so in attempt_admitted), so a locked row, a user's or a decoy's, costs the same write as an
    // open one: the time of the answer tells nothing (security.md P01). The row lock the UPDATE takes
    // makes the check and the count one step however many attempts race.
    const open = sql<boolean>`(locked_until is null or locked_until <= ${now})`;
    // One statement for both tables; Kysely's types can't follow a table chosen at run time.
    const db = this.db as unknown as Kysely<Record<typeof table, { id: string; slot: number; failed_attempts: number; last_failed_at: number | null; locked_until: number | null; attempt_admitted: number }>>;
    const row = await db
      .updateTable(table)
      .set({
        failed_attempts: sql<number>`case when ${open} then ${count} else failed_attempts end`,
        last_failed_at: sql<number>`case when ${open} then cast(${now} as bigint) else last_failed_at end`,
        locked_until: sql<number | null>`case when ${open} then ${lock} else locked_until end`,
        attempt_admitted: sql<number>`case when ${open} then 1 else 0 end`,
      })
      .where(key, '=', value)
      .returning(['failed_attempts', 'attempt_admitted'])
      .executeTakeFirst();
    return row && Number(row.attempt_admitted) === 1 ? { count: Number(row.failed_attempts) } : undefined;
  }

  /** Gives back an attempt whose password was right but which signs in no one (a forgotten DEVICE_KEY, say). */
  async releaseAttempt(sub: string, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        failed_attempts: sql<number>`case when failed_attempts > 0 then failed_attempts - 1 else 0 end`,
        locked_until: sql<number | null>`case when failed_attempts - 1 < ${sql.lit(FREE_ATTEMPTS)} and last_failed_at = ${now} then null else locked_until end`,
      })
      .where('id', '=', sub)
      .execute();
  }

  /** Counts a failure atomically, so parallel wrong passwords lock as surely as sequential ones. */
  async recordFailure(sub: string, now: number): Promise<void> {
    const row = await this.db
      .updateTable('users')
      .set({
        failed_attempts: sql<number>`case when last_failed_at is null or last_failed_at < ${now - RESET_AFTER_MS} then 1 else failed_attempts + 1 end`,
        last_failed_at: now,
      })
      .where('id', '=', sub)
      .returning('failed_attempts')
      .executeTakeFirst();
    const lock = lockMs(row?.failed_attempts ?? 0);
    if (lock === 0) return;
    // Only ever lengthen a lock: a slower concurrent failure with a lower count must not shorten it.
    await this.db
      .updateTable('users')
      .set({ locked_until: now + lock })
      .where('id', '=', sub)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now + lock)]))
      .execute();
  }

  /**
   * A proven password: clears the count, its own reservation included. Every path that proves a
   * password reserved its attempt first (reserveAttempt), so a right guess checked within the
   * allowance signs in even if parallel wrong ones locked the account meanwhile, as it would had
   * it come before them.
   */
  async recordVerifiedPassword(sub: string): Promise<void> {
    await this.recordSuccess(sub);
  }

  /** Locks until `until` unless a longer lock is already set (wrong second factors, domain/mfa.ts). */
  async lockUntil(sub: string, until: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ locked_until: until })
      .where('id', '=', sub)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', until)]))
      .execute();
  }

  async recordSuccess(sub: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_attempts: 0, last_failed_at: null, locked_until: null })
      .where('id', '=', sub)
      .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('locked_until', 'is not', null)]))
      .execute();
  }
}

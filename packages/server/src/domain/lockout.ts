/**
 * Brute-force lockout shared by every sign-in path (security.md P03, A18, A19): after 5 failures
 * the account locks for 2^(n-5) seconds, capped at 15 minutes. Attempts during a lock are refused
 * without being counted; the counter resets on success, or after 15 minutes without failures.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { errors } from '../errors.js';
import type { Database } from '../store/schema.js';

export const FREE_ATTEMPTS = 5;
export const MAX_LOCK_MS = 900_000;
export const RESET_AFTER_MS = 900_000;

/** Lock length after the n-th consecutive failure. */
export const lockMs = (failures: number) => (failures < FREE_ATTEMPTS ? 0 : Math.min(MAX_LOCK_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS)));

export class Lockout {
  constructor(private readonly db: Kysely<Database>) {}

  /** Refuses while the user is locked. */
  async assertNotLocked(sub: string, now: number): Promise<void> {
    const row = await this.db.selectFrom('users').select('locked_until').where('id', '=', sub).executeTakeFirst();
    if (row?.locked_until && row.locked_until > now) throw errors.notAuthorized('Password attempts exceeded');
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
   * A proven password at `now`: clears the counters in one statement that also checks no lock began
   * meanwhile. A right guess racing parallel wrong ones is refused if they locked the account first,
   * as it would be had they come one after another (A18); a plain check before the slow password
   * verification can't see those.
   */
  async recordVerifiedPassword(sub: string, now: number): Promise<void> {
    const result = await this.db
      .updateTable('users')
      .set({ failed_attempts: 0, last_failed_at: null, locked_until: null })
      .where('id', '=', sub)
      .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('locked_until', 'is not', null)]))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) await this.assertNotLocked(sub, now);
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
    await this.db.updateTable('users').set({ failed_attempts: 0, last_failed_at: null, locked_until: null }).where('id', '=', sub).where('failed_attempts', '>', 0).execute();
  }
}

/**
 * Brute-force lockout shared by every sign-in path (security.md P03, A18, A19): after 5 failures
 * the account locks for 2^(n-5) seconds, capped at 15 minutes. Attempts during a lock are refused
 * without being counted; the counter resets on success, or after 15 minutes without failures.
 * The numbers are in lockout-policy.ts, the statements in store/lockout.ts.
 */
import { createHmac } from 'node:crypto';
import { errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as counters from '../store/lockout.js';

export { FREE_ATTEMPTS, lockMs, MAX_LOCK_MS, RESET_AFTER_MS } from './lockout-policy.js';

/** Rows of lockout_decoys (created, all of them, by migration 0008_lockout_decoys). */
export const LOCKOUT_DECOY_SLOTS = 1024;

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
  constructor(private readonly db: Executor) {}

  /** Refuses while the user, as just read, is locked: no second read of the row. */
  assertNotLocked(user: { lockedUntil: number | null }, now: number): void {
    if (user.lockedUntil !== null && user.lockedUntil > now) throw passwordAttemptsExceeded();
  }

  /** Refuses while the user is locked, read afresh: after a write that may have locked them. */
  async assertStillNotLocked(sub: string, now: number): Promise<void> {
    if (await this.isLocked(sub, now)) throw passwordAttemptsExceeded();
  }

  async isLocked(sub: string, now: number): Promise<boolean> {
    const until = await counters.lockedUntil(this.db, sub);
    return until !== null && until > now;
  }

  /**
   * Counts an attempt before the password is checked, in one statement that also refuses during a
   * lock and sets the lock the attempt brings (security.md A18): however many guesses arrive at once,
   * on however many nodes, at most FREE_ATTEMPTS of them are checked before the lock, and each later
   * one only after the lock before it ran out. A proven password clears the count
   * ({@link recordVerifiedPassword}). Undefined while locked.
   */
  async reserveAttempt(sub: string, now: number): Promise<Reservation | undefined> {
    const count = await counters.reserve(this.db, 'users', sub, now);
    return count === undefined ? undefined : { count };
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
    await counters.reserve(this.db, 'lockout_decoys', slot, now);
  }

  /** Gives back an attempt whose password was right but which signs in no one (a forgotten DEVICE_KEY, say). */
  async releaseAttempt(sub: string, now: number): Promise<void> {
    await counters.release(this.db, sub, now);
  }

  /**
   * Counts a failure atomically, so parallel wrong answers lock as surely as sequential ones (a
   * wrong second factor counts through the same statement, with its own floor: sign-in/mfa/answer.ts).
   */
  async recordFailure(sub: string, now: number): Promise<void> {
    await counters.recordFailure(this.db, sub, now);
  }

  /**
   * A proven password: clears the count, its own reservation included. Every path that proves a
   * password reserved its attempt first (reserveAttempt), so a right guess checked within the
   * allowance signs in even if parallel wrong ones locked the account meanwhile, as it would had
   * it come before them.
   */
  async recordVerifiedPassword(sub: string, trx?: Executor): Promise<void> {
    await this.recordSuccess(sub, trx);
  }

  /** Clears the count; on `trx` when given, so it commits with the caller's other writes. */
  async recordSuccess(sub: string, trx?: Executor): Promise<void> {
    await counters.clear(trx ?? this.db, sub);
  }
}

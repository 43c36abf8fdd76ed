/**
 * Confirmation codes: 6 digits from the CSPRNG, stored only as an HMAC, single-use, expiring, and
 * dead after five wrong tries (security.md P04–P06, A25, A26, R06). Each code is bound to one user
 * and one purpose; only the newest code of a purpose is live.
 */
import { createHmac, randomInt } from 'node:crypto';
import { errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as codeStore from '../store/codes.js';
import { constantTimeEqual } from '../crypto/compare.js';
import { newId } from './ids.js';

type Db = Executor;

export type CodePurpose = 'signup' | 'forgot_password' | `verify:${string}` | `mfa:${string}`;

/** Wrong answers a code survives; the next wrong one kills it. */
export const MAX_CODE_ATTEMPTS = 5;
/** Codes a user may be sent per purpose in an hour (inside Cognito's 5–20 range, P04). */
export const MAX_CODES_PER_HOUR = 20;

export const CODE_LIFETIME_MS: Record<'signup' | 'forgot_password' | 'verify', number> = {
  signup: 24 * 3600_000,
  forgot_password: 3600_000,
  verify: 24 * 3600_000,
};

/** An MFA code (`mfa:<session>`) lives as long as the longest AuthSessionValidity; its Session usually ends it sooner. */
export const MFA_CODE_LIFETIME_MS = 15 * 60_000;

export const lifetime = (purpose: CodePurpose) =>
  purpose.startsWith('verify:') ? CODE_LIFETIME_MS.verify : purpose.startsWith('mfa:') ? MFA_CODE_LIFETIME_MS : CODE_LIFETIME_MS[purpose as 'signup' | 'forgot_password'];

/**
 * What a code check found: `expired` is the right code past its lifetime (only the code's holder can
 * see that); `exhausted` is any code for one that is spent by wrong guesses, or a wrong code for one
 * past its lifetime (a guesser can see that without holding the code).
 */
export type CodeOutcome = 'ok' | 'mismatch' | 'expired' | 'exhausted';

/**
 * The error a failed {@link Codes.consume} answers with. When user existence is hidden, a dead code
 * a guesser could reach answers like an unknown name's (CodeMismatch, issue 10); the right code past
 * its hour still says ExpiredCode, which tells nothing to someone without the code.
 */
export function codeError(outcome: Exclude<CodeOutcome, 'ok'>, existenceHidden = false) {
  if (outcome === 'expired' || (outcome === 'exhausted' && !existenceHidden)) return errors.expiredCode();
  return errors.codeMismatch();
}

export class Codes {
  /**
   * @param fixedCode development mode's `--dev-codes`: every code is this value (config.ts refuses
   * it outside development mode). Codes are still stored as HMACs, single-use and expiring.
   */
  constructor(
    private readonly key: Buffer,
    private readonly fixedCode?: string,
  ) {}

  /** A new code: six digits from the CSPRNG, or the development code. */
  private mint(): string {
    return this.fixedCode ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  private hash(userId: string, purpose: string, code: string): string {
    return createHmac('sha256', this.key).update(`${userId}\0${purpose}\0${code}`).digest('hex');
  }

  /** Issues a new code, superseding earlier ones of the same purpose. Returns the plaintext code. */
  async issue(db: Db, p: { poolId: string; userId: string; purpose: CodePurpose }, now: number): Promise<string> {
    if ((await this.lockAndCount(db, p.userId, p.purpose, now)) >= MAX_CODES_PER_HOUR) throw errors.limitExceeded();
    await this.invalidate(db, p, now);
    const code = this.mint();
    await codeStore.insert(db, { id: newId(), pool_id: p.poolId, user_id: p.userId, purpose: p.purpose, code_hash: this.hash(p.userId, p.purpose, code), expires_at: now + lifetime(p.purpose), attempts: 0, consumed_at: null, created_at: now });
    return code;
  }

  /**
   * The work of {@link issue} for a name that gets no code (issue 10, security.md P01): the same
   * queries, keyed by `key` (which names no user, so they find and change nothing), a code drawn
   * and hashed the same way. Returns the code and its hash for the caller's decoy write.
   */
  async issueDecoy(db: Db, p: { key: string; purpose: CodePurpose }, now: number): Promise<{ code: string; codeHash: string }> {
    // The hourly count finds nothing to count, and nothing is refused.
    await this.lockAndCount(db, p.key, p.purpose, now);
    await this.invalidate(db, { userId: p.key, purpose: p.purpose }, now);
    const code = this.mint();
    return { code, codeHash: this.hash(p.key, p.purpose, code) };
  }

  /**
   * The work of a wrong {@link consume} for a name that has no code to try (issue 10, P01): the
   * look-up of the live code, keyed by `key` (finds nothing), and the hash and comparison. The
   * caller makes the write that counting the attempt would make.
   */
  async consumeDecoy(db: Db, p: { key: string; purpose: CodePurpose; code: string }): Promise<void> {
    const row = await codeStore.live(db, { userId: p.key, purpose: p.purpose });
    constantTimeEqual(row?.code_hash ?? this.hash(p.key, p.purpose, '\0'), this.hash(p.key, p.purpose, p.code));
  }

  /**
   * The hourly count before a new code, for a user or a decoy key alike, taken under the user's row
   * lock so concurrent issues for one user count one after another and can't pass the cap together
   * (PostgreSQL; SQLite transactions are serial anyway).
   */
  private async lockAndCount(db: Db, userId: string, purpose: CodePurpose, now: number): Promise<number> {
    await codeStore.lockUser(db, userId);
    return codeStore.count(db, { userId, purpose, since: now - 3600_000 });
  }

  /** How many codes of `purpose` the user was ever sent (an MFA Session's deliveries, sign-in/mfa). */
  async countIssued(db: Db, p: { userId: string; purpose: CodePurpose }): Promise<number> {
    return codeStore.count(db, p);
  }

  /** Sign-in codes (`mfa:<session>`) the user was sent in the last hour, over every Session: a passwordless sign-in's cap (sign-in/otp.ts). */
  async countSignInCodesLastHour(db: Db, userId: string, now: number): Promise<number> {
    return codeStore.countByPrefix(db, { userId, prefix: 'mfa:', since: now - 3600_000 });
  }

  /** Kills every live code of a purpose (the value it would confirm changed or went away). */
  async invalidate(db: Db, p: { userId: string; purpose: CodePurpose }, now: number): Promise<void> {
    await codeStore.invalidate(db, p, now);
  }

  /**
   * Whether `code` is the user's live, unexpired, unexhausted code for `purpose`. Read-only: it
   * counts no attempt and consumes nothing; {@link consume} still decides.
   */
  async matches(db: Db, p: { userId: string; purpose: CodePurpose; code: string }, now: number): Promise<boolean> {
    const row = await codeStore.live(db, p);
    if (!row || row.attempts >= MAX_CODE_ATTEMPTS || row.expires_at <= now) return false;
    return constantTimeEqual(row.code_hash, this.hash(p.userId, p.purpose, p.code));
  }

  /**
   * Consumes the live code if `code` matches: exactly one concurrent caller can win (the update is
   * conditional on the code being unconsumed). A wrong code counts an attempt; the outcome is
   * returned, not thrown, so a caller inside a transaction commits that count before it answers
   * with {@link codeError}.
   */
  async consume(db: Db, p: { userId: string; purpose: CodePurpose; code: string }, now: number): Promise<CodeOutcome> {
    const row = await codeStore.live(db, p);
    if (!row) return 'mismatch';
    const right = constantTimeEqual(row.code_hash, this.hash(p.userId, p.purpose, p.code));
    if (row.attempts >= MAX_CODE_ATTEMPTS) return 'exhausted';
    if (row.expires_at <= now) return right ? 'expired' : 'exhausted';
    if (!right) {
      await codeStore.countAttempt(db, row.id);
      return 'mismatch';
    }
    return (await codeStore.consume(db, row.id, now, MAX_CODE_ATTEMPTS)) ? 'ok' : 'mismatch';
  }
}

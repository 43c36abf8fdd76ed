/**
 * Password history (PasswordPolicy.PasswordHistorySize, 0–24): a new password may not equal any of
 * the user's last N passwords, the current one included. Earlier passwords are kept only as their
 * argon2id hashes (table `password_history`), compared with argon2 verify, and only while the pool
 * asks for history; the newest 24 are kept.
 *
 * Checked by ChangePassword, ConfirmForgotPassword (only once the code is proven right, so a guesser
 * learns nothing about old passwords), AdminSetUserPassword and the NEW_PASSWORD_REQUIRED answer.
 */
import { CognitoError } from '../errors.js';
import type { Executor } from '../store/db.js';
import { appendPasswordHash, recentPasswordHashes } from '../store/password-history.js';
import type { Ports } from './cognate.js';
import type { UserPool } from './user-pools.js';

/** The most PasswordHistorySize allows (API_PasswordPolicyType). */
export const MAX_PASSWORD_HISTORY = 24;

export const passwordReused = () => new CognitoError('PasswordHistoryPolicyViolationException', 'The password was used too recently.');

/** How many of the latest passwords the pool refuses to see again (0: none). */
export const historySize = (pool: UserPool) => Math.min(MAX_PASSWORD_HISTORY, Math.max(0, pool.settings.Policies.PasswordPolicy.PasswordHistorySize ?? 0));

/** Whether `password` is one of the user's last N passwords (the current one and N−1 before it). */
export async function isReusedPassword(cognate: Ports<'hasher' | 'store'>, pool: UserPool, user: { sub: string; passwordHash: string | null }, password: string): Promise<boolean> {
  const n = historySize(pool);
  if (n === 0) return false;
  const earlier = await recentPasswordHashes(cognate.store.db, user.sub, n - 1);
  const hashes = [user.passwordHash, ...earlier].filter((h): h is string => typeof h === 'string' && h !== '');
  const results = await Promise.all(hashes.map((h) => cognate.hasher.verify(h, password)));
  return results.some(Boolean);
}

/** Refuses a password the history forbids (PasswordHistoryPolicyViolationException). */
export async function assertPasswordNotReused(cognate: Ports<'hasher' | 'store'>, pool: UserPool, user: { sub: string; passwordHash: string | null }, password: string): Promise<void> {
  if (await isReusedPassword(cognate, pool, user, password)) throw passwordReused();
}

/**
 * Keeps the password being replaced, in the transaction that replaces it, when the pool keeps a
 * history; trims the user's history to the newest {@link MAX_PASSWORD_HISTORY}.
 */
export async function rememberReplacedPassword(db: Executor, pool: UserPool, user: { sub: string; passwordHash: string | null }, now: number): Promise<void> {
  if (historySize(pool) === 0 || !user.passwordHash) return;
  await appendPasswordHash(db, { sub: user.sub, poolId: pool.id, passwordHash: user.passwordHash, now, keep: MAX_PASSWORD_HISTORY });
}

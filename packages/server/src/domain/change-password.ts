/**
 * ChangePassword: a signed-in user replaces the password they prove, under the lockout every
 * sign-in path shares and the pool's password history.
 */
import { errors } from '../errors.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import { passwordAttemptsExceeded } from './lockout.js';
import { checkPasswordPolicy } from './passwords.js';
import { passwordMatches } from './imported-passwords.js';
import { assertPasswordNotReused, rememberReplacedPassword } from './password-history.js';
import { signedIn } from './self-service.js';
import { checkNewPassword, recordPasswordEvent } from './threat-protection/index.js';

const INCORRECT = 'Incorrect username or password.';

export async function changePassword(cognate: Ports<'clients' | 'clock' | 'config' | 'hasher' | 'lockout' | 'log' | 'outbox' | 'store' | 'tokens' | 'users'>, input: { AccessToken: string; PreviousPassword?: string; ProposedPassword: string }): Promise<Record<string, never>> {
  const { pool, user } = await signedIn(cognate, input.AccessToken);
  // PreviousPassword may be left out only by users who have no password (passwordless sign-in).
  if (input.PreviousPassword === undefined && (user.passwordHash !== null || !!user.importedPasswordHash)) throw errors.invalidParameter('PreviousPassword is required.');
  checkPasswordPolicy(input.ProposedPassword, pool.settings.Policies.PasswordPolicy);
  const now = cognate.clock.now();
  if (input.PreviousPassword === undefined) cognate.lockout.assertNotLocked(user, now);
  // The previous password counts toward the lockout every sign-in path shares (P03, A19), before it is checked (A18).
  else if (!(await cognate.lockout.reserveAttempt(user.sub, now))) throw passwordAttemptsExceeded();
  else if (!(await passwordMatches(cognate, user, input.PreviousPassword))) throw errors.notAuthorized(INCORRECT);
  await assertPasswordNotReused(cognate, pool, user, input.ProposedPassword);
  const verdict = await checkNewPassword(cognate, { pool, userId: user.sub, type: 'PasswordChange', password: input.ProposedPassword });
  const credentials = await cognate.users.credentials(pool, user.username, input.ProposedPassword);
  // Compare-and-set on the hash that was verified: of two racing changes, the second fails instead of
  // silently replacing a password it never proved.
  const changed = await cognate.store.transaction(async (trx) => {
    if (!(await userStore.setPassword(trx, user.sub, { ...credentials, updated_at: now, resetLockout: true }, { passwordHash: user.passwordHash }))) return false;
    await rememberReplacedPassword(trx, pool, user, now);
    return true;
  });
  if (!changed) {
    await cognate.lockout.assertStillNotLocked(user.sub, now);
    throw errors.notAuthorized(INCORRECT);
  }
  await recordPasswordEvent(cognate, verdict, user.sub);
  return {};
}


/**
 * The administrator and a user's password: AdminResetUserPassword (a reset code, as ForgotPassword
 * sends it) and AdminSetUserPassword (a permanent or a temporary password).
 */
import { errors } from '../errors.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import { deliverCode, recoveryDestination } from './messages.js';
import { checkPasswordPolicy } from './passwords.js';
import type { UserStatus } from './users.js';
import { assertPasswordNotReused, rememberReplacedPassword } from './password-history.js';
import { poolAndUser, type AdminUserInput } from './admin-users.js';
import { temporaryPasswordExpiry } from './admin-create-user.js';
import { checkNewPassword, recordPasswordEvent } from './threat-protection/index.js';

const RESETTABLE: ReadonlySet<UserStatus> = new Set(['CONFIRMED', 'RESET_REQUIRED', 'UNCONFIRMED']);

/**
 * AdminResetUserPassword: RESET_REQUIRED and a reset code sent as ForgotPassword sends it; signing
 * in then answers PasswordResetRequiredException until ConfirmForgotPassword sets a new password.
 */
export async function adminResetUserPassword(cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'pools' | 'store' | 'triggers' | 'users'>, input: AdminUserInput & { ClientMetadata?: Record<string, string> }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  if (!RESETTABLE.has(user.status)) throw errors.notAuthorized('User password cannot be reset in the current state.');
  // The same channels ForgotPassword uses; `admin_only` offers none, so there is nowhere to send the code.
  const destination = recoveryDestination(pool, user);
  if (!destination) throw errors.invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  await deliverCode(cognate, pool, {
    occasion: 'ForgotPassword',
    user,
    clientMetadata: input.ClientMetadata,
    purpose: 'forgot_password',
    kind: 'ForgotPassword',
    destination,
    before: (trx, now) => cognate.users.setStatus(trx, user.sub, 'RESET_REQUIRED', now, { aliases: 'yield' }),
  });
}

/**
 * AdminSetUserPassword: a permanent password makes the user CONFIRMED; a temporary one makes them
 * FORCE_CHANGE_PASSWORD, to be changed at the next sign-in before TemporaryPasswordValidityDays pass.
 */
export async function adminSetUserPassword(cognate: Ports<'clock' | 'codes' | 'config' | 'hasher' | 'log' | 'outbox' | 'pools' | 'store' | 'users'>, input: AdminUserInput & { Password: string; Permanent?: boolean }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  // A federated user signs in at their provider; a password would make the account a second, native way in.
  if (user.status === 'EXTERNAL_PROVIDER') throw errors.invalidParameter('Password cannot be set for a user of an external identity provider.');
  checkPasswordPolicy(input.Password, pool.settings.Policies.PasswordPolicy);
  await assertPasswordNotReused(cognate, pool, user, input.Password);
  const verdict = await checkNewPassword(cognate, { pool, userId: user.sub, type: 'PasswordChange', password: input.Password });
  const credentials = await cognate.users.credentials(pool, user.username, input.Password);
  const now = cognate.clock.now();
  const permanent = input.Permanent === true;
  await cognate.store.transaction(async (trx) => {
    await rememberReplacedPassword(trx, pool, user, now);
    await userStore.setPassword(trx, user.sub, {
      ...credentials,
      status: permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
      temporary_password_expires_at: permanent ? null : temporaryPasswordExpiry(pool, now),
      updated_at: now,
    });
    // An unconfirmed user becomes confirmed (or invited) and so holds their aliases; one another
    // user holds stays theirs (this API has no AliasExistsException).
    await cognate.users.syncAliases(trx, pool.id, user.sub, { mode: 'yield', now });
    // An outstanding reset or sign-up code would otherwise undo or bypass what the admin set.
    await cognate.codes.invalidate(trx, { userId: user.sub, purpose: 'forgot_password' }, now);
    await cognate.codes.invalidate(trx, { userId: user.sub, purpose: 'signup' }, now);
  });
  await recordPasswordEvent(cognate, verdict, user.sub);
}


/**
 * The administrator's user lifecycle: finding the user an Admin* call names, and the small
 * actions that delete, disable, enable, confirm and sign out users. By concern, the rest:
 * admin-create-user.ts (AdminCreateUser and its invitation, temporary passwords),
 * admin-user-attributes.ts (AdminUpdateUserAttributes, AdminDeleteUserAttributes) and
 * admin-user-passwords.ts (AdminResetUserPassword, AdminSetUserPassword). The FORCE_CHANGE_PASSWORD
 * state's NEW_PASSWORD_REQUIRED challenge is a sign-in step (sign-in/challenges/).
 */
import { errors } from '../errors.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import { postConfirmation } from './sign-up.js';
import type { User } from './users.js';
import { globalSignOut } from './sign-in/sign-out.js';
import type { UserPool } from './user-pools.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user an admin call names: the username, an alias (email, phone number, preferred_username
 * where the pool allows signing in with it), or the `sub` (AdminGetUser's `Username` docs).
 */
export async function adminUser(cognate: Ports<'users'>, pool: UserPool, username: string): Promise<User> {
  const user = (await cognate.users.findForSignIn(pool, username)) ?? (UUID.test(username) ? await cognate.users.findBySub(pool.id, username.toLowerCase()) : undefined);
  if (!user) throw errors.userNotFound();
  return user;
}

/** The outcome of a write must not leave a verified flag without its value (Cognito's messages). */
export function assertVerifiedFlagsHaveValues(attributes: ReadonlyMap<string, string>, named: ReadonlySet<string>): void {
  if (named.has('email_verified') && !attributes.get('email')) throw errors.invalidParameter('Email is required to verify/un-verify an email');
  if (named.has('phone_number_verified') && !attributes.get('phone_number')) throw errors.invalidParameter('Phone number is required to verify/un-verify a phone number');
}

/** What every Admin* call about one user names. */
export interface AdminUserInput {
  UserPoolId: string;
  Username: string;
}

/** The pool and the user an Admin* call names (UserNotFoundException when there is none). */
export async function poolAndUser(cognate: Ports<'pools' | 'users'>, input: AdminUserInput): Promise<{ pool: UserPool; user: User }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  return { pool, user: await adminUser(cognate, pool, input.Username) };
}

/**
 * AdminDeleteUser: the user and everything of theirs. Attributes, codes, refresh tokens (so every
 * access token, which is checked against its refresh-token family) and any other per-user rows go
 * with the user row (foreign keys cascade; the main ones are deleted explicitly too).
 */
export async function adminDeleteUser(cognate: Ports<'pools' | 'users'>, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  await cognate.users.remove(user.sub);
}

/** AdminDisableUser: no sign-in ("User is disabled."), and every token revoked for good. */
export async function adminDisableUser(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  const now = cognate.clock.now();
  // Re-enabling doesn't bring these sessions back (security.md P10, ASVS5 7.4.2).
  await cognate.store.transaction((trx) => userStore.disableUser(trx, user.sub, now));
}

export async function adminEnableUser(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  await userStore.enableUser(cognate.store.db, user.sub, cognate.clock.now());
}

/** AdminConfirmSignUp: UNCONFIRMED → CONFIRMED without a code; verifies no attribute. */
export async function adminConfirmSignUp(cognate: Ports<'clock' | 'codes' | 'log' | 'pools' | 'store' | 'triggers' | 'users'>, input: AdminUserInput & { ClientMetadata?: Record<string, string> }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  const cannot = (status: string) => errors.notAuthorized(`User cannot be confirmed. Current status is ${status}`);
  if (user.status !== 'UNCONFIRMED') throw cannot(user.status);
  const now = cognate.clock.now();
  const confirmed = await cognate.store.transaction(async (trx) => {
    if (!(await userStore.changeStatus(trx, user.sub, 'UNCONFIRMED', 'CONFIRMED', now))) return false;
    // Confirmed, the user holds their aliases; one held by another user stays theirs (no AliasExistsException here).
    await cognate.users.syncAliases(trx, pool.id, user.sub, { mode: 'yield', now });
    await cognate.codes.invalidate(trx, { userId: user.sub, purpose: 'signup' }, now);
    return true;
  });
  if (!confirmed) throw cannot('CONFIRMED');
  await postConfirmation(cognate, pool, user.sub, 'PostConfirmation_ConfirmSignUp', undefined, input.ClientMetadata);
}

/**
 * AdminUserGlobalSignOut: every refresh token of the user, and so every access token, revoked, and
 * their devices no longer remembered, in one transaction (sign-in/sign-out.ts).
 */
export async function adminUserGlobalSignOut(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  await globalSignOut(cognate, user.sub);
}

/**
 * Checks every sign-in path shares: who may sign in, what an unknown name or a locked account
 * hears, PreAuthentication, and the user a continued Session names.
 */
import { CognitoError, errors } from '../../errors.js';
import { runTrigger, userAttributesOf } from '../../triggers/triggers.js';
import type { Ports } from '../cognate.js';
import { checkSecretHash, type AppClient } from '../app-clients.js';
import { decoySlot, passwordAttemptsExceeded } from '../lockout.js';
import { usernameKey, type User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { required } from '../parameters.js';
import { INCORRECT, invalidSession, type Metadata, type Params } from './types.js';

/** Refusals that come only after the password checked out, so they reveal nothing to a guesser. */
export function assertMayUseAccount(user: User): void {
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  if (user.status === 'UNCONFIRMED') throw errors.userNotConfirmed();
  if (user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
}

/**
 * The answer to a password attempt while the account is locked. Under PreventUserExistenceErrors it
 * is the answer an unknown name gets ("Incorrect username or password."), so a lock doesn't tell a
 * guesser that the name exists; LEGACY clients hear "Password attempts exceeded".
 */
export function lockedOut(client: AppClient): Error {
  return client.settings.PreventUserExistenceErrors === 'ENABLED' ? errors.notAuthorized(INCORRECT) : passwordAttemptsExceeded();
}

/** The failure for a sign-in name that matches no one: generic, or UserNotFound for LEGACY clients. */
export function unknownUser(client: AppClient): Error {
  return client.settings.PreventUserExistenceErrors === 'ENABLED' ? errors.notAuthorized(INCORRECT) : errors.userNotFound();
}

/**
 * The lockout write for an attempt that names no one: the same UPDATE … RETURNING a real user's
 * attempt makes (Lockout.reserveAttempt), on the decoy row the name maps to. Always undefined, so
 * callers can use it where a reservation goes.
 */
export async function reserveDecoy(cognate: Ports<'lockout' | 'secrets'>, pool: UserPool, name: string, now: number): Promise<undefined> {
  await cognate.lockout.reserveDecoy(decoySlot(cognate.secrets.fakeSaltKey, pool.id, usernameKey(pool, name)), now);
  return undefined;
}

/**
 * PreAuthentication, before the credential is checked. It runs for unknown users only where
 * PreventUserExistenceErrors hides them (with `userNotFound: true`), as Cognito does; ClientMetadata
 * reaches it as `validationData` (user-pool-lambda-pre-authentication).
 */
export async function preAuthentication(cognate: Ports<'log' | 'triggers'>, pool: UserPool, client: AppClient, user: User | undefined, name: string, clientMetadata: Metadata): Promise<void> {
  const hidden = client.settings.PreventUserExistenceErrors === 'ENABLED';
  if (!user && !hidden) return;
  await runTrigger(cognate, pool, 'PreAuthentication', {
    source: 'PreAuthentication_Authentication',
    userName: user?.username ?? name,
    clientId: client.id,
    request: { userAttributes: user ? userAttributesOf(user) : {}, validationData: clientMetadata ?? null, ...(hidden ? { userNotFound: !user } : {}) },
  });
}

/**
 * The user a continued Session (MFA, device) names, named in the answer as the username or a
 * sign-in alias, and still allowed to sign in: enabled, CONFIRMED (a password reset or a new
 * temporary password since the first step ends the sign-in), not locked.
 */
export async function answeringUser(cognate: Ports<'clock' | 'lockout' | 'users'>, pool: UserPool, client: AppClient, sub: string, responses: Params): Promise<User> {
  const name = required(responses, 'USERNAME');
  const user = await cognate.users.findBySub(pool.id, sub);
  if (!user) throw invalidSession();
  const named = usernameKey(pool, name) === usernameKey(pool, user.username) || (await cognate.users.findForSignIn(pool, name))?.sub === user.sub;
  if (!named) throw invalidSession();
  checkSecretHash(client, [name, user.username], responses.SECRET_HASH);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  if (user.status !== 'CONFIRMED') throw invalidSession();
  cognate.lockout.assertNotLocked(user, cognate.clock.now());
  return user;
}

/**
 * The administrator's user lifecycle: AdminCreateUser and its invitation (the FORCE_CHANGE_PASSWORD
 * state's NEW_PASSWORD_REQUIRED challenge is in sign-in/challenges/), and the Admin* actions that change attributes,
 * disable, enable, reset, set passwords, confirm, sign out and delete users.
 */
import { randomInt } from 'node:crypto';
import { attributeMap, runTrigger, userAttributesOf } from '../triggers/triggers.js';
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import type { Outbox } from '../messaging/outbox.js';
import type { Cognate } from './cognate.js';
import { CODE_PARAMETER, composeMessages, deliverCode, type Messages, queueMessage, recoveryDestination, sendCode, type Templates } from './messages.js';
import { newSub } from './ids.js';
import { checkPasswordPolicy } from './passwords.js';
import { requiresVerificationBeforeUpdate } from './self-service.js';
import * as userStore from '../store/users.js';
import { assertWritable, postConfirmation, resolveUsername } from './sign-up.js';
import { assertDeletable, validateAttributes, type AttributeType, type User, type UserStatus } from './users.js';
import { assertPasswordNotReused, rememberReplacedPassword } from './password-history.js';
import { aliasExists } from './aliases.js';
import { claimSignInNames, insertNewUser, otherHolder, withoutRequired } from './new-users.js';
import { globalSignOut } from './sign-in/sign-out.js';
import type { PasswordPolicy, UserPool } from './user-pools.js';

type Trx = Executor;
type Medium = 'EMAIL' | 'SMS';
type Verifiable = 'email' | 'phone_number';

const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERIFIABLE: readonly Verifiable[] = ['email', 'phone_number'];

/**
 * The user an admin call names: the username, an alias (email, phone number, preferred_username
 * where the pool allows signing in with it), or the `sub` (AdminGetUser's `Username` docs).
 */
export async function adminUser(cognate: Cognate, pool: UserPool, username: string): Promise<User> {
  const user = (await cognate.users.findForSignIn(pool, username)) ?? (UUID.test(username) ? await cognate.users.findBySub(pool.id, username.toLowerCase()) : undefined);
  if (!user) throw errors.userNotFound();
  return user;
}

/** The outcome of a write must not leave a verified flag without its value (Cognito's messages). */
function assertVerifiedFlagsHaveValues(attributes: ReadonlyMap<string, string>, named: ReadonlySet<string>): void {
  if (named.has('email_verified') && !attributes.get('email')) throw errors.invalidParameter('Email is required to verify/un-verify an email');
  if (named.has('phone_number_verified') && !attributes.get('phone_number')) throw errors.invalidParameter('Phone number is required to verify/un-verify a phone number');
}

// ---------------------------------------------------------------------------------------------
// Temporary passwords and invitations

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&*+-=?@^_~';
const pick = (alphabet: string) => alphabet[randomInt(alphabet.length)]!;

/**
 * A temporary password from the CSPRNG that satisfies any policy the pool can have: at least 12
 * characters (more if the policy asks) with a lowercase and an uppercase letter, a digit and a
 * symbol, without look-alike characters (l/1, O/0) since people type it from a message.
 */
export function generateTemporaryPassword(policy: PasswordPolicy): string {
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  while (chars.length < Math.max(12, policy.MinimumLength)) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** When a temporary password set now stops working (PasswordPolicy.TemporaryPasswordValidityDays; 0 = never). */
function temporaryPasswordExpiry(pool: UserPool, now: number): number | null {
  const days = pool.settings.Policies.PasswordPolicy.TemporaryPasswordValidityDays;
  return days > 0 ? now + days * DAY_MS : null;
}

const DEFAULT_INVITE_MESSAGE = 'Your username is {username} and temporary password is {####}. ';
const DEFAULT_INVITE_SUBJECT = 'Your temporary password';

interface Destination {
  medium: Medium;
  attribute: Verifiable;
  to: string;
}

/**
 * Where an invitation goes. Cognito's default medium is SMS; a user without a phone number gets
 * it by email instead, and a user with neither gets none. A medium the caller names explicitly
 * needs its attribute ("You must provide a value for email ... if you set EMAIL in the
 * DesiredDeliveryMediums parameter", AdminCreateUser `UserAttributes`).
 */
function invitationDestinations(attributes: ReadonlyMap<string, string>, desired: readonly Medium[] | undefined): Destination[] {
  const email = attributes.get('email');
  const phone = attributes.get('phone_number');
  if (!desired || desired.length === 0) {
    if (phone) return [{ medium: 'SMS', attribute: 'phone_number', to: phone }];
    if (email) return [{ medium: 'EMAIL', attribute: 'email', to: email }];
    return [];
  }
  const out: Destination[] = [];
  for (const medium of new Set(desired)) {
    if (medium === 'EMAIL') {
      if (!email) throw errors.invalidParameter('Email address is required when DesiredDeliveryMediums includes EMAIL.');
      out.push({ medium, attribute: 'email', to: email });
    } else {
      if (!phone) throw errors.invalidParameter('Phone number is required when DesiredDeliveryMediums includes SMS.');
      out.push({ medium, attribute: 'phone_number', to: phone });
    }
  }
  return out;
}

/** The pool's invitation: its InviteMessageTemplate, Cognito's defaults otherwise. */
function invitationMessages(pool: UserPool): Templates {
  const template = pool.settings.AdminCreateUserConfig.InviteMessageTemplate ?? {};
  return {
    EMAIL: { subject: template.EmailSubject ?? DEFAULT_INVITE_SUBJECT, body: template.EmailMessage ?? DEFAULT_INVITE_MESSAGE },
    SMS: { body: template.SMSMessage ?? DEFAULT_INVITE_MESSAGE },
  };
}

/**
 * The invitation's messages, through the CustomMessage trigger (CustomMessage_AdminCreateUser);
 * none when the admin suppressed them. Runs the trigger: call before the transaction.
 */
async function composeInvitation(cognate: Cognate, pool: UserPool, user: Pick<User, 'sub' | 'status' | 'attributes' | 'username'>, destinations: Destination[], clientMetadata: Record<string, string> | undefined): Promise<Messages | undefined> {
  if (destinations.length === 0) return undefined;
  return composeMessages(cognate, pool, { occasion: 'AdminCreateUser', user, clientMetadata, messages: invitationMessages(pool) });
}

/**
 * Queues the invitation to each destination, in the caller's transaction; `{####}` is the temporary
 * password. A template without `{####}` is not delivered, as Cognito documents. True when one was queued.
 */
async function queueInvitations(outbox: Outbox, trx: Trx, p: { pool: UserPool; username: string; password: string; destinations: Destination[]; messages: Messages | undefined }): Promise<boolean> {
  let queued = false;
  for (const destination of p.destinations) {
    if (!p.messages || !p.messages[destination.medium].body.includes(CODE_PARAMETER)) continue;
    await queueMessage(outbox, trx, { pool: p.pool, username: p.username, destination, messages: p.messages, code: p.password, kind: 'AdminCreateUser' });
    queued = true;
  }
  return queued;
}

// ---------------------------------------------------------------------------------------------
// AdminCreateUser

export interface AdminCreateUserInput {
  UserPoolId: string;
  Username: string;
  UserAttributes?: AttributeType[];
  ValidationData?: AttributeType[];
  TemporaryPassword?: string;
  ForceAliasCreation?: boolean;
  MessageAction?: 'RESEND' | 'SUPPRESS';
  DesiredDeliveryMediums?: Medium[];
  ClientMetadata?: Record<string, string>;
}

/**
 * AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password (given and
 * policy-checked, or generated), invited by SMS and/or email unless SUPPRESS; RESEND gives an
 * existing FORCE_CHANGE_PASSWORD user a new temporary password and invitation. ValidationData and
 * ClientMetadata go to the PreSignUp trigger. AllowAdminCreateUserOnly pools
 * allow it: that setting only closes self sign-up.
 */
export async function adminCreateUser(cognate: Cognate, input: AdminCreateUserInput): Promise<User> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const policy = pool.settings.Policies.PasswordPolicy;
  if (input.TemporaryPassword) checkPasswordPolicy(input.TemporaryPassword, policy);
  if (input.MessageAction === 'RESEND') return resendInvitation(cognate, pool, input);

  const given = input.UserAttributes ?? [];
  // Required attributes may be left for the user to give when they set their password (requiredAttributes).
  const attributes = validateAttributes(withoutRequired(pool), given, 'admin', { creating: true });
  const sub = newSub();
  const username = resolveUsername(pool, input.Username, attributes, sub);
  assertVerifiedFlagsHaveValues(attributes, new Set(given.map((a) => a.Name)));
  if (await cognate.users.findByUsername(pool, username)) throw errors.usernameExists('User account already exists');
  for (const attribute of pool.settings.UsernameAttributes ?? []) {
    const value = attributes.get(attribute);
    if (value && (await otherHolder(cognate.store.db, pool, attribute, value, undefined))) {
      throw errors.usernameExists(`An account with the given ${attribute} already exists.`);
    }
  }
  // PreSignUp_AdminCreateUser may refuse the user; its autoConfirm/autoVerify answers don't apply here.
  await runTrigger(cognate, pool, 'PreSignUp', {
    source: 'PreSignUp_AdminCreateUser',
    userName: username,
    request: { userAttributes: Object.fromEntries(attributes), validationData: attributeMap(input.ValidationData), clientMetadata: input.ClientMetadata ?? null },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  const destinations = input.MessageAction === 'SUPPRESS' ? [] : invitationDestinations(attributes, input.DesiredDeliveryMediums);
  const password = input.TemporaryPassword || generateTemporaryPassword(policy);
  const credentials = await cognate.users.credentials(pool, username, password);
  const messages = await composeInvitation(cognate, pool, { sub, username, status: 'FORCE_CHANGE_PASSWORD', attributes }, destinations, input.ClientMetadata);
  const now = cognate.clock.now();

  const queued = await insertNewUser(cognate, pool, { sub, username, status: 'FORCE_CHANGE_PASSWORD', attributes, credentials, forceAliasCreation: input.ForceAliasCreation === true }, now, async (trx) => {
    await userStore.setTemporaryPasswordExpiry(trx, sub, temporaryPasswordExpiry(pool, now));
    return queueInvitations(cognate.outbox, trx, { pool, username: input.Username, password, destinations, messages });
  });
  if (queued) cognate.outbox.kick();
  return (await cognate.users.findBySub(pool.id, sub))!;
}

async function resendInvitation(cognate: Cognate, pool: UserPool, input: AdminCreateUserInput): Promise<User> {
  const user = await adminUser(cognate, pool, input.Username);
  const notForced = () => new CognitoError('UnsupportedUserStateException', `Resend not possible. ${input.Username} status is not FORCE_CHANGE_PASSWORD`);
  if (user.status !== 'FORCE_CHANGE_PASSWORD') throw notForced();
  const destinations = invitationDestinations(user.attributes, input.DesiredDeliveryMediums);
  const password = input.TemporaryPassword || generateTemporaryPassword(pool.settings.Policies.PasswordPolicy);
  const credentials = await cognate.users.credentials(pool, user.username, password);
  const messages = await composeInvitation(cognate, pool, user, destinations, input.ClientMetadata);
  const now = cognate.clock.now();
  const queued = await cognate.store.transaction(async (trx) => {
    const reset = await userStore.setPassword(trx, user.sub, { ...credentials, temporary_password_expires_at: temporaryPasswordExpiry(pool, now), updated_at: now }, { status: 'FORCE_CHANGE_PASSWORD' });
    // The user set their password meanwhile.
    if (!reset) throw notForced();
    return queueInvitations(cognate.outbox, trx, { pool, username: input.Username, password, destinations, messages });
  });
  if (queued) cognate.outbox.kick();
  return (await cognate.users.findBySub(pool.id, user.sub))!;
}

// ---------------------------------------------------------------------------------------------
// The other Admin* actions

interface AdminUserInput {
  UserPoolId: string;
  Username: string;
}

async function poolAndUser(cognate: Cognate, input: AdminUserInput): Promise<{ pool: UserPool; user: User }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  return { pool, user: await adminUser(cognate, pool, input.Username) };
}

/**
 * AdminUpdateUserAttributes: the admin may set the *_verified flags; a blank value deletes an
 * attribute. A changed email or phone number the request doesn't mark verified either waits as a
 * pending value for VerifyUserAttribute, where the pool requires verification before update
 * (the same rule UpdateUserAttributes follows), or becomes the unverified value at once; a code goes
 * out whenever the pool verifies that attribute. ClientMetadata only feeds triggers.
 */
export async function adminUpdateUserAttributes(cognate: Cognate, input: AdminUserInput & { UserAttributes: AttributeType[]; ClientMetadata?: Record<string, string> }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  const blank = input.UserAttributes.filter((a) => (a.Value ?? '') === '').map((a) => a.Name);
  const set = validateAttributes(pool, input.UserAttributes.filter((a) => (a.Value ?? '') !== ''), 'admin', { creating: false });
  if (blank.length > 0) assertDeletable(pool, blank, 'admin');
  const named = new Set(input.UserAttributes.map((a) => a.Name));
  const auto = pool.settings.AutoVerifiedAttributes ?? [];
  const pending: Destination[] = [];
  const toVerify: Destination[] = [];
  for (const attribute of VERIFIABLE) {
    if (blank.includes(attribute)) blank.push(`${attribute}_verified`);
    const value = set.get(attribute);
    if (value === undefined || value === user.attributes.get(attribute) || set.get(`${attribute}_verified`) === 'true') continue;
    const destination: Destination = { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, to: value };
    if (requiresVerificationBeforeUpdate(pool, attribute)) {
      // The old value stays active (and verified) until the new one is verified (security.md P13).
      set.delete(attribute);
      pending.push(destination);
      toVerify.push(destination);
    } else {
      if (!named.has(`${attribute}_verified`)) set.set(`${attribute}_verified`, 'false');
      if (auto.includes(attribute)) toVerify.push(destination);
    }
  }
  const after = new Map(user.attributes);
  for (const [k, v] of set) after.set(k, v);
  for (const k of blank) after.delete(k);
  assertVerifiedFlagsHaveValues(after, named);
  const changed = new Set([...set].filter(([k, v]) => user.attributes.get(k) !== v).map(([k]) => k));
  const messages = toVerify.length > 0 ? await composeMessages(cognate, pool, { occasion: 'UpdateUserAttribute', user: { ...user, attributes: after }, clientMetadata: input.ClientMetadata }) : undefined;
  const now = cognate.clock.now();

  const queued = await cognate.store.transaction(async (trx) => {
    await claimSignInNames(trx, pool, after, changed, user.sub, false);
    for (const { attribute, to } of pending) {
      if ((pool.settings.UsernameAttributes ?? []).includes(attribute) && (await otherHolder(trx, pool, attribute, to, user.sub))) {
        throw aliasExists(attribute);
      }
    }
    await cognate.users.setAttributes(trx, pool.id, user.sub, set);
    await cognate.users.deleteAttributes(trx, pool.id, user.sub, blank);
    // Whatever the request says about an email or phone number replaces an earlier pending value,
    // and a code for an earlier value must not verify this one.
    for (const attribute of VERIFIABLE) {
      if (!named.has(attribute)) continue;
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: `verify:${attribute}` }, now);
    }
    for (const { attribute, to } of pending) {
      await userStore.setPendingValue(trx, { poolId: pool.id, userId: user.sub, attribute, value: to, now });
    }
    await userStore.touchUser(trx, user.sub, now);
    if (messages) {
      for (const destination of toVerify) {
        await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose: `verify:${destination.attribute}`, destination, messages, kind: 'UpdateUserAttribute' }, now);
      }
    }
    return toVerify.length > 0;
  });
  if (queued) cognate.outbox.kick();
}

/** AdminDeleteUserAttributes: deleting an email or phone number deletes its verified flag with it. */
export async function adminDeleteUserAttributes(cognate: Cognate, input: AdminUserInput & { UserAttributeNames: string[] }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  assertDeletable(pool, input.UserAttributeNames, 'admin');
  const names = new Set(input.UserAttributeNames);
  for (const attribute of VERIFIABLE) if (names.has(attribute)) names.add(`${attribute}_verified`);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await cognate.users.deleteAttributes(trx, pool.id, user.sub, [...names]);
    await userStore.touchUser(trx, user.sub, now);
    for (const attribute of VERIFIABLE) {
      if (!names.has(attribute)) continue;
      // Its pending replacement and live codes go with it.
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: `verify:${attribute}` }, now);
    }
  });
}

/**
 * AdminDeleteUser: the user and everything of theirs. Attributes, codes, refresh tokens (so every
 * access token, which is checked against its refresh-token family) and any other per-user rows go
 * with the user row (foreign keys cascade; the main ones are deleted explicitly too).
 */
export async function adminDeleteUser(cognate: Cognate, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  await cognate.users.remove(user.sub);
}

/** AdminDisableUser: no sign-in ("User is disabled."), and every token revoked for good. */
export async function adminDisableUser(cognate: Cognate, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  const now = cognate.clock.now();
  // Re-enabling doesn't bring these sessions back (security.md P10, ASVS5 7.4.2).
  await cognate.store.transaction((trx) => userStore.disableUser(trx, user.sub, now));
}

export async function adminEnableUser(cognate: Cognate, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  await userStore.enableUser(cognate.store.db, user.sub, cognate.clock.now());
}

const RESETTABLE: ReadonlySet<UserStatus> = new Set(['CONFIRMED', 'RESET_REQUIRED', 'UNCONFIRMED']);

/**
 * AdminResetUserPassword: RESET_REQUIRED and a reset code sent as ForgotPassword sends it; signing
 * in then answers PasswordResetRequiredException until ConfirmForgotPassword sets a new password.
 */
export async function adminResetUserPassword(cognate: Cognate, input: AdminUserInput & { ClientMetadata?: Record<string, string> }): Promise<void> {
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
export async function adminSetUserPassword(cognate: Cognate, input: AdminUserInput & { Password: string; Permanent?: boolean }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  checkPasswordPolicy(input.Password, pool.settings.Policies.PasswordPolicy);
  await assertPasswordNotReused(cognate, pool, user, input.Password);
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
}

/** AdminConfirmSignUp: UNCONFIRMED → CONFIRMED without a code; verifies no attribute. */
export async function adminConfirmSignUp(cognate: Cognate, input: AdminUserInput & { ClientMetadata?: Record<string, string> }): Promise<void> {
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
export async function adminUserGlobalSignOut(cognate: Cognate, input: AdminUserInput): Promise<void> {
  const { user } = await poolAndUser(cognate, input);
  await globalSignOut(cognate, user.sub);
}

/**
 * Self-service account recovery and attribute management: ForgotPassword, ConfirmForgotPassword,
 * ChangePassword, GetUserAttributeVerificationCode, VerifyUserAttribute, UpdateUserAttributes,
 * DeleteUserAttributes and DeleteUser.
 *
 * Choices where Cognito is silent or where we ship a stricter default ("Beat", security.md):
 * - A changed email or phone number stays *pending* (table `pending_attributes`, never an active
 *   value) until VerifyUserAttribute confirms it, whenever the pool lists the attribute in
 *   `UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate` — and, when the pool
 *   has no UserAttributeUpdateSettings at all, for every attribute it auto-verifies (P13, A23).
 *   A pool opts out explicitly with `AttributesRequireVerificationBeforeUpdate: []`. Naming the
 *   current value again takes a pending change back; any change kills the codes sent for the
 *   previous value. VerifyUserAttribute refuses (AliasExistsException) an address another user of
 *   the pool signs in with, rather than moving the alias.
 * - The old, verified email address gets a notice when its replacement is requested (P13, ASVS
 *   2.5.5).
 * - ConfirmForgotPassword confirms an UNCONFIRMED user: the code went to a *verified* address, the
 *   same proof ConfirmSignUp asks for (Cognito does the same; users reach this only after an
 *   administrator verified their address).
 * - Password changes and resets keep existing sessions, as Cognito does (ASVS 3.3.3 leaves ending
 *   them as an option; GlobalSignOut does it).
 * - Users can't write `email_verified` / `phone_number_verified`: verification is earned with a code.
 */
import { CognitoError, errors } from '../errors.js';
import { passwordAttemptsExceeded } from './lockout.js';
import type { Executor } from '../store/db.js';
import * as userStore from '../store/users.js';
import type { Cognate } from './cognate.js';
import { checkSecretHash, type AppClient } from './app-clients.js';
import { codeError, type CodeOutcome } from './codes.js';
import { migrateUser } from './user-migration.js';
import { type CodeDeliveryDetails, composeMessages, deliverCode, emailSender, kickAfterDecoy, maskDestination, recoveryDestination, recoveryOrder, sendCode, sendDecoyCode, simulatedDelivery, tryDecoyCode } from './messages.js';
import { checkPasswordPolicy } from './passwords.js';
import { passwordMatches } from './imported-passwords.js';
import { aliasExists } from './aliases.js';
import { assertPasswordNotReused, isReusedPassword, passwordReused, rememberReplacedPassword } from './password-history.js';
import { postConfirmation } from './sign-up.js';
import { clientAndPool } from './client-context.js';
import { assertDeletable, validateAttributes, type AttributeType, type User } from './users.js';
import type { UserPool } from './user-pools.js';
import type { AccessContext } from './tokens.js';

type Trx = Executor;
type Verifiable = 'email' | 'phone_number';
type Destination = { medium: 'EMAIL' | 'SMS'; attribute: Verifiable; to: string };

const INCORRECT = 'Incorrect username or password.';
const NOT_FOUND = 'Username/client id combination not found.';
const UNAUTHORIZED_WRITE = 'A client attempted to write unauthorized attribute';

const isVerifiable = (name: string): name is Verifiable => name === 'email' || name === 'phone_number';
const mediumOf = (attribute: Verifiable) => (attribute === 'email' ? 'EMAIL' : 'SMS') as 'EMAIL' | 'SMS';
const verifyPurpose = (attribute: Verifiable) => `verify:${attribute}` as const;
const existenceHidden = (client: AppClient) => client.settings.PreventUserExistenceErrors === 'ENABLED';

// ---------------------------------------------------------------------------------------------
// Account recovery

/**
 * Where a recovery code may go: only to a *verified* email or phone number (security.md P04, A23),
 * in the order of the pool's AccountRecoverySetting. Without that setting, Cognito's legacy order
 * (SMS first when the pool verifies phone numbers, else email). `admin_only` pools refuse
 * self-service recovery for everyone, so the refusal says nothing about who exists.
 */
function recoveryMechanisms(pool: UserPool): Verifiable[] | undefined {
  if (pool.settings.AccountRecoverySetting?.RecoveryMechanisms?.some((m) => m.Name === 'admin_only')) throw errors.notAuthorized('Contact administrator to reset password.');
  return recoveryOrder(pool);
}

function simulatedRecovery(cognate: Cognate, pool: UserPool, name: string, mechanisms: Verifiable[] | undefined): CodeDeliveryDetails {
  const preferred: Verifiable = mechanisms?.[0] ?? ((pool.settings.AutoVerifiedAttributes ?? []).includes('phone_number') ? 'phone_number' : 'email');
  return simulatedDelivery(cognate.secrets.fakeSaltKey, pool, name, preferred);
}

/**
 * The answer for a name that gets no code under ENABLED (unknown, or a user who can't recover),
 * after the work a real request does (issue 10, security.md P01): the code drawn and hashed, the
 * message filled in and sealed, two committed writes (decoy rows, sendDecoyCode), and a delivery
 * pass kicked after commit. The CustomMessage function is not run for them (Cognito doesn't), so
 * in a pool that has one, the real path stays slower by the function's time.
 */
async function decoyRecovery(cognate: Cognate, pool: UserPool, name: string, mechanisms: Verifiable[] | undefined): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const delivery = simulatedRecovery(cognate, pool, name, mechanisms);
  const now = cognate.clock.now();
  await cognate.store.transaction((trx) => sendDecoyCode(cognate, trx, { pool, name, purpose: 'forgot_password', medium: delivery.DeliveryMedium }, now));
  kickAfterDecoy(cognate, now);
  return { CodeDeliveryDetails: delivery };
}

export interface ForgotPasswordInput {
  ClientId: string;
  SecretHash?: string;
  Username: string;
  ClientMetadata?: Record<string, string>;
}

export async function forgotPassword(cognate: Cognate, input: ForgotPasswordInput): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  const mechanisms = recoveryMechanisms(pool);
  const user =
    (await cognate.users.findForSignIn(pool, input.Username)) ??
    // The pool's UserMigration function may know them: they come in RESET_REQUIRED, with no password.
    (await migrateUser(cognate, pool, client, { source: 'ForgotPassword', name: input.Username, clientMetadata: input.ClientMetadata }))?.user;
  // Under ENABLED, a name that gets no code answers exactly like a real user, in content and in time (issue 10).
  const hidden = () => decoyRecovery(cognate, pool, input.Username, mechanisms);
  if (!user) {
    if (!existenceHidden(client)) throw errors.userNotFound(NOT_FOUND);
    return hidden();
  }
  if (!user.enabled) {
    if (existenceHidden(client)) return hidden();
    throw errors.notAuthorized('User is disabled.');
  }
  // An invited user who never signed in has no password of their own to forget.
  if (user.status === 'FORCE_CHANGE_PASSWORD' || user.status === 'EXTERNAL_PROVIDER') {
    if (existenceHidden(client)) return hidden();
    throw errors.notAuthorized('User password cannot be reset in the current state.');
  }
  const destination = recoveryDestination(pool, user, mechanisms);
  if (!destination) {
    if (existenceHidden(client)) return hidden();
    throw errors.invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  }
  try {
    // The delivery pass after commit is off the response path, as after a decoy (kickAfterDecoy).
    const delivery = await deliverCode(cognate, pool, { occasion: 'ForgotPassword', user, clientId: client.id, clientMetadata: input.ClientMetadata, purpose: 'forgot_password', kind: 'ForgotPassword', destination, kick: 'later' });
    return { CodeDeliveryDetails: delivery };
  } catch (error) {
    // Past the hourly cap the transaction rolled back without a write; the decoy's write stands in for it.
    if (existenceHidden(client) && error instanceof CognitoError && error.name === 'LimitExceededException') return hidden();
    throw error;
  }
}

export interface ConfirmForgotPasswordInput extends ForgotPasswordInput {
  ConfirmationCode: string;
  Password: string;
}

/** Statuses a proven reset lifts. */
const CONFIRMED_BY_RESET = new Set(['RESET_REQUIRED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD']);

export async function confirmForgotPassword(cognate: Cognate, input: ConfirmForgotPasswordInput): Promise<Record<string, never>> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  checkPasswordPolicy(input.Password, pool.settings.Policies.PasswordPolicy);
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user || !user.enabled) {
    // The same hashing work as a real reset, then the answer a wrong code gets (security.md P02).
    await cognate.users.credentials(pool, input.Username, input.Password);
    if (existenceHidden(client)) {
      // And the code check's work, with the write a real wrong code makes while a code is live (issue 10, P01).
      const now = cognate.clock.now();
      await cognate.store.transaction((trx) => tryDecoyCode(cognate, trx, { pool, name: input.Username, purpose: 'forgot_password', code: input.ConfirmationCode, mirror: 'live' }, now));
      throw errors.codeMismatch();
    }
    throw user ? errors.notAuthorized('User is disabled.') : errors.userNotFound(NOT_FOUND);
  }
  const credentials = await cognate.users.credentials(pool, user.username, input.Password);
  const now = cognate.clock.now();
  const code = { userId: user.sub, purpose: 'forgot_password' as const, code: input.ConfirmationCode };
  // Password history is consulted only for the right code, so a guesser learns nothing of old passwords.
  const reused = (await cognate.codes.matches(cognate.store.db, code, now)) && (await isReusedPassword(cognate, pool, user, input.Password));
  // Consuming the code and replacing the password commit together or not at all (security.md R01);
  // of parallel calls with one code, only one consumes it (R06).
  const outcome = await cognate.store.transaction(async (trx): Promise<CodeOutcome> => {
    const result = await cognate.codes.consume(trx, code, now);
    if (result !== 'ok') return result;
    // Refused, the code stays unconsumed (the throw rolls back), so the user can choose another password.
    if (reused) throw passwordReused();
    await rememberReplacedPassword(trx, pool, user, now);
    await userStore.setPassword(trx, user.sub, { ...credentials, status: CONFIRMED_BY_RESET.has(user.status) ? 'CONFIRMED' : user.status, updated_at: now, resetLockout: true });
    // A user confirmed this way holds their aliases; one another user holds stays theirs.
    if (user.status === 'UNCONFIRMED') await cognate.users.syncAliases(trx, pool.id, user.sub, { mode: 'yield', now });
    return result;
  });
  if (outcome !== 'ok') throw codeError(outcome, existenceHidden(client));
  await postConfirmation(cognate, pool, user.sub, 'PostConfirmation_ConfirmForgotPassword', client.id, input.ClientMetadata);
  return {};
}

// ---------------------------------------------------------------------------------------------
// Signed-in users (access token)

interface SignedIn extends AccessContext {
  client: AppClient;
}

/**
 * The user and app client an access token speaks for; revoked, expired or foreign tokens fail, and
 * so does one without aws.cognito.signin.user.admin (Tokens.verifyAccessToken).
 */
async function signedIn(cognate: Cognate, accessToken: string): Promise<SignedIn> {
  const context = await cognate.tokens.verifyAccessToken(accessToken);
  const clientId = context.claims.client_id;
  const client = typeof clientId === 'string' ? await cognate.clients.find(context.pool.id, clientId) : undefined;
  if (!client) throw errors.notAuthorized('Access Token has been revoked');
  if (context.user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  return { ...context, client };
}

export async function changePassword(cognate: Cognate, input: { AccessToken: string; PreviousPassword?: string; ProposedPassword: string }): Promise<Record<string, never>> {
  const { pool, user } = await signedIn(cognate, input.AccessToken);
  // PreviousPassword may be left out only by users who have no password (passwordless sign-in).
  if (input.PreviousPassword === undefined && (user.passwordHash !== null || !!user.importedPasswordHash)) throw errors.invalidParameter('PreviousPassword is required.');
  checkPasswordPolicy(input.ProposedPassword, pool.settings.Policies.PasswordPolicy);
  const now = cognate.clock.now();
  if (input.PreviousPassword === undefined) await cognate.lockout.assertNotLocked(user.sub, now);
  // The previous password counts toward the lockout every sign-in path shares (P03, A19), before it is checked (A18).
  else if (!(await cognate.lockout.reserveAttempt(user.sub, now))) throw passwordAttemptsExceeded();
  else if (!(await passwordMatches(cognate, user, input.PreviousPassword))) throw errors.notAuthorized(INCORRECT);
  await assertPasswordNotReused(cognate, pool, user, input.ProposedPassword);
  const credentials = await cognate.users.credentials(pool, user.username, input.ProposedPassword);
  // Compare-and-set on the hash that was verified: of two racing changes, the second fails instead of
  // silently replacing a password it never proved.
  const changed = await cognate.store.transaction(async (trx) => {
    if (!(await userStore.setPassword(trx, user.sub, { ...credentials, updated_at: now, resetLockout: true }, { passwordHash: user.passwordHash }))) return false;
    await rememberReplacedPassword(trx, pool, user, now);
    return true;
  });
  if (!changed) {
    await cognate.lockout.assertNotLocked(user.sub, now);
    throw errors.notAuthorized(INCORRECT);
  }
  return {};
}

function verifiableAttribute(name: string): Verifiable {
  if (!isVerifiable(name)) throw errors.invalidParameter(`Invalid attribute name: ${name} can't be verified; only email and phone_number can.`);
  return name;
}

export async function getUserAttributeVerificationCode(
  cognate: Cognate,
  input: { AccessToken: string; AttributeName: string; ClientMetadata?: Record<string, string> },
): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const { pool, user, client } = await signedIn(cognate, input.AccessToken);
  const attribute = verifiableAttribute(input.AttributeName);
  const delivery = await deliverCode(cognate, pool, {
    occasion: 'VerifyUserAttribute',
    user,
    clientId: client.id,
    clientMetadata: input.ClientMetadata,
    purpose: verifyPurpose(attribute),
    kind: 'VerifyUserAttribute',
    destination: async (trx) => {
      // A pending new value is what needs verifying; the code goes there, never to the old value.
      const to = (await userStore.pendingValue(trx, user.sub, attribute)) ?? user.attributes.get(attribute);
      if (!to) throw errors.invalidParameter(`The user has no ${attribute} to verify.`);
      return { medium: mediumOf(attribute), attribute, to };
    },
  });
  return { CodeDeliveryDetails: delivery };
}

/**
 * One verified holder per sign-in value (security.md P14): a value that another user of the pool
 * signs in with can't be verified (or, in pools that sign in with it, taken) by this one.
 */
async function assertNotHeldByAnother(cognate: Cognate, db: Trx, pool: UserPool, user: User, attribute: Verifiable, value: string): Promise<void> {
  const signsIn = (pool.settings.UsernameAttributes ?? []).includes(attribute) || (pool.settings.AliasAttributes ?? []).includes(attribute);
  if (!signsIn) return;
  const holder = await cognate.users.findForSignIn(pool, value, db);
  if (holder && holder.sub !== user.sub) {
    throw aliasExists(attribute);
  }
}

export async function verifyUserAttribute(cognate: Cognate, input: { AccessToken: string; AttributeName: string; Code: string }): Promise<Record<string, never>> {
  const { pool, user } = await signedIn(cognate, input.AccessToken);
  const attribute = verifiableAttribute(input.AttributeName);
  const now = cognate.clock.now();
  const outcome = await cognate.store.transaction(async (trx): Promise<CodeOutcome> => {
    const pending = await userStore.pendingValue(trx, user.sub, attribute);
    const value = pending ?? user.attributes.get(attribute);
    if (!value) throw errors.invalidParameter(`The user has no ${attribute} to verify.`);
    const result = await cognate.codes.consume(trx, { userId: user.sub, purpose: verifyPurpose(attribute), code: input.Code }, now);
    if (result !== 'ok') return result;
    // Only after the right code, so a guess can't probe who holds an address; the throw rolls
    // the consumption back.
    await assertNotHeldByAnother(cognate, trx, pool, user, attribute, value);
    // The pending value becomes the active one only now, already verified (security.md P13).
    await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([[attribute, value], [`${attribute}_verified`, 'true']]));
    if (pending !== undefined) await userStore.deletePendingValue(trx, user.sub, attribute);
    await userStore.touchUser(trx, user.sub, now);
    return result;
  });
  if (outcome !== 'ok') throw codeError(outcome);
  return {};
}

/** WriteAttributes of the app client (all when unset); the verification flags are never user-writable. */
function assertWritable(client: AppClient, names: readonly string[]): void {
  const writable = client.settings.WriteAttributes;
  for (const name of names) {
    if (name === 'email_verified' || name === 'phone_number_verified') throw errors.notAuthorized(UNAUTHORIZED_WRITE);
    if (writable && writable.length > 0 && !writable.includes(name)) throw errors.notAuthorized(UNAUTHORIZED_WRITE);
  }
}

/** Whether a new value of `attribute` waits for verification before it replaces the old one. */
export function requiresVerificationBeforeUpdate(pool: UserPool, attribute: Verifiable): boolean {
  const settings = pool.settings.UserAttributeUpdateSettings;
  if (settings) return (settings.AttributesRequireVerificationBeforeUpdate ?? []).includes(attribute);
  // Beat (security.md P13): on by default for the attributes the pool verifies.
  return (pool.settings.AutoVerifiedAttributes ?? []).includes(attribute);
}

const NOTICE_SUBJECT = 'Your email address is being changed';

export async function updateUserAttributes(
  cognate: Cognate,
  input: { AccessToken: string; UserAttributes: AttributeType[]; ClientMetadata?: Record<string, string> },
): Promise<{ CodeDeliveryDetailsList: CodeDeliveryDetails[] }> {
  const { pool, user, client } = await signedIn(cognate, input.AccessToken);
  assertWritable(client, input.UserAttributes.map((a) => a.Name));
  // A blank value deletes the attribute, as in AdminUpdateUserAttributes, and only where
  // DeleteUserAttributes could: a required attribute is never emptied. (A blank email or phone
  // number stays an invalid value, below.)
  const isBlank = (a: AttributeType) => (a.Value ?? '') === '' && a.Name !== 'email' && a.Name !== 'phone_number';
  const blank = [...new Set(input.UserAttributes.filter(isBlank).map((a) => a.Name))];
  if (blank.length > 0) assertDeletable(pool, blank, 'user');
  const values = validateAttributes(pool, input.UserAttributes.filter((a) => !isBlank(a)), 'user', { creating: false });
  for (const name of blank) values.delete(name);
  const autoVerified = pool.settings.AutoVerifiedAttributes ?? [];

  // What happens to each changed email / phone number: kept pending, or applied unverified.
  const pending: Destination[] = [];
  const applied: Destination[] = [];
  const unchanged: Verifiable[] = [];
  for (const attribute of ['email', 'phone_number'] as const) {
    const value = values.get(attribute);
    if (value === undefined) continue;
    if (value === '') throw errors.invalidParameter(attribute === 'email' ? 'Invalid email address format.' : 'Invalid phone number format.');
    values.delete(attribute);
    const destination: Destination = { medium: mediumOf(attribute), attribute, to: value };
    if (value === user.attributes.get(attribute)) unchanged.push(attribute);
    else if (requiresVerificationBeforeUpdate(pool, attribute)) pending.push(destination);
    else applied.push(destination);
  }

  // A code goes to every pending value, and to an applied one the pool verifies.
  const coded = [...pending, ...applied].filter((d) => pending.includes(d) || autoVerified.includes(d.attribute));
  const messages = coded.length > 0 ? await composeMessages(cognate, pool, { occasion: 'UpdateUserAttribute', user: { ...user, attributes: new Map([...user.attributes, ...values, ...applied.map((d) => [d.attribute, d.to] as const)]) }, clientId: client.id, clientMetadata: input.ClientMetadata }) : undefined;
  const now = cognate.clock.now();
  const deliveries = await cognate.store.transaction(async (trx) => {
    const out: CodeDeliveryDetails[] = [];
    for (const { attribute, to } of [...pending, ...applied]) {
      if ((pool.settings.UsernameAttributes ?? []).includes(attribute)) await assertNotHeldByAnother(cognate, trx, pool, user, attribute, to);
    }
    await cognate.users.setAttributes(trx, pool.id, user.sub, values);
    if (blank.length > 0) await cognate.users.deleteAttributes(trx, pool.id, user.sub, blank);
    // Any change (or a change taken back) kills the codes that would verify the previous value.
    for (const attribute of [...unchanged, ...pending.map((d) => d.attribute), ...applied.map((d) => d.attribute)]) {
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: verifyPurpose(attribute) }, now);
    }
    for (const destination of applied) {
      await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([[destination.attribute, destination.to], [`${destination.attribute}_verified`, 'false']]));
    }
    for (const destination of pending) {
      await userStore.setPendingValue(trx, { poolId: pool.id, userId: user.sub, attribute: destination.attribute, value: destination.to, now });
    }
    if (messages) {
      for (const destination of coded) {
        out.push(await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose: verifyPurpose(destination.attribute), destination, messages, kind: 'UpdateUserAttribute' }, now));
      }
    }
    const oldEmail = user.attributes.get('email');
    const newEmail = [...pending, ...applied].find((d) => d.attribute === 'email');
    if (newEmail && oldEmail && user.attributes.get('email_verified') === 'true') {
      // Tell the verified address it is being replaced (security.md P13; ASVS 2.5.5).
      await cognate.outbox.enqueue(trx, {
        poolId: pool.id,
        channel: 'email',
        to: oldEmail,
        kind: 'AttributeChangeNotice',
        ...emailSender(pool),
        subject: NOTICE_SUBJECT,
        text: `A request was made to change the email address of your account ${user.username} to ${maskDestination('EMAIL', newEmail.to)}. If you didn't ask for this, change your password.`,
      });
    }
    await userStore.touchUser(trx, user.sub, now);
    return out;
  });
  cognate.outbox.kick();
  return { CodeDeliveryDetailsList: deliveries };
}

export async function deleteUserAttributes(cognate: Cognate, input: { AccessToken: string; UserAttributeNames: string[] }): Promise<Record<string, never>> {
  const { pool, user, client } = await signedIn(cognate, input.AccessToken);
  assertWritable(client, input.UserAttributeNames);
  assertDeletable(pool, input.UserAttributeNames, 'user');
  const names = new Set(input.UserAttributeNames);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    for (const attribute of ['email', 'phone_number'] as const) {
      if (!names.has(attribute)) continue;
      // Its verification flag, pending replacement and live codes go with it.
      names.add(`${attribute}_verified`);
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: verifyPurpose(attribute) }, now);
    }
    await cognate.users.deleteAttributes(trx, pool.id, user.sub, [...names]);
    await userStore.touchUser(trx, user.sub, now);
  });
  return {};
}

/** DeleteUser: the user and everything hanging off them; their tokens fail from now on. */
export async function deleteUser(cognate: Cognate, input: { AccessToken: string }): Promise<Record<string, never>> {
  const { user } = await signedIn(cognate, input.AccessToken);
  await cognate.users.remove(user.sub);
  return {};
}

/**
 * AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password, and the invitation
 * that carries it (RESEND gives a new one). The temporary password is answered at sign-in with
 * NEW_PASSWORD_REQUIRED (sign-in/challenges/new-password-required.ts).
 */
import { randomInt } from 'node:crypto';
import { attributeMap, runTrigger } from '../triggers/triggers.js';
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as userStore from '../store/users.js';
import type { Outbox } from '../messaging/outbox.js';
import type { Ports } from './cognate.js';
import { CODE_PARAMETER, composeMessages, type Messages, queueMessage, type Templates } from './messages.js';
import { newSub } from './ids.js';
import { checkPasswordPolicy } from './passwords.js';
import { resolveUsername } from './sign-up.js';
import { validateAttributes, type AttributeType, type User } from './users.js';
import { insertNewUser, otherHolder, withoutRequired } from './new-users.js';
import { adminUser, assertVerifiedFlagsHaveValues } from './admin-users.js';
import { allowsPasswordlessUsers } from './user-auth-factors.js';
import type { PasswordPolicy, UserPool } from './user-pools.js';
import { checkNewPassword, recordPasswordEvent } from './threat-protection/index.js';

type Medium = 'EMAIL' | 'SMS';
type Verifiable = 'email' | 'phone_number';

const DAY_MS = 86_400_000;

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

/**
 * PasswordPolicy.TemporaryPasswordValidityDays as Cognito applies it: 0 (or nothing) is the default,
 * 7 days. Pools stored with 0 before Cognate normalised it are read the same way.
 */
export function temporaryPasswordValidityDays(pool: UserPool): number {
  const days = pool.settings.Policies.PasswordPolicy.TemporaryPasswordValidityDays;
  return days > 0 ? days : DEFAULT_TEMPORARY_PASSWORD_DAYS;
}

const DEFAULT_TEMPORARY_PASSWORD_DAYS = 7;

/** When a temporary password set now stops working (PasswordPolicy.TemporaryPasswordValidityDays). */
export function temporaryPasswordExpiry(pool: UserPool, now: number): number {
  return now + temporaryPasswordValidityDays(pool) * DAY_MS;
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
async function composeInvitation(cognate: Ports<'log' | 'triggers'>, pool: UserPool, user: Pick<User, 'sub' | 'status' | 'attributes' | 'username'>, destinations: Destination[], clientMetadata: Record<string, string> | undefined): Promise<Messages | undefined> {
  if (destinations.length === 0) return undefined;
  return composeMessages(cognate, pool, { occasion: 'AdminCreateUser', user, clientMetadata, messages: invitationMessages(pool) });
}

/**
 * Queues the invitation to each destination, in the caller's transaction; `{####}` is the temporary
 * password. For a user with a password, a template without `{####}` is not delivered, as Cognito
 * documents; a passwordless user's invitation (`password` undefined) carries none. True when one was queued.
 */
async function queueInvitations(outbox: Outbox, trx: Executor, p: { pool: UserPool; username: string; password: string | undefined; destinations: Destination[]; messages: Messages | undefined }): Promise<boolean> {
  let queued = false;
  for (const destination of p.destinations) {
    if (!p.messages || (p.password !== undefined && !p.messages[destination.medium].body.includes(CODE_PARAMETER))) continue;
    await queueMessage(outbox, trx, { pool: p.pool, username: p.username, destination, messages: p.messages, code: p.password ?? '', kind: 'AdminCreateUser' });
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
 * policy-checked, or generated) — or, in a pool with one-time-code first factors
 * (AllowedFirstAuthFactors EMAIL_OTP or SMS_OTP) and no TemporaryPassword, a CONFIRMED user with no
 * password, who signs in with a one-time code or later a passkey — invited by SMS and/or email unless SUPPRESS; RESEND gives an
 * existing FORCE_CHANGE_PASSWORD user a new temporary password and invitation. ValidationData and
 * ClientMetadata go to the PreSignUp trigger. AllowAdminCreateUserOnly pools
 * allow it: that setting only closes self sign-up.
 */
export async function adminCreateUser(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'pools' | 'store' | 'triggers' | 'users'>, input: AdminCreateUserInput): Promise<User> {
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
  // Threat protection: an administrator's temporary password is screened as a sign-up's (a generated one is random).
  const screening = input.TemporaryPassword ? await checkNewPassword(cognate, { pool, type: 'SignUp', password: input.TemporaryPassword }) : undefined;
  const destinations = input.MessageAction === 'SUPPRESS' ? [] : invitationDestinations(attributes, input.DesiredDeliveryMediums);
  // "If you don't specify a value, Amazon Cognito generates one for you unless you have passwordless options active."
  const passwordless = !input.TemporaryPassword && allowsPasswordlessUsers(pool);
  const password = passwordless ? undefined : input.TemporaryPassword || generateTemporaryPassword(policy);
  const credentials = password === undefined ? undefined : await cognate.users.credentials(pool, username, password);
  const status = passwordless ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
  const messages = await composeInvitation(cognate, pool, { sub, username, status, attributes }, destinations, input.ClientMetadata);
  const now = cognate.clock.now();

  const queued = await insertNewUser(cognate, pool, { sub, username, status, attributes, ...(credentials ? { credentials } : {}), forceAliasCreation: input.ForceAliasCreation === true }, now, async (trx) => {
    if (!passwordless) await userStore.setTemporaryPasswordExpiry(trx, sub, temporaryPasswordExpiry(pool, now));
    return queueInvitations(cognate.outbox, trx, { pool, username: input.Username, password, destinations, messages });
  });
  if (queued) cognate.outbox.kick();
  if (screening) await recordPasswordEvent(cognate, screening, sub);
  return (await cognate.users.findBySub(pool.id, sub))!;
}

async function resendInvitation(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store' | 'triggers' | 'users'>, pool: UserPool, input: AdminCreateUserInput): Promise<User> {
  const user = await adminUser(cognate, pool, input.Username);
  const notForced = () => new CognitoError('UnsupportedUserStateException', `Resend not possible. ${input.Username} status is not FORCE_CHANGE_PASSWORD`);
  if (user.status !== 'FORCE_CHANGE_PASSWORD') throw notForced();
  const destinations = invitationDestinations(user.attributes, input.DesiredDeliveryMediums);
  // A new temporary password given for an existing user is screened as a password change.
  const screening = input.TemporaryPassword ? await checkNewPassword(cognate, { pool, userId: user.sub, type: 'PasswordChange', password: input.TemporaryPassword }) : undefined;
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
  if (screening) await recordPasswordEvent(cognate, screening, user.sub);
  return (await cognate.users.findBySub(pool.id, user.sub))!;
}


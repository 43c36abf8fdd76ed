/**
 * NEW_PASSWORD_REQUIRED: a FORCE_CHANGE_PASSWORD user (AdminCreateUser's temporary password) who
 * proved that password in any flow must choose a new one, and may give the required attributes
 * they lack, before sign-in goes on.
 */
import { createHash } from 'node:crypto';
import { errors } from '../../../errors.js';
import * as userStore from '../../../store/users.js';
import type { Ports } from '../../cognate.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import { checkPasswordPolicy } from '../../passwords.js';
import { assertWritable } from '../../sign-up.js';
import { usernameKey, validateAttributes, type AttributeType, type User } from '../../users.js';
import { assertPasswordNotReused, rememberReplacedPassword } from '../../password-history.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { claimSignInNames, withoutRequired } from '../../new-users.js';
import { deviceKeyOf, invalidSession, type AuthResponse, type ChallengeHandler } from '../types.js';
import { checkNewPassword, recordPasswordEvent } from '../../threat-protection/index.js';

const DAY_MS = 86_400_000;


/** What the NEW_PASSWORD_REQUIRED `Session` carries: pool, client, sub, a password fingerprint, expiry. */
interface NewPasswordSession {
  p: string;
  c: string;
  s: string;
  h: string;
  e: number;
  /** 1: the sign-in's first factor was passwordless (a one-time code, a passkey): no MFA after the new password */
  f?: 1;
}

const NEW_PASSWORD_AAD = 'session:new-password';
/** The seal outlives the session by this much, so an expired session can be told from a forged one. */
const SEAL_GRACE_MS = DAY_MS;

/** Binds a session to the temporary password it was earned with: a RESEND or new password ends it. */
const passwordFingerprint = (user: User) => createHash('sha256').update(`new-password\0${user.passwordHash ?? ''}`).digest('hex').slice(0, 32);

/** A FORCE_CHANGE_PASSWORD user's temporary password must still be valid (TemporaryPasswordValidityDays). */
async function assertTemporaryPasswordCurrent(cognate: Ports<'clock' | 'store'>, user: User): Promise<void> {
  const expiresAt = await userStore.temporaryPasswordExpiresAt(cognate.store.db, user.sub);
  if (expiresAt !== null && expiresAt <= cognate.clock.now()) {
    throw errors.notAuthorized('Temporary password has expired and must be reset by an administrator.');
  }
}

/** Required attributes the user lacks, as `userAttributes.<name>` (the challenge's requiredAttributes). */
function missingRequiredAttributes(pool: UserPool, user: User): string[] {
  return pool.settings.SchemaAttributes.filter((a) => a.Required && a.Name !== 'sub' && !user.attributes.get(a.Name)).map((a) => `userAttributes.${a.Name}`);
}

/**
 * The user's attributes as the challenge shows them: without `sub` and developer-only attributes,
 * limited to what the client may read. Cognito includes the *_verified flags here, which is why
 * apps delete `email_verified` before echoing the object back.
 */
function challengeAttributes(user: User, client: AppClient): Record<string, string> {
  const readable = client.settings.ReadAttributes;
  const out: Record<string, string> = {};
  for (const [name, value] of [...user.attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (name.startsWith('dev:')) continue;
    if (readable && readable.length > 0 && !readable.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * The NEW_PASSWORD_REQUIRED challenge for a FORCE_CHANGE_PASSWORD user who proved the temporary
 * password, in any flow. The `Session` is sealed and lasts the client's AuthSessionValidity.
 */
export async function newPasswordChallenge(cognate: Ports<'clock' | 'secrets' | 'store'>, pool: UserPool, client: AppClient, user: User, opts: { passwordless?: boolean } = {}): Promise<AuthResponse> {
  await assertTemporaryPasswordCurrent(cognate, user);
  const now = cognate.clock.now();
  const expiresAt = now + client.settings.AuthSessionValidity * 60_000;
  const state: NewPasswordSession = { p: pool.id, c: client.id, s: user.sub, h: passwordFingerprint(user), e: expiresAt, ...(opts.passwordless ? { f: 1 as const } : {}) };
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: cognate.secrets.sessions.sealJson(state, NEW_PASSWORD_AAD, expiresAt + SEAL_GRACE_MS),
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: JSON.stringify(missingRequiredAttributes(pool, user)),
      userAttributes: JSON.stringify(challengeAttributes(user, client)),
    },
  };
}

/** `userAttributes.<name>` answers, checked as a user's own write of attributes they don't yet have. */
function newPasswordAttributes(pool: UserPool, client: AppClient, user: User, responses: Record<string, string>): Map<string, string> {
  const given: AttributeType[] = [];
  for (const [key, Value] of Object.entries(responses)) {
    if (key.startsWith('userAttributes.')) given.push({ Name: key.slice('userAttributes.'.length), Value });
  }
  for (const { Name } of given) {
    // Verification is earned; a client can't write the flags.
    if (Name === 'email_verified' || Name === 'phone_number_verified') throw errors.notAuthorized('A client attempted to write unauthorized attribute');
  }
  assertWritable(client, given);
  const schema = new Map(pool.settings.SchemaAttributes.map((a) => [a.Name, a]));
  const immutable: string[] = [];
  for (const { Name } of given) {
    if ((Name === 'email' || Name === 'phone_number') && user.attributes.get(Name)) throw errors.notAuthorized(`Cannot modify an already provided ${Name}`);
    if (schema.get(Name)?.Mutable === false && user.attributes.has(Name)) immutable.push(`${Name}: Attribute cannot be updated. (changing an immutable attribute)`);
  }
  if (immutable.length > 0) throw errors.invalidParameter(`Attributes did not conform to the schema: ${immutable.join(', ')}`);
  const written = validateAttributes(withoutRequired(pool), given, 'user', { creating: true });
  for (const [name, value] of written) if (value === '') written.delete(name);
  for (const attr of pool.settings.SchemaAttributes) {
    if (attr.Required && attr.Name !== 'sub' && !written.get(attr.Name) && !user.attributes.get(attr.Name)) {
      throw errors.invalidParameter(`Invalid attributes given, ${attr.Name} is missing`);
    }
  }
  return written;
}

/**
 * Answers NEW_PASSWORD_REQUIRED: checks the sealed session, the new password against the policy and
 * the given attributes, then sets the password, CONFIRMED and the attributes in one conditional
 * write, so a session is good for one answer. Returns the updated user for the rest of sign-in, and
 * whether the sign-in's first factor was passwordless.
 */
async function answerNewPasswordRequired(cognate: Ports<'clock' | 'config' | 'hasher' | 'log' | 'outbox' | 'secrets' | 'store' | 'users'>, pool: UserPool, client: AppClient, responses: Record<string, string>, session: string | undefined): Promise<{ user: User; passwordless: boolean }> {
  const name = required(responses, 'USERNAME');
  const newPassword = required(responses, 'NEW_PASSWORD');
  const now = cognate.clock.now();
  const state = session ? cognate.secrets.sessions.openJson<NewPasswordSession>(session, NEW_PASSWORD_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.s !== 'string' || typeof state.e !== 'number') throw invalidSession();
  if (state.e <= now) throw errors.notAuthorized('Invalid session for the user, session is expired.');
  const user = await cognate.users.findBySub(pool.id, state.s);
  if (!user || user.status !== 'FORCE_CHANGE_PASSWORD' || passwordFingerprint(user) !== state.h) throw invalidSession();
  // Clients answer with USER_ID_FOR_SRP or with the name the user typed (an alias, say).
  const named = usernameKey(pool, name) === usernameKey(pool, user.username) || (await cognate.users.findForSignIn(pool, name))?.sub === user.sub;
  if (!named) throw invalidSession();
  checkSecretHash(client, [name, user.username], responses.SECRET_HASH);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  await assertTemporaryPasswordCurrent(cognate, user);
  checkPasswordPolicy(newPassword, pool.settings.Policies.PasswordPolicy);
  const attributes = newPasswordAttributes(pool, client, user, responses);
  // The temporary password counts as the current one (PasswordHistorySize).
  await assertPasswordNotReused(cognate, pool, user, newPassword);
  // Threat protection: the chosen password is screened as any password change.
  const screening = await checkNewPassword(cognate, { pool, client, userId: user.sub, type: 'PasswordChange', password: newPassword });
  const credentials = await cognate.users.credentials(pool, user.username, newPassword);

  const updated = await cognate.store.transaction(async (trx) => {
    if (attributes.size > 0) await claimSignInNames(trx, pool, attributes, new Set(attributes.keys()), user.sub, false);
    // Compare-and-set on the temporary password the session was earned with: one answer per session.
    const set = await userStore.setPassword(trx, user.sub, { ...credentials, status: 'CONFIRMED', temporary_password_expires_at: null, updated_at: now }, { status: 'FORCE_CHANGE_PASSWORD', passwordHash: user.passwordHash ?? '' });
    if (!set) return false;
    await rememberReplacedPassword(trx, pool, user, now);
    await cognate.users.setAttributes(trx, pool.id, user.sub, attributes);
    return true;
  });
  if (!updated) throw invalidSession();
  await recordPasswordEvent(cognate, screening, user.sub);
  return { user: (await cognate.users.findBySub(pool.id, user.sub))!, passwordless: state.f === 1 };
}

/** The handler: a settled password goes on to the second factor; tokens say TokenGeneration_NewPasswordChallenge. */
export const newPasswordRequired: ChallengeHandler = async (cognate, { pool, client, responses, session, clientMetadata }) => {
  const { user, passwordless } = await answerNewPasswordRequired(cognate, pool, client, responses, session);
  const deviceKey = deviceKeyOf(responses);
  // After a passwordless first factor, no MFA follows (Cognito asks for MFA only after a password).
  return { kind: passwordless ? 'passwordless-settled' : 'password-settled', user, ctx: { clientMetadata, source: 'NewPasswordChallenge', ...(deviceKey ? { deviceKey } : {}) } };
};

/**
 * Self-service sign-up: SignUp, ConfirmSignUp and ResendConfirmationCode.
 */
import { CognitoError, errors } from '../errors.js';
import { attributeMap, booleanField, runTrigger, triggerArn, userAttributesOf } from '../triggers/triggers.js';
import type { Ports } from './cognate.js';
import { checkSecretHash, type AppClient } from './app-clients.js';
import { clientAndPool } from './client-context.js';
import { codeError } from './codes.js';
import { type CodeDeliveryDetails, type Destination, type Templates, codeDestination, confirmsWithLink, deliverCode, linkMessages } from './messages.js';
import { poolDomainUrl } from './user-pool-domains.js';
import { signUpSession } from './sign-up-session.js';
import { allowsPasswordlessUsers } from './user-auth-factors.js';
import { kickAfterDecoy, sendDecoyCode, simulatedDelivery, tryDecoyCode } from './decoy-codes.js';
import type { Executor } from '../store/db.js';
import { newSub } from './ids.js';
import { checkPasswordPolicy } from './passwords.js';
import { isEmail, isPhoneNumber, normaliseEmail, validateAttributes, type AttributeType, type User } from './users.js';
import type { UserPool } from './user-pools.js';
import { checkNewPassword, recordAccountEvent, recordPasswordEvent } from './threat-protection/index.js';

/** Attributes a client may write (WriteAttributes; all when unset). */
export function assertWritable(client: AppClient, attributes: readonly AttributeType[]): void {
  const writable = client.settings.WriteAttributes;
  if (!writable || writable.length === 0) return;
  for (const { Name } of attributes) {
    if (!writable.includes(Name)) throw errors.notAuthorized(`A client attempted to write unauthorized attribute`);
  }
}

export interface SignUpInput {
  ClientId: string;
  SecretHash?: string;
  Username: string;
  Password?: string;
  UserAttributes?: AttributeType[];
  ValidationData?: AttributeType[];
  ClientMetadata?: Record<string, string>;
}

export interface SignUpOutput {
  UserConfirmed: boolean;
  CodeDeliveryDetails?: CodeDeliveryDetails;
  UserSub: string;
  /** a user confirmed at once (PreSignUp's autoConfirmUser): the Session USER_AUTH signs them in with */
  Session?: string;
}

/**
 * The confirmation messages of a CONFIRM_WITH_LINK pool for an email: a link to the pool's hosted UI,
 * Cognito's `https://<domain>/confirmUser?client_id=…&user_name=…&confirmation_code=…`. Without a
 * domain Cognito refuses the call (before anything is written) with the InvalidParameterException
 * below. Undefined for a code pool, or for an SMS (a code either way).
 */
export async function confirmationTemplates(cognate: Ports<'config' | 'store'>, pool: UserPool, clientId: string, username: string, destination: Destination): Promise<Templates | undefined> {
  if (destination.medium !== 'EMAIL' || !confirmsWithLink(pool)) return undefined;
  const base = await poolDomainUrl(cognate, pool.id);
  if (!base) throw errors.invalidParameter('Cannot perform specific action because there does not exist a valid use pool domain associated with the user pool');
  const query = new URLSearchParams({ client_id: clientId, user_name: username, confirmation_code: '' });
  return linkMessages(pool, `${base}/confirmUser?${query.toString()}`);
}

/**
 * The internal username for a sign-up. Pools that sign in with email or phone (UsernameAttributes)
 * store the value as an attribute and use the `sub` as the username, as Cognito does.
 */
export function resolveUsername(pool: UserPool, given: string, attributes: Map<string, string>, sub: string): string {
  const usernameAttrs = pool.settings.UsernameAttributes;
  if (usernameAttrs && usernameAttrs.length > 0) {
    if (usernameAttrs.includes('email') && isEmail(given)) {
      attributes.set('email', normaliseEmail(given));
      return sub;
    }
    if (usernameAttrs.includes('phone_number') && isPhoneNumber(given)) {
      attributes.set('phone_number', given);
      return sub;
    }
    const what = usernameAttrs.map((a) => (a === 'phone_number' ? 'phone number' : a)).join(' or ');
    throw errors.invalidParameter(`Username should be ${usernameAttrs.length > 1 ? 'either an ' : 'an '}${what}.`);
  }
  if (pool.settings.AliasAttributes?.includes('email') && isEmail(given)) {
    throw errors.invalidParameter('Username cannot be of email format, since user pool is configured for email alias.');
  }
  if (pool.settings.AliasAttributes?.includes('phone_number') && isPhoneNumber(given)) {
    throw errors.invalidParameter('Username cannot be of phone number format, since user pool is configured for phone_number alias.');
  }
  return given;
}

export async function signUp(cognate: Ports<'clients' | 'clock' | 'codes' | 'config' | 'log' | 'outbox' | 'pools' | 'secrets' | 'store' | 'triggers' | 'users'>, input: SignUpInput): Promise<SignUpOutput> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  if (pool.settings.AdminCreateUserConfig.AllowAdminCreateUserOnly) throw errors.notAuthorized('SignUp is not permitted for this user pool');
  // Without a password only where the pool signs in without one (a one-time code or a passkey as first factor).
  const passwordless = input.Password === undefined || input.Password === '';
  if (passwordless && !allowsPasswordlessUsers(pool)) throw errors.invalidParameter('Password is required to sign up.');
  if (!passwordless) checkPasswordPolicy(input.Password!, pool.settings.Policies.PasswordPolicy);
  // Threat protection: a breached password is refused here under BLOCK, else recorded with the sign-up.
  const screening = passwordless ? undefined : await checkNewPassword(cognate, { pool, client, type: 'SignUp', password: input.Password! });
  const given = input.UserAttributes ?? [];
  assertWritable(client, given);
  const attributes = validateAttributes(pool, given, 'user', { creating: true });
  // Verification flags are earned, not claimed: a sign-up can't mark its own email verified.
  attributes.delete('email_verified');
  attributes.delete('phone_number_verified');
  const sub = newSub();
  const username = resolveUsername(pool, input.Username, attributes, sub);

  if (pool.settings.UsernameAttributes?.length) {
    for (const attr of pool.settings.UsernameAttributes) {
      const value = attributes.get(attr);
      if (!value) continue;
      const holder = await cognate.users.findForSignIn(pool, value);
      if (holder) throw errors.usernameExists(`An account with the given ${attr === 'email' ? 'email' : 'phone_number'} already exists.`);
    }
  }
  if (await cognate.users.findByUsername(pool, username)) throw errors.usernameExists();

  const verdict = await preSignUp(cognate, pool, client, username, attributes, input);
  const credentials = passwordless ? undefined : await cognate.users.credentials(pool, username, input.Password!);
  const now = cognate.clock.now();
  const confirmed = verdict.autoConfirmUser;
  const destination = confirmed ? undefined : codeDestination(pool, { attributes });
  const status = confirmed ? 'CONFIRMED' : 'UNCONFIRMED';
  // Refused here (no domain for a link) means nothing was written.
  const templates = destination ? await confirmationTemplates(cognate, pool, client.id, username, destination) : undefined;
  const insert = (trx: Executor, at: number) => cognate.users.insert(trx, pool, { sub, username, status, attributes, credentials }, at);
  const delivery = destination
    ? await deliverCode(cognate, pool, { occasion: 'SignUp', user: { sub, username, status, attributes }, clientId: client.id, clientMetadata: input.ClientMetadata, purpose: 'signup', kind: 'SignUp', destination, before: insert, ...(templates ? { templates } : {}) })
    : await cognate.store.transaction((trx) => insert(trx, now));
  if (screening) await recordPasswordEvent(cognate, screening, sub);
  if (confirmed) await postConfirmation(cognate, pool, sub, 'PostConfirmation_ConfirmSignUp', client.id, input.ClientMetadata);
  return { UserConfirmed: confirmed, ...(delivery ? { CodeDeliveryDetails: delivery } : {}), UserSub: sub, ...(confirmed ? signUpSession(cognate, pool, client, sub) : {}) };
}

/**
 * PreSignUp_SignUp: the function may refuse the sign-up (it fails before anything is written), or
 * confirm the user and mark their email or phone number verified (user-pool-lambda-pre-sign-up).
 * autoVerify flags apply only to attributes the user gave.
 */
async function preSignUp(cognate: Ports<'log' | 'triggers'>, pool: UserPool, client: AppClient, username: string, attributes: Map<string, string>, input: SignUpInput): Promise<{ autoConfirmUser: boolean }> {
  const response = await runTrigger(cognate, pool, 'PreSignUp', {
    source: 'PreSignUp_SignUp',
    userName: username,
    clientId: client.id,
    request: { userAttributes: Object.fromEntries(attributes), validationData: attributeMap(input.ValidationData), clientMetadata: input.ClientMetadata ?? null },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  if (!response) return { autoConfirmUser: false };
  const autoConfirmUser = booleanField(response, 'autoConfirmUser') ?? false;
  const autoVerifyEmail = booleanField(response, 'autoVerifyEmail') ?? false;
  const autoVerifyPhone = booleanField(response, 'autoVerifyPhone') ?? false;
  if (autoVerifyEmail && attributes.has('email')) attributes.set('email_verified', 'true');
  if (autoVerifyPhone && attributes.has('phone_number')) attributes.set('phone_number_verified', 'true');
  return { autoConfirmUser };
}

/**
 * PostConfirmation, after the confirmation is committed. As in Cognito, a failing function fails
 * the call but the user stays confirmed: the confirmation is not undone.
 */
export async function postConfirmation(cognate: Ports<'log' | 'triggers' | 'users'>, pool: UserPool, sub: string, source: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword', clientId: string | undefined, clientMetadata: Record<string, string> | undefined): Promise<void> {
  if (!triggerArn(pool, 'PostConfirmation')) return;
  const user = await cognate.users.findBySub(pool.id, sub);
  if (!user) return;
  await runTrigger(cognate, pool, 'PostConfirmation', {
    source,
    userName: user.username,
    ...(clientId ? { clientId } : {}),
    request: { userAttributes: userAttributesOf(user), clientMetadata: clientMetadata ?? null },
  });
}

/**
 * ConfirmSignUp. Confirming makes the user's verified email or phone number (and any
 * preferred_username) sign-in aliases in AliasAttributes pools: if another user holds one, the
 * call fails with AliasExistsException and nothing changes, unless `ForceAliasCreation` moves the
 * alias here and un-verifies the other user's value (API_ConfirmSignUp; domain/aliases.ts).
 */
export async function confirmSignUp(cognate: Ports<'clients' | 'clock' | 'codes' | 'log' | 'pools' | 'secrets' | 'store' | 'triggers' | 'users'>, input: { ClientId: string; SecretHash?: string; Username: string; ConfirmationCode: string; ForceAliasCreation?: boolean; ClientMetadata?: Record<string, string> }): Promise<{ Session?: string }> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  // Under ENABLED an unknown name and a confirmed user answer CodeMismatch, after the work a real
  // wrong code costs (issue 10, security.md P01).
  const mismatch = async () => {
    const now = cognate.clock.now();
    await cognate.store.transaction((trx) => tryDecoyCode(cognate, trx, { pool, name: input.Username, purpose: 'signup', code: input.ConfirmationCode, mirror: 'always' }, now));
    return errors.codeMismatch();
  };
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw client.settings.PreventUserExistenceErrors === 'ENABLED' ? await mismatch() : errors.userNotFound('Username/client id combination not found.');
  if (user.status !== 'UNCONFIRMED') {
    if (client.settings.PreventUserExistenceErrors === 'ENABLED') throw await mismatch();
    throw errors.notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
  }
  const now = cognate.clock.now();
  const destination = codeDestination(pool, user);
  const outcome = await cognate.store.transaction(async (trx) => {
    const result = await cognate.codes.consume(trx, { userId: user.sub, purpose: 'signup', code: input.ConfirmationCode }, now);
    if (result !== 'ok') return result;
    const aliases = input.ForceAliasCreation === true ? 'take' : 'fail';
    await cognate.users.setStatus(trx, user.sub, 'CONFIRMED', now, { aliases });
    if (destination) await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([[`${destination.attribute}_verified`, 'true']]), { aliases, now });
    return result;
  });
  if (outcome !== 'ok') throw codeError(outcome, client.settings.PreventUserExistenceErrors === 'ENABLED');
  await postConfirmation(cognate, pool, user.sub, 'PostConfirmation_ConfirmSignUp', client.id, input.ClientMetadata);
  // Sign-in after sign-up: a Session InitiateAuth USER_AUTH accepts for this user (sign-up-session.ts).
  return signUpSession(cognate, pool, client, user.sub);
}

export async function resendConfirmationCode(cognate: Ports<'clients' | 'clock' | 'codes' | 'config' | 'log' | 'outbox' | 'pools' | 'secrets' | 'store' | 'triggers' | 'users'>, input: { ClientId: string; SecretHash?: string; Username: string; ClientMetadata?: Record<string, string> }): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  // A simulated delivery, shaped like a real one and stable per name (security.md P02), after the
  // work a real resend does: a code drawn, hashed and sealed in a committed write (issue 10, P01).
  const simulated = async (): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> => {
    const delivery = simulatedDelivery(cognate.secrets.fakeSaltKey, pool, input.Username, (pool.settings.AutoVerifiedAttributes ?? []).includes('phone_number') ? 'phone_number' : 'email');
    const now = cognate.clock.now();
    await cognate.store.transaction((trx) => sendDecoyCode(cognate, trx, { pool, name: input.Username, purpose: 'signup', medium: delivery.DeliveryMedium }, now));
    kickAfterDecoy(cognate, now);
    // Threat protection's ResendCode event: the same row a real resend writes, without a user (P01).
    await recorded(undefined, 'Fail');
    return { CodeDeliveryDetails: delivery };
  };
  const user = await cognate.users.findForSignIn(pool, input.Username);
  const recorded = (who: User | undefined, response: 'Pass' | 'Fail') => recordAccountEvent(cognate, pool, client, who, 'ResendCode', response);
  const refused = async (error: CognitoError) => {
    await recorded(user, 'Fail');
    return error;
  };
  if (!user) {
    if (client.settings.PreventUserExistenceErrors !== 'ENABLED') throw await refused(errors.userNotFound('Username/client id combination not found.'));
    return simulated();
  }
  // Under ENABLED a confirmed user answers like an unknown name: a simulated delivery (issue 10).
  if (user.status !== 'UNCONFIRMED') {
    if (client.settings.PreventUserExistenceErrors === 'ENABLED') return simulated();
    throw await refused(errors.invalidParameter('User is already confirmed.'));
  }
  // Nowhere to send it, or past the hourly cap: under ENABLED, an unknown name's answer too.
  const hidden = client.settings.PreventUserExistenceErrors === 'ENABLED';
  const destination = codeDestination(pool, user);
  if (!destination) {
    if (hidden) return simulated();
    throw await refused(errors.invalidParameter('Cannot resend codes. Auto verification not turned on.'));
  }
  try {
    // The delivery pass is off the response path, as after a decoy (kickAfterDecoy).
    const templates = await confirmationTemplates(cognate, pool, client.id, user.username, destination);
    const delivery = await deliverCode(cognate, pool, { occasion: 'ResendCode', user, clientId: client.id, clientMetadata: input.ClientMetadata, purpose: 'signup', kind: 'ResendCode', destination, kick: 'later', ...(templates ? { templates } : {}) });
    await recorded(user, 'Pass');
    return { CodeDeliveryDetails: delivery };
  } catch (error) {
    if (hidden && error instanceof CognitoError && error.name === 'LimitExceededException') return simulated();
    if (error instanceof CognitoError) await recorded(user, 'Fail');
    throw error;
  }
}

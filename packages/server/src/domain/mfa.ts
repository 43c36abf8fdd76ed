/**
 * Multi-factor authentication: the pool's MFA configuration (SetUserPoolMfaConfig), each user's
 * factors and preference (SetUserMFAPreference, legacy SetUserSettings), software tokens
 * (AssociateSoftwareToken, VerifySoftwareToken), and the second step of sign-in: SMS_MFA,
 * EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE and MFA_SETUP.
 *
 * Codes sent by SMS or email are bound to the sealed Session they were sent for (their purpose is
 * `mfa:<session nonce>`), so a code from one sign-in never completes another (security.md A26,
 * P24). Wrong codes count toward the shared lockout and toward a second-factor counter that a
 * correct password does not reset, so re-entering the password can't buy more guesses (P03, P23).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { CognitoError, errors } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Cognate } from './cognate.js';
import { signInTokens, type TokenSource } from './token-generation.js';
import { SESSION_SEAL_GRACE_MS, type AuthResponse } from './auth.js';
import { checkSecretHash, type AppClient } from './app-clients.js';
import { codeError } from './codes.js';
import { lockMs, RESET_AFTER_MS } from './lockout.js';
import { composeMessages, maskDestination, sendCode, type Templates } from './messages.js';
import { matchTotp, newTotpSecret } from './totp.js';
import { isEmail, usernameKey, type User } from './users.js';
import type { UserPool, UserPoolSettings } from './user-pools.js';
import { deviceForSignIn, deviceSrpChallenge, newDeviceForSignIn, skipsMfa } from './devices.js';
import { required } from './parameters.js';

type Db = Kysely<Database> | Transaction<Database>;
type Params = Record<string, string>;

export type MfaType = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP';

/** Codes one sign-in Session may have sent (security.md P24: caps what a replayed Session costs). */
export const MAX_DELIVERIES_PER_SESSION = 5;

const DEFAULT_SMS_MESSAGE = 'Your authentication code is {####}. ';
const DEFAULT_EMAIL_MESSAGE = 'Your authentication code is {####}. ';
const DEFAULT_EMAIL_SUBJECT = 'Your authentication code';

// ---------------------------------------------------------------------------------------------
// The pool's MFA configuration

export interface SmsMfaConfig {
  SmsAuthenticationMessage?: string;
  SmsConfiguration?: Record<string, unknown>;
}
export interface EmailMfaConfig {
  Message?: string;
  Subject?: string;
}

/**
 * What SetUserPoolMfaConfig stores in the pool's settings, beside MfaConfiguration. `null` is a
 * factor turned off explicitly; `undefined` (never configured) lets a pool created with an
 * SmsConfiguration and MFA on use SMS, as CreateUserPool alone could always do.
 */
export interface PoolMfaSettings {
  SmsMfaConfiguration?: SmsMfaConfig | null;
  SoftwareTokenMfaConfiguration?: { Enabled?: boolean };
  EmailMfaConfiguration?: EmailMfaConfig | null;
}

const mfaSettings = (pool: UserPool) => pool.settings as UserPoolSettings & PoolMfaSettings;

/** The factors the pool is configured to offer (whether MFA is on or not). */
export function poolFactors(pool: UserPool): Record<MfaType, boolean> {
  const s = mfaSettings(pool);
  return {
    SMS_MFA: s.SmsMfaConfiguration ? true : s.SmsMfaConfiguration === undefined && s.SmsConfiguration !== undefined,
    SOFTWARE_TOKEN_MFA: s.SoftwareTokenMfaConfiguration?.Enabled === true,
    EMAIL_OTP: !!s.EmailMfaConfiguration,
  };
}

/**
 * CreateUserPool / UpdateUserPool with MfaConfiguration ON or OPTIONAL need a factor users can
 * have: an SmsConfiguration, or factors set before by SetUserPoolMfaConfig (software tokens).
 */
export function assertMfaConfigurable(input: Record<string, unknown>, existing?: UserPool): void {
  if (input.MfaConfiguration !== 'ON' && input.MfaConfiguration !== 'OPTIONAL') return;
  if (input.SmsConfiguration !== undefined) return;
  if (existing) {
    const f = poolFactors(existing);
    if (f.SMS_MFA || f.SOFTWARE_TOKEN_MFA || existing.settings.SmsConfiguration !== undefined) return;
  }
  throw errors.invalidParameter('SMS configuration is required when MFA is ON or OPTIONAL, unless software token MFA is enabled with SetUserPoolMfaConfig.');
}

export interface PoolMfaConfigInput {
  UserPoolId: string;
  SmsMfaConfiguration?: SmsMfaConfig;
  SoftwareTokenMfaConfiguration?: { Enabled?: boolean };
  EmailMfaConfiguration?: EmailMfaConfig;
  MfaConfiguration?: 'OFF' | 'ON' | 'OPTIONAL';
  WebAuthnConfiguration?: unknown;
}

export function poolMfaConfig(pool: UserPool) {
  const s = mfaSettings(pool);
  const factors = poolFactors(pool);
  const sms = s.SmsMfaConfiguration ?? {};
  const smsMessage = sms.SmsAuthenticationMessage ?? s.SmsAuthenticationMessage;
  const smsConfiguration = sms.SmsConfiguration ?? s.SmsConfiguration;
  return {
    ...(factors.SMS_MFA
      ? { SmsMfaConfiguration: { ...(smsMessage ? { SmsAuthenticationMessage: smsMessage } : {}), ...(smsConfiguration ? { SmsConfiguration: smsConfiguration } : {}) } }
      : {}),
    SoftwareTokenMfaConfiguration: { Enabled: factors.SOFTWARE_TOKEN_MFA },
    ...(s.EmailMfaConfiguration ? { EmailMfaConfiguration: s.EmailMfaConfiguration } : {}),
    MfaConfiguration: s.MfaConfiguration,
  };
}

/** SetUserPoolMfaConfig: factors not named are turned off; MfaConfiguration not named is kept. */
export async function setUserPoolMfaConfig(cognate: Cognate, input: PoolMfaConfigInput) {
  const pool = await cognate.pools.get(input.UserPoolId);
  const mode = input.MfaConfiguration ?? pool.settings.MfaConfiguration;
  const sms = input.SmsMfaConfiguration;
  const totp = input.SoftwareTokenMfaConfiguration?.Enabled === true;
  const email = input.EmailMfaConfiguration;
  const any = !!sms || totp || !!email;
  if (mode === 'OFF' && any) throw errors.invalidParameter("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.");
  if (mode !== 'OFF' && !sms && !totp) {
    // Email OTP alone is refused: required MFA needs a factor every user can set up during sign-in.
    throw errors.invalidParameter('Invalid MFA configuration given, at least one of SMS or software token MFA must be enabled when MFA is ON or OPTIONAL.');
  }
  if (email?.Message !== undefined && !email.Message.includes('{####}')) throw errors.invalidParameter('EmailMfaConfiguration.Message must contain {####}.');
  // EmailMfaConfigType: "To activate this setting, your user pool must be in the Essentials tier or higher."
  if (email && pool.settings.UserPoolTier === 'LITE') throw new CognitoError('FeatureUnavailableInTierException', 'Email MFA is not available in the LITE tier; use ESSENTIALS or PLUS.');
  const patch: Record<string, unknown> = {
    MfaConfiguration: mode,
    SmsMfaConfiguration: sms ?? null,
    SoftwareTokenMfaConfiguration: { Enabled: totp },
    EmailMfaConfiguration: email ?? null,
  };
  if (sms?.SmsAuthenticationMessage) patch.SmsAuthenticationMessage = sms.SmsAuthenticationMessage;
  if (sms?.SmsConfiguration) patch.SmsConfiguration = sms.SmsConfiguration;
  const updated = await cognate.pools.patchSettings(pool.id, patch, cognate.clock.now());
  return poolMfaConfig(updated);
}

// ---------------------------------------------------------------------------------------------
// A user's factors

export interface UserMfa {
  sms: boolean;
  email: boolean;
  totp: boolean;
  preferred: MfaType | null;
  totpSecretSealed: string | null;
  totpPendingSealed: string | null;
  totpLastStep: number | null;
  mfaOptions: { DeliveryMedium: string; AttributeName: string }[];
}

async function readUserMfa(db: Db, sub: string): Promise<UserMfa> {
  const row = await db.selectFrom('user_mfa').selectAll().where('user_id', '=', sub).executeTakeFirst();
  return {
    sms: row?.sms_enabled === 1,
    email: row?.email_enabled === 1,
    totp: row?.totp_enabled === 1,
    preferred: (row?.preferred as MfaType | null | undefined) ?? null,
    totpSecretSealed: row?.totp_secret_sealed ?? null,
    totpPendingSealed: row?.totp_pending_sealed ?? null,
    totpLastStep: row?.totp_last_step === null || row?.totp_last_step === undefined ? null : Number(row.totp_last_step),
    mfaOptions: row?.mfa_options ? (JSON.parse(row.mfa_options) as UserMfa['mfaOptions']) : [],
  };
}

/** Creates the user's MFA row if it doesn't exist yet. */
async function ensureRow(db: Db, user: Pick<User, 'sub' | 'poolId'>, now: number): Promise<void> {
  await db
    .insertInto('user_mfa')
    .values({ user_id: user.sub, pool_id: user.poolId, sms_enabled: 0, email_enabled: 0, totp_enabled: 0, preferred: null, totp_secret_sealed: null, totp_pending_sealed: null, totp_last_step: null, mfa_options: null, mfa_passed_session: null, failed_attempts: 0, last_failed_at: null, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

const totpAad = (user: Pick<User, 'sub'>) => `totp-secret:${user.sub}`;

/** The factors the user has turned on, as the user's settings say (GetUser's UserMFASettingList). */
function enabledTypes(mfa: UserMfa): MfaType[] {
  const out: MfaType[] = [];
  if (mfa.sms || mfa.mfaOptions.some((o) => o.DeliveryMedium === 'SMS')) out.push('SMS_MFA');
  if (mfa.totp && mfa.totpSecretSealed) out.push('SOFTWARE_TOKEN_MFA');
  if (mfa.email) out.push('EMAIL_OTP');
  return out;
}

/** UserMFASettingList, PreferredMfaSetting and MFAOptions for GetUser and AdminGetUser; empty ones left out. */
export async function userMfaView(cognate: Cognate, user: User) {
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const list = enabledTypes(mfa);
  return {
    ...(mfa.mfaOptions.length > 0 ? { MFAOptions: mfa.mfaOptions } : {}),
    ...(mfa.preferred && list.includes(mfa.preferred) ? { PreferredMfaSetting: mfa.preferred } : {}),
    ...(list.length > 0 ? { UserMFASettingList: list } : {}),
  };
}

interface MfaSettingsType {
  Enabled?: boolean;
  PreferredMfa?: boolean;
}

export interface MfaPreferenceInput {
  SMSMfaSettings?: MfaSettingsType;
  SoftwareTokenMfaSettings?: MfaSettingsType;
  EmailMfaSettings?: MfaSettingsType;
  WebAuthnMfaSettings?: { Enabled?: boolean };
}

/** SetUserMFAPreference and AdminSetUserMFAPreference. */
export async function setMfaPreference(cognate: Cognate, pool: UserPool, user: User, input: MfaPreferenceInput): Promise<void> {
  const given: [MfaType, MfaSettingsType | undefined][] = [
    ['SMS_MFA', input.SMSMfaSettings],
    ['SOFTWARE_TOKEN_MFA', input.SoftwareTokenMfaSettings],
    ['EMAIL_OTP', input.EmailMfaSettings],
  ];
  if (given.filter(([, s]) => s?.PreferredMfa === true).length > 1) throw errors.invalidParameter('Only one MFA method can be set as preferred.');
  const offered = poolFactors(pool);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await ensureRow(trx, user, now);
    const mfa = await readUserMfa(trx, user.sub);
    const enabled: Record<MfaType, boolean> = { SMS_MFA: mfa.sms, SOFTWARE_TOKEN_MFA: mfa.totp, EMAIL_OTP: mfa.email };
    let preferred = mfa.preferred;
    for (const [type, settings] of given) {
      if (!settings) continue;
      const on = settings.Enabled ?? (settings.PreferredMfa === true ? true : enabled[type]);
      if (on && !enabled[type]) {
        if (!offered[type]) throw errors.invalidParameter(`${type} is not enabled for the user pool.`);
        if (type === 'SMS_MFA' && !user.attributes.get('phone_number')) throw errors.invalidParameter('User does not have delivery config set to turn on SMS_MFA');
        if (type === 'EMAIL_OTP' && !user.attributes.get('email')) throw errors.invalidParameter('User does not have delivery config set to turn on EMAIL_OTP');
        if (type === 'SOFTWARE_TOKEN_MFA' && !mfa.totpSecretSealed) throw errors.invalidParameter('User has not verified software token mfa');
      }
      if (settings.PreferredMfa === true && !on) throw errors.invalidParameter(`${type} can't be preferred while it is disabled.`);
      enabled[type] = on;
      if (settings.PreferredMfa === true) preferred = type;
      else if (preferred === type && (settings.PreferredMfa === false || !on)) preferred = null;
    }
    await trx
      .updateTable('user_mfa')
      .set({
        sms_enabled: enabled.SMS_MFA ? 1 : 0,
        totp_enabled: enabled.SOFTWARE_TOKEN_MFA ? 1 : 0,
        email_enabled: enabled.EMAIL_OTP ? 1 : 0,
        preferred,
        // Turning SMS off also ends the legacy MFAOptions that turned it on.
        ...(enabled.SMS_MFA ? {} : { mfa_options: null }),
        updated_at: now,
      })
      .where('user_id', '=', user.sub)
      .execute();
  });
}

/** SetUserSettings and AdminSetUserSettings: the legacy MFAOptions, SMS to phone_number only. */
export async function setUserSettings(cognate: Cognate, user: User, options: { DeliveryMedium?: string; AttributeName?: string }[]): Promise<void> {
  for (const o of options) {
    if (o.DeliveryMedium !== 'SMS') throw errors.invalidParameter('Only SMS is supported as an MFA delivery medium.');
    if (o.AttributeName !== 'phone_number') throw errors.invalidParameter('Only phone_number is supported as the MFA attribute.');
  }
  if (options.length > 0 && !user.attributes.get('phone_number')) throw errors.invalidParameter('User does not have delivery config set to turn on SMS_MFA');
  const now = cognate.clock.now();
  const stored = options.length > 0 ? JSON.stringify([{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]) : null;
  await cognate.store.transaction(async (trx) => {
    await ensureRow(trx, user, now);
    await trx
      .updateTable('user_mfa')
      .set({ mfa_options: stored, sms_enabled: stored ? 1 : 0, ...(stored ? {} : { preferred: sql<string | null>`case when preferred = 'SMS_MFA' then null else preferred end` }), updated_at: now })
      .where('user_id', '=', user.sub)
      .execute();
  });
}

// ---------------------------------------------------------------------------------------------
// Software tokens

const softwareTokenNotEnabled = () => new CognitoError('SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the userPool.');
const codeMismatchOnEnable = () => new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA');

/** AssociateSoftwareToken with an access token: a new secret waits for VerifySoftwareToken. */
export async function associateWithAccessToken(cognate: Cognate, accessToken: string): Promise<{ SecretCode: string }> {
  const { pool, user } = await cognate.tokens.verifyAccessToken(accessToken);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const secret = newTotpSecret();
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await ensureRow(trx, user, now);
    await trx.updateTable('user_mfa').set({ totp_pending_sealed: cognate.secrets.atRest.sealToString(Buffer.from(secret), totpAad(user)), updated_at: now }).where('user_id', '=', user.sub).execute();
  });
  return { SecretCode: secret };
}

/** VerifySoftwareToken with an access token: the pending secret becomes the user's software token. */
export async function verifyWithAccessToken(cognate: Cognate, accessToken: string, code: string): Promise<{ Status: 'SUCCESS' }> {
  const { pool, user } = await cognate.tokens.verifyAccessToken(accessToken);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const secret = mfa.totpPendingSealed ? cognate.secrets.atRest.openString(mfa.totpPendingSealed, totpAad(user))?.toString() : undefined;
  if (!secret) throw new CognitoError('SoftwareTokenMFANotFoundException', 'Software token has not been associated with the user; call AssociateSoftwareToken first.');
  const now = cognate.clock.now();
  const step = matchTotp(secret, code, now, null);
  if (step === undefined) throw codeMismatchOnEnable();
  await cognate.store.db
    .updateTable('user_mfa')
    .set({ totp_secret_sealed: mfa.totpPendingSealed, totp_pending_sealed: null, totp_last_step: step, updated_at: now })
    .where('user_id', '=', user.sub)
    .where('totp_pending_sealed', '=', mfa.totpPendingSealed!)
    .execute();
  return { Status: 'SUCCESS' };
}

/**
 * Checks a code against the user's software token and uses it up: the accepted step is recorded
 * with a conditional update, so a code (or an older one) never works twice, even in parallel.
 */
async function consumeTotp(cognate: Cognate, user: User, code: string, now: number): Promise<'ok' | 'mismatch' | 'reused'> {
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const secret = mfa.totpSecretSealed ? cognate.secrets.atRest.openString(mfa.totpSecretSealed, totpAad(user))?.toString() : undefined;
  if (!secret) return 'mismatch';
  const step = matchTotp(secret, code, now, mfa.totpLastStep);
  if (step === undefined) return matchTotp(secret, code, now, null) === undefined ? 'mismatch' : 'reused';
  const result = await cognate.store.db
    .updateTable('user_mfa')
    .set({ totp_last_step: step })
    .where('user_id', '=', user.sub)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? 'ok' : 'reused';
}

// ---------------------------------------------------------------------------------------------
// Sign-in sessions

/** The state a sign-in Session carries after the password (sealed; any node continues it). */
interface MfaSession {
  /** what the session answers: an MFA code, an MFA choice, TOTP setup (before / after verification) */
  k: 'mfa' | 'select' | 'setup' | 'setup-done';
  p: string;
  c: string;
  s: string;
  /** the challenge (k = mfa) or the choices (k = select) */
  m?: MfaType;
  o?: MfaType[];
  /** nonce the session's codes are bound to */
  n: string;
  /** the device the client named (DEVICE_KEY), to authenticate after MFA */
  d?: string;
  /** expiry, epoch ms */
  e: number;
  /** a TOTP secret from AssociateSoftwareToken during MFA_SETUP */
  t?: string;
  /** an email address being set up for EMAIL_OTP during MFA_SETUP */
  x?: string;
}

type Metadata = Record<string, string> | undefined;

const MFA_SESSION_AAD = 'mfa-session';

/** The pool's MFA code messages: SmsMfaConfiguration / EmailMfaConfiguration, Cognito's defaults otherwise. */
function mfaMessages(pool: UserPool): Templates {
  const s = mfaSettings(pool);
  return {
    EMAIL: { subject: s.EmailMfaConfiguration?.Subject ?? DEFAULT_EMAIL_SUBJECT, body: s.EmailMfaConfiguration?.Message ?? DEFAULT_EMAIL_MESSAGE },
    SMS: { body: s.SmsMfaConfiguration?.SmsAuthenticationMessage ?? s.SmsAuthenticationMessage ?? DEFAULT_SMS_MESSAGE },
  };
}

function sealSession(cognate: Cognate, state: MfaSession): string {
  return cognate.secrets.sessions.sealJson(state, MFA_SESSION_AAD, state.e + SESSION_SEAL_GRACE_MS);
}

const invalidSession = () => errors.notAuthorized('Invalid session for the user.');

function openSession(cognate: Cognate, session: string | undefined, pool: UserPool, client: AppClient | undefined, now: number): MfaSession {
  const state = session ? cognate.secrets.sessions.openJson<MfaSession>(session, MFA_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || (client && state.c !== client.id) || typeof state.s !== 'string' || typeof state.e !== 'number') throw invalidSession();
  if (state.e <= now) throw errors.notAuthorized('Invalid session for the user, session is expired.');
  return state;
}

const newSession = (pool: UserPool, client: AppClient, user: User, now: number, rest: Partial<MfaSession> & Pick<MfaSession, 'k'>): MfaSession => ({
  p: pool.id,
  c: client.id,
  s: user.sub,
  n: randomUUID(),
  e: now + client.settings.AuthSessionValidity * 60_000,
  ...rest,
});

export interface SignInContext {
  /** DEVICE_KEY from the client: a device it has confirmed before. */
  deviceKey?: string;
  /** ClientMetadata of the call, for the triggers */
  clientMetadata?: Record<string, string> | undefined;
  /** what led to the tokens, if they come now (TokenGeneration_<source>) */
  source?: TokenSource;
}

/**
 * What follows a settled password: a remembered device skips MFA and goes straight to device SRP;
 * otherwise the MFA challenge the pool and user call for; then the device, then tokens.
 */
export async function secondFactor(cognate: Cognate, pool: UserPool, client: AppClient, user: User, ctx: SignInContext = {}): Promise<AuthResponse> {
  const device = ctx.deviceKey ? await deviceForSignIn(cognate, pool, user, ctx.deviceKey) : undefined;
  if (device && skipsMfa(pool, device)) return deviceSrpChallenge(cognate, pool, client, user, device.device_key);
  const challenge = await mfaChallenge(cognate, pool, client, user, device?.device_key, ctx.clientMetadata);
  return challenge ?? finishSignIn(cognate, pool, client, user, device?.device_key, ctx);
}

/** After every factor: prove a known device, or issue tokens (with NewDeviceMetadata when the pool tracks devices). */
async function finishSignIn(cognate: Cognate, pool: UserPool, client: AppClient, user: User, deviceKey: string | undefined, ctx: SignInContext = {}): Promise<AuthResponse> {
  if (deviceKey) return deviceSrpChallenge(cognate, pool, client, user, deviceKey);
  const device = await newDeviceForSignIn(cognate, pool, user);
  const result = await signInTokens(cognate, { pool, client, user, source: ctx.source ?? 'Authentication', clientMetadata: ctx.clientMetadata, newDeviceUsed: device !== undefined, ...(device ? { deviceKey: device.DeviceKey } : {}) });
  return { ChallengeParameters: {}, AuthenticationResult: device ? { ...result, NewDeviceMetadata: device } : result };
}

/** The MFA challenge this sign-in needs, if any. */
async function mfaChallenge(cognate: Cognate, pool: UserPool, client: AppClient, user: User, deviceKey: string | undefined, clientMetadata: Metadata): Promise<AuthResponse | undefined> {
  const mode = pool.settings.MfaConfiguration;
  if (mode === 'OFF') return undefined;
  const offered = poolFactors(pool);
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const usable = enabledTypes(mfa).filter((t) => offered[t] && (t !== 'SMS_MFA' || user.attributes.get('phone_number')) && (t !== 'EMAIL_OTP' || user.attributes.get('email')));
  const now = cognate.clock.now();
  const base = { ...(deviceKey ? { d: deviceKey } : {}) };
  if (usable.length === 0) {
    if (mode !== 'ON') return undefined;
    // Required MFA and nothing set up: users with a phone number get SMS when the pool sends it, and
    // users with an email address email codes when that is all the pool could set up; the others
    // set up a software token or an email address now (MFA_SETUP).
    if (offered.SMS_MFA && user.attributes.get('phone_number')) return sendChallenge(cognate, pool, client, user, newSession(pool, client, user, now, { ...base, k: 'mfa', m: 'SMS_MFA' }), clientMetadata);
    if (offered.EMAIL_OTP && user.attributes.get('email') && !offered.SOFTWARE_TOKEN_MFA) {
      return sendChallenge(cognate, pool, client, user, newSession(pool, client, user, now, { ...base, k: 'mfa', m: 'EMAIL_OTP' }), clientMetadata);
    }
    const canSetUp = (['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'] as const).filter((t) => offered[t]);
    if (canSetUp.length === 0) throw new CognitoError('MFAMethodNotFoundException', 'No MFA mechanism registered in the account.');
    const state = newSession(pool, client, user, now, { ...base, k: 'setup', o: [...canSetUp] });
    return { ChallengeName: 'MFA_SETUP', Session: sealSession(cognate, state), ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify(canSetUp) } };
  }
  const chosen = mfa.preferred && usable.includes(mfa.preferred) ? mfa.preferred : usable.length === 1 ? usable[0]! : undefined;
  if (chosen) return sendChallenge(cognate, pool, client, user, newSession(pool, client, user, now, { ...base, k: 'mfa', m: chosen }), clientMetadata);
  const state = newSession(pool, client, user, now, { ...base, k: 'select', o: usable });
  return { ChallengeName: 'SELECT_MFA_TYPE', Session: sealSession(cognate, state), ChallengeParameters: { MFAS_CAN_CHOOSE: JSON.stringify(usable), USER_ID_FOR_SRP: user.username } };
}

/** Issues an MFA challenge; SMS and email codes are sent now, bound to the session's nonce. */
async function sendChallenge(cognate: Cognate, pool: UserPool, client: AppClient, user: User, state: MfaSession, clientMetadata: Metadata): Promise<AuthResponse> {
  const type = state.m!;
  const Session = sealSession(cognate, state);
  if (type === 'SOFTWARE_TOKEN_MFA') return { ChallengeName: type, Session, ChallengeParameters: { USER_ID_FOR_SRP: user.username } };
  const medium = type === 'SMS_MFA' ? 'SMS' : 'EMAIL';
  const to = type === 'EMAIL_OTP' && state.x ? state.x : user.attributes.get(type === 'SMS_MFA' ? 'phone_number' : 'email');
  if (!to) throw new CognitoError('MFAMethodNotFoundException', 'No MFA mechanism registered in the account.');
  const messages = await composeMessages(cognate, pool, { occasion: 'Authentication', user, clientId: client.id, clientMetadata, messages: mfaMessages(pool) });
  const destination = { medium, attribute: medium === 'SMS' ? 'phone_number' : 'email', to } as const;
  const now = cognate.clock.now();
  const purpose = `mfa:${state.n}` as const;
  await cognate.store.transaction(async (trx) => {
    const sent = await trx.selectFrom('codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.sub).where('purpose', '=', purpose).executeTakeFirst();
    if (Number(sent?.n ?? 0) >= MAX_DELIVERIES_PER_SESSION) throw errors.limitExceeded();
    await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose, destination, messages, kind: 'mfa' }, now);
  });
  cognate.outbox.kick();
  return { ChallengeName: type, Session, ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: medium, CODE_DELIVERY_DESTINATION: maskDestination(medium, to), USER_ID_FOR_SRP: user.username } };
}

/** The session's user, named in the answer as the username or a sign-in alias, and allowed to sign in. */
async function sessionUser(cognate: Cognate, pool: UserPool, client: AppClient, state: MfaSession, responses: Params): Promise<User> {
  const name = required(responses, 'USERNAME');
  const user = await cognate.users.findBySub(pool.id, state.s);
  if (!user) throw invalidSession();
  const named = usernameKey(pool, name) === usernameKey(pool, user.username) || (await cognate.users.findForSignIn(pool, name))?.sub === user.sub;
  if (!named) throw invalidSession();
  checkSecretHash(client, [name, user.username], responses.SECRET_HASH);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  // A password reset or a new temporary password since the first step ends the sign-in.
  if (user.status !== 'CONFIRMED') throw invalidSession();
  return user;
}

/** A wrong second factor: the shared lockout counter, and one a correct password doesn't reset. */
async function recordWrongCode(cognate: Cognate, user: User, now: number): Promise<void> {
  await cognate.lockout.recordFailure(user.sub, now);
  await ensureRow(cognate.store.db, user, now);
  const row = await cognate.store.db
    .updateTable('user_mfa')
    .set({
      failed_attempts: sql<number>`case when last_failed_at is null or last_failed_at < ${now - RESET_AFTER_MS} then 1 else failed_attempts + 1 end`,
      last_failed_at: now,
    })
    .where('user_id', '=', user.sub)
    .returning('failed_attempts')
    .executeTakeFirst();
  const lock = lockMs(row?.failed_attempts ?? 0);
  if (lock > 0) await cognate.lockout.lockUntil(user.sub, now + lock);
}

const CODE_FIELD: Record<MfaType, string> = { SMS_MFA: 'SMS_MFA_CODE', SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA_CODE', EMAIL_OTP: 'EMAIL_OTP_CODE' };

/** RespondToAuthChallenge for SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP. */
export async function answerMfaChallenge(cognate: Cognate, pool: UserPool, client: AppClient, challenge: string, responses: Params, session: string | undefined, clientMetadata?: Record<string, string>): Promise<AuthResponse> {
  const ctx: SignInContext = { clientMetadata };
  const now = cognate.clock.now();
  const state = openSession(cognate, session, pool, client, now);
  const user = await sessionUser(cognate, pool, client, state, responses);
  await cognate.lockout.assertNotLocked(user.sub, now);

  if (challenge === 'SELECT_MFA_TYPE') {
    if (state.k !== 'select') throw invalidSession();
    const answer = required(responses, 'ANSWER') as MfaType;
    if (!state.o?.includes(answer)) throw errors.invalidParameter(`Invalid ANSWER: ${answer} is not one of the MFA types offered.`);
    // The chosen challenge keeps the session's nonce, so replaying this answer can't send more codes than the cap.
    const { o: _choices, ...rest } = state;
    return sendChallenge(cognate, pool, client, user, { ...rest, k: 'mfa', m: answer }, clientMetadata);
  }

  if (challenge === 'MFA_SETUP') {
    if (state.k === 'setup' && responses.EMAIL !== undefined) return startEmailSetup(cognate, pool, client, user, state, responses.EMAIL, clientMetadata);
    if (state.k === 'setup') throw errors.invalidParameter('The software token has not been verified; call VerifySoftwareToken with this Session first.');
    if (state.k !== 'setup-done') throw invalidSession();
    // One sign-in per verified set-up: the Session can't be replayed for more tokens.
    const used = await cognate.store.db.updateTable('user_mfa').set({ mfa_passed_session: null }).where('user_id', '=', user.sub).where('mfa_passed_session', '=', state.n).executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw invalidSession();
    return finishSignIn(cognate, pool, client, user, state.d, ctx);
  }

  if (state.k !== 'mfa' || state.m !== challenge) throw invalidSession();
  const type = state.m;
  const code = required(responses, CODE_FIELD[type]);
  if (type === 'SOFTWARE_TOKEN_MFA') {
    const outcome = await consumeTotp(cognate, user, code, now);
    if (outcome !== 'ok') {
      await recordWrongCode(cognate, user, now);
      throw outcome === 'reused' ? errors.expiredCode('Your software token has already been used once.') : errors.codeMismatch('Invalid code received for user');
    }
  } else {
    const outcome = await cognate.store.transaction((trx) => cognate.codes.consume(trx, { userId: user.sub, purpose: `mfa:${state.n}`, code }, now));
    if (outcome !== 'ok') {
      await recordWrongCode(cognate, user, now);
      throw outcome === 'mismatch' ? errors.codeMismatch('Invalid code received for user') : codeError(outcome);
    }
  }
  await ensureRow(cognate.store.db, user, now);
  await cognate.store.db
    .updateTable('user_mfa')
    .set({ failed_attempts: 0, last_failed_at: null, ...(state.d ? { mfa_passed_session: state.n } : {}) })
    .where('user_id', '=', user.sub)
    .execute();
  await cognate.lockout.recordSuccess(user.sub);
  if (!state.x) return finishSignIn(cognate, pool, client, user, state.d, ctx);
  await finishEmailSetup(cognate, pool, user, state.x, now);
  return finishSignIn(cognate, pool, client, (await cognate.users.findBySub(pool.id, user.sub)) ?? user, state.d, ctx);
}

/**
 * MFA_SETUP answered with EMAIL (Amplify's CONTINUE_SIGN_IN_WITH_EMAIL_SETUP): the code goes to
 * that address, and answering it makes the address the user's verified email and email OTP
 * their MFA. A user who has an email address can only name that one.
 */
async function startEmailSetup(cognate: Cognate, pool: UserPool, client: AppClient, user: User, state: MfaSession, email: string, clientMetadata: Metadata): Promise<AuthResponse> {
  if (!state.o?.includes('EMAIL_OTP')) throw errors.invalidParameter('Email MFA can not be set up in this user pool.');
  if (!isEmail(email)) throw errors.invalidParameter('Invalid email address format.');
  const current = user.attributes.get('email');
  if (current !== undefined && current.toLowerCase() !== email.toLowerCase()) throw errors.invalidParameter('The email address must be the one the user has.');
  const { o: _choices, ...rest } = state;
  return sendChallenge(cognate, pool, client, user, { ...rest, k: 'mfa', m: 'EMAIL_OTP', x: current ?? email }, clientMetadata);
}

async function finishEmailSetup(cognate: Cognate, pool: UserPool, user: User, email: string, now: number): Promise<void> {
  await cognate.store.transaction(async (trx) => {
    // The code proved the address: it becomes the user's verified email (claiming it as an alias, if the pool has them).
    await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([['email', email], ['email_verified', 'true']]), { now });
    await ensureRow(trx, user, now);
    await trx
      .updateTable('user_mfa')
      .set({ email_enabled: 1, preferred: sql<string>`coalesce(preferred, 'EMAIL_OTP')`, updated_at: now })
      .where('user_id', '=', user.sub)
      .execute();
  });
}

/**
 * DEVICE_SRP_AUTH answered with the MFA challenge's Session instead of the one that came with
 * DEVICE_SRP_AUTH (amazon-cognito-identity-js's sendMFACode does this): accepted only when that
 * session's MFA was answered, as recorded then.
 */
export async function deviceStepAfterMfa(cognate: Cognate, session: string | undefined, pool: UserPool, client: AppClient, now: number): Promise<{ p: string; c: string; s: string; d: string; e: number } | undefined> {
  const state = session ? cognate.secrets.sessions.openJson<MfaSession>(session, MFA_SESSION_AAD, now) : null;
  if (!state || state.k !== 'mfa' || !state.d || state.p !== pool.id || state.c !== client.id || state.e <= now) return undefined;
  const row = await cognate.store.db.selectFrom('user_mfa').select('mfa_passed_session').where('user_id', '=', state.s).executeTakeFirst();
  if (row?.mfa_passed_session !== state.n) return undefined;
  return { p: state.p, c: state.c, s: state.s, d: state.d, e: state.e };
}

/** AssociateSoftwareToken with an MFA_SETUP Session: the secret travels sealed in the new Session. */
export async function associateWithSession(cognate: Cognate, session: string): Promise<{ SecretCode: string; Session: string }> {
  const now = cognate.clock.now();
  const state = openAnySession(cognate, session, now);
  if (state.k !== 'setup') throw invalidSession();
  const pool = await cognate.pools.get(state.p);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const secret = newTotpSecret();
  return { SecretCode: secret, Session: sealSession(cognate, { ...state, t: secret }) };
}

/** VerifySoftwareToken with an MFA_SETUP Session: the token becomes the user's preferred factor. */
export async function verifyWithSession(cognate: Cognate, session: string, code: string): Promise<{ Status: 'SUCCESS'; Session: string }> {
  const now = cognate.clock.now();
  const state = openAnySession(cognate, session, now);
  if (state.k !== 'setup' || !state.t) throw invalidSession();
  const pool = await cognate.pools.get(state.p);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const user = await cognate.users.findBySub(pool.id, state.s);
  if (!user || user.status !== 'CONFIRMED') throw invalidSession();
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  await cognate.lockout.assertNotLocked(user.sub, now);
  const step = matchTotp(state.t, code, now, null);
  if (step === undefined) throw codeMismatchOnEnable();
  await cognate.store.transaction(async (trx) => {
    await ensureRow(trx, user, now);
    await trx
      .updateTable('user_mfa')
      .set({
        totp_secret_sealed: cognate.secrets.atRest.sealToString(Buffer.from(state.t!), totpAad(user)),
        totp_pending_sealed: null,
        totp_enabled: 1,
        totp_last_step: step,
        mfa_passed_session: state.n,
        preferred: sql<string>`coalesce(preferred, 'SOFTWARE_TOKEN_MFA')`,
        updated_at: now,
      })
      .where('user_id', '=', user.sub)
      .execute();
  });
  const { t: _secret, ...rest } = state;
  return { Status: 'SUCCESS', Session: sealSession(cognate, { ...rest, k: 'setup-done' }) };
}

/** Opens a session for the actions that carry no ClientId (AssociateSoftwareToken, VerifySoftwareToken). */
function openAnySession(cognate: Cognate, session: string, now: number): MfaSession {
  const state = cognate.secrets.sessions.openJson<MfaSession>(session, MFA_SESSION_AAD, now);
  if (!state || typeof state.p !== 'string' || typeof state.s !== 'string' || typeof state.e !== 'number') throw invalidSession();
  if (state.e <= now) throw errors.notAuthorized('Invalid session for the user, session is expired.');
  return state;
}

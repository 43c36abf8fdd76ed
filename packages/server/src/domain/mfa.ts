/**
 * MFA settings: the pool's MFA configuration (SetUserPoolMfaConfig, GetUserPoolMfaConfig), each
 * user's factors and preference (SetUserMFAPreference, legacy SetUserSettings), and software tokens
 * set up with an access token (AssociateSoftwareToken, VerifySoftwareToken). The second step of
 * sign-in that uses them (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP) is in
 * sign-in/; this module imports nothing from there. The rows are in store/mfa.ts.
 */
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as mfaStore from '../store/mfa.js';
import type { Ports } from './cognate.js';
import { matchTotp, newTotpSecret } from './totp.js';
import type { User } from './users.js';
import type { UserPool, UserPoolSettings } from './user-pools.js';
import { checkWebAuthnConfiguration, webAuthnConfigView, webAuthnSettings } from './webauthn/config.js';

export type MfaType = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP';

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

export const mfaSettings = (pool: UserPool) => pool.settings as UserPoolSettings & PoolMfaSettings;

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

/** GetUserPoolMfaConfig (and SetUserPoolMfaConfig's answer), with the passkey settings as they apply (webauthn/config.ts). */
export async function poolMfaConfig(cognate: Ports<'config' | 'store'>, pool: UserPool) {
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
    WebAuthnConfiguration: await webAuthnConfigView(cognate, pool),
  };
}

/** SetUserPoolMfaConfig: factors not named are turned off; MfaConfiguration not named is kept. */
export async function setUserPoolMfaConfig(cognate: Ports<'clock' | 'config' | 'pools' | 'store'>, input: PoolMfaConfigInput) {
  const pool = await cognate.pools.get(input.UserPoolId);
  const mode = input.MfaConfiguration ?? pool.settings.MfaConfiguration;
  const sms = input.SmsMfaConfiguration;
  const totp = input.SoftwareTokenMfaConfiguration?.Enabled === true;
  const email = input.EmailMfaConfiguration;
  const any = !!sms || totp || !!email;
  if (mode === 'OFF' && any) throw errors.invalidParameter("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.");
  // SMS is a usable factor only with an SmsConfiguration (given here or the pool's), as in Cognito.
  const smsUsable = !!sms && (sms.SmsConfiguration !== undefined || pool.settings.SmsConfiguration !== undefined);
  if (mode !== 'OFF' && !smsUsable && !totp) {
    // Email OTP alone is refused: required MFA needs a factor every user can set up during sign-in.
    throw errors.invalidParameter("Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.");
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
  // WebAuthnConfiguration not given keeps the passkey settings the pool has.
  const webAuthn = checkWebAuthnConfiguration(pool, input.WebAuthnConfiguration);
  if (webAuthn) patch.WebAuthnConfiguration = webAuthn;
  const updated = await cognate.pools.patchSettings(pool.id, patch, cognate.clock.now());
  return poolMfaConfig(cognate, updated);
}

// ---------------------------------------------------------------------------------------------
// A user's factors

export interface UserMfa {
  sms: boolean;
  email: boolean;
  totp: boolean;
  /** passkey MFA (WebAuthnMfaSettings): the user's passkey sign-ins verify the user and stand for both factors */
  webAuthn: boolean;
  preferred: MfaType | null;
  totpSecretSealed: string | null;
  totpPendingSealed: string | null;
  totpLastStep: number | null;
  mfaOptions: { DeliveryMedium: string; AttributeName: string }[];
}

/** The user's MFA state (all off when they have no row yet). */
export async function readUserMfa(db: Executor, sub: string): Promise<UserMfa> {
  const row = await mfaStore.find(db, sub);
  return {
    sms: row?.sms_enabled === 1,
    email: row?.email_enabled === 1,
    totp: row?.totp_enabled === 1,
    webAuthn: row?.webauthn_mfa_enabled === 1,
    preferred: (row?.preferred as MfaType | null | undefined) ?? null,
    totpSecretSealed: row?.totp_secret_sealed ?? null,
    totpPendingSealed: row?.totp_pending_sealed ?? null,
    totpLastStep: row?.totp_last_step === null || row?.totp_last_step === undefined ? null : Number(row.totp_last_step),
    mfaOptions: row?.mfa_options ? (JSON.parse(row.mfa_options) as UserMfa['mfaOptions']) : [],
  };
}

export const totpAad = (user: Pick<User, 'sub'>) => `totp-secret:${user.sub}`;

/** The factors the user has turned on, as the user's settings say (GetUser's UserMFASettingList). */
export function enabledTypes(mfa: UserMfa): MfaType[] {
  const out: MfaType[] = [];
  if (mfa.sms || mfa.mfaOptions.some((o) => o.DeliveryMedium === 'SMS')) out.push('SMS_MFA');
  if (mfa.totp && mfa.totpSecretSealed) out.push('SOFTWARE_TOKEN_MFA');
  if (mfa.email) out.push('EMAIL_OTP');
  return out;
}

/** UserMFASettingList, PreferredMfaSetting and MFAOptions for GetUser and AdminGetUser; empty ones left out. */
export async function userMfaView(cognate: Ports<'store'>, user: User) {
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

/**
 * SetUserMFAPreference and AdminSetUserMFAPreference. `WebAuthnMfaSettings` has no preference: passkey
 * MFA applies only when a passkey is the first factor (sign-in/challenges/web-authn.ts). Turning it on
 * needs the pool's WebAuthnConfiguration.FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION and,
 * so the user can't lock themselves out, another MFA method on once this request is applied.
 */
export async function setMfaPreference(cognate: Ports<'clock' | 'store'>, pool: UserPool, user: User, input: MfaPreferenceInput): Promise<void> {
  const given: [MfaType, MfaSettingsType | undefined][] = [
    ['SMS_MFA', input.SMSMfaSettings],
    ['SOFTWARE_TOKEN_MFA', input.SoftwareTokenMfaSettings],
    ['EMAIL_OTP', input.EmailMfaSettings],
  ];
  if (given.filter(([, s]) => s?.PreferredMfa === true).length > 1) throw errors.invalidParameter('Only one MFA method can be set as preferred.');
  const webAuthnOn = input.WebAuthnMfaSettings?.Enabled;
  if (webAuthnOn === true) {
    if (pool.settings.UserPoolTier === 'LITE') throw new CognitoError('FeatureUnavailableInTierException', 'Passkey MFA is not available in the LITE tier; use ESSENTIALS or PLUS.');
    if (webAuthnSettings(pool).FactorConfiguration !== 'MULTI_FACTOR_WITH_USER_VERIFICATION') {
      throw errors.invalidParameter('Passkey MFA can be turned on only when the user pool\'s WebAuthnConfiguration.FactorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION.');
    }
  }
  const offered = poolFactors(pool);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
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
    const webAuthn = webAuthnOn ?? mfa.webAuthn;
    if (webAuthnOn === true) {
      const others = enabledTypes({ ...mfa, sms: enabled.SMS_MFA, totp: enabled.SOFTWARE_TOKEN_MFA, email: enabled.EMAIL_OTP, mfaOptions: enabled.SMS_MFA ? mfa.mfaOptions : [] });
      if (others.length === 0) throw errors.invalidParameter('Passkey MFA needs another MFA method (SMS, email or TOTP) turned on for the user, so they can still sign in without their passkey.');
    }
    await mfaStore.setFactors(trx, user.sub, { sms: enabled.SMS_MFA, totp: enabled.SOFTWARE_TOKEN_MFA, email: enabled.EMAIL_OTP, webAuthn, preferred }, now);
  });
}

/** SetUserSettings and AdminSetUserSettings: the legacy MFAOptions, SMS to phone_number only. */
export async function setUserSettings(cognate: Ports<'clock' | 'store'>, user: User, options: { DeliveryMedium?: string; AttributeName?: string }[]): Promise<void> {
  for (const o of options) {
    if (o.DeliveryMedium !== 'SMS') throw errors.invalidParameter('Only SMS is supported as an MFA delivery medium.');
    if (o.AttributeName !== 'phone_number') throw errors.invalidParameter('Only phone_number is supported as the MFA attribute.');
  }
  if (options.length > 0 && !user.attributes.get('phone_number')) throw errors.invalidParameter('User does not have delivery config set to turn on SMS_MFA');
  const now = cognate.clock.now();
  const stored = options.length > 0 ? JSON.stringify([{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]) : null;
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
    await mfaStore.setOptions(trx, user.sub, stored, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Software tokens

export const softwareTokenNotEnabled = () => new CognitoError('SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the userPool.');
export const codeMismatchOnEnable = () => new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA');

/** AssociateSoftwareToken with an access token: a new secret waits for VerifySoftwareToken. */
export async function associateWithAccessToken(cognate: Ports<'clock' | 'secrets' | 'store' | 'tokens'>, accessToken: string): Promise<{ SecretCode: string }> {
  const { pool, user } = await cognate.tokens.verifyAccessToken(accessToken);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const secret = newTotpSecret();
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
    await mfaStore.setPendingTotp(trx, user.sub, cognate.secrets.atRest.sealToString(Buffer.from(secret), totpAad(user)), now);
  });
  return { SecretCode: secret };
}

/** VerifySoftwareToken with an access token: the pending secret becomes the user's software token. */
export async function verifyWithAccessToken(cognate: Ports<'clock' | 'secrets' | 'store' | 'tokens'>, accessToken: string, code: string): Promise<{ Status: 'SUCCESS' }> {
  const { pool, user } = await cognate.tokens.verifyAccessToken(accessToken);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const secret = mfa.totpPendingSealed ? cognate.secrets.atRest.openString(mfa.totpPendingSealed, totpAad(user))?.toString() : undefined;
  if (!secret) throw new CognitoError('SoftwareTokenMFANotFoundException', 'Software token has not been associated with the user; call AssociateSoftwareToken first.');
  const now = cognate.clock.now();
  const step = matchTotp(secret, code, now, null);
  if (step === undefined) throw codeMismatchOnEnable();
  await mfaStore.promotePendingTotp(cognate.store.db, user.sub, mfa.totpPendingSealed!, step, now);
  return { Status: 'SUCCESS' };
}

/**
 * MFA set-up outside the sign-in challenges: TOTP association (in the `mfaSetup` challenge or for
 * the signed-in user), its verification, the user's MFA preference (SetUserMFAPreference,
 * GetUser), and the user's sign-in factors (GetUserAuthFactors). Answering MFA challenges is
 * sign-in's (confirmSignIn).
 */
import { MobileClientError } from '../errors.js';
import type { MFAFactorPreference, MFAPreference } from '../options.js';
import type { AuthFactorType, UserAuthFactors } from '../types.js';
import type { ClientContext } from './context.js';
import { accessToken } from './tokens.js';
import { idp, withDefined } from './wire.js';

export async function associateSoftwareToken(ctx: ClientContext): Promise<string> {
  const pending = ctx.pending;
  if (pending?.name === 'MFA_SETUP') {
    const out = await idp<{ SecretCode: string; Session?: string }>(ctx, 'AssociateSoftwareToken', { Session: pending.session });
    pending.softwareTokenSession = out.Session ?? pending.session ?? '';
    return out.SecretCode;
  }
  const out = await idp<{ SecretCode: string }>(ctx, 'AssociateSoftwareToken', { AccessToken: await accessToken(ctx) });
  return out.SecretCode;
}

export async function verifySoftwareToken(ctx: ClientContext, code: string, options: { friendlyDeviceName?: string }): Promise<void> {
  const out = await idp<{ Status?: string }>(ctx, 'VerifySoftwareToken', {
    AccessToken: await accessToken(ctx),
    UserCode: code,
    FriendlyDeviceName: options.friendlyDeviceName,
  });
  if (out.Status !== undefined && out.Status !== 'SUCCESS') throw new MobileClientError('enableSoftwareTokenMFA', `VerifySoftwareToken answered ${out.Status}.`);
}

export async function setUserMFAPreference(ctx: ClientContext, preference: MFAPreference): Promise<void> {
  const settings = (f: MFAFactorPreference | undefined) => (f ? withDefined({ Enabled: f.enabled, PreferredMfa: f.preferred }) : undefined);
  await idp(ctx, 'SetUserMFAPreference', {
    AccessToken: await accessToken(ctx),
    SMSMfaSettings: settings(preference.sms),
    SoftwareTokenMfaSettings: settings(preference.softwareToken),
    EmailMfaSettings: settings(preference.email),
  });
}

export async function getUserMFAPreference(ctx: ClientContext): Promise<{ enabled: string[]; preferred?: string }> {
  const out = await idp<{ UserMFASettingList?: string[]; PreferredMfaSetting?: string }>(ctx, 'GetUser', { AccessToken: await accessToken(ctx) });
  return { enabled: out.UserMFASettingList ?? [], ...(out.PreferredMfaSetting ? { preferred: out.PreferredMfaSetting } : {}) };
}

export async function getUserAuthFactors(ctx: ClientContext): Promise<UserAuthFactors> {
  const out = await idp<{ Username?: string; ConfiguredUserAuthFactors?: string[]; UserMFASettingList?: string[]; PreferredMfaSetting?: string }>(ctx, 'GetUserAuthFactors', {
    AccessToken: await accessToken(ctx),
  });
  return {
    username: out.Username ?? '',
    factors: (out.ConfiguredUserAuthFactors ?? []) as AuthFactorType[],
    mfaEnabled: out.UserMFASettingList ?? [],
    ...(out.PreferredMfaSetting ? { mfaPreferred: out.PreferredMfaSetting } : {}),
  };
}

/**
 * Choice-based sign-in (USER_AUTH): which first factors a pool allows
 * (`Policies.SignInPolicy.AllowedFirstAuthFactors`), which of them a user can actually use (a
 * password; a verified email for EMAIL_OTP; a verified phone number for SMS_OTP; a passkey for
 * WEB_AUTHN), and the tier gate (`UserPoolTier`, enforced only when the operator turns on
 * `tierGating`). GetUserAuthFactors, AdminGetUserAuthFactors and the USER_AUTH flow
 * (sign-in/flows/user-auth.ts) all ask here, so they can't disagree.
 */
import { createHmac } from 'node:crypto';
import { CognitoError } from '../errors.js';
import type { Ports } from './cognate.js';
import { enabledTypes, readUserMfa } from './mfa.js';
import type { User } from './users.js';
import type { UserPool } from './user-pools.js';
import { hasPasskeys } from './webauthn/credentials.js';

/** A factor a user may configure (ConfiguredUserAuthFactors). */
export type AuthFactor = 'PASSWORD' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';
/** A first-factor challenge of USER_AUTH (PREFERRED_CHALLENGE, AvailableChallenges, SELECT_CHALLENGE's ANSWER). */
export type FirstChallenge = 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';
export const FIRST_CHALLENGES: readonly FirstChallenge[] = ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'];

export const isFirstChallenge = (v: unknown): v is FirstChallenge => typeof v === 'string' && (FIRST_CHALLENGES as readonly string[]).includes(v);

/** The pool's AllowedFirstAuthFactors (PASSWORD when unset, as CreateUserPool stores it). */
export function allowedFirstFactors(pool: UserPool): Set<string> {
  return new Set(pool.settings.Policies.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD']);
}

/**
 * Whether users may exist without a password: the pool signs people in with email or SMS one-time
 * codes (SignUp's and AdminCreateUser's passwordless users; a passkey needs a sign-in to register).
 */
export function allowsPasswordlessUsers(pool: UserPool): boolean {
  const allowed = allowedFirstFactors(pool);
  return allowed.has('EMAIL_OTP') || allowed.has('SMS_OTP');
}

/** Whether the user has a passkey (domain/webauthn/credentials.ts): WEB_AUTHN is offered only then. */
export { hasPasskeys };

const hasPassword = (user: User) => !!(user.passwordHash || user.srpVerifierSealed || user.importedPasswordHash);

/** The factors this user can sign in with through USER_AUTH in this pool, in Cognito's order. */
export async function configuredFactors(cognate: Ports<'store'>, pool: UserPool, user: User): Promise<AuthFactor[]> {
  const allowed = allowedFirstFactors(pool);
  const out: AuthFactor[] = [];
  if (allowed.has('PASSWORD') && hasPassword(user)) out.push('PASSWORD');
  if (allowed.has('EMAIL_OTP') && user.attributes.get('email') && user.attributes.get('email_verified') === 'true') out.push('EMAIL_OTP');
  if (allowed.has('SMS_OTP') && user.attributes.get('phone_number') && user.attributes.get('phone_number_verified') === 'true') out.push('SMS_OTP');
  if (allowed.has('WEB_AUTHN') && (await hasPasskeys(cognate, user))) out.push('WEB_AUTHN');
  return out;
}

/** The challenges a factor list offers: a password answers as PASSWORD or PASSWORD_SRP. */
export function challengesOf(factors: readonly string[]): FirstChallenge[] {
  return factors.flatMap((f): FirstChallenge[] => (f === 'PASSWORD' ? ['PASSWORD', 'PASSWORD_SRP'] : isFirstChallenge(f) ? [f] : []));
}

/**
 * What a name that matches no one is offered where PreventUserExistenceErrors hides it: a list a
 * real user of this pool could have — the pool's password and email factors, and SMS_OTP and
 * WEB_AUTHN (which fewer real users can use) for some names — chosen by HMAC (server-held key) over
 * the pool and name, so a name gets the same list every time and no list tells a real user from no
 * one. Choosing WEB_AUTHN then gets a decoy passkey challenge (challenges/web-authn.ts).
 */
export function simulatedChallenges(key: Buffer, pool: UserPool, name: string): FirstChallenge[] {
  const digest = createHmac('sha256', key).update(`simulated-factors\0${pool.id}\0${name}`).digest();
  const likely: Record<string, boolean> = { PASSWORD: true, EMAIL_OTP: true, SMS_OTP: digest[0]! % 2 === 0, WEB_AUTHN: digest[1]! % 3 === 0 };
  const factors = [...allowedFirstFactors(pool)].filter((f) => likely[f]);
  return challengesOf(factors.length > 0 ? factors : [...allowedFirstFactors(pool)].slice(0, 1));
}

/** GetUserAuthFactors / AdminGetUserAuthFactors. */
export async function userAuthFactors(cognate: Ports<'store'>, pool: UserPool, user: User) {
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const list = enabledTypes(mfa);
  return {
    Username: user.username,
    ...(mfa.preferred && list.includes(mfa.preferred) ? { PreferredMfaSetting: mfa.preferred } : {}),
    UserMFASettingList: list,
    ConfiguredUserAuthFactors: await configuredFactors(cognate, pool, user),
  };
}

const TIER_RANK: Record<string, number> = { LITE: 0, ESSENTIALS: 1, PLUS: 2 };

/**
 * Cognito's FeatureUnavailableInTierException for a feature above the pool's UserPoolTier, when
 * the operator turned tier gating on (`tierGating`; off by default, so every feature works in
 * every tier). Choice-based sign-in and passwordless factors need ESSENTIALS.
 */
export function assertTier(cognate: Ports<'config'>, pool: UserPool, needs: 'ESSENTIALS' | 'PLUS', feature: string): void {
  if (!cognate.config.tierGating) return;
  if ((TIER_RANK[pool.settings.UserPoolTier] ?? 1) >= TIER_RANK[needs]!) return;
  throw new CognitoError('FeatureUnavailableInTierException', `${feature} is not available in the ${pool.settings.UserPoolTier} tier; use ${needs === 'ESSENTIALS' ? 'ESSENTIALS or PLUS' : 'PLUS'}.`);
}

/**
 * CreateUserPool / UpdateUserPool under tier gating: passwordless first factors
 * (AllowedFirstAuthFactors beyond PASSWORD) need ESSENTIALS or PLUS.
 */
export function assertPoolTierFeatures(cognate: Ports<'config'>, tier: string, factors: readonly string[] | undefined): void {
  if (!factors?.some((f) => f !== 'PASSWORD')) return;
  assertTier(cognate, { settings: { UserPoolTier: tier } } as UserPool, 'ESSENTIALS', 'Passwordless sign-in (AllowedFirstAuthFactors)');
}

/**
 * The pool's passkey settings: SetUserPoolMfaConfig's `WebAuthnConfiguration` (RelyingPartyId,
 * UserVerification, FactorConfiguration), as GetUserPoolMfaConfig shows them, and the relying party
 * a registration or sign-in is bound to.
 *
 * - The RP ID is the configured one, else the pool's custom domain, else its prefix domain's host
 *   (`<prefix>.auth.<region>.<base>`); a pool with none of them can't use passkeys
 *   (WebAuthnConfigurationMissingException).
 * - The origins accepted are `https://<RP ID>`, plus, when the server's public URL has a port (a
 *   local server), `<scheme>://<RP ID>:<port>`: the page that calls `navigator.credentials` must be
 *   served at the RP ID itself, as the hosted UI's pages are.
 * - Passkeys must be turned on as a first factor (`Policies.SignInPolicy.AllowedFirstAuthFactors`
 *   has `WEB_AUTHN`), else WebAuthnNotEnabledException.
 */
import { CognitoError, errors } from '../../errors.js';
import * as domainStore from '../../store/user-pool-domains.js';
import type { Ports } from '../cognate.js';
import { domainHost } from '../user-pool-domains.js';
import type { UserPool } from '../user-pools.js';

export type UserVerification = 'required' | 'preferred';
export type FactorConfiguration = 'SINGLE_FACTOR' | 'MULTI_FACTOR_WITH_USER_VERIFICATION';

export interface WebAuthnConfiguration {
  RelyingPartyId?: string;
  UserVerification?: UserVerification;
  FactorConfiguration?: FactorConfiguration;
}

/** A host name as an RP ID must be: lower-case labels of letters, digits and hyphens, no port, no scheme. */
const RP_ID = /^(?=.{1,127}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * SetUserPoolMfaConfig's WebAuthnConfiguration, checked and filled with Cognito's defaults
 * (UserVerification `preferred`, FactorConfiguration `SINGLE_FACTOR`), ready to store. Undefined
 * when none was given (the pool keeps its RP ID from its domain).
 */
export function checkWebAuthnConfiguration(pool: UserPool, input: unknown): WebAuthnConfiguration | undefined {
  if (input === undefined || input === null) return undefined;
  const c = input as WebAuthnConfiguration;
  const out: WebAuthnConfiguration = { UserVerification: c.UserVerification ?? 'preferred', FactorConfiguration: c.FactorConfiguration ?? 'SINGLE_FACTOR' };
  if (c.RelyingPartyId !== undefined) {
    if (!RP_ID.test(c.RelyingPartyId)) throw errors.invalidParameter('Invalid RelyingPartyId: it must be a domain name, such as your user pool domain or your application\'s domain, without scheme, port or path.');
    out.RelyingPartyId = c.RelyingPartyId;
  }
  // WebAuthnConfigurationType: "To activate this setting, your user pool must be in the Essentials tier or higher."
  if (out.FactorConfiguration === 'MULTI_FACTOR_WITH_USER_VERIFICATION' && pool.settings.UserPoolTier === 'LITE') {
    throw new CognitoError('FeatureUnavailableInTierException', 'Passkey MFA (MULTI_FACTOR_WITH_USER_VERIFICATION) is not available in the LITE tier; use ESSENTIALS or PLUS.');
  }
  return out;
}

/** The stored configuration (never configured: the defaults). */
export function webAuthnSettings(pool: UserPool): Required<Omit<WebAuthnConfiguration, 'RelyingPartyId'>> & Pick<WebAuthnConfiguration, 'RelyingPartyId'> {
  const c = (pool.settings as { WebAuthnConfiguration?: WebAuthnConfiguration }).WebAuthnConfiguration ?? {};
  return { UserVerification: c.UserVerification ?? 'preferred', FactorConfiguration: c.FactorConfiguration ?? 'SINGLE_FACTOR', ...(c.RelyingPartyId ? { RelyingPartyId: c.RelyingPartyId } : {}) };
}

/** GetUserPoolMfaConfig's WebAuthnConfiguration: the RP ID as it applies now (configured, or the pool's domain). */
export async function webAuthnConfigView(cognate: Ports<'config' | 'store'>, pool: UserPool): Promise<WebAuthnConfiguration> {
  const s = webAuthnSettings(pool);
  const rpId = s.RelyingPartyId ?? (await domainRpId(cognate, pool));
  return { ...(rpId ? { RelyingPartyId: rpId } : {}), UserVerification: s.UserVerification, FactorConfiguration: s.FactorConfiguration };
}

async function domainRpId(cognate: Ports<'config' | 'store'>, pool: UserPool): Promise<string | undefined> {
  const rows = await domainStore.listPoolDomainRows(cognate.store.db, pool.id);
  const row = rows.find((r) => r.kind === 'custom') ?? rows.find((r) => r.kind === 'prefix');
  return row ? domainHost(cognate.config, { poolId: row.pool_id, domain: row.domain, kind: row.kind }) : undefined;
}

/** What a registration or an assertion must be bound to. */
export interface RelyingParty {
  id: string;
  origins: string[];
  userVerification: UserVerification;
  factor: FactorConfiguration;
}

/** Passkeys are a first factor the pool allows (SignInPolicy), or WebAuthnNotEnabledException. */
export function assertWebAuthnEnabled(pool: UserPool): void {
  const allowed = pool.settings.Policies.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
  if (!allowed.includes('WEB_AUTHN')) throw new CognitoError('WebAuthnNotEnabledException', 'WebAuthn is not enabled for the user pool. Add WEB_AUTHN to the AllowedFirstAuthFactors of its SignInPolicy.');
}

/** The pool's relying party: its RP ID, the origins bound to it and the user-verification rule. */
export async function relyingParty(cognate: Ports<'config' | 'store'>, pool: UserPool): Promise<RelyingParty> {
  const s = webAuthnSettings(pool);
  const id = s.RelyingPartyId ?? (await domainRpId(cognate, pool));
  if (!id) throw new CognitoError('WebAuthnConfigurationMissingException', 'The user pool has no relying party ID: set WebAuthnConfiguration.RelyingPartyId with SetUserPoolMfaConfig or create a user pool domain.');
  const { protocol, port } = new URL(cognate.config.publicUrl);
  const origins = [`https://${id}`];
  if (port) origins.push(`${protocol}//${id}:${port}`);
  return { id, origins, userVerification: s.UserVerification, factor: s.FactorConfiguration };
}

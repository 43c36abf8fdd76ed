/**
 * A user pool's external identity providers (CreateIdentityProvider and the rest): SAML, OIDC and
 * the four social providers. A provider's name is its key within the pool, compared exactly
 * (Cognito's provider names are case-sensitive). Its ProviderDetails are stored with the secret
 * ones (client_secret, Apple's private_key) sealed at rest; here they are open, so an
 * `IdentityProvider` is never logged.
 *
 * The administration (create, update, delete, describe, list) is in provider-admin.ts; this module
 * is what sign-ins read.
 */
import * as providerStore from '../../store/identity-providers.js';
import type { StoredProvider } from '../../store/identity-providers.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';

export type ProviderType = 'SAML' | 'OIDC' | 'Google' | 'Facebook' | 'LoginWithAmazon' | 'SignInWithApple';

export const PROVIDER_TYPES: readonly ProviderType[] = ['SAML', 'OIDC', 'Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple'];

export interface IdentityProvider {
  poolId: string;
  name: string;
  type: ProviderType;
  /** ProviderDetails, secrets already unsealed (never logged) */
  details: Record<string, string>;
  /** pool attribute -> provider attribute (Cognito's direction) */
  attributeMapping: Record<string, string>;
  idpIdentifiers: string[];
  lastModified: number;
  created: number;
}

/** The ProviderDetails keys kept sealed at rest. */
export const SECRET_DETAILS: ReadonlySet<string> = new Set(['client_secret', 'private_key']);

/** The associated data a provider's sealed secrets are bound to: they open only for this pool and name. */
export const secretsAad = (poolId: string, name: string) => `idp-secrets:${poolId}:${name}`;

/** A stored provider as the domain sees it, its secrets opened. */
export function toProvider(cognate: Ports<'secrets'>, stored: StoredProvider): IdentityProvider {
  const { row } = stored;
  const details = JSON.parse(row.details) as Record<string, string>;
  if (row.secrets_sealed) {
    const opened = cognate.secrets.atRest.openString(row.secrets_sealed, secretsAad(row.pool_id, row.name));
    if (!opened) throw new Error(`the secrets of identity provider ${row.name} can't be opened: is this the master key they were sealed with?`);
    Object.assign(details, JSON.parse(opened.toString('utf8')) as Record<string, string>);
  }
  return {
    poolId: row.pool_id,
    name: row.name,
    type: row.type as ProviderType,
    details,
    attributeMapping: JSON.parse(row.attribute_mapping) as Record<string, string>,
    idpIdentifiers: stored.identifiers,
    lastModified: Number(row.updated_at),
    created: Number(row.created_at),
  };
}

/** The pool's provider of this name (exact match), if any. */
export async function findIdentityProvider(cognate: Ports<'secrets' | 'store'>, pool: UserPool, name: string): Promise<IdentityProvider | undefined> {
  const stored = await providerStore.find(cognate.store.db, pool.id, name);
  return stored ? toProvider(cognate, stored) : undefined;
}

/** The pool's provider that lists `identifier` among its IdpIdentifiers, if any. */
export async function findIdentityProviderByIdentifier(cognate: Ports<'secrets' | 'store'>, pool: UserPool, identifier: string): Promise<IdentityProvider | undefined> {
  const stored = await providerStore.findByIdentifier(cognate.store.db, pool.id, identifier);
  return stored ? toProvider(cognate, stored) : undefined;
}

/** Every provider of the pool, by name. */
export async function listIdentityProviders(cognate: Ports<'secrets' | 'store'>, pool: UserPool): Promise<IdentityProvider[]> {
  const stored = await providerStore.list(cognate.store.db, pool.id);
  return stored.map((s) => toProvider(cognate, s));
}

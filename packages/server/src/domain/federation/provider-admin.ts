/**
 * CreateIdentityProvider, DescribeIdentityProvider, UpdateIdentityProvider, DeleteIdentityProvider,
 * ListIdentityProviders and GetIdentityProviderByIdentifier.
 *
 * - ProviderName: case-sensitive, unique in the pool (DuplicateProviderException "<name> already
 *   exists in user pool <id>"). A social provider's name is its type ("Provider X cannot be of type
 *   Google.", the error Terraform and the CLI users met); `Cognito` (any case) names the pool's own
 *   directory in SupportedIdentityProviders and AdminLinkProviderForUser, so no provider takes it,
 *   nor, for OIDC and SAML, a social type's name.
 * - ProviderDetails per type (provider-details.ts), secrets sealed at rest. DescribeIdentityProvider
 *   echoes client_secret, as Cognito's Describe response does, but not Apple's private_key (its
 *   Describe example leaves it out).
 * - AttributeMapping: pool attribute → provider attribute; every key an attribute of the pool's
 *   schema (standard or custom), not `sub` or `identities`; `username` only with the value Cognito
 *   fixes for the type (OIDC, Google, Apple: `sub`; Facebook: `id`; Amazon: `user_id`), which it
 *   also adds when absent (SAML maps no username: the NameID is the subject).
 * - IdpIdentifiers: no repeats, and each names one provider of the pool.
 * - UpdateIdentityProvider replaces what it is given (details, mapping, identifiers) and keeps the rest.
 * - Deleting a provider deletes its identifiers, its users' links (the federated users stay, as
 *   Cognito's do) and its pending requests, and takes it out of the app clients' SupportedIdentityProviders.
 */
import { CognitoError, errors } from '../../errors.js';
import * as providerStore from '../../store/identity-providers.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';
import { validateProviderDetails, type DetailsPorts } from './provider-details.js';
import { PROVIDER_TYPES, SECRET_DETAILS, findIdentityProvider, secretsAad, toProvider, type IdentityProvider, type ProviderType } from './providers.js';

type AdminPorts = DetailsPorts & Ports<'clients' | 'pools'>;

export interface ProviderInput {
  UserPoolId: string;
  ProviderName: string;
  ProviderType?: string;
  ProviderDetails?: Record<string, string>;
  AttributeMapping?: Record<string, string>;
  IdpIdentifiers?: string[];
}

/** IdentityProviderType as the API answers it. */
export interface IdentityProviderType {
  UserPoolId: string;
  ProviderName: string;
  ProviderType: ProviderType;
  ProviderDetails: Record<string, string>;
  AttributeMapping: Record<string, string>;
  IdpIdentifiers: string[];
  LastModifiedDate: number;
  CreationDate: number;
}

const SOCIAL: ReadonlySet<string> = new Set(['Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple']);

/** The provider attribute Cognito maps `username` from, per type. */
export const USERNAME_SOURCE: Readonly<Record<ProviderType, string | undefined>> = {
  OIDC: 'sub',
  Google: 'sub',
  SignInWithApple: 'sub',
  Facebook: 'id',
  LoginWithAmazon: 'user_id',
  SAML: undefined,
};

const seconds = (ms: number) => ms / 1000;

export function toApiShape(p: IdentityProvider): IdentityProviderType {
  const details = { ...p.details };
  delete details.private_key;
  return {
    UserPoolId: p.poolId,
    ProviderName: p.name,
    ProviderType: p.type,
    ProviderDetails: details,
    AttributeMapping: p.attributeMapping,
    IdpIdentifiers: p.idpIdentifiers,
    LastModifiedDate: seconds(p.lastModified),
    CreationDate: seconds(p.created),
  };
}

const notFound = (pool: UserPool, name: string) => errors.resourceNotFound(`Identity provider ${name} does not exist in user pool ${pool.id}.`);

function checkName(name: string, type: ProviderType): void {
  if (name.toLowerCase() === 'cognito') throw errors.invalidParameter(`Provider ${name} cannot be of type ${type}.`);
  if (SOCIAL.has(type) ? name !== type : SOCIAL.has(name)) throw errors.invalidParameter(`Provider ${name} cannot be of type ${type}.`);
}

/** The mapping to store: every key an attribute of the pool, `username` as Cognito fixes it. */
export function checkAttributeMapping(pool: UserPool, type: ProviderType, mapping: Record<string, string>): Record<string, string> {
  const schema = new Set(pool.settings.SchemaAttributes.map((a) => a.Name));
  const unknown = Object.keys(mapping).filter((k) => k !== 'username' && (!schema.has(k) || k === 'sub' || k === 'identities'));
  if (unknown.length > 0) throw errors.invalidParameter(`Invalid attribute mapping. The following attributes do not exist in the user pool schema: ${unknown.sort().join(', ')}`);
  const empty = Object.keys(mapping).filter((k) => mapping[k]!.trim() === '');
  if (empty.length > 0) throw errors.invalidParameter(`Invalid attribute mapping. No provider attribute is given for: ${empty.sort().join(', ')}`);
  const source = USERNAME_SOURCE[type];
  if (mapping.username !== undefined && mapping.username !== source) {
    throw errors.invalidParameter(source === undefined ? 'username cannot be mapped for a SAML provider.' : `username can only be mapped to ${source} for a provider of type ${type}.`);
  }
  return source === undefined ? { ...mapping } : { ...mapping, username: source };
}

function checkIdentifiers(identifiers: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of identifiers) {
    if (seen.has(id)) throw errors.invalidParameter(`Duplicate IdpIdentifier: ${id}`);
    seen.add(id);
  }
}

const identifierTaken = (pool: UserPool) => errors.invalidParameter(`An IdpIdentifier is already used by another identity provider of user pool ${pool.id}.`);

/** The row columns for details: the public ones as JSON, the secret ones sealed. */
function detailColumns(cognate: Ports<'secrets'>, pool: UserPool, name: string, details: Record<string, string>): { details: string; secrets_sealed: string | null } {
  const open: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [k, v] of Object.entries(details)) (SECRET_DETAILS.has(k) ? secret : open)[k] = v;
  const sealed = Object.keys(secret).length > 0 ? cognate.secrets.atRest.sealToString(Buffer.from(JSON.stringify(secret)), secretsAad(pool.id, name)) : null;
  return { details: JSON.stringify(open), secrets_sealed: sealed };
}

export async function createIdentityProvider(cognate: AdminPorts, input: ProviderInput): Promise<IdentityProvider> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const type = input.ProviderType as ProviderType;
  if (!PROVIDER_TYPES.includes(type)) throw errors.invalidParameter(`Invalid ProviderType: ${String(input.ProviderType)}`);
  checkName(input.ProviderName, type);
  const mapping = checkAttributeMapping(pool, type, input.AttributeMapping ?? {});
  const identifiers = input.IdpIdentifiers ?? [];
  checkIdentifiers(identifiers);
  if (await findIdentityProvider(cognate, pool, input.ProviderName)) throw duplicate(pool, input.ProviderName);
  const details = await validateProviderDetails(cognate, type, { pool, name: input.ProviderName, details: input.ProviderDetails ?? {} });
  const now = cognate.clock.now();
  const row = { pool_id: pool.id, name: input.ProviderName, type, ...detailColumns(cognate, pool, input.ProviderName, details), attribute_mapping: JSON.stringify(mapping), created_at: now, updated_at: now };
  const outcome = await cognate.store.transaction((trx) => providerStore.insert(trx, row, identifiers));
  if (outcome === 'duplicate') throw duplicate(pool, input.ProviderName);
  if (outcome === 'identifier-taken') throw identifierTaken(pool);
  return { poolId: pool.id, name: row.name, type, details, attributeMapping: mapping, idpIdentifiers: identifiers, lastModified: now, created: now };
}

const duplicate = (pool: UserPool, name: string) => new CognitoError('DuplicateProviderException', `${name} already exists in user pool ${pool.id}`);

export async function describeIdentityProvider(cognate: Ports<'pools' | 'secrets' | 'store'>, input: { UserPoolId: string; ProviderName: string }): Promise<IdentityProvider> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const provider = await findIdentityProvider(cognate, pool, input.ProviderName);
  if (!provider) throw notFound(pool, input.ProviderName);
  return provider;
}

export async function getIdentityProviderByIdentifier(cognate: Ports<'pools' | 'secrets' | 'store'>, input: { UserPoolId: string; IdpIdentifier: string }): Promise<IdentityProvider> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const stored = await providerStore.findByIdentifier(cognate.store.db, pool.id, input.IdpIdentifier);
  if (!stored) throw errors.resourceNotFound(`Identity provider with identifier ${input.IdpIdentifier} does not exist in user pool ${pool.id}.`);
  return toProvider(cognate, stored);
}

export async function updateIdentityProvider(cognate: AdminPorts, input: ProviderInput): Promise<IdentityProvider> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const previous = await findIdentityProvider(cognate, pool, input.ProviderName);
  if (!previous) throw notFound(pool, input.ProviderName);
  const mapping = input.AttributeMapping !== undefined ? checkAttributeMapping(pool, previous.type, input.AttributeMapping) : previous.attributeMapping;
  if (input.IdpIdentifiers !== undefined) checkIdentifiers(input.IdpIdentifiers);
  const details = input.ProviderDetails !== undefined ? await validateProviderDetails(cognate, previous.type, { pool, name: previous.name, details: input.ProviderDetails, previous }) : previous.details;
  const now = Math.max(cognate.clock.now(), previous.lastModified);
  const outcome = await cognate.store.transaction((trx) =>
    providerStore.update(trx, pool.id, previous.name, { ...detailColumns(cognate, pool, previous.name, details), attribute_mapping: JSON.stringify(mapping), updated_at: now }, input.IdpIdentifiers),
  );
  if (outcome === 'missing') throw notFound(pool, input.ProviderName);
  if (outcome === 'identifier-taken') throw identifierTaken(pool);
  return { ...previous, details, attributeMapping: mapping, idpIdentifiers: input.IdpIdentifiers ?? previous.idpIdentifiers, lastModified: now };
}

export async function deleteIdentityProvider(cognate: Ports<'clients' | 'clock' | 'pools' | 'store'>, input: { UserPoolId: string; ProviderName: string }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const deleted = await cognate.store.transaction((trx) => providerStore.remove(trx, pool.id, input.ProviderName));
  if (!deleted) throw notFound(pool, input.ProviderName);
  await cognate.clients.dropIdentityProvider(pool.id, input.ProviderName, cognate.clock.now());
}

/** ListIdentityProviders: by name, MaxResults (1–60, default 60) a page; the token is the last name. */
export async function listIdentityProvidersPage(cognate: Ports<'pools' | 'secrets' | 'store'>, input: { UserPoolId: string; MaxResults?: number; after?: string | undefined }): Promise<{ providers: IdentityProvider[]; next?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  // Cognito refuses 0 (aws/aws-cli#3926) though the model's minimum is 0.
  if (input.MaxResults === 0) throw errors.invalidParameter("1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
  const limit = input.MaxResults ?? 60;
  const stored = await providerStore.list(cognate.store.db, pool.id, limit + 1, input.after);
  const providers = stored.slice(0, limit).map((s) => toProvider(cognate, s));
  return stored.length > limit ? { providers, next: providers[providers.length - 1]!.name } : { providers };
}

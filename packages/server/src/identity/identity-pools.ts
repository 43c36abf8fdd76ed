/**
 * Identity pools (cognito-identity CreateIdentityPool … ListIdentityPools, roles, role mappings,
 * tags and principal-tag maps). The settings are kept as the IdentityPool shape gives them; the
 * checks here are the ones Cognito makes beyond the API model.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
import type { Store } from '../store/db.js';
import * as poolStore from '../store/identity-pools.js';
import { ACCOUNT_ID } from '../domain/account.js';
import { TtlCache } from '../domain/cache.js';
import { CONFIG_CACHE_MS, type UserPools } from '../domain/user-pools.js';
import type { AppClients } from '../domain/app-clients.js';


export interface CognitoIdentityProvider {
  ProviderName: string;
  ClientId: string;
  ServerSideTokenCheck: boolean;
}

export interface IdentityPoolSettings {
  AllowUnauthenticatedIdentities: boolean;
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: CognitoIdentityProvider[];
  SamlProviderARNs?: string[];
}

export interface MappingRule {
  Claim: string;
  MatchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  Value: string;
  RoleARN: string;
}

export interface RoleMapping {
  Type: 'Token' | 'Rules';
  AmbiguousRoleResolution?: 'AuthenticatedRole' | 'Deny';
  RulesConfiguration?: { Rules: MappingRule[] };
}

export interface IdentityPoolRoles {
  Roles: Record<string, string>;
  RoleMappings: Record<string, RoleMapping>;
}

export interface PrincipalTagMap {
  UseDefaults: boolean;
  PrincipalTags: Record<string, string>;
}

export interface IdentityPool {
  id: string;
  name: string;
  settings: IdentityPoolSettings;
  roles: IdentityPoolRoles;
  principalTags: Record<string, PrincipalTagMap>;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityPoolInput {
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: { ProviderName?: string; ClientId?: string; ServerSideTokenCheck?: boolean }[];
  SamlProviderARNs?: string[];
  IdentityPoolTags?: Record<string, string>;
}

/** The social providers SupportedLoginProviders may name (Cognito's console list). */
export const SOCIAL_PROVIDERS = ['graph.facebook.com', 'accounts.google.com', 'www.amazon.com', 'api.twitter.com', 'appleid.apple.com'] as const;

const USER_POOL_PROVIDER = /^cognito-idp\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/;
const IDENTITY_POOL_ARN = /^arn:aws:cognito-identity:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):identitypool\/([\w-]+:[0-9a-f-]+)$/;
const OIDC_ARN = /^arn:aws:iam::\d{12}:oidc-provider\/(.+)$/;
const SAML_ARN = /^arn:aws:iam::\d{12}:saml-provider\/[\w+=,.@-]+$/;
const MAX_TAGS = 50;
const MAX_RULES = 25;

/** The user pool ID a `cognito-idp.<region>.amazonaws.com/<poolId>` provider name names. */
export function userPoolOfProvider(name: string): string | undefined {
  return USER_POOL_PROVIDER.exec(name)?.[2];
}

/** The issuer (host and path) an OIDC provider ARN names. */
export function oidcIssuerOfArn(arn: string): string | undefined {
  return OIDC_ARN.exec(arn)?.[1];
}

export function identityPoolArn(region: string, id: string): string {
  return `arn:aws:cognito-identity:${region}:${ACCOUNT_ID}:identitypool/${id}`;
}

const notFound = (id: string) => errors.resourceNotFound(`IdentityPool '${id}' not found.`);

function checkTags(tags: Record<string, string>): void {
  if (Object.keys(tags).length > MAX_TAGS) throw errors.invalidParameter(`An identity pool can have at most ${MAX_TAGS} tags.`);
  for (const key of Object.keys(tags)) {
    if (key.toLowerCase().startsWith('aws:')) throw errors.invalidParameter(`Tag keys must not start with 'aws:': ${key}`);
  }
}

export class IdentityPools {
  private readonly cache = new TtlCache<IdentityPool | undefined>(CONFIG_CACHE_MS);

  constructor(
    private readonly store: Store,
    private readonly region: string,
    private readonly userPools: UserPools,
    private readonly clients: AppClients,
  ) {}

  /** The checks Create and Update share; returns the settings to store. */
  private async settingsFromInput(input: IdentityPoolInput, previous?: IdentityPool): Promise<IdentityPoolSettings> {
    const settings: IdentityPoolSettings = { AllowUnauthenticatedIdentities: input.AllowUnauthenticatedIdentities };
    if (typeof input.AllowClassicFlow === 'boolean') settings.AllowClassicFlow = input.AllowClassicFlow;
    if (input.SupportedLoginProviders !== undefined) {
      for (const name of Object.keys(input.SupportedLoginProviders)) {
        if (!(SOCIAL_PROVIDERS as readonly string[]).includes(name)) throw errors.invalidParameter(`Unsupported login provider: ${name}`);
      }
      settings.SupportedLoginProviders = { ...input.SupportedLoginProviders };
    }
    const previousDeveloper = previous?.settings.DeveloperProviderName;
    if (previousDeveloper !== undefined && input.DeveloperProviderName !== undefined && input.DeveloperProviderName !== previousDeveloper) {
      // Cognito: "Once you set the developer provider name, you cannot change it."
      throw errors.invalidParameter('Developer provider name cannot be changed once it has been set.');
    }
    const developer = input.DeveloperProviderName ?? previousDeveloper;
    if (developer !== undefined) {
      if (developer.includes('cognito') || (SOCIAL_PROVIDERS as readonly string[]).includes(developer)) {
        throw errors.invalidParameter(`Invalid developer provider name: ${developer}`);
      }
      settings.DeveloperProviderName = developer;
    }
    if (input.OpenIdConnectProviderARNs !== undefined) {
      for (const arn of input.OpenIdConnectProviderARNs) if (!OIDC_ARN.test(arn)) throw errors.invalidParameter(`Invalid OpenId Connect provider ARN: ${arn}`);
      if (new Set(input.OpenIdConnectProviderARNs).size !== input.OpenIdConnectProviderARNs.length) throw errors.invalidParameter('Duplicate OpenId Connect provider ARNs.');
      settings.OpenIdConnectProviderARNs = [...input.OpenIdConnectProviderARNs];
    }
    if (input.SamlProviderARNs !== undefined) {
      for (const arn of input.SamlProviderARNs) if (!SAML_ARN.test(arn)) throw errors.invalidParameter(`Invalid SAML provider ARN: ${arn}`);
      settings.SamlProviderARNs = [...input.SamlProviderARNs];
    }
    if (input.CognitoIdentityProviders !== undefined) {
      const providers: CognitoIdentityProvider[] = [];
      const seen = new Set<string>();
      for (const p of input.CognitoIdentityProviders) {
        if (!p.ProviderName || !p.ClientId) throw errors.invalidParameter('CognitoIdentityProvider requires ProviderName and ClientId.');
        const poolId = userPoolOfProvider(p.ProviderName);
        if (!poolId) throw errors.invalidParameter(`Invalid Cognito Identity Provider: ${p.ProviderName}`);
        if (!(await this.userPools.find(poolId))) throw errors.invalidParameter(`Invalid Cognito Identity Provider: user pool ${poolId} does not exist.`);
        if (!(await this.clients.find(poolId, p.ClientId))) throw errors.invalidParameter(`Invalid Cognito Identity Provider: client ${p.ClientId} does not exist in ${poolId}.`);
        const key = `${p.ProviderName}:${p.ClientId}`;
        if (seen.has(key)) throw errors.invalidParameter(`Duplicate Cognito Identity Provider: ${key}`);
        seen.add(key);
        providers.push({ ProviderName: p.ProviderName, ClientId: p.ClientId, ServerSideTokenCheck: p.ServerSideTokenCheck ?? false });
      }
      settings.CognitoIdentityProviders = providers;
    }
    return settings;
  }

  async create(input: IdentityPoolInput, now: number): Promise<IdentityPool> {
    const settings = await this.settingsFromInput(input);
    const tags = { ...(input.IdentityPoolTags ?? {}) };
    checkTags(tags);
    const pool: IdentityPool = {
      id: `${this.region}:${randomUUID()}`,
      name: input.IdentityPoolName,
      settings,
      roles: { Roles: {}, RoleMappings: {} },
      principalTags: {},
      tags,
      createdAt: now,
      updatedAt: now,
    };
    await poolStore.insertIdentityPool(this.store.db, pool);
    return pool;
  }

  async find(id: string): Promise<IdentityPool | undefined> {
    return this.cache.get(id, () => poolStore.findIdentityPool(this.store.db, id));
  }

  /** The pool, or ResourceNotFoundException. Reads the database, not the cache (admin calls). */
  async get(id: string): Promise<IdentityPool> {
    const pool = await poolStore.findIdentityPool(this.store.db, id);
    if (!pool) throw notFound(id);
    return pool;
  }

  /** The pool for a client call (cached), or ResourceNotFoundException. */
  async require(id: string): Promise<IdentityPool> {
    const pool = await this.find(id);
    if (!pool) throw notFound(id);
    return pool;
  }

  async update(id: string, input: IdentityPoolInput, now: number): Promise<IdentityPool> {
    const pool = await this.get(id);
    const settings = await this.settingsFromInput(input, pool);
    const tags = input.IdentityPoolTags !== undefined ? { ...input.IdentityPoolTags } : pool.tags;
    checkTags(tags);
    await poolStore.updateIdentityPool(this.store.db, id, { name: input.IdentityPoolName, settings, tags }, now);
    this.cache.delete(id);
    return { ...pool, name: input.IdentityPoolName, settings, tags, updatedAt: now };
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    // Its identities and their logins go with it (the foreign keys cascade).
    await poolStore.deleteIdentityPool(this.store.db, id);
    this.cache.delete(id);
  }

  /** Pools in ID order; `after` is the last ID of the previous page. */
  async list(limit: number, after?: string): Promise<{ pools: IdentityPool[]; next?: string }> {
    const rows = await poolStore.listIdentityPools(this.store.db, limit + 1, after);
    const pools = rows.slice(0, limit);
    return rows.length > limit ? { pools, next: pools[pools.length - 1]!.id } : { pools };
  }

  /** Every provider name a login, role mapping or principal-tag map may name for this pool. */
  providerNames(pool: IdentityPool): Set<string> {
    const names = new Set<string>();
    for (const p of pool.settings.CognitoIdentityProviders ?? []) names.add(p.ProviderName);
    for (const name of Object.keys(pool.settings.SupportedLoginProviders ?? {})) names.add(name);
    for (const arn of pool.settings.OpenIdConnectProviderARNs ?? []) names.add(oidcIssuerOfArn(arn)!);
    for (const arn of pool.settings.SamlProviderARNs ?? []) names.add(arn);
    if (pool.settings.DeveloperProviderName) names.add(pool.settings.DeveloperProviderName);
    return names;
  }

  /** SetIdentityPoolRoles, with Cognito's checks of role mappings. */
  async setRoles(id: string, roles: Record<string, string>, mappings: Record<string, RoleMapping> | undefined, now: number): Promise<void> {
    const pool = await this.get(id);
    for (const key of Object.keys(roles)) {
      if (key !== 'authenticated' && key !== 'unauthenticated') throw errors.invalidParameter(`Invalid role type: ${key}`);
    }
    const mappingKeys = new Set<string>();
    for (const p of pool.settings.CognitoIdentityProviders ?? []) mappingKeys.add(`${p.ProviderName}:${p.ClientId}`);
    for (const name of this.providerNames(pool)) if (!userPoolOfProvider(name)) mappingKeys.add(name);
    const stored: Record<string, RoleMapping> = {};
    for (const [provider, mapping] of Object.entries(mappings ?? {})) {
      if (!mappingKeys.has(provider)) {
        throw errors.invalidParameter(`The role mapping key ${provider} is not an identity provider of this identity pool.`);
      }
      if (mapping.AmbiguousRoleResolution === undefined) {
        throw errors.invalidParameter(`AmbiguousRoleResolution must be specified for the role mapping of ${provider}.`);
      }
      if (mapping.Type === 'Rules') {
        const rules = mapping.RulesConfiguration?.Rules;
        if (!rules || rules.length === 0) throw errors.invalidParameter(`RulesConfiguration is required for the Rules role mapping of ${provider}.`);
        // The model allows 400 rules; Cognito's documented limit (RulesConfigurationType) is 25 per provider.
        if (rules.length > MAX_RULES) throw errors.invalidParameter(`A role mapping can have at most ${MAX_RULES} rules (${provider} has ${rules.length}).`);
        stored[provider] = { Type: 'Rules', AmbiguousRoleResolution: mapping.AmbiguousRoleResolution, RulesConfiguration: { Rules: rules.map((r) => ({ ...r })) } };
      } else {
        if (mapping.RulesConfiguration !== undefined) throw errors.invalidParameter(`RulesConfiguration can be specified only for the Rules role mapping type (${provider}).`);
        stored[provider] = { Type: 'Token', AmbiguousRoleResolution: mapping.AmbiguousRoleResolution };
      }
    }
    const value: IdentityPoolRoles = { Roles: { ...roles }, RoleMappings: stored };
    await poolStore.updateIdentityPool(this.store.db, id, { roles: value }, now);
    this.cache.delete(id);
  }

  /** The pool an identity-pool ARN names, for the tagging actions. */
  async byArn(arn: string): Promise<IdentityPool> {
    const m = IDENTITY_POOL_ARN.exec(arn);
    if (!m) throw errors.invalidParameter(`Invalid ARN: ${arn.slice(0, 256)}`);
    if (m[1] !== this.region || m[2] !== ACCOUNT_ID || !m[3]!.startsWith(`${this.region}:`)) throw errors.resourceNotFound(`Resource ${arn} not found.`);
    const pool = await poolStore.findIdentityPool(this.store.db, m[3]!);
    if (!pool) throw errors.resourceNotFound(`Resource ${arn} not found.`);
    return pool;
  }

  /**
   * Rewrites a pool's tags or principal-tag maps with `change(pool)` only if nobody changed them
   * since they were read (compare-and-set), so concurrent TagResource, UntagResource and
   * SetPrincipalTagAttributeMap calls can't lose each other's changes.
   */
  private async changePart<K extends poolStore.MergedPart>(id: string, part: K, now: number, change: (pool: IdentityPool) => IdentityPool[K]): Promise<IdentityPool[K]> {
    for (let attempt = 0; ; attempt++) {
      const found = await poolStore.findIdentityPoolForUpdate(this.store.db, id);
      if (!found) throw notFound(id);
      const value = change(found.pool);
      if (await poolStore.updateIdentityPoolPart(this.store.db, id, part, value, found.stored[part], now)) {
        this.cache.delete(id);
        return value;
      }
      if (attempt >= 10) throw new CognitoError('ConcurrentModificationException', 'The identity pool was modified concurrently; try again.');
    }
  }

  async tag(arn: string, tags: Record<string, string>, now: number): Promise<void> {
    const pool = await this.byArn(arn);
    await this.changePart(pool.id, 'tags', now, (current) => {
      const merged = { ...current.tags, ...tags };
      checkTags(merged);
      return merged;
    });
  }

  async untag(arn: string, keys: readonly string[], now: number): Promise<void> {
    const pool = await this.byArn(arn);
    await this.changePart(pool.id, 'tags', now, (current) => {
      const left = { ...current.tags };
      for (const key of keys) delete left[key];
      return left;
    });
  }

  /** The default principal-tag map of a provider: Cognito's `username` ← sub and `client` ← aud. */
  static defaultPrincipalTags(provider: string): Record<string, string> {
    void provider;
    return { username: 'sub', client: 'aud' };
  }

  private async checkProvider(pool: IdentityPool, provider: string): Promise<void> {
    if (!this.providerNames(pool).has(provider)) {
      throw errors.invalidParameter(`The identity provider ${provider} is not configured for this identity pool.`);
    }
  }

  async getPrincipalTags(id: string, provider: string): Promise<PrincipalTagMap> {
    const pool = await this.get(id);
    await this.checkProvider(pool, provider);
    // Attributes for access control are off until configured: no map, no session tags.
    return pool.principalTags[provider] ?? { UseDefaults: false, PrincipalTags: {} };
  }

  async setPrincipalTags(id: string, provider: string, useDefaults: boolean | undefined, tags: Record<string, string> | undefined, now: number): Promise<PrincipalTagMap> {
    const pool = await this.get(id);
    await this.checkProvider(pool, provider);
    const map: PrincipalTagMap = useDefaults
      ? { UseDefaults: true, PrincipalTags: IdentityPools.defaultPrincipalTags(provider) }
      : { UseDefaults: false, PrincipalTags: { ...(tags ?? {}) } };
    await this.changePart(id, 'principalTags', now, (current) => ({ ...current.principalTags, [provider]: map }));
    return map;
  }
}

/** The IdentityPool output shape. */
export function identityPoolType(pool: IdentityPool): Record<string, unknown> {
  const s = pool.settings;
  return {
    IdentityPoolId: pool.id,
    IdentityPoolName: pool.name,
    AllowUnauthenticatedIdentities: s.AllowUnauthenticatedIdentities,
    // Echoed only when the pool was given it (Cognito's IdentityPool shape: optional).
    ...(s.AllowClassicFlow !== undefined ? { AllowClassicFlow: s.AllowClassicFlow } : {}),
    ...(s.SupportedLoginProviders ? { SupportedLoginProviders: s.SupportedLoginProviders } : {}),
    ...(s.DeveloperProviderName ? { DeveloperProviderName: s.DeveloperProviderName } : {}),
    ...(s.OpenIdConnectProviderARNs ? { OpenIdConnectProviderARNs: s.OpenIdConnectProviderARNs } : {}),
    ...(s.CognitoIdentityProviders ? { CognitoIdentityProviders: s.CognitoIdentityProviders } : {}),
    ...(s.SamlProviderARNs ? { SamlProviderARNs: s.SamlProviderARNs } : {}),
    IdentityPoolTags: pool.tags,
  };
}

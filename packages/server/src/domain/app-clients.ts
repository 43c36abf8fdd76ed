/**
 * App clients: how an app talks to a pool — its secret, allowed auth flows and token lifetimes.
 */
import { createHmac } from 'node:crypto';
import { errors } from '../errors.js';
import type { Store } from '../store/db.js';
import * as clientStore from '../store/app-clients.js';
import type { AppClientRow } from '../store/app-clients.js';
import type { Sealer } from '../crypto/seal.js';
import { constantTimeEqual } from '../crypto/compare.js';
import { newClientId, newClientSecret } from './ids.js';
import { TtlCache } from './cache.js';
import { CONFIG_CACHE_MS } from './user-pools.js';
import type { UserPool } from './user-pools.js';

export type TimeUnit = 'seconds' | 'minutes' | 'hours' | 'days';

export interface AppClientSettings {
  RefreshTokenValidity: number;
  AccessTokenValidity: number;
  IdTokenValidity: number;
  TokenValidityUnits: { AccessToken: TimeUnit; IdToken: TimeUnit; RefreshToken: TimeUnit };
  ReadAttributes?: string[];
  WriteAttributes?: string[];
  ExplicitAuthFlows?: string[];
  SupportedIdentityProviders?: string[];
  CallbackURLs?: string[];
  LogoutURLs?: string[];
  DefaultRedirectURI?: string;
  AllowedOAuthFlows?: string[];
  AllowedOAuthScopes?: string[];
  AllowedOAuthFlowsUserPoolClient: boolean;
  AnalyticsConfiguration?: Record<string, unknown>;
  PreventUserExistenceErrors: 'ENABLED' | 'LEGACY';
  EnableTokenRevocation: boolean;
  EnablePropagateAdditionalUserContextData: boolean;
  AuthSessionValidity: number;
  RefreshTokenRotation?: { Feature: 'ENABLED' | 'DISABLED'; RetryGracePeriodSeconds?: number };
}

export interface AppClient {
  id: string;
  poolId: string;
  name: string;
  secret: string | undefined;
  settings: AppClientSettings;
  createdAt: number;
  updatedAt: number;
}

const UNIT_SECONDS: Record<TimeUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** Validity bounds (API_UserPoolClientType): access/ID 5 min–1 day, refresh 1 h–10 years. */
function checkValidity(what: string, value: number, unit: TimeUnit, min: number, max: number): void {
  const seconds = value * UNIT_SECONDS[unit];
  if (seconds < min || seconds > max) {
    throw errors.invalidParameter(`Invalid range for token validity: ${what} must be between ${min} and ${max} seconds.`);
  }
}

const AUTH_FLOWS = new Set([
  'ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH',
  'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_AUTH',
]);

export type ClientInput = Partial<AppClientSettings> & { ClientName?: string; GenerateSecret?: boolean; ClientSecret?: string };

/** CreateUserPoolClient / UpdateUserPoolClient input → complete settings with Cognito's defaults. */
export function clientSettingsFromInput(input: ClientInput): AppClientSettings {
  const units = { AccessToken: 'hours' as TimeUnit, IdToken: 'hours' as TimeUnit, RefreshToken: 'days' as TimeUnit, ...(input.TokenValidityUnits ?? {}) };
  const settings: AppClientSettings = {
    RefreshTokenValidity: input.RefreshTokenValidity ?? 30,
    AccessTokenValidity: input.AccessTokenValidity ?? 1,
    IdTokenValidity: input.IdTokenValidity ?? 1,
    TokenValidityUnits: units,
    AllowedOAuthFlowsUserPoolClient: input.AllowedOAuthFlowsUserPoolClient ?? false,
    // LEGACY when not given, as Cognito's API does (its console, and `cognate client create`, choose ENABLED).
    PreventUserExistenceErrors: input.PreventUserExistenceErrors ?? 'LEGACY',
    EnableTokenRevocation: input.EnableTokenRevocation ?? true,
    EnablePropagateAdditionalUserContextData: input.EnablePropagateAdditionalUserContextData ?? false,
    AuthSessionValidity: input.AuthSessionValidity ?? 3,
  };
  // Refresh tokens default to days; when the unit is given without a value the defaults convert.
  if (input.RefreshTokenValidity === undefined) settings.RefreshTokenValidity = 30 * 86400 / UNIT_SECONDS[units.RefreshToken];
  if (input.AccessTokenValidity === undefined) settings.AccessTokenValidity = 3600 / UNIT_SECONDS[units.AccessToken];
  if (input.IdTokenValidity === undefined) settings.IdTokenValidity = 3600 / UNIT_SECONDS[units.IdToken];
  checkValidity('AccessTokenValidity', settings.AccessTokenValidity, units.AccessToken, 300, 86400);
  checkValidity('IdTokenValidity', settings.IdTokenValidity, units.IdToken, 300, 86400);
  checkValidity('RefreshTokenValidity', settings.RefreshTokenValidity, units.RefreshToken, 3600, 315360000);
  for (const flow of input.ExplicitAuthFlows ?? []) {
    if (!AUTH_FLOWS.has(flow)) throw errors.invalidParameter(`Invalid ExplicitAuthFlows value: ${flow}`);
  }
  const legacy = (input.ExplicitAuthFlows ?? []).some((f) => !f.startsWith('ALLOW_'));
  const modern = (input.ExplicitAuthFlows ?? []).some((f) => f.startsWith('ALLOW_'));
  if (legacy && modern) throw errors.invalidParameter('ExplicitAuthFlows can not have both legacy and new values.');
  const optional = [
    'ReadAttributes', 'WriteAttributes', 'ExplicitAuthFlows', 'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs',
    'DefaultRedirectURI', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AnalyticsConfiguration', 'RefreshTokenRotation',
  ] as const;
  for (const key of optional) {
    if (input[key] !== undefined) (settings as unknown as Record<string, unknown>)[key] = input[key];
  }
  return settings;
}

/**
 * Checks a client's ReadAttributes and WriteAttributes against the pool's schema, with Cognito's
 * "Invalid read attributes specified while creating a client" (or "... updating a client"):
 * - every name must be an attribute of the pool; developer-only attributes are for administrators
 *   only, so no client may list them;
 * - `sub` and `identities` can't be written;
 * - a WriteAttributes list must include every required attribute, or users of the client could
 *   never sign up.
 * The *_verified flags may be listed, as Cognito allows; they grant users nothing here, since
 * verification is earned with a code (domain/self-service.ts).
 */
export function checkAttributePermissions(pool: UserPool, input: Pick<Partial<AppClientSettings>, 'ReadAttributes' | 'WriteAttributes'>, verb: 'creating' | 'updating'): void {
  const schema = new Map(pool.settings.SchemaAttributes.map((a) => [a.Name, a]));
  const listable = (name: string) => schema.has(name) && !schema.get(name)!.DeveloperOnlyAttribute;
  for (const name of input.ReadAttributes ?? []) {
    if (!listable(name)) throw errors.invalidParameter(`Invalid read attributes specified while ${verb} a client`);
  }
  const write = input.WriteAttributes ?? [];
  for (const name of write) {
    if (!listable(name) || name === 'sub' || name === 'identities') throw errors.invalidParameter(`Invalid write attributes specified while ${verb} a client`);
  }
  if (write.length > 0) {
    for (const attr of pool.settings.SchemaAttributes) {
      if (attr.Required && attr.Name !== 'sub' && !write.includes(attr.Name)) throw errors.invalidParameter(`Invalid write attributes specified while ${verb} a client`);
    }
  }
}

/**
 * Whether tokens of this client may read an attribute (ReadAttributes; all when unset): GetUser's
 * answer and the ID token's claims. `sub` is always readable; developer-only attributes never are.
 */
export function readableBy(client: AppClient): (name: string) => boolean {
  const readable = client.settings.ReadAttributes;
  return (name) => !name.startsWith('dev:') && (name === 'sub' || !readable || readable.length === 0 || readable.includes(name));
}

/** Token lifetimes of a client, in seconds. */
export function tokenLifetimes(settings: AppClientSettings): { access: number; id: number; refresh: number } {
  const u = settings.TokenValidityUnits;
  return {
    access: settings.AccessTokenValidity * UNIT_SECONDS[u.AccessToken],
    id: settings.IdTokenValidity * UNIT_SECONDS[u.IdToken],
    refresh: settings.RefreshTokenValidity * UNIT_SECONDS[u.RefreshToken],
  };
}

/**
 * Whether the client allows an auth flow. With no ExplicitAuthFlows, Cognito allows SRP, custom
 * and refresh. Legacy names map to their ALLOW_ equivalents.
 */
/** ALLOW_USER_AUTH: choice-based sign-in (USER_AUTH), never implied by an empty ExplicitAuthFlows. */
export function allowsUserAuth(settings: AppClientSettings): boolean {
  return (settings.ExplicitAuthFlows ?? []).includes('ALLOW_USER_AUTH');
}

export function allowsFlow(settings: AppClientSettings, flow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH' | 'CUSTOM_AUTH'): boolean {
  const flows = settings.ExplicitAuthFlows;
  if (!flows || flows.length === 0) return flow === 'USER_SRP_AUTH' || flow === 'REFRESH_TOKEN_AUTH' || flow === 'CUSTOM_AUTH';
  const has = (f: string) => flows.includes(f);
  switch (flow) {
    case 'USER_SRP_AUTH': return has('ALLOW_USER_SRP_AUTH') || flows.every((f) => !f.startsWith('ALLOW_'));
    case 'USER_PASSWORD_AUTH': return has('ALLOW_USER_PASSWORD_AUTH') || has('USER_PASSWORD_AUTH');
    case 'ADMIN_USER_PASSWORD_AUTH': return has('ALLOW_ADMIN_USER_PASSWORD_AUTH') || has('ADMIN_NO_SRP_AUTH');
    case 'CUSTOM_AUTH': return has('ALLOW_CUSTOM_AUTH') || has('CUSTOM_AUTH_FLOW_ONLY');
    case 'REFRESH_TOKEN_AUTH': return has('ALLOW_REFRESH_TOKEN_AUTH') || flows.every((f) => !f.startsWith('ALLOW_'));
  }
}

/** SECRET_HASH = Base64(HMAC-SHA256(clientSecret, username + clientId)) (protocol.md §2). */
export function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

/**
 * Checks the SECRET_HASH a client with a secret must send. Missing and wrong answer alike
 * (security.md P16). `acceptRawSecret` serves REFRESH_TOKEN_AUTH, where the iOS and Android SDKs
 * send the raw client secret (protocol.md §2).
 */
export function checkSecretHash(client: AppClient, usernames: readonly string[], given: string | undefined, acceptRawSecret = false): void {
  if (client.secret === undefined) return;
  const fail = () => errors.notAuthorized(`Client ${client.id} is configured with secret but SECRET_HASH was not received`);
  if (!given) throw fail();
  let ok = false;
  for (const username of usernames) ok = constantTimeEqual(secretHash(client.secret, username, client.id), given) || ok;
  if (acceptRawSecret) ok = constantTimeEqual(client.secret, given) || ok;
  if (!ok) throw errors.notAuthorized(`Unable to verify secret hash for client ${client.id}`);
}

export class AppClients {
  /** Clients are read (and their secrets opened) on every request; see TtlCache for how changes spread. */
  private readonly cache = new TtlCache<AppClient | undefined>(CONFIG_CACHE_MS);

  constructor(private readonly store: Store, private readonly sealer: Sealer) {}

  private fromRow(row: AppClientRow): AppClient {
    let secret: string | undefined;
    if (row.secret_sealed) {
      const opened = this.sealer.openString(row.secret_sealed, `client-secret:${row.id}`);
      if (!opened) throw errors.internal();
      secret = opened.toString('utf8');
    }
    return { id: row.id, poolId: row.pool_id, name: row.name, secret, settings: JSON.parse(row.settings) as AppClientSettings, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  async create(poolId: string, input: ClientInput, now: number): Promise<AppClient> {
    const settings = clientSettingsFromInput(input);
    const id = newClientId();
    let secret: string | undefined;
    if (input.ClientSecret !== undefined) {
      if (!/^[\w+]{24,64}$/.test(input.ClientSecret)) throw errors.invalidParameter('ClientSecret must be 24–64 characters of letters, digits, _ and +.');
      secret = input.ClientSecret;
    } else if (input.GenerateSecret) secret = newClientSecret();
    const row: AppClientRow = {
      id,
      pool_id: poolId,
      name: input.ClientName ?? '',
      secret_sealed: secret === undefined ? null : this.sealer.sealToString(Buffer.from(secret), `client-secret:${id}`),
      settings: JSON.stringify(settings),
      created_at: now,
      updated_at: now,
    };
    await clientStore.insertAppClient(this.store.db, row);
    return { id, poolId, name: row.name, secret, settings, createdAt: now, updatedAt: now };
  }

  async find(poolId: string | undefined, clientId: string): Promise<AppClient | undefined> {
    const client = await this.cache.get(clientId, async () => {
      const row = await clientStore.findAppClientRow(this.store.db, clientId);
      return row ? this.fromRow(row) : undefined;
    });
    return client && (poolId === undefined || client.poolId === poolId) ? client : undefined;
  }

  /** For admin calls naming a pool: Cognito's ResourceNotFoundException when the client isn't in it. */
  async get(poolId: string, clientId: string): Promise<AppClient> {
    const client = await this.find(poolId, clientId);
    if (!client) throw errors.resourceNotFound(`User pool client ${clientId} does not exist.`);
    return client;
  }

  async update(poolId: string, clientId: string, input: ClientInput, now: number): Promise<AppClient> {
    const client = await this.get(poolId, clientId);
    // UpdateUserPoolClient resets every setting it isn't given to its default, as Cognito does.
    const settings = clientSettingsFromInput(input);
    const name = input.ClientName ?? client.name;
    await clientStore.updateAppClient(this.store.db, poolId, clientId, { name, settings: JSON.stringify(settings), updated_at: now });
    this.cache.delete(clientId);
    return { ...client, name, settings, updatedAt: now };
  }

  /** A deleted identity provider leaves the SupportedIdentityProviders of the pool's clients. */
  async dropIdentityProvider(poolId: string, providerName: string, now: number): Promise<void> {
    const rows = await clientStore.clientRowsNamingProvider(this.store.db, poolId, providerName);
    for (const row of rows) {
      const settings = JSON.parse(row.settings) as AppClientSettings;
      if (!settings.SupportedIdentityProviders?.includes(providerName)) continue;
      settings.SupportedIdentityProviders = settings.SupportedIdentityProviders.filter((p) => p !== providerName);
      await clientStore.updateAppClient(this.store.db, poolId, row.id, { name: row.name, settings: JSON.stringify(settings), updated_at: now });
      this.cache.delete(row.id);
    }
  }

  /** DeleteUserPoolClient: the client goes, and the refresh tokens issued to it are revoked. */
  async delete(poolId: string, clientId: string, now: number): Promise<void> {
    await this.get(poolId, clientId);
    const deleted = await this.store.transaction((trx) => clientStore.deleteAppClient(trx, poolId, clientId, now));
    this.cache.delete(clientId);
    if (!deleted) throw errors.resourceNotFound(`User pool client ${clientId} does not exist.`);
  }

  async list(poolId: string, limit: number, after?: string): Promise<{ clients: AppClient[]; next?: string }> {
    const rows = await clientStore.listAppClientRows(this.store.db, poolId, limit, after);
    const clients = rows.slice(0, limit).map((r) => this.fromRow(r));
    return rows.length > limit ? { clients, next: clients[clients.length - 1]!.id } : { clients };
  }
}

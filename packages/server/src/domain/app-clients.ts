/**
 * App clients: how an app talks to a pool — its secret, allowed auth flows and token lifetimes.
 */
import { createHmac } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
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

/** A live client secret (AddUserPoolClientSecret's ClientSecretDescriptorType, with its value). */
export interface ClientSecret {
  /** `<client-id>--<epoch-create-time in ms>`, the form Cognito's ClientSecretId takes. */
  id: string;
  value: string;
  created: number;
}

/** How many live secrets a client may have: two, for rotation without downtime (AddUserPoolClientSecret). */
export const MAX_CLIENT_SECRETS = 2;

export interface AppClient {
  id: string;
  poolId: string;
  name: string;
  /**
   * The client's first live secret (DescribeUserPoolClient's ClientSecret, and the one Cognate
   * itself uses to compute SECRET_HASH for the hosted UI); undefined for a public client. Checking
   * a presented secret goes through {@link provesClientSecret}, which accepts any of `secrets`.
   */
  secret: string | undefined;
  /** Every live secret, oldest first (at most {@link MAX_CLIENT_SECRETS}). */
  secrets: readonly ClientSecret[];
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
 * The one place a presented client credential is compared with the client's secrets: whether
 * `given` equals `proofs(secret)` for some live secret of the client (SECRET_HASH for each username,
 * the raw secret, ...). Every secret and every proof is compared, each in constant time, with no
 * early exit, so the time taken doesn't tell which secret or which proof matched. Used by
 * {@link checkSecretHash} (every sign-in, sign-up and challenge), RevokeToken and the OAuth
 * endpoints' client authentication (client_secret_basic / client_secret_post).
 */
export function provesClientSecret(client: AppClient, given: string | undefined, proofs: (secret: string) => readonly string[]): boolean {
  if (given === undefined) return false;
  let ok = false;
  for (const secret of client.secrets) {
    for (const proof of proofs(secret.value)) ok = constantTimeEqual(proof, given) || ok;
  }
  return ok;
}

/**
 * Checks the SECRET_HASH a client with a secret must send, computed with any of its live secrets
 * (two during a rotation). Missing and wrong answer alike (security.md P16). `acceptRawSecret`
 * serves REFRESH_TOKEN_AUTH, where the iOS and Android SDKs send the raw client secret (protocol.md §2).
 */
export function checkSecretHash(client: AppClient, usernames: readonly string[], given: string | undefined, acceptRawSecret = false): void {
  if (client.secrets.length === 0) return;
  if (!given) throw errors.notAuthorized(`Client ${client.id} is configured with secret but SECRET_HASH was not received`);
  const ok = provesClientSecret(client, given, (secret) => [
    ...usernames.map((username) => secretHash(secret, username, client.id)),
    ...(acceptRawSecret ? [secret] : []),
  ]);
  if (!ok) throw errors.notAuthorized(`Unable to verify secret hash for client ${client.id}`);
}

/**
 * The sealed form of a client's secrets: the JSON list of {@link ClientSecret}, sealed under the
 * master key and bound to the client (`client-secret:<id>`), in `user_pool_clients.secret_sealed`.
 * Rows written before secret rotation hold one raw secret there; it reads as one secret created
 * with the client (a secret is `[\w+]+`, so it can't be mistaken for JSON).
 */
function sealSecrets(sealer: Sealer, clientId: string, secrets: readonly ClientSecret[]): string | null {
  return secrets.length === 0 ? null : sealer.sealToString(JSON.stringify(secrets), `client-secret:${clientId}`);
}

function openSecrets(sealer: Sealer, row: AppClientRow): ClientSecret[] {
  if (!row.secret_sealed) return [];
  const opened = sealer.openString(row.secret_sealed, `client-secret:${row.id}`);
  if (!opened) throw errors.internal();
  const text = opened.toString('utf8');
  if (!text.startsWith('[')) return [{ id: `${row.id}--${row.created_at}`, value: text, created: row.created_at }];
  return JSON.parse(text) as ClientSecret[];
}

const CUSTOM_SECRET = /^[\w+]{24,64}$/;

export class AppClients {
  /** Clients are read (and their secrets opened) on every request; see TtlCache for how changes spread. */
  private readonly cache = new TtlCache<AppClient | undefined>(CONFIG_CACHE_MS);

  constructor(private readonly store: Store, private readonly sealer: Sealer) {}

  private fromRow(row: AppClientRow): AppClient {
    const secrets = openSecrets(this.sealer, row);
    return { id: row.id, poolId: row.pool_id, name: row.name, secret: secrets[0]?.value, secrets, settings: JSON.parse(row.settings) as AppClientSettings, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Stores a new client; `fixedId` is a seed file's client ID (devflow/seed.ts), else a new one. */
  async create(poolId: string, input: ClientInput, now: number, fixedId?: string): Promise<AppClient> {
    const settings = clientSettingsFromInput(input);
    const id = fixedId ?? newClientId();
    let secret: string | undefined;
    if (input.ClientSecret !== undefined) {
      if (!CUSTOM_SECRET.test(input.ClientSecret)) throw errors.invalidParameter('ClientSecret must be 24–64 characters of letters, digits, _ and +.');
      secret = input.ClientSecret;
    } else if (input.GenerateSecret) secret = newClientSecret();
    const secrets: ClientSecret[] = secret === undefined ? [] : [{ id: `${id}--${now}`, value: secret, created: now }];
    const row: AppClientRow = {
      id,
      pool_id: poolId,
      name: input.ClientName ?? '',
      secret_sealed: sealSecrets(this.sealer, id, secrets),
      settings: JSON.stringify(settings),
      created_at: now,
      updated_at: now,
    };
    await clientStore.insertAppClient(this.store.db, row);
    // A fixed ID may have been looked up (and found missing) before it existed.
    this.cache.delete(id);
    return { id, poolId, name: row.name, secret, secrets, settings, createdAt: now, updatedAt: now };
  }

  /**
   * Rewrites a client's secrets with `change(current)` only if nobody changed them since they were
   * read (compare-and-set on the sealed text), so two concurrent AddUserPoolClientSecret calls can't
   * both pass the two-secret limit.
   */
  private async changeSecrets<T>(poolId: string, clientId: string, change: (secrets: readonly ClientSecret[]) => { secrets: ClientSecret[]; result: T }): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const row = await clientStore.findAppClientRow(this.store.db, clientId);
      if (!row || row.pool_id !== poolId) throw errors.resourceNotFound(`User pool client ${clientId} does not exist.`);
      const { secrets, result } = change(openSecrets(this.sealer, row));
      if (await clientStore.swapAppClientSecrets(this.store.db, poolId, clientId, sealSecrets(this.sealer, clientId, secrets), row.secret_sealed)) {
        this.cache.delete(clientId);
        return result;
      }
      if (attempt >= 10) throw new CognitoError('ConcurrentModificationException', 'The app client was modified concurrently; try again.');
    }
  }

  /**
   * AddUserPoolClientSecret: a second secret for a confidential client (a public client has none to
   * rotate), generated or the caller's own (24–64 of `[\w+]`); at most two live secrets.
   */
  async addSecret(poolId: string, clientId: string, custom: string | undefined, now: number): Promise<ClientSecret> {
    if (custom !== undefined && !CUSTOM_SECRET.test(custom)) throw errors.invalidParameter('ClientSecret must be 24–64 characters of letters, digits, _ and +.');
    const value = custom ?? newClientSecret();
    return this.changeSecrets(poolId, clientId, (secrets) => {
      if (secrets.length === 0) throw errors.invalidParameter(`Client ${clientId} has no client secret: only a confidential client's secrets can be rotated.`);
      if (secrets.length >= MAX_CLIENT_SECRETS) throw errors.limitExceeded(`Client ${clientId} already has ${MAX_CLIENT_SECRETS} client secrets; delete one before adding another.`);
      if (secrets.some((s) => constantTimeEqual(s.value, value))) throw errors.invalidParameter('The client already has this secret.');
      let created = now;
      while (secrets.some((s) => s.id === `${clientId}--${created}`)) created++;
      const added: ClientSecret = { id: `${clientId}--${created}`, value, created };
      return { secrets: [...secrets, added], result: added };
    });
  }

  /** DeleteUserPoolClientSecret: the secret stops working at once; the last one can't be deleted. */
  async deleteSecret(poolId: string, clientId: string, secretId: string): Promise<void> {
    await this.changeSecrets(poolId, clientId, (secrets) => {
      if (!secrets.some((s) => s.id === secretId)) throw errors.resourceNotFound(`Client secret ${secretId.slice(0, 128)} does not exist.`);
      if (secrets.length === 1) throw errors.invalidParameter('The last remaining client secret of an app client cannot be deleted.');
      return { secrets: secrets.filter((s) => s.id !== secretId), result: undefined };
    });
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

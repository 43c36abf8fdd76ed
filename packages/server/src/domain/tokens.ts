/**
 * Tokens: the ID and access JWTs with Cognito's claims (protocol.md §3), opaque refresh tokens
 * tied to (user, client, origin_jti), and their verification and revocation.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors } from '../errors.js';
import type { Store } from '../store/db.js';
import * as refreshTokenStore from '../store/refresh-tokens.js';
import type { Insertable } from 'kysely';
import type { RefreshTokensTable } from '../store/schema.js';
import { issuerFor, type Config } from '../config.js';
import { constantTimeEqual } from '../crypto/compare.js';
import { signJwt, verifyJwt, type JwtPayload } from '../tokens/jwt.js';
import type { Clock } from '../ports.js';
import { epochSeconds } from '../ports.js';
import { tokenLifetimes, type AppClient } from './app-clients.js';
import { groupClaims, type GroupClaims } from './groups.js';
import type { SigningKeys } from './signing-keys.js';
import type { User, Users } from './users.js';
import type { UserPool, UserPools } from './user-pools.js';

export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  RefreshToken?: string;
  IdToken: string;
  NewDeviceMetadata?: { DeviceKey: string; DeviceGroupKey: string };
}

/** The scope of tokens from the user-pools API (as opposed to OAuth scopes from the hosted UI). */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** A refresh token: base64url of the 16-byte origin_jti and a 32-byte secret. */
function encodeRefreshToken(originJti: string, secret: Buffer): string {
  return Buffer.concat([Buffer.from(originJti.replace(/-/g, ''), 'hex'), secret]).toString('base64url');
}

function decodeRefreshToken(token: string): { originJti: string; secret: Buffer } | undefined {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 48) return undefined;
  const hex = raw.subarray(0, 16).toString('hex');
  const originJti = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { originJti, secret: raw.subarray(16) };
}

/** Attribute values as ID-token claims: the *_verified flags are booleans, everything else a string. */
function attributeClaims(user: User, client: AppClient): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const readable = client.settings.ReadAttributes;
  for (const [name, value] of user.attributes) {
    if (name.startsWith('dev:')) continue;
    if (readable && readable.length > 0 && !readable.includes(name)) continue;
    claims[name] = name === 'email_verified' || name === 'phone_number_verified' ? value === 'true' : value;
  }
  return claims;
}

/** A refresh-token family drawn for a new authentication (Tokens.newFamily), not yet stored. */
export interface RefreshFamily {
  originJti: string;
  refreshToken: string;
  row: Insertable<RefreshTokensTable>;
}

export interface AccessContext {
  claims: JwtPayload;
  pool: UserPool;
  user: User;
  originJti: string;
}

/**
 * Changes a PreTokenGeneration trigger asks for (domain/token-generation.ts): claims added,
 * overridden or suppressed per token, scopes of the access token, and the groups the tokens name.
 */
export interface TokenCustomization {
  id?: { add?: Record<string, unknown>; suppress?: readonly string[] };
  access?: { add?: Record<string, unknown>; suppress?: readonly string[]; scopesToAdd?: readonly string[]; scopesToSuppress?: readonly string[] };
  groups?: GroupClaims;
}

/**
 * Claims no trigger may add, change or suppress: they carry who issued the token, to whom, for what
 * and until when (user-pool-lambda-pre-token-generation: "claims you can't modify").
 */
export const PROTECTED_CLAIMS = new Set([
  'acr', 'amr', 'at_hash', 'aud', 'auth_time', 'azp', 'client_id', 'cognito:username', 'device_key', 'event_id', 'exp', 'iat',
  'identities', 'iss', 'jti', 'nonce', 'origin_jti', 'scope', 'sub', 'token_use', 'username',
]);

function customized(claims: JwtPayload, change: { add?: Record<string, unknown>; suppress?: readonly string[] } | undefined): JwtPayload {
  if (!change) return claims;
  const out: JwtPayload = { ...claims };
  for (const name of change.suppress ?? []) if (!PROTECTED_CLAIMS.has(name)) delete out[name];
  for (const [name, value] of Object.entries(change.add ?? {})) if (!PROTECTED_CLAIMS.has(name)) out[name] = value;
  return out;
}

function groupClaimsOf(groups: GroupClaims): Record<string, unknown> {
  return {
    ...(groups.groups.length > 0 ? { 'cognito:groups': groups.groups } : {}),
    ...(groups.roles.length > 0 ? { 'cognito:roles': groups.roles } : {}),
    ...(groups.preferredRole ? { 'cognito:preferred_role': groups.preferredRole } : {}),
  };
}

function scopeOf(access: TokenCustomization['access']): string {
  const scopes = new Set([ADMIN_SCOPE, ...(access?.scopesToAdd ?? [])]);
  for (const scope of access?.scopesToSuppress ?? []) scopes.delete(scope);
  return [...scopes].join(' ');
}

export class Tokens {
  constructor(
    private readonly store: Store,
    private readonly keys: SigningKeys,
    private readonly pools: UserPools,
    private readonly users: Users,
    private readonly config: Pick<Config, 'issuerStyle' | 'publicUrl' | 'tokenLeewaySeconds'>,
    private readonly clock: Clock,
  ) {}

  issuer(poolId: string): string {
    return issuerFor(this.config, poolId);
  }

  /**
   * Mints ID and access tokens. Without `originJti` this is a new authentication: a refresh-token
   * family is created and its token returned. (A sign-in's finishing step instead stores the family
   * in its own transaction: {@link newFamily}, {@link minter}.)
   */
  async issue(p: { pool: UserPool; client: AppClient; user: User; authTime?: number; originJti?: string; deviceKey?: string; customize?: TokenCustomization }): Promise<AuthenticationResult> {
    const now = this.clock.now();
    let family: RefreshFamily | undefined;
    if (!p.originJti) {
      family = this.newFamily({ ...p, authTime: p.authTime ?? epochSeconds(now) }, now);
      await refreshTokenStore.insert(this.store.db, family.row);
    }
    const mint = await this.minter(p, now);
    return mint({ ...p, originJti: family?.originJti ?? p.originJti!, ...(family ? { refreshToken: family.refreshToken } : {}) });
  }

  /**
   * A new refresh-token family for an authentication at `authTime` (epoch seconds): its
   * origin_jti, the refresh token, and the row that makes it live. Nothing is stored here.
   */
  newFamily(p: { pool: UserPool; client: AppClient; user: User; authTime: number; deviceKey?: string }, now: number): RefreshFamily {
    const originJti = randomUUID();
    const secret = randomBytes(32);
    return {
      originJti,
      refreshToken: encodeRefreshToken(originJti, secret),
      row: {
        id: originJti,
        pool_id: p.pool.id,
        user_id: p.user.sub,
        client_id: p.client.id,
        token_hash: sha256(secret),
        device_key: p.deviceKey ?? null,
        auth_time: p.authTime,
        created_at: now,
        expires_at: now + tokenLifetimes(p.client.settings).refresh * 1000,
        revoked_at: null,
      },
    };
  }

  /**
   * Reads what minting needs (the pool's signing key; the user's groups unless a trigger set them)
   * and returns a function that mints without touching the database, so a sign-in can read first,
   * commit its writes, and then sign.
   */
  async minter(p: { pool: UserPool; user: User; customize?: TokenCustomization }, now: number): Promise<(t: { client: AppClient; originJti: string; authTime?: number; deviceKey?: string; refreshToken?: string }) => AuthenticationResult> {
    const key = await this.keys.signingKey(p.pool.id, now);
    // Read at every issue, refreshes included, so tokens show the user's current groups.
    const groups = p.customize?.groups ?? (await groupClaims(this.store.db, p.pool.id, p.user.sub));
    const iss = this.issuer(p.pool.id);
    return (t) => {
      const iat = epochSeconds(now);
      const lifetimes = tokenLifetimes(t.client.settings);
      const authTime = t.authTime ?? iat;
      const eventId = randomUUID();
      const groupsClaim = groups.groups.length > 0 ? { 'cognito:groups': groups.groups } : {};
      const idClaims = customized(
        {
          sub: p.user.sub,
          ...groupClaimsOf(groups),
          ...attributeClaims(p.user, t.client),
          iss,
          'cognito:username': p.user.username,
          origin_jti: t.originJti,
          aud: t.client.id,
          event_id: eventId,
          token_use: 'id',
          auth_time: authTime,
          exp: iat + lifetimes.id,
          iat,
          jti: randomUUID(),
        },
        p.customize?.id,
      );
      const accessClaims = customized(
        {
          sub: p.user.sub,
          ...groupsClaim,
          ...(t.deviceKey ? { device_key: t.deviceKey } : {}),
          iss,
          client_id: t.client.id,
          origin_jti: t.originJti,
          event_id: eventId,
          token_use: 'access',
          scope: scopeOf(p.customize?.access),
          auth_time: authTime,
          exp: iat + lifetimes.access,
          iat,
          jti: randomUUID(),
          username: p.user.username,
        },
        p.customize?.access,
      );
      const idToken = signJwt(idClaims, key);
      const accessToken = signJwt(accessClaims, key);
      return { AccessToken: accessToken, ExpiresIn: lifetimes.access, TokenType: 'Bearer', IdToken: idToken, ...(t.refreshToken ? { RefreshToken: t.refreshToken } : {}) };
    };
  }

  /**
   * Verifies an access token for the user-pools API: signature, expiry, issuer, `token_use`, that
   * neither its refresh-token family nor its user was revoked or disabled (security.md P10), and
   * that it carries aws.cognito.signin.user.admin, which every such action needs.
   */
  async verifyAccessToken(token: string): Promise<AccessContext> {
    const invalid = () => errors.notAuthorized('Invalid Access Token');
    const poolId = unverifiedPoolId(token);
    if (!poolId) throw invalid();
    const pool = await this.pools.find(poolId);
    if (!pool) throw invalid();
    const now = this.clock.now();
    await this.keys.prepare(poolId, now);
    const result = verifyJwt(token, {
      keyFor: (kid) => this.keys.keyFor(poolId, kid),
      now,
      leewaySeconds: this.config.tokenLeewaySeconds,
      issuer: this.issuer(poolId),
      tokenUse: 'access',
    });
    if (!result.ok) throw result.reason === 'expired' ? errors.notAuthorized('Access Token has expired') : invalid();
    const claims = result.payload;
    const originJti = claims.origin_jti;
    if (typeof originJti !== 'string' || typeof claims.sub !== 'string') throw invalid();
    const session = await refreshTokenStore.find(this.store.db, originJti);
    if (!session || session.revoked_at !== null || session.user_id !== claims.sub) throw errors.notAuthorized('Access Token has been revoked');
    const user = await this.users.findBySub(poolId, claims.sub);
    if (!user) throw errors.notAuthorized('Access Token has been revoked');
    if (!user.enabled) throw errors.notAuthorized('User is disabled.');
    // Every user-pool API action that takes an access token needs this scope (developer guide,
    // OAuth scopes); a token without it (narrowed by PreTokenGeneration) can't call them.
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes(ADMIN_SCOPE)) throw errors.notAuthorized('Access Token does not have required scopes');
    return { claims, pool, user, originJti };
  }

  /** Looks up a live refresh-token family for a client; any mismatch is "Invalid Refresh Token". */
  async resolveRefreshToken(client: AppClient, token: string): Promise<{ originJti: string; userSub: string; authTime: number; deviceKey: string | null }> {
    const invalid = () => errors.notAuthorized('Invalid Refresh Token');
    const decoded = decodeRefreshToken(token);
    if (!decoded) throw invalid();
    const row = await refreshTokenStore.find(this.store.db, decoded.originJti);
    if (!row || !constantTimeEqual(row.token_hash, sha256(decoded.secret))) throw invalid();
    if (row.client_id !== client.id) throw invalid();
    if (row.revoked_at !== null) throw errors.notAuthorized('Refresh Token has been revoked');
    if (row.expires_at <= this.clock.now()) throw errors.notAuthorized('Refresh Token has expired');
    return { originJti: row.id, userSub: row.user_id, authTime: row.auth_time, deviceKey: row.device_key };
  }

  /** RevokeToken: ends one refresh-token family and the access tokens minted from it. */
  async revokeRefreshToken(client: AppClient, token: string): Promise<void> {
    const decoded = decodeRefreshToken(token);
    if (!decoded) throw errors.notAuthorized('Invalid token');
    const row = await refreshTokenStore.find(this.store.db, decoded.originJti);
    // Revoking an unknown or already revoked token succeeds silently, as RFC 7009 §2.2 asks.
    if (!row || !constantTimeEqual(row.token_hash, sha256(decoded.secret))) return;
    if (row.client_id !== client.id) throw errors.notAuthorized('Client id does not match the refresh token.');
    await refreshTokenStore.revoke(this.store.db, row.id, this.clock.now());
  }
}

/** The pool ID an (unverified) token claims to come from, from its `iss`; used only to pick keys. */
export function unverifiedPoolId(token: string): string | undefined {
  if (typeof token !== 'string' || token.length > 16384) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { iss?: unknown };
    if (typeof payload.iss !== 'string') return undefined;
    const poolId = payload.iss.slice(payload.iss.lastIndexOf('/') + 1);
    return /^[\w-]+_[0-9a-zA-Z]+$/.test(poolId) ? poolId : undefined;
  } catch {
    return undefined;
  }
}

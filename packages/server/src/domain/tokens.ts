/**
 * Tokens: the ID and access JWTs with Cognito's claims (protocol.md §3), opaque refresh tokens
 * tied to (user, client, origin_jti), and their verification and revocation.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
import type { Store } from '../store/db.js';
import * as refreshTokenStore from '../store/refresh-tokens.js';
import * as userStore from '../store/users.js';
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
import type { IssuerType, UserPool, UserPools } from './user-pools.js';

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

export const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** A refresh token: base64url of the 16-byte origin_jti and a 32-byte secret. */
export function encodeRefreshToken(originJti: string, secret: Buffer): string {
  return Buffer.concat([Buffer.from(originJti.replace(/-/g, ''), 'hex'), secret]).toString('base64url');
}

export function decodeRefreshToken(token: string): { originJti: string; secret: Buffer } | undefined {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 48) return undefined;
  const hex = raw.subarray(0, 16).toString('hex');
  const originJti = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { originJti, secret: raw.subarray(16) };
}

/** Attribute values as ID-token claims: the *_verified flags are booleans, everything else a string. */
export function attributeClaims(user: User, client: AppClient): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const readable = client.settings.ReadAttributes;
  for (const [name, value] of user.attributes) {
    if (name.startsWith('dev:')) continue;
    // `identities` (a federated or linked user's) is in every ID token, as Cognito's are.
    if (readable && readable.length > 0 && !readable.includes(name) && name !== 'identities') continue;
    claims[name] = name === 'email_verified' || name === 'phone_number_verified' ? value === 'true' : value;
  }
  return claims;
}

/** What one minting needs besides the pool and user: the client, the family, and for OAuth tokens the grant. */
export interface MintRequest {
  client: AppClient;
  originJti: string;
  authTime?: number;
  deviceKey?: string;
  refreshToken?: string;
  oauth?: { scopes: readonly string[]; nonce?: string; amr?: readonly string[]; alwaysIdToken?: boolean };
}

export interface MintedTokens {
  accessToken: string;
  /** absent for OAuth grants without `openid` */
  idToken?: string;
  expiresIn: number;
}

/** OpenID Connect Core §3.1.3.6: base64url of the left half of SHA-256 of the access token (RS256). */
export function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

const EMAIL_CLAIMS = new Set(['email', 'email_verified']);
const PHONE_CLAIMS = new Set(['phone_number', 'phone_number_verified']);

/**
 * The attribute claims an OAuth grant's scopes let the ID token and userInfo show (developer guide,
 * "userInfo endpoint" and "Scopes"): with `openid` alone, every attribute the client can read; with
 * `email`, `phone` or `profile` as well, only what those name — `email` → email, email_verified;
 * `phone` → phone_number, phone_number_verified; `profile` → every other attribute, custom ones
 * included, except `address`: the guide's list for `openid profile` is OpenID's profile claims
 * plus custom attributes, and Cognito has no `address` scope, so only `openid` alone shows it —
 * always within what the client can read.
 */
export function scopedAttributeClaims(user: User, client: AppClient, scopes: readonly string[]): Record<string, unknown> {
  const all = attributeClaims(user, client);
  const email = scopes.includes('email');
  const phone = scopes.includes('phone');
  const profile = scopes.includes('profile');
  if (!email && !phone && !profile) return all;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(all)) {
    const allowed = name === 'identities' || (EMAIL_CLAIMS.has(name) ? email : PHONE_CLAIMS.has(name) ? phone : name !== 'address' && profile);
    if (allowed) out[name] = value;
  }
  return out;
}

/**
 * The ID token's form of attribute claims: `address` is a JSON object (OpenID Connect Core §5.1.1),
 * and Cognito puts the attribute's string in its `formatted` member (aws-amplify/amplify-js#4935
 * shows `"address": {"formatted": "…"}` in a Cognito ID token's claims).
 */
function inIdToken(claims: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = typeof claims.address === 'string' ? { ...claims, address: { formatted: claims.address } } : { ...claims };
  if (typeof claims.identities === 'string') {
    const identities = identitiesClaim(claims.identities);
    if (identities) out.identities = identities;
    else delete out.identities;
  }
  return out;
}

/**
 * The `identities` claim: the attribute's JSON list (domain/federation/links.ts) with every value a
 * string, as Cognito's ID tokens carry it (`"dateCreated": "1642699117273"`, `"primary": "true"`,
 * `"issuer": null`); userInfo answers the attribute's JSON text instead.
 */
function identitiesClaim(attribute: string): Record<string, string | null>[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(attribute);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  return parsed.map((e: Record<string, unknown>) => ({
    dateCreated: String(e.dateCreated),
    userId: String(e.userId),
    providerName: String(e.providerName),
    providerType: String(e.providerType),
    issuer: typeof e.issuer === 'string' ? e.issuer : null,
    primary: String(e.primary === true),
  }));
}

/** A refresh-token family drawn for a new authentication (Tokens.newFamily), not yet stored. */
export interface RefreshFamily {
  originJti: string;
  refreshToken: string;
  row: Insertable<RefreshTokensTable>;
}

/** A live refresh-token family as a presented token resolved to it. */
export interface ResolvedRefreshToken {
  originJti: string;
  userSub: string;
  authTime: number;
  deviceKey: string | null;
  /** OAuth families: the scopes of their grant, kept by every refresh */
  scopes: string[] | undefined;
  hostedSessionId: string | undefined;
  /** the family's current token, or one rotated out within its grace period */
  presented: 'current' | 'grace';
  presentedHash: string;
}

/** Whether the client rotates refresh tokens (RefreshTokenRotation.Feature ENABLED). */
export function rotatesRefreshTokens(client: AppClient): boolean {
  return client.settings.RefreshTokenRotation?.Feature === 'ENABLED';
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

export function customized(claims: JwtPayload, change: { add?: Record<string, unknown>; suppress?: readonly string[] } | undefined): JwtPayload {
  if (!change) return claims;
  const out: JwtPayload = { ...claims };
  for (const name of change.suppress ?? []) if (!PROTECTED_CLAIMS.has(name)) delete out[name];
  for (const [name, value] of Object.entries(change.add ?? {})) if (!PROTECTED_CLAIMS.has(name)) out[name] = value;
  return out;
}

export function groupClaimsOf(groups: GroupClaims): Record<string, unknown> {
  return {
    ...(groups.groups.length > 0 ? { 'cognito:groups': groups.groups } : {}),
    ...(groups.roles.length > 0 ? { 'cognito:roles': groups.roles } : {}),
    ...(groups.preferredRole ? { 'cognito:preferred_role': groups.preferredRole } : {}),
  };
}

/** The access token's `scope`: `granted` (aws.cognito.signin.user.admin for API sign-ins) as PreTokenGeneration changed it. */
export function scopeOf(access: TokenCustomization['access'], granted: readonly string[] = [ADMIN_SCOPE]): string {
  const scopes = new Set([...granted, ...(access?.scopesToAdd ?? [])]);
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

  /** The issuer of the pool's tokens in the given form (ORIGINAL unless said). */
  issuer(poolId: string, type: IssuerType = 'ORIGINAL'): string {
    return issuerFor(this.config, poolId, type);
  }

  /** The issuer the pool's new tokens carry: its IssuerConfiguration's form. */
  issuerOf(pool: UserPool): string {
    return this.issuer(pool.id, pool.settings.IssuerConfiguration?.Type ?? 'ORIGINAL');
  }

  /**
   * Every issuer this server accepts on the pool's tokens: both forms, whichever the pool issues
   * now, so switching IssuerConfiguration signs nobody out (docs/replicas.md).
   */
  issuers(poolId: string): string[] {
    return [...new Set([this.issuer(poolId, 'ORIGINAL'), this.issuer(poolId, 'UPDATED')])];
  }

  /**
   * Mints ID and access tokens. Without `originJti` this is a new authentication: a refresh-token
   * family is created and its token returned. (A sign-in's finishing step instead stores the family
   * in its own transaction: {@link newFamily}, {@link minter}.)
   */
  async issue(p: { pool: UserPool; client: AppClient; user: User; authTime?: number; originJti?: string; deviceKey?: string; customize?: TokenCustomization; oauth?: MintRequest['oauth']; refreshToken?: string }): Promise<AuthenticationResult> {
    const now = this.clock.now();
    let family: RefreshFamily | undefined;
    if (!p.originJti) {
      family = this.newFamily({ ...p, authTime: p.authTime ?? epochSeconds(now) }, now);
      await refreshTokenStore.insert(this.store.db, family.row);
    }
    const mint = await this.minter(p, now);
    const refreshToken = family?.refreshToken ?? p.refreshToken;
    return mint({ ...p, originJti: family?.originJti ?? p.originJti!, ...(refreshToken ? { refreshToken } : {}) });
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
  async minter(p: { pool: UserPool; user: User; customize?: TokenCustomization }, now: number): Promise<(t: MintRequest) => AuthenticationResult> {
    const mint = await this.mintOAuth(p, now);
    return (t) => {
      const minted = mint({ ...t, ...(t.oauth ? { oauth: { ...t.oauth, alwaysIdToken: true } } : {}) });
      return { AccessToken: minted.accessToken, ExpiresIn: minted.expiresIn, TokenType: 'Bearer', IdToken: minted.idToken!, ...(t.refreshToken ? { RefreshToken: t.refreshToken } : {}) };
    };
  }

  /**
   * Like {@link minter}, for every kind of family: API sign-ins (scope aws.cognito.signin.user.admin,
   * every readable attribute in the ID token) and OAuth grants (`t.oauth`): the access token's scope
   * is the granted scopes and it carries `version: 2`; the ID token exists only with `openid`
   * (unless `alwaysIdToken`: the user-pools API always answers one), its attribute claims follow
   * the scopes ({@link scopedAttributeClaims}), and it carries `nonce`, `amr` and `at_hash`
   * (OpenID Connect Core §3.1.3.6) as Cognito's hosted UI tokens do.
   */
  async mintOAuth(p: { pool: UserPool; user: User; customize?: TokenCustomization }, now: number): Promise<(t: MintRequest) => MintedTokens> {
    const key = await this.keys.signingKey(p.pool.id, now);
    // Read at every issue, refreshes included, so tokens show the user's current groups.
    const groups = p.customize?.groups ?? (await groupClaims(this.store.db, p.pool.id, p.user.sub));
    const iss = this.issuerOf(p.pool);
    return (t) => {
      const iat = epochSeconds(now);
      const lifetimes = tokenLifetimes(t.client.settings);
      const authTime = t.authTime ?? iat;
      const eventId = randomUUID();
      const groupsClaim = groups.groups.length > 0 ? { 'cognito:groups': groups.groups } : {};
      const oauth = t.oauth;
      const accessClaims = customized(
        {
          sub: p.user.sub,
          ...groupsClaim,
          ...(t.deviceKey ? { device_key: t.deviceKey } : {}),
          iss,
          ...(oauth ? { version: 2 } : {}),
          client_id: t.client.id,
          origin_jti: t.originJti,
          event_id: eventId,
          token_use: 'access',
          scope: scopeOf(p.customize?.access, oauth ? oauth.scopes : undefined),
          auth_time: authTime,
          exp: iat + lifetimes.access,
          iat,
          jti: randomUUID(),
          username: p.user.username,
        },
        p.customize?.access,
      );
      const accessToken = signJwt(accessClaims, key);
      let idToken: string | undefined;
      if (!oauth || oauth.alwaysIdToken || oauth.scopes.includes('openid')) {
        const idClaims = customized(
          {
            ...(oauth ? { at_hash: atHash(accessToken) } : {}),
            sub: p.user.sub,
            ...groupClaimsOf(groups),
            ...inIdToken(oauth ? scopedAttributeClaims(p.user, t.client, oauth.scopes) : attributeClaims(p.user, t.client)),
            iss,
            'cognito:username': p.user.username,
            ...(oauth?.nonce !== undefined ? { nonce: oauth.nonce } : {}),
            origin_jti: t.originJti,
            aud: t.client.id,
            event_id: eventId,
            token_use: 'id',
            auth_time: authTime,
            ...(oauth?.amr && oauth.amr.length > 0 ? { amr: [...oauth.amr] } : {}),
            exp: iat + lifetimes.id,
            iat,
            jti: randomUUID(),
          },
          p.customize?.id,
        );
        idToken = signJwt(idClaims, key);
      }
      return { accessToken, ...(idToken ? { idToken } : {}), expiresIn: lifetimes.access };
    };
  }

  /**
   * Verifies an access token for the user-pools API: signature, expiry, issuer, `token_use`, that
   * neither its refresh-token family nor its user was revoked or disabled (security.md P10), and
   * that it carries aws.cognito.signin.user.admin, which every such action needs.
   */
  async verifyAccessToken(token: string): Promise<AccessContext> {
    const context = await this.verifyUserAccessToken(token, false);
    const claims = context.claims;
    // Every user-pool API action that takes an access token needs this scope (developer guide,
    // OAuth scopes); a token without it (narrowed by PreTokenGeneration) can't call them.
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes(ADMIN_SCOPE)) throw errors.notAuthorized('Access Token does not have required scopes');
    return context;
  }

  /**
   * Verifies a user's access token (not a machine token): signature, expiry, issuer, `token_use`,
   * a family that isn't revoked (OAuth implicit-grant tokens have no stored family:
   * `allowUnstoredFamily`), a user that exists and is enabled.
   */
  async verifyUserAccessToken(token: string, allowUnstoredFamily: boolean): Promise<AccessContext> {
    const invalid = () => errors.notAuthorized('Invalid Access Token');
    const poolId = unverifiedPoolId(token);
    if (!poolId) throw invalid();
    const pool = await this.pools.find(poolId);
    if (!pool) throw invalid();
    const now = this.clock.now();
    await this.keys.prepare(poolId, now, token);
    const result = verifyJwt(token, {
      keyFor: (kid) => this.keys.keyFor(poolId, kid),
      now,
      leewaySeconds: this.config.tokenLeewaySeconds,
      issuer: this.issuers(poolId),
      tokenUse: 'access',
    });
    if (!result.ok) throw result.reason === 'expired' ? errors.notAuthorized('Access Token has expired') : invalid();
    const claims = result.payload;
    const originJti = claims.origin_jti;
    if (typeof originJti !== 'string' || typeof claims.sub !== 'string') throw invalid();
    // The user and the token's refresh family, read together: a user who is gone, a family that is
    // revoked or another user's, or none where one must be stored, all mean a revoked token.
    const found = await userStore.findUserWithFamily(this.store.db, poolId, claims.sub, originJti);
    const family = found?.family;
    if (!found || (family ? family.revokedAt !== null || family.userId !== claims.sub : !allowUnstoredFamily)) throw errors.notAuthorized('Access Token has been revoked');
    const user = found.user;
    if (!user.enabled) throw errors.notAuthorized('User is disabled.');
    return { claims, pool, user, originJti };
  }

  /**
   * Looks up a live refresh-token family for a client; any mismatch is "Invalid Refresh Token".
   * A token replaced by rotation is still accepted within the client's grace period
   * (`presented: 'grace'`); presented later, it is reuse (RFC 9700 §4.14.2): the whole family is
   * revoked, whichever of its tokens is current, and RefreshTokenReuseException thrown.
   */
  async resolveRefreshToken(client: AppClient, token: string): Promise<{ originJti: string; userSub: string; authTime: number; deviceKey: string | null }> {
    const { originJti, userSub, authTime, deviceKey } = await this.resolveRefreshFamily(client, token);
    return { originJti, userSub, authTime, deviceKey };
  }

  /** {@link resolveRefreshToken} with what refreshing needs besides: the grant's scopes, the hosted session, and which token was presented (rotation). */
  async resolveRefreshFamily(client: AppClient, token: string): Promise<ResolvedRefreshToken> {
    const invalid = () => errors.notAuthorized('Invalid Refresh Token');
    const decoded = decodeRefreshToken(token);
    if (!decoded) throw invalid();
    const row = await refreshTokenStore.find(this.store.db, decoded.originJti);
    if (!row || row.client_id !== client.id) throw invalid();
    const hash = sha256(decoded.secret);
    let presented: 'current' | 'grace' = 'current';
    if (!constantTimeEqual(row.token_hash, hash)) {
      // Not the current token: one this family rotated out, or nothing of ours (an origin_jti is no secret: it is in every access token).
      const rotated = await refreshTokenStore.findRotation(this.store.db, hash);
      if (!rotated || rotated.family_id !== row.id) throw invalid();
      if (row.revoked_at !== null) throw errors.notAuthorized('Refresh Token has been revoked');
      const now = this.clock.now();
      if (now >= rotated.grace_until) {
        await refreshTokenStore.revoke(this.store.db, row.id, now);
        throw new CognitoError('RefreshTokenReuseException', 'Refresh Token has been reused');
      }
      presented = 'grace';
    }
    if (row.revoked_at !== null) throw errors.notAuthorized('Refresh Token has been revoked');
    if (row.expires_at <= this.clock.now()) throw errors.notAuthorized('Refresh Token has expired');
    return {
      originJti: row.id,
      userSub: row.user_id,
      authTime: row.auth_time,
      deviceKey: row.device_key,
      scopes: row.scopes ? row.scopes.split(' ') : undefined,
      hostedSessionId: row.hosted_session_id ?? undefined,
      presented,
      presentedHash: hash,
    };
  }

  /**
   * Refresh-token rotation (the client's RefreshTokenRotation): replaces the family's current
   * token with a new one and returns it; the replaced one stays accepted for
   * RetryGracePeriodSeconds. The swap is one conditional UPDATE, so of parallel refreshes with one
   * token exactly one swaps; the others find it rotated out — within the grace period they rotate
   * again from the new current token, after it they are reuse and revoke the family.
   */
  async rotateRefreshToken(client: AppClient, resolved: ResolvedRefreshToken): Promise<string> {
    const graceMs = (client.settings.RefreshTokenRotation?.RetryGracePeriodSeconds ?? 0) * 1000;
    let expected = resolved.presented === 'current' ? resolved.presentedHash : undefined;
    // Each round some racer swaps, so N parallel refreshes of one family finish within N rounds.
    for (let attempt = 0; attempt < 32; attempt++) {
      const now = this.clock.now();
      if (expected === undefined) {
        const row = await refreshTokenStore.find(this.store.db, resolved.originJti);
        if (!row || row.revoked_at !== null) throw errors.notAuthorized('Refresh Token has been revoked');
        expected = row.token_hash;
      }
      const secret = randomBytes(32);
      const rotated = await this.store.transaction(async (trx) => {
        if (!(await refreshTokenStore.swapToken(trx, resolved.originJti, expected!, sha256(secret)))) return false;
        await refreshTokenStore.insertRotation(trx, { token_hash: expected!, family_id: resolved.originJti, rotated_at: now, grace_until: now + graceMs });
        return true;
      });
      if (rotated) {
        if (Math.random() < 0.01) await refreshTokenStore.pruneRotations(this.store.db, now);
        return encodeRefreshToken(resolved.originJti, secret);
      }
      // Someone rotated first. The token we came with is now a rotated one: within grace, go on from the new current one; after, it is reuse.
      await this.refuseIfReused(resolved);
      expected = undefined;
    }
    throw errors.notAuthorized('Refresh Token has been revoked');
  }

  /** After a lost rotation race: the presented token, now rotated out, is reuse once its grace is over. */
  private async refuseIfReused(resolved: ResolvedRefreshToken): Promise<void> {
    const rotated = await refreshTokenStore.findRotation(this.store.db, resolved.presentedHash);
    const now = this.clock.now();
    if (rotated && now >= rotated.grace_until) {
      await refreshTokenStore.revoke(this.store.db, resolved.originJti, now);
      throw new CognitoError('RefreshTokenReuseException', 'Refresh Token has been reused');
    }
  }

  /** RevokeToken: ends one refresh-token family and the access tokens minted from it. */
  async revokeRefreshToken(client: AppClient, token: string): Promise<void> {
    const decoded = decodeRefreshToken(token);
    if (!decoded) throw errors.notAuthorized('Invalid token');
    const row = await refreshTokenStore.find(this.store.db, decoded.originJti);
    // Revoking an unknown or already revoked token succeeds silently, as RFC 7009 §2.2 asks.
    if (!row) return;
    const hash = sha256(decoded.secret);
    // A token rotation replaced still names its family: revoking it ends the family too.
    if (!constantTimeEqual(row.token_hash, hash) && (await refreshTokenStore.findRotation(this.store.db, hash))?.family_id !== row.id) return;
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

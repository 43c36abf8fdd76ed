/**
 * ID tokens of other OpenID providers, verified for real: the one verifier both identity pools
 * (identity/external.ts: Logins from OIDC providers, Google, Apple) and user-pool federation
 * (domain/federation/oidc.ts: /oauth2/idpresponse) use.
 *
 * - `discover(issuer)`: the issuer's `/.well-known/openid-configuration`, cached 10 minutes.
 * - `JwksCache`: an issuer's signing keys by `kid` (RSA keys for signatures only), fetched from its
 *   `jwks_uri`, cached 10 minutes, refetched for an unknown `kid` at most once a minute (a key
 *   rotation is picked up; a flood of made-up kids causes no flood of fetches).
 * - `verifyIdToken`: RS256 only through {@link verifyJwt} (so `alg: none`, HMAC, keys carried in
 *   the header are refused: security.md A11–A16), then `iss` (exactly one of the accepted issuers),
 *   `exp`, `aud` (one of the audiences; for a relying party, with several audiences `azp` must be
 *   ours: OIDC Core §3.1.3.7), `sub`, and the `nonce` when one was sent.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { BoundedMap } from '../domain/cache.js';
import { verifyJwt } from './jwt.js';

const KEYS_TTL_MS = 10 * 60 * 1000;
const REFETCH_MS = 60 * 1000;
const FETCH_TIMEOUT_MS = 5000;
/** A provider's answer larger than this is not read. */
const MAX_ANSWER_BYTES = 512 * 1024;

/** A provider's endpoint could not be reached, or answered something that isn't what was asked. */
export class ProviderUnreachable extends Error {
  constructor(readonly what: string) {
    super(`the identity provider could not be reached (${what})`);
  }
}

/** What a provider answered: its status and its JSON body (undefined when it wasn't JSON). */
export interface ProviderAnswer {
  status: number;
  body: unknown;
}

/** A request to a provider, with a timeout and a bounded body; network failures throw {@link ProviderUnreachable}. */
export async function callProvider(url: string, init: RequestInit = {}): Promise<ProviderAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  } catch {
    throw new ProviderUnreachable(hostOf(url));
  }
  const text = await res.text().catch(() => '');
  if (text.length > MAX_ANSWER_BYTES) throw new ProviderUnreachable(`${hostOf(url)}: answer too large`);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'bad URL';
  }
}

/** The parts of a discovery document this server uses. */
export interface Discovery {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  token_endpoint_auth_methods_supported?: string[];
}

const discoveryCache = new BoundedMap<string, { doc: Discovery; fetchedAt: number }>(1000);

/** The issuer's discovery document (cached 10 minutes); {@link ProviderUnreachable} when there is none. */
export async function discover(issuer: string, now: number): Promise<Discovery> {
  const base = issuer.replace(/\/+$/, '');
  const cached = discoveryCache.get(base);
  if (cached && now >= cached.fetchedAt && now - cached.fetchedAt < KEYS_TTL_MS) return cached.doc;
  const { status, body } = await callProvider(`${base}/.well-known/openid-configuration`);
  const doc = body as Partial<Discovery> | undefined;
  if (status !== 200 || !doc || typeof doc !== 'object' || typeof doc.issuer !== 'string') throw new ProviderUnreachable(`${hostOf(base)} discovery`);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const clean: Discovery = { issuer: doc.issuer };
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const) {
    const v = str(doc[k]);
    if (v !== undefined) clean[k] = v;
  }
  if (Array.isArray(doc.token_endpoint_auth_methods_supported)) clean.token_endpoint_auth_methods_supported = doc.token_endpoint_auth_methods_supported.filter((m): m is string => typeof m === 'string');
  discoveryCache.set(base, { doc: clean, fetchedAt: now });
  return clean;
}

/** Signing keys by `kid`, per JWKS URL. One per process is enough (identity pools keep their own). */
export class JwksCache {
  private readonly cache = new BoundedMap<string, { keys: Map<string, KeyObject>; fetchedAt: number }>(1000);

  /** The keys at `jwksUri`; refetched when stale, or when `kid` is unknown (at most once a minute). */
  async keys(jwksUri: string, kid: string | undefined, now: number): Promise<Map<string, KeyObject>> {
    const cached = this.cache.get(jwksUri);
    const fresh = cached && now - cached.fetchedAt < KEYS_TTL_MS && now >= cached.fetchedAt;
    if (cached && fresh && (kid === undefined || cached.keys.has(kid) || now - cached.fetchedAt < REFETCH_MS)) return cached.keys;
    const { status, body } = await callProvider(jwksUri);
    const jwks = body as { keys?: unknown } | undefined;
    if (status !== 200 || !jwks || !Array.isArray(jwks.keys)) throw new ProviderUnreachable(`${hostOf(jwksUri)} JWKS`);
    const keys = new Map<string, KeyObject>();
    for (const jwk of jwks.keys as Record<string, unknown>[]) {
      if (jwk?.kty !== 'RSA' || typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
      } catch {
        // an unusable key is skipped
      }
    }
    this.cache.set(jwksUri, { keys, fetchedAt: now });
    return keys;
  }
}

export type IdTokenFailure = 'malformed' | 'issuer' | 'signature' | 'expired' | 'audience' | 'claims' | 'nonce';

export interface IdTokenCheck {
  token: string;
  jwksUri: string;
  /** `iss` must be exactly one of these */
  issuers: readonly string[];
  /** `aud` must contain one of these */
  audiences: readonly string[];
  /** with several audiences, `azp` must be one of ours (OIDC Core §3.1.3.7; the relying party's rule) */
  azp?: boolean;
  /** when given, the token's `nonce` must equal it */
  nonce?: string;
  now: number;
}

export type IdTokenResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: IdTokenFailure; exp?: unknown };

/** Verifies an ID token from another provider (see the module comment). Never throws but {@link ProviderUnreachable}. */
export async function verifyIdToken(jwks: JwksCache, check: IdTokenCheck): Promise<IdTokenResult> {
  let kid: unknown;
  let iss: unknown;
  let exp: unknown;
  try {
    const [h, p] = check.token.split('.');
    kid = (JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
    ({ iss, exp } = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as { iss?: unknown; exp?: unknown });
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof iss !== 'string' || !check.issuers.includes(iss)) return { ok: false, reason: 'issuer' };
  const keys = await jwks.keys(check.jwksUri, typeof kid === 'string' ? kid : undefined, check.now);
  const result = verifyJwt(check.token, { keyFor: (k) => keys.get(k), now: check.now, issuer: iss });
  if (!result.ok) return result.reason === 'expired' ? { ok: false, reason: 'expired', exp } : { ok: false, reason: 'signature' };
  const claims = result.payload;
  const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!auds.some((a) => typeof a === 'string' && check.audiences.includes(a))) return { ok: false, reason: 'audience' };
  if (check.azp && auds.length > 1 && (typeof claims.azp !== 'string' || !check.audiences.includes(claims.azp))) return { ok: false, reason: 'audience' };
  if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, reason: 'claims' };
  if (check.nonce !== undefined && claims.nonce !== check.nonce) return { ok: false, reason: 'nonce' };
  return { ok: true, claims };
}

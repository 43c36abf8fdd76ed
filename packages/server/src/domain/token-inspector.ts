/**
 * The console's token inspector: paste a token, see what it is and whether this server would take
 * it, and why. Three forms are recognised:
 *
 * - a user pool's ID or access JWT: header and claims decoded (shown as *unverified* unless the
 *   signature holds), the signature checked with the same verifier every endpoint uses
 *   (tokens/jwt.ts) against the pool's published keys — rotated-out keys included while they are
 *   published — and the key's state (active, retired until …); then, only for a token whose
 *   signature holds, its session: the refresh-token family its `origin_jti` names (revoked, and
 *   with how many of the user's sessions at the same instant: a global sign-out or a disable
 *   revokes them together) and its user (deleted, disabled);
 * - an identity pool's OpenID token (GetOpenIdToken), checked against the identity issuer's keys;
 * - a refresh token (opaque: origin_jti and secret): its family, and whether the secret is the
 *   family's current one, one that rotation replaced (still in its grace period, or reuse), or
 *   none of ours. The secret is compared by hash in constant time, as the token endpoint does.
 *
 * Nothing here trusts the token's text before its signature: the pool is only a hint for which keys
 * to try (as `unverifiedPoolId` is everywhere), and no session is looked up for a forged token.
 * Garbage of any shape gives an answer, never an exception.
 */
import { constantTimeEqual } from '../crypto/compare.js';
import * as refreshTokenStore from '../store/refresh-tokens.js';
import * as keyStore from '../store/signing-keys.js';
import { familiesRevokedAt } from '../store/token-inspection.js';
import { MAX_JWT_LENGTH, verifyJwt, type JwtFailure } from '../tokens/jwt.js';
import type { Ports } from './cognate.js';
import { decodeRefreshToken, sha256, unverifiedPoolId } from './tokens.js';

export type TokenForm = 'jwt' | 'refresh-token' | 'unrecognised';

export interface SignatureCheck {
  verdict: 'valid' | 'invalid' | 'not-checked';
  /** the verifier's reason when the token is refused (`alg`, `kid`, `signature`, `expired` …) */
  reason?: JwtFailure | 'unknown-issuer' | 'unknown-pool';
  detail: string;
  kid?: string;
  /** the key's state at this server, when the kid names one of the pool's keys */
  key?: { state: 'active' | 'retired'; createdAt: number; retiredAt?: number; unpublishAt?: number };
}

export interface SessionCheck {
  verdict: 'live' | 'revoked' | 'expired' | 'not-stored' | 'not-applicable' | 'not-checked';
  detail: string;
  originJti?: string;
  clientId?: string;
  revokedAt?: number;
  /** the user's sessions revoked at that same instant (this one included) */
  revokedTogether?: number;
  expiresAt?: number;
}

export interface TokenInspection {
  form: TokenForm;
  /** `id`, `access`, `identity` (an identity pool's OpenID token), `refresh`, or unknown */
  use: 'id' | 'access' | 'identity' | 'refresh' | 'unknown';
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** whether header and claims are proven by the signature (false: shown as the text says) */
  verified: boolean;
  decodeProblem?: string;
  issuer: { kind: 'user-pool'; poolId: string; known: boolean } | { kind: 'identity-issuer' } | { kind: 'unknown'; iss?: string };
  signature: SignatureCheck;
  expiry?: { exp: number; iat?: number; expired: boolean; secondsLeft: number };
  session: SessionCheck;
  user?: { sub: string; exists: boolean; username?: string; enabled?: boolean; status?: string };
  /** whether this server accepts the token now (for what its kind is used for) */
  accepted: boolean;
  summary: string;
}

const AFTER_SIGNATURE: ReadonlySet<JwtFailure> = new Set(['claims', 'expired', 'not_yet_valid', 'issued_in_future', 'issuer', 'token_use', 'audience']);

const FAILURE_TEXT: Record<JwtFailure, string> = {
  malformed: 'not three canonical base64url segments of JSON objects',
  alg: 'alg is not RS256 (none, HS256 and every other algorithm are refused)',
  header: 'a header that carries or points at a key (jku, x5u, jwk, x5c) or crit is refused',
  kid: 'the kid names none of the keys this pool publishes',
  signature: 'the RS256 signature does not verify with the key its kid names',
  claims: 'exp is missing, or exp/nbf/iat are not numbers',
  expired: 'expired',
  not_yet_valid: 'not valid yet (nbf)',
  issued_in_future: 'issued in the future (iat)',
  issuer: 'iss is not this server\'s issuer for the pool',
  token_use: 'unexpected token_use',
  audience: 'wrong audience',
  options: 'the server clock is unusable',
};

/** Decodes one base64url segment as a JSON object, or says why it isn't one. */
function decodeSegment(segment: string): { value?: Record<string, unknown>; problem?: string } {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return { problem: 'not base64url' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return { problem: 'not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'not a JSON object' };
  return { value: parsed as Record<string, unknown> };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Inspects a pasted token. Never throws for any input; database faults propagate. */
export async function inspectToken(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, input: unknown): Promise<TokenInspection> {
  const notChecked: SessionCheck = { verdict: 'not-checked', detail: 'not checked' };
  const unrecognised = (why: string): TokenInspection => ({
    form: 'unrecognised',
    use: 'unknown',
    verified: false,
    decodeProblem: why,
    issuer: { kind: 'unknown' },
    signature: { verdict: 'not-checked', detail: why },
    session: notChecked,
    accepted: false,
    summary: `Not a token: ${why}.`,
  });
  if (typeof input !== 'string') return unrecognised('no text');
  const token = input.trim().replace(/^Bearer\s+/i, '');
  if (token === '') return unrecognised('empty');
  if (token.length > MAX_JWT_LENGTH) return unrecognised(`longer than ${MAX_JWT_LENGTH} characters`);
  const refresh = decodeRefreshToken(token);
  if (refresh) return inspectRefreshToken(cognate, refresh);
  const parts = token.split('.');
  if (parts.length !== 3) return unrecognised(parts.length === 5 ? 'an encrypted JWT (JWE): Cognate issues none' : 'neither a JWT (three dot-separated parts) nor a refresh token');
  return inspectJwt(cognate, token, parts as [string, string, string]);
}

async function inspectJwt(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, token: string, parts: [string, string, string]): Promise<TokenInspection> {
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  const claims = payload.value;
  const decodeProblem = header.problem ? `header: ${header.problem}` : payload.problem ? `claims: ${payload.problem}` : undefined;
  const iss = typeof claims?.iss === 'string' ? claims.iss.slice(0, 512) : undefined;
  const tokenUse = claims?.token_use;
  const kid = typeof header.value?.kid === 'string' ? header.value.kid.slice(0, 256) : undefined;
  const now = cognate.clock.now();
  const identityIssuer = cognate.identity.openId.issuer();
  let issuer: TokenInspection['issuer'];
  let keysOf: string | undefined;
  if (iss !== undefined && iss === identityIssuer) {
    issuer = { kind: 'identity-issuer' };
    keysOf = '';
  } else {
    const poolId = unverifiedPoolId(token);
    const known = poolId ? (await cognate.pools.find(poolId)) !== undefined : false;
    issuer = poolId ? { kind: 'user-pool', poolId, known } : { kind: 'unknown', ...(iss !== undefined ? { iss } : {}) };
    if (poolId && known) keysOf = poolId;
  }
  const use: TokenInspection['use'] = keysOf === '' ? 'identity' : tokenUse === 'id' || tokenUse === 'access' ? tokenUse : 'unknown';
  const base = {
    form: 'jwt' as const,
    use,
    ...(header.value ? { header: header.value } : {}),
    ...(claims ? { claims } : {}),
    ...(decodeProblem ? { decodeProblem } : {}),
    issuer,
  };
  const exp = num(claims?.exp);
  const iat = num(claims?.iat);
  const expiry = exp !== undefined ? { exp, ...(iat !== undefined ? { iat } : {}), expired: now >= exp * 1000, secondsLeft: Math.floor(exp - now / 1000) } : undefined;

  if (keysOf === undefined) {
    const detail = issuer.kind === 'user-pool' ? `no user pool ${issuer.poolId} here` : 'its iss names no user pool of this server nor the identity issuer';
    return { ...base, verified: false, signature: { verdict: 'not-checked', reason: issuer.kind === 'user-pool' ? 'unknown-pool' : 'unknown-issuer', detail, ...(kid ? { kid } : {}) }, ...(expiry ? { expiry } : {}), session: { verdict: 'not-checked', detail: 'not checked: the token is not verified' }, accepted: false, summary: `Refused: ${detail}.` };
  }

  await cognate.keys.prepare(keysOf, now, token);
  const issuers = keysOf === '' ? [identityIssuer] : cognate.tokens.issuers(keysOf);
  const result = verifyJwt(token, { keyFor: (k) => cognate.keys.keyFor(keysOf!, k), now, issuer: issuers });
  const signatureHolds = result.ok || AFTER_SIGNATURE.has(result.reason);
  const keyRow = kid ? (await keyStore.signingKeysOfPool(cognate.store.db, keysOf)).find((r) => r.kid === kid) : undefined;
  const signature: SignatureCheck = {
    verdict: signatureHolds ? 'valid' : 'invalid',
    ...(!signatureHolds && !result.ok ? { reason: result.reason } : {}),
    detail: signatureHolds ? `RS256 signature verified with ${keyRow?.retired_at != null ? 'a retired' : 'the active'} key of ${keysOf === '' ? 'the identity issuer' : keysOf}` : FAILURE_TEXT[(result as { reason: JwtFailure }).reason],
    ...(kid ? { kid } : {}),
    ...(keyRow
      ? { key: { state: keyRow.retired_at == null ? 'active' : 'retired', createdAt: Number(keyRow.created_at), ...(keyRow.retired_at != null ? { retiredAt: Number(keyRow.retired_at) } : {}), ...(keyRow.unpublish_at != null ? { unpublishAt: Number(keyRow.unpublish_at) } : {}) } }
      : {}),
  };
  if (!signatureHolds) {
    return { ...base, verified: false, signature, ...(expiry ? { expiry } : {}), session: { verdict: 'not-checked', detail: 'not checked: the signature does not hold, so nothing the token says is trusted' }, accepted: false, summary: `Refused: ${signature.detail}.` };
  }
  const refusedBy = !result.ok ? FAILURE_TEXT[result.reason] : undefined;
  if (keysOf === '') {
    const session: SessionCheck = { verdict: 'not-applicable', detail: 'identity pool OpenID tokens have no session: they live until exp' };
    return { ...base, verified: true, signature, ...(expiry ? { expiry } : {}), session, accepted: result.ok, summary: result.ok ? 'Accepted: an identity pool OpenID token, signed by this server and not expired.' : `Refused: ${refusedBy}.` };
  }
  const { session, user } = await jwtSession(cognate, keysOf, claims ?? {});
  const userProblem = user && !user.exists ? 'the user no longer exists' : user && user.enabled === false ? 'the user is disabled' : undefined;
  const sessionProblem = session.verdict === 'revoked' ? 'its session was revoked' : session.verdict === 'not-stored' && use === 'access' ? 'no stored session: the user-pools API refuses it (userInfo takes implicit-grant tokens)' : undefined;
  const problem = refusedBy ?? sessionProblem ?? userProblem;
  return {
    ...base,
    verified: true,
    signature,
    ...(expiry ? { expiry } : {}),
    session,
    ...(user ? { user } : {}),
    accepted: problem === undefined,
    summary: problem === undefined ? `Accepted: a${use === 'id' ? 'n ID' : use === 'access' ? 'n access' : ''} token of ${keysOf}, signed, not expired, its session live.` : `Refused: ${problem}.`,
  };
}

/** The session and user a verified user-pool token names. */
async function jwtSession(cognate: Ports<'store' | 'users'>, poolId: string, claims: Record<string, unknown>): Promise<{ session: SessionCheck; user?: TokenInspection['user'] }> {
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  const originJti = typeof claims.origin_jti === 'string' ? claims.origin_jti : undefined;
  let user: TokenInspection['user'];
  if (sub) {
    const found = await cognate.users.findBySub(poolId, sub);
    user = found ? { sub, exists: true, username: found.username, enabled: found.enabled, status: found.status } : { sub, exists: false };
  }
  if (!originJti) {
    const machine = !sub && typeof claims.client_id === 'string';
    return { session: { verdict: machine ? 'not-applicable' : 'not-stored', detail: machine ? 'a machine token (client credentials): no user, no session' : 'the token names no session (origin_jti)' }, ...(user ? { user } : {}) };
  }
  const row = await refreshTokenStore.find(cognate.store.db, originJti);
  if (!row || row.pool_id !== poolId || (sub !== undefined && row.user_id !== sub)) {
    return { session: { verdict: 'not-stored', originJti, detail: 'no stored session of this user has this origin_jti (an implicit grant, or one deleted with its client or user)' }, ...(user ? { user } : {}) };
  }
  return { session: await familyState(cognate, row), ...(user ? { user } : {}) };
}

async function familyState(cognate: Ports<'store'>, row: refreshTokenStore.RefreshTokenRow): Promise<SessionCheck> {
  const common = { originJti: row.id, clientId: row.client_id, expiresAt: Number(row.expires_at) };
  if (row.revoked_at !== null) {
    const revokedAt = Number(row.revoked_at);
    const together = await familiesRevokedAt(cognate.store.db, row.user_id, revokedAt);
    const why = together > 1 ? `revoked with ${together - 1} other session(s) of the user at the same instant: a global sign-out, a disable or an admin action` : 'revoked on its own (RevokeToken, a hosted-UI logout, or the only session of a global sign-out)';
    return { verdict: 'revoked', ...common, revokedAt, revokedTogether: together, detail: why };
  }
  return { verdict: 'live', ...common, detail: 'the session is live' };
}

async function inspectRefreshToken(cognate: Ports<'clock' | 'store' | 'users'>, decoded: { originJti: string; secret: Buffer }): Promise<TokenInspection> {
  const base = { form: 'refresh-token' as const, use: 'refresh' as const, verified: false, issuer: { kind: 'unknown' as const }, signature: { verdict: 'not-checked' as const, detail: 'refresh tokens are opaque: checked by their secret, not a signature' } };
  const row = await refreshTokenStore.find(cognate.store.db, decoded.originJti);
  if (!row) return { ...base, session: { verdict: 'not-stored', originJti: decoded.originJti, detail: 'no session has this origin_jti' }, accepted: false, summary: 'Refused: no session of this server has this refresh token.' };
  const hash = sha256(decoded.secret);
  let match: 'current' | 'rotated' | 'none' = constantTimeEqual(row.token_hash, hash) ? 'current' : 'none';
  let graceUntil: number | undefined;
  if (match === 'none') {
    const rotated = await refreshTokenStore.findRotation(cognate.store.db, hash);
    if (rotated && rotated.family_id === row.id) {
      match = 'rotated';
      graceUntil = Number(rotated.grace_until);
    }
  }
  // A wrong secret proves nothing: say only that the token is not ours, not whose family the ID names.
  if (match === 'none') return { ...base, session: { verdict: 'not-stored', detail: 'the secret matches no token of the session its origin_jti names' }, accepted: false, summary: 'Refused: not a refresh token this server issued.' };
  const now = cognate.clock.now();
  const found = await cognate.users.findBySub(row.pool_id, row.user_id);
  const user = found ? { sub: row.user_id, exists: true, username: found.username, enabled: found.enabled, status: found.status } : { sub: row.user_id, exists: false };
  let session = await familyState(cognate, row);
  if (session.verdict === 'live' && Number(row.expires_at) <= now) session = { ...session, verdict: 'expired', detail: 'the session has expired' };
  const reuse = match === 'rotated' && graceUntil !== undefined && now >= graceUntil;
  const problem =
    session.verdict === 'revoked' ? 'its session was revoked' :
    session.verdict === 'expired' ? 'it has expired' :
    reuse ? 'rotation replaced it and its grace period is over: presenting it now is reuse, which revokes the whole session' :
    !user.exists ? 'the user no longer exists' : user.enabled === false ? 'the user is disabled' : undefined;
  return {
    ...base,
    verified: true,
    issuer: { kind: 'user-pool', poolId: row.pool_id, known: true },
    signature: { verdict: 'not-checked', detail: match === 'current' ? 'the secret is the session\'s current one' : `the secret is one rotation replaced${graceUntil !== undefined ? ` (accepted until ${new Date(graceUntil).toISOString()})` : ''}` },
    expiry: { exp: Math.floor(Number(row.expires_at) / 1000), expired: Number(row.expires_at) <= now, secondsLeft: Math.floor((Number(row.expires_at) - now) / 1000) },
    session,
    user,
    accepted: problem === undefined,
    summary: problem === undefined ? `Accepted: a refresh token of ${row.pool_id} for client ${row.client_id}.` : `Refused: ${problem}.`,
  };
}

/**
 * Authorization codes (RFC 6749 §4.1, RFC 7636, security.md A08–A10). A code is 192 random bits,
 * stored only as its SHA-256, lives five minutes (Cognito's authorization-code lifetime), and is
 * bound to the client, the redirect URI exactly as the authorize request gave it, and the PKCE S256
 * challenge. It is redeemed once: the claim is one conditional UPDATE in the transaction that also
 * stores the refresh-token family of the exchange, so of ten parallel redemptions exactly one wins,
 * and a later one finds the family the first issued and revokes it (RFC 6749 §4.1.2: "the
 * authorization server SHOULD revoke all tokens previously issued based on that authorization code").
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import * as codeStore from '../../store/authorization-codes.js';
import * as refreshTokenStore from '../../store/refresh-tokens.js';
import { constantTimeEqual } from '../../crypto/compare.js';
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import type { RefreshFamily } from '../tokens.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { oauthError } from './errors.js';

export interface AuthorizationGrant {
  pool: UserPool;
  client: AppClient;
  user: User;
  /** exactly as the authorize request gave it */
  redirectUri: string;
  /** granted scopes (already checked against the client) */
  scopes: readonly string[];
  nonce?: string;
  /** PKCE S256 challenge (plain is refused before this) */
  codeChallenge?: string;
  /** epoch seconds of the sign-in */
  authTime: number;
  amr?: readonly string[];
  /** the hosted-UI session that produced it (logout ends its families) */
  hostedSessionId?: string;
}

/** Cognito's authorization codes are valid for five minutes. */
export const CODE_LIFETIME_MS = 5 * 60 * 1000;

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Issues a code for `grant`; only its hash is stored. */
export async function issueAuthorizationCode(cognate: Ports<'clock' | 'store'>, grant: AuthorizationGrant): Promise<string> {
  const code = randomBytes(24).toString('base64url');
  const now = cognate.clock.now();
  await codeStore.insert(cognate.store.db, {
    code_hash: sha256Hex(code),
    pool_id: grant.pool.id,
    client_id: grant.client.id,
    user_id: grant.user.sub,
    redirect_uri: grant.redirectUri,
    scopes: grant.scopes.join(' '),
    nonce: grant.nonce ?? null,
    code_challenge: grant.codeChallenge ?? null,
    auth_time: grant.authTime,
    amr: grant.amr && grant.amr.length > 0 ? JSON.stringify(grant.amr) : null,
    hosted_session_id: grant.hostedSessionId ?? null,
    created_at: now,
    expires_at: now + CODE_LIFETIME_MS,
    redeemed_at: null,
    family_id: null,
  });
  // About one issue in a hundred clears codes nobody can redeem any more.
  if (randomInt(100) === 0) await codeStore.pruneExpired(cognate.store.db, now - CODE_LIFETIME_MS);
  return code;
}

/** What a valid code stands for, as the exchange needs it. */
export interface RedeemableCode {
  poolId: string;
  userSub: string;
  scopes: string[];
  nonce?: string;
  authTime: number;
  amr?: string[];
  hostedSessionId?: string;
}

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
function verifierMatches(verifier: string, challenge: string): boolean {
  return VERIFIER.test(verifier) && constantTimeEqual(createHash('sha256').update(verifier, 'ascii').digest('base64url'), challenge);
}

const invalidGrant = () => oauthError('invalid_grant');

/**
 * Checks a code presented at the token endpoint by `client` (already authenticated) with the
 * `redirect_uri` and `code_verifier` it sent. Every failure is `invalid_grant` (RFC 6749 §5.2,
 * RFC 7636 §4.6). A code already redeemed revokes the family its first exchange issued.
 * Nothing is claimed yet: {@link redeemAuthorizationCode} does that.
 */
export async function checkAuthorizationCode(
  cognate: Ports<'clock' | 'store'>,
  p: { client: AppClient; code: string; redirectUri: string | undefined; codeVerifier: string | undefined },
): Promise<RedeemableCode & { codeHash: string }> {
  if (p.code.length === 0 || p.code.length > 512) throw invalidGrant();
  const codeHash = sha256Hex(p.code);
  const row = await codeStore.find(cognate.store.db, codeHash);
  const now = cognate.clock.now();
  // A code of another client is unknown to this one: a stolen code can't be used to revoke (A10).
  if (!row || row.client_id !== p.client.id) throw invalidGrant();
  if (row.redeemed_at !== null) {
    if (row.family_id) await refreshTokenStore.revoke(cognate.store.db, row.family_id, now);
    throw invalidGrant();
  }
  if (row.expires_at <= now) throw invalidGrant();
  // The redirect URI must be the authorize request's, character for character (RFC 6749 §4.1.3).
  if (p.redirectUri === undefined || p.redirectUri !== row.redirect_uri) throw invalidGrant();
  if (row.code_challenge !== null) {
    if (p.codeVerifier === undefined || !verifierMatches(p.codeVerifier, row.code_challenge)) throw invalidGrant();
  } else if (p.codeVerifier !== undefined || p.client.secret === undefined) {
    // A verifier for a code issued without a challenge is a downgrade attempt (RFC 9700 §2.1.1);
    // a public client's code always needs PKCE (security.md P18; the authorize endpoint asks it first).
    throw invalidGrant();
  }
  return {
    codeHash,
    poolId: row.pool_id,
    userSub: row.user_id,
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    ...(row.nonce !== null ? { nonce: row.nonce } : {}),
    authTime: row.auth_time,
    ...(row.amr !== null ? { amr: JSON.parse(row.amr) as string[] } : {}),
    ...(row.hosted_session_id !== null ? { hostedSessionId: row.hosted_session_id } : {}),
  };
}

/**
 * Claims the code for the exchange that issues `family`, and stores the family, in one
 * transaction. When another exchange claimed it first (a parallel replay), that exchange's family
 * is revoked and `invalid_grant` thrown: exactly one of any number of redemptions gets tokens.
 */
export async function redeemAuthorizationCode(cognate: Ports<'clock' | 'store'>, codeHash: string, family: RefreshFamily): Promise<void> {
  const now = cognate.clock.now();
  const won = await cognate.store.transaction(async (trx) => {
    if (await codeStore.claim(trx, codeHash, family.originJti, now)) {
      await refreshTokenStore.insert(trx, family.row);
      return true;
    }
    const row = await codeStore.find(trx, codeHash);
    if (row?.family_id) await refreshTokenStore.revoke(trx, row.family_id, now);
    return false;
  });
  if (!won) throw invalidGrant();
}

/** Ends every refresh-token family (and so the access tokens) a hosted-UI session produced: its logout. */
export async function revokeHostedSessionTokens(cognate: Ports<'clock' | 'store'>, hostedSessionId: string): Promise<void> {
  await refreshTokenStore.revokeAllForHostedSession(cognate.store.db, hostedSessionId, cognate.clock.now());
}

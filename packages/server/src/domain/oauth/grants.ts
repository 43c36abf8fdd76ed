/**
 * The token endpoint's grants (RFC 6749 §4.1.3, §6, §4.4), for a client the wire side has already
 * authenticated (protocol/oauth/token.ts): authorization_code, refresh_token (with rotation when the
 * client has it) and client_credentials. Every failure is an OAuthError with the RFC 6749 §5.2 code
 * Cognito answers with; nothing here knows HTTP.
 */
import { CognitoError } from '../../errors.js';
import type { Ports } from '../cognate.js';
import { allowsFlow, type AppClient } from '../app-clients.js';
import { preTokenGeneration } from '../token-generation.js';
import { ADMIN_SCOPE, rotatesRefreshTokens } from '../tokens.js';
import type { UserPool } from '../user-pools.js';
import type { User } from '../users.js';
import { recordAccountEvent } from '../threat-protection/index.js';
import { checkAuthorizationCode, redeemAuthorizationCode } from './authorization-codes.js';
import { oauthError } from './errors.js';
import { customScopes, isStandardScope } from './scopes.js';
import { TtlCache } from '../cache.js';
import { CONFIG_CACHE_MS } from '../user-pools.js';
import { issueMachineToken, type OAuthTokenResponse } from './oauth-tokens.js';

type GrantPorts = Ports<'clock' | 'config' | 'keys' | 'lockout' | 'log' | 'outbox' | 'store' | 'tokens' | 'triggers' | 'users'>;

export interface TokenRequest {
  pool: UserPool;
  client: AppClient;
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  refreshToken?: string;
  scope?: string;
  /** `aws_client_metadata`, for a client_credentials PreTokenGeneration trigger */
  clientMetadata?: Record<string, string>;
}

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];

/** Runs the grant. The client must be an OAuth client (AllowedOAuthFlowsUserPoolClient) allowed this grant. */
export async function runGrant(cognate: GrantPorts, grantType: GrantType, r: TokenRequest): Promise<OAuthTokenResponse> {
  if (!r.client.settings.AllowedOAuthFlowsUserPoolClient) throw oauthError('unauthorized_client');
  switch (grantType) {
    case 'authorization_code':
      return authorizationCodeGrant(cognate, r);
    case 'refresh_token':
      return refreshTokenGrant(cognate, r);
    case 'client_credentials':
      return clientCredentialsGrant(cognate, r);
  }
}

const flows = (client: AppClient) => client.settings.AllowedOAuthFlows ?? [];

/** RFC 6749 §4.1.3: a code for tokens, after the checks of authorization-codes.ts. */
async function authorizationCodeGrant(cognate: GrantPorts, r: TokenRequest): Promise<OAuthTokenResponse> {
  if (!flows(r.client).includes('code')) throw oauthError('unauthorized_client');
  if (r.code === undefined || r.redirectUri === undefined) throw oauthError('invalid_request');
  const code = await checkAuthorizationCode(cognate, { client: r.client, code: r.code, redirectUri: r.redirectUri, codeVerifier: r.codeVerifier });
  const user = await cognate.users.findBySub(r.pool.id, code.userSub);
  if (!user || !user.enabled) throw oauthError('invalid_grant');
  const customize = await preTokenGeneration(cognate, { pool: r.pool, client: r.client, user, source: 'HostedAuth', authTime: code.authTime, scopes: code.scopes });
  const now = cognate.clock.now();
  const family = cognate.tokens.newFamily({ pool: r.pool, client: r.client, user, authTime: code.authTime }, now);
  family.row.scopes = code.scopes.join(' ');
  family.row.hosted_session_id = code.hostedSessionId ?? null;
  const mint = await cognate.tokens.mintOAuth({ pool: r.pool, user, ...(customize ? { customize } : {}) }, now);
  // The claim and the family commit together; only the winner of the claim goes on to sign.
  await redeemAuthorizationCode(cognate, code.codeHash, family);
  const minted = mint({
    client: r.client,
    originJti: family.originJti,
    authTime: code.authTime,
    oauth: { scopes: code.scopes, ...(code.nonce !== undefined ? { nonce: code.nonce } : {}), ...(code.amr ? { amr: code.amr } : {}) },
  });
  return { ...(minted.idToken ? { id_token: minted.idToken } : {}), access_token: minted.accessToken, refresh_token: family.refreshToken, expires_in: minted.expiresIn, token_type: 'Bearer' };
}

/**
 * RFC 6749 §6: new tokens from a refresh token, as REFRESH_TOKEN_AUTH gives them, with the scopes
 * of the original grant (a family from an API sign-in keeps aws.cognito.signin.user.admin and an ID
 * token). With rotation, a new refresh token too; without, none (Cognito's answer).
 */
async function refreshTokenGrant(cognate: GrantPorts, r: TokenRequest): Promise<OAuthTokenResponse> {
  if (!allowsFlow(r.client.settings, 'REFRESH_TOKEN_AUTH') && !rotatesRefreshTokens(r.client)) throw oauthError('unauthorized_client');
  if (r.refreshToken === undefined) throw oauthError('invalid_request');
  let refreshing: User | undefined;
  try {
    const family = await cognate.tokens.resolveRefreshFamily(r.client, r.refreshToken);
    const user = await cognate.users.findBySub(r.pool.id, family.userSub);
    if (!user) throw oauthError('invalid_grant');
    refreshing = user;
    if (!user.enabled) throw oauthError('invalid_grant');
    cognate.lockout.assertNotLocked(user, cognate.clock.now());
    const scopes = family.scopes ?? [ADMIN_SCOPE];
    const customize = await preTokenGeneration(cognate, { pool: r.pool, client: r.client, user, source: 'RefreshTokens', authTime: family.authTime, originJti: family.originJti, scopes });
    const rotated = rotatesRefreshTokens(r.client) ? await cognate.tokens.rotateRefreshToken(r.client, family) : undefined;
    const mint = await cognate.tokens.mintOAuth({ pool: r.pool, user, ...(customize ? { customize } : {}) }, cognate.clock.now());
    const minted = mint({
      client: r.client,
      originJti: family.originJti,
      authTime: family.authTime,
      ...(family.deviceKey ? { deviceKey: family.deviceKey } : {}),
      ...(family.scopes ? { oauth: { scopes: family.scopes } } : {}),
    });
    // Threat protection: a token refresh is one of the user's sign-ins (EventType SignIn, no challenges).
    await recordAccountEvent(cognate, r.pool, r.client, user, 'SignIn', 'Pass', 'refresh');
    return { ...(minted.idToken ? { id_token: minted.idToken } : {}), access_token: minted.accessToken, ...(rotated ? { refresh_token: rotated } : {}), expires_in: minted.expiresIn, token_type: 'Bearer' };
  } catch (e) {
    if (refreshing) await recordAccountEvent(cognate, r.pool, r.client, refreshing, 'SignIn', 'Fail', 'refresh');
    // Invalid, expired, revoked or reused refresh tokens, a locked user: RFC 6749 §5.2 invalid_grant.
    if (e instanceof CognitoError && (e.name === 'NotAuthorizedException' || e.name === 'RefreshTokenReuseException' || e.name === 'UserNotFoundException')) throw oauthError('invalid_grant');
    throw e;
  }
}

/**
 * The pools' custom scopes, read at most every CONFIG_CACHE_MS per pool and node: client_credentials
 * is the hot path, and a resource-server change, like any configuration change, takes a moment to
 * be seen everywhere (cache.ts).
 */
const poolCustomScopes = new TtlCache<Set<string>>(CONFIG_CACHE_MS, 1000);

/**
 * RFC 6749 §4.4: a machine token for a client with a secret and the client_credentials flow.
 * Scopes as scopes.ts's scopesForRequest() decides them for client_credentials (the same rule as
 * the authorize endpoint's): without `scope`, every custom scope the client is allowed that still
 * exists; with it, exactly those asked, each of which must be such a scope, else invalid_scope.
 * Read here through a short cache (the hot path).
 */
async function clientCredentialsGrant(cognate: GrantPorts, r: TokenRequest): Promise<OAuthTokenResponse> {
  if (!flows(r.client).includes('client_credentials') || r.client.secret === undefined) throw oauthError('unauthorized_client');
  const existing = await poolCustomScopes.get(r.pool.id, () => customScopes(cognate, r.pool.id));
  const allowed = r.client.settings.AllowedOAuthScopes ?? [];
  const grantable = (s: string) => allowed.includes(s) && !isStandardScope(s) && existing.has(s);
  const asked = r.scope === undefined ? [] : [...new Set(r.scope.split(' ').filter((s) => s !== ''))];
  const requested = asked.length === 0 ? [...new Set(allowed.filter(grantable))] : asked;
  if (requested.length === 0 || !requested.every(grantable)) throw oauthError('invalid_scope');
  return issueMachineToken(cognate, { pool: r.pool, client: r.client, scopes: requested, ...(r.clientMetadata ? { clientMetadata: r.clientMetadata } : {}) });
}

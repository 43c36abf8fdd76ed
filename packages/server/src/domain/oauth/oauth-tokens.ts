/**
 * Tokens of the OAuth 2.0 authorization server, in the token endpoint's JSON shape (RFC 6749 §5.1):
 * the user tokens of the hosted UI (code exchange, implicit grant, refresh) and the machine tokens
 * of client_credentials. Minting itself is Tokens.mintOAuth (../tokens.ts), so an OAuth ID token
 * and an API one differ only in what the grant decides: the scopes (which claims; an ID token only
 * with `openid`), `nonce`, `amr`, `at_hash`, and `version: 2` in the access token.
 */
import { randomUUID } from 'node:crypto';
import { epochSeconds } from '../../ports.js';
import { signJwtAsync } from '../../tokens/jwt.js';
import type { Ports } from '../cognate.js';
import { tokenLifetimes, type AppClient } from '../app-clients.js';
import { preTokenGeneration, preTokenGenerationForClient } from '../token-generation.js';
import { customized, scopeOf } from '../tokens.js';
import type { UserPool } from '../user-pools.js';
import type { AuthorizationGrant } from './authorization-codes.js';

/** The token endpoint's success answer (RFC 6749 §5.1; Cognito's field set). */
export interface OAuthTokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * The implicit grant's tokens (response_type=token): minted exactly as the code exchange mints
 * them, after PreTokenGeneration (TokenGeneration_HostedAuth), with no refresh token. Their
 * origin_jti names no stored family, so nothing can revoke them before they expire — which is why
 * Cognito, like RFC 9700 §2.1.2, keeps implicit off unless a client asks for it.
 */
export async function issueImplicitTokens(
  cognate: Ports<'clock' | 'log' | 'store' | 'tokens' | 'triggers'>,
  grant: Omit<AuthorizationGrant, 'redirectUri' | 'codeChallenge'>,
): Promise<{ access_token: string; id_token?: string; token_type: 'Bearer'; expires_in: number }> {
  const customize = await preTokenGeneration(cognate, { pool: grant.pool, client: grant.client, user: grant.user, source: 'HostedAuth', authTime: grant.authTime, scopes: grant.scopes });
  const mint = await cognate.tokens.mintOAuth({ pool: grant.pool, user: grant.user, ...(customize ? { customize } : {}) }, cognate.clock.now());
  const minted = mint({
    client: grant.client,
    originJti: randomUUID(),
    authTime: grant.authTime,
    oauth: { scopes: grant.scopes, ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}), ...(grant.amr ? { amr: grant.amr } : {}) },
  });
  return { access_token: minted.accessToken, ...(minted.idToken ? { id_token: minted.idToken } : {}), token_type: 'Bearer', expires_in: minted.expiresIn };
}

/**
 * A machine token (client_credentials): an access token only, whose subject is the client
 * (`sub` = `client_id`, no username, no groups, no origin_jti: nothing to refresh or revoke), with
 * only custom scopes, after a V3_0 PreTokenGeneration trigger (TokenGeneration_ClientCredentials).
 */
export async function issueMachineToken(
  cognate: Ports<'clock' | 'keys' | 'log' | 'tokens' | 'triggers'>,
  p: { pool: UserPool; client: AppClient; scopes: readonly string[]; clientMetadata?: Record<string, string> },
): Promise<OAuthTokenResponse> {
  const access = await preTokenGenerationForClient(cognate, p);
  const now = cognate.clock.now();
  const key = await cognate.keys.signingKey(p.pool.id, now);
  const iat = epochSeconds(now);
  const lifetime = tokenLifetimes(p.client.settings).access;
  const claims = customized(
    {
      sub: p.client.id,
      token_use: 'access',
      scope: scopeOf(access, p.scopes),
      auth_time: iat,
      iss: cognate.tokens.issuerOf(p.pool),
      exp: iat + lifetime,
      iat,
      version: 2,
      jti: randomUUID(),
      client_id: p.client.id,
    },
    access,
  );
  return { access_token: await signJwtAsync(claims, key), expires_in: lifetime, token_type: 'Bearer' };
}

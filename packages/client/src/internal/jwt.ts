/**
 * Reading JWTs the client got from its server (claims and expiry, no signature check), and the
 * {@link Tokens} view of the stored ones.
 */
import { MobileClientError } from '../errors.js';
import type { JwtToken, Tokens } from '../types.js';
import { fromBase64, fromUtf8 } from './bytes.js';
import type { StoredTokens } from './context.js';

/**
 * Decodes a JWT's claims without verifying the signature: for reading the tokens the client got
 * from its server, never for trusting a token someone else hands you (verify those with
 * aws-jwt-verify against the pool's JWKS).
 *
 * @example
 * ```ts
 * const { claims, expiration } = decodeJwt((await client.getTokens()).idToken.tokenString);
 * console.log(claims['cognito:username'], expiration.toISOString());
 * ```
 * @throws MobileClientError `badRequest` when the string is not a JWT.
 */
export function decodeJwt(token: string): JwtToken {
  const part = token.split('.')[1];
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(fromUtf8(fromBase64(part ?? ''))) as Record<string, unknown>;
  } catch {
    throw new MobileClientError('badRequest', 'The server returned a token that is not a JWT.');
  }
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  return { tokenString: token, claims, expiration: new Date(exp * 1000) };
}

export function toTokens(stored: StoredTokens): Tokens {
  const idToken = decodeJwt(stored.idToken);
  const accessToken = decodeJwt(stored.accessToken);
  return {
    idToken,
    accessToken,
    refreshToken: stored.refreshToken,
    expiration: new Date(Math.min(idToken.expiration.getTime(), accessToken.expiration.getTime())),
  };
}

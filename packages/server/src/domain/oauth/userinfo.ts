/**
 * `/oauth2/userInfo` (developer guide, "The user attributes endpoint"; OpenID Connect Core §5.3):
 * the attributes an access token's scopes allow. The token must be a user's, live (signature,
 * expiry, family not revoked, user enabled) and carry `openid`; API tokens (scope
 * aws.cognito.signin.user.admin only) are refused, as Cognito refuses them.
 */
import { servingRole } from '../replicas/serving-region.js';
import { CognitoError } from '../../errors.js';
import type { Ports } from '../cognate.js';
import { scopedAttributeClaims } from '../tokens.js';
import { oauthError } from './errors.js';

/**
 * The userInfo answer for `accessToken`: `sub`, the attributes its scopes allow (the same rule as
 * the ID token, within what the client can read), and `username`. Cognito's answer gives
 * attribute values as strings, the *_verified flags included ("true").
 */
export async function userInfo(cognate: Ports<'clients' | 'config' | 'store' | 'tokens'>, accessToken: string): Promise<Record<string, string>> {
  let context;
  try {
    context = await cognate.tokens.verifyUserAccessToken(accessToken, true);
  } catch (e) {
    if (e instanceof CognitoError && e.name === 'NotAuthorizedException') throw oauthError('invalid_token', e.message);
    throw e;
  }
  const { claims, user } = context;
  // Unsigned, so served as this node's region: another region's, or an INACTIVE secondary's, doesn't know the pool (docs/replicas.md).
  if ((await servingRole(cognate, user.poolId, cognate.config.region)) === 'absent') throw oauthError('invalid_token', 'Invalid Access Token');
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes('openid')) throw oauthError('insufficient_scope', 'Access token does not contain openid scope');
  const client = typeof claims.client_id === 'string' ? await cognate.clients.find(user.poolId, claims.client_id) : undefined;
  if (!client) throw oauthError('invalid_token', 'Access Token has been revoked');
  const out: Record<string, string> = { sub: user.sub };
  for (const [name, value] of Object.entries(scopedAttributeClaims(user, client, scopes))) out[name] = String(value);
  out.username = user.username;
  return out;
}

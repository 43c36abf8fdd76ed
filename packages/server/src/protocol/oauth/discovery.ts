/**
 * The pool's OpenID Provider metadata (`/<poolId>/.well-known/openid-configuration`; OpenID Connect
 * Discovery 1.0 §3), with Cognito's field set, listing only endpoints this server has: the
 * authorization and logout endpoints appear once the hosted UI serves them. The OAuth endpoints'
 * base is the pool's domain when the request came in on it, else the server's public URL; the
 * JWKS is always on the server's URL (on AWS it is on cognito-idp, never on the domain).
 */
import type { Cognate } from '../../domain/cognate.js';
import type { UserPool } from '../../domain/user-pools.js';

export interface ServedEndpoints {
  authorize: boolean;
  logout: boolean;
}

/**
 * The issuer a discovery document fetched on `host` names: a pool answers under both its issuers
 * (docs/replicas.md), so under the ORIGINAL or the UPDATED (multi-Region) issuer's host the document
 * names that issuer, as OpenID Connect Discovery §4.3 asks; on any other host, the pool's own.
 */
export function discoveryIssuer(cognate: Pick<Cognate, 'tokens'>, pool: UserPool, host: string | undefined): string {
  const hostOf = (url: string) => new URL(url).host;
  for (const iss of cognate.tokens.issuers(pool.id)) if (host !== undefined && hostOf(iss) === host.toLowerCase() && iss !== cognate.tokens.issuerOf(pool)) return iss;
  return cognate.tokens.issuerOf(pool);
}

export function discoveryDocument(cognate: Pick<Cognate, 'config' | 'tokens'>, pool: UserPool, host: string | undefined, endpointBase: string, served: ServedEndpoints): Record<string, unknown> {
  const poolId = pool.id;
  const publicUrl = cognate.config.publicUrl;
  return {
    ...(served.authorize ? { authorization_endpoint: `${endpointBase}/oauth2/authorize` } : {}),
    code_challenge_methods_supported: ['S256'],
    ...(served.logout ? { end_session_endpoint: `${endpointBase}/logout` } : {}),
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: discoveryIssuer(cognate, pool, host),
    jwks_uri: `${publicUrl}/${poolId}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    revocation_endpoint: `${endpointBase}/oauth2/revoke`,
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint: `${endpointBase}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    userinfo_endpoint: `${endpointBase}/oauth2/userInfo`,
  };
}

/**
 * The pool's OpenID Provider metadata (`/<poolId>/.well-known/openid-configuration`; OpenID Connect
 * Discovery 1.0 §3), with Cognito's field set, listing only endpoints this server has: the
 * authorization and logout endpoints appear once the hosted UI serves them. The OAuth endpoints'
 * base is the pool's domain when the request came in on it, else the server's public URL; the
 * JWKS is always on the server's URL (on AWS it is on cognito-idp, never on the domain).
 */
import type { Cognate } from '../../domain/cognate.js';

export interface ServedEndpoints {
  authorize: boolean;
  logout: boolean;
}

export function discoveryDocument(cognate: Pick<Cognate, 'config' | 'tokens'>, poolId: string, endpointBase: string, served: ServedEndpoints): Record<string, unknown> {
  const publicUrl = cognate.config.publicUrl;
  return {
    ...(served.authorize ? { authorization_endpoint: `${endpointBase}/oauth2/authorize` } : {}),
    code_challenge_methods_supported: ['S256'],
    ...(served.logout ? { end_session_endpoint: `${endpointBase}/logout` } : {}),
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: cognate.tokens.issuer(poolId),
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

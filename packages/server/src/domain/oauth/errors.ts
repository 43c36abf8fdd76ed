/**
 * OAuth 2.0 errors as data (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1): the error code the
 * token, userInfo and revocation endpoints answer with. The wire side (status, JSON, headers) is
 * protocol/oauth/; the domain only says which error it is.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type';

export class OAuthError extends Error {
  constructor(readonly code: OAuthErrorCode, readonly description?: string) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'OAuthError';
  }
}

export const oauthError = (code: OAuthErrorCode, description?: string) => new OAuthError(code, description);

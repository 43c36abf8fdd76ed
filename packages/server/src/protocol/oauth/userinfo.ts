/**
 * `GET|POST /oauth2/userInfo` (developer guide, "The user attributes endpoint"; OpenID Connect
 * Core §5.3; RFC 6750): the access token as `Authorization: Bearer`, or, for POST, as the form's
 * `access_token` (RFC 6750 §2.2) — not both. Errors carry `WWW-Authenticate: Bearer` with the
 * RFC 6750 §3.1 code: invalid_request 400, invalid_token 401, insufficient_scope 403.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Cognate } from '../../domain/cognate.js';
import { OAuthError, oauthError } from '../../domain/oauth/errors.js';
import { userInfo } from '../../domain/oauth/userinfo.js';
import { tokenFailure } from './token.js';
import { isForm, jsonAnswer, parseForm, type RawAnswer } from './wire.js';

function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization === undefined || authorization === '') return undefined;
  const m = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization.trim());
  if (!m) throw oauthError('invalid_request', 'Malformed Authorization header');
  return m[1];
}

const STATUS: Partial<Record<OAuthError['code'], number>> = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403 };

function challenge(e: OAuthError): string {
  const description = e.description ? `, error_description="${e.description.replace(/["\\]/g, '')}"` : '';
  return `Bearer error="${e.code}"${description}`;
}

export async function handleUserInfoRequest(cognate: Cognate, req: { method: string; headers: IncomingHttpHeaders; body: Buffer }): Promise<RawAnswer> {
  try {
    let token = bearerOf(req.headers);
    if (req.method === 'POST' && isForm(req.headers['content-type'])) {
      const fromBody = parseForm(req.body).get('access_token');
      if (fromBody !== undefined && token !== undefined) throw oauthError('invalid_request', 'More than one access token');
      token ??= fromBody;
    }
    // RFC 6750 §3.1: a request with no authentication gets the challenge without an error code.
    if (token === undefined) return jsonAnswer(401, { error: 'invalid_token', error_description: 'Access token is missing' }, { 'www-authenticate': 'Bearer' });
    return jsonAnswer(200, await userInfo(cognate, token));
  } catch (err) {
    if (err instanceof OAuthError && STATUS[err.code]) {
      return jsonAnswer(STATUS[err.code]!, { error: err.code, ...(err.description ? { error_description: err.description } : {}) }, { 'www-authenticate': challenge(err) });
    }
    return tokenFailure(cognate, err, false);
  }
}

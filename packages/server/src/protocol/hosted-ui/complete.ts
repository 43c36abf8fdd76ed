/**
 * The end of every successful hosted sign-in (a fresh one, or an existing session reused: SSO): the
 * OAuth request's answer at the client's redirect URI — an authorization code in the query for
 * `response_type=code` (RFC 6749 §4.1.2), tokens in the fragment for `token` (§4.2.2) — with `state`.
 */
import { issueAuthorizationCode } from '../../domain/oauth/authorization-codes.js';
import { issueImplicitTokens } from '../../domain/oauth/oauth-tokens.js';
import { HOSTED_SESSION_SECONDS, type HostedSession } from '../../domain/oauth/hosted-sessions.js';
import type { HostedSignedIn } from '../../domain/oauth/hosted-sign-in.js';
import type { User } from '../../domain/users.js';
import { withParams, type AuthorizeRequest } from './authorize-request.js';
import type { PageRequest } from './page.js';

export async function completeAuthorization(page: PageRequest, request: AuthorizeRequest, user: User, session: HostedSession): Promise<Response> {
  const { pool, client } = request.party;
  if (request.responseType === 'token') {
    const tokens = await issueImplicitTokens(page.cognate, {
      pool,
      client,
      user,
      scopes: request.scopes,
      authTime: session.authTime,
      amr: session.amr,
      hostedSessionId: session.id,
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    });
    return page.redirect(
      withParams(request.redirectUri, { access_token: tokens.access_token, id_token: tokens.id_token, token_type: tokens.token_type, expires_in: String(tokens.expires_in), state: request.state }, true),
    );
  }
  const code = await issueAuthorizationCode(page.cognate, {
    pool,
    client,
    user,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    authTime: session.authTime,
    amr: session.amr,
    hostedSessionId: session.id,
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    ...(request.codeChallenge !== undefined ? { codeChallenge: request.codeChallenge } : {}),
  });
  return page.redirect(withParams(request.redirectUri, { code, state: request.state }, false));
}

/**
 * The end of a sign-in on any page: the browser gets the new session's cookie (a new value at
 * every sign-in: P22), then the OAuth request's answer. A page that proved who the person is in its
 * own way (sign-up confirmation) gets `signedIn` from finishHostedSignIn (domain/oauth/hosted-sign-in.ts).
 */
export async function finishSignIn(page: PageRequest, request: AuthorizeRequest, signedIn: HostedSignedIn): Promise<Response> {
  page.setSessionCookie(signedIn.secret, HOSTED_SESSION_SECONDS);
  return completeAuthorization(page, request, signedIn.user, signedIn.session);
}

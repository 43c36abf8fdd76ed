/**
 * The hosted UI's HTTP endpoints the client calls itself: `/oauth2/token` (the code for tokens,
 * RFC 6749 §4.1.3), `/oauth2/revoke` (RFC 7009) and the sign-out endpoint (`/logout`, or a generic
 * provider's `SignOutURI`) — and sign-out with `invalidateTokens` for a hosted-UI session.
 */
import type { ResolvedOAuth } from '../config.js';
import { MobileClientError } from '../errors.js';
import { toBase64, utf8 } from './bytes.js';
import type { ClientContext } from './context.js';

/** RFC 6749 §5.1. */
export interface TokenResponse {
  id_token?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
}

/** What the endpoints need of fetch beyond the awsJson calls: a GET, and `redirect: 'manual'` to see a redirect rather than follow it. */
type HttpFetch = (input: string, init: { method: string; headers: Record<string, string>; body?: string; redirect?: 'manual' }) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;
const http = (ctx: ClientContext) => ctx.fetch as unknown as HttpFetch;

/** client_secret_basic (RFC 6749 §2.3.1: id and secret form-encoded first) for a confidential client; a public one names itself in the form. */
function clientAuthentication(oauth: ResolvedOAuth, form: URLSearchParams): Record<string, string> {
  if (!oauth.clientSecret) {
    form.set('client_id', oauth.clientId);
    return {};
  }
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return { authorization: `Basic ${toBase64(utf8(`${enc(oauth.clientId)}:${enc(oauth.clientSecret)}`))}` };
}

async function post(ctx: ClientContext, oauth: ResolvedOAuth, url: string, form: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...clientAuthentication(oauth, form) };
  let status: number;
  let text: string;
  try {
    const res = await http(ctx)(url, { method: 'POST', headers, body: form.toString() });
    status = res.status;
    text = await res.text();
  } catch (cause) {
    throw new MobileClientError('network', `Could not reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    if (status < 300) throw new MobileClientError('oauthError', `${url} answered with something that is not JSON.`, { serviceCode: 'invalid_response', status });
  }
  if (status >= 300) {
    const error = typeof body.error === 'string' && body.error ? body.error : status >= 500 ? 'server_error' : 'invalid_request';
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    throw new MobileClientError(status === 503 ? 'internalError' : 'oauthError', description || `${url} refused the request: ${error}`, { serviceCode: error, status });
  }
  return { status, body };
}

/** The authorization code for tokens, with the PKCE verifier and the redirect URI the request used. */
export async function exchangeCode(ctx: ClientContext, oauth: ResolvedOAuth, input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenResponse> {
  const form = new URLSearchParams({ ...oauth.tokenParameters, grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });
  const { body } = await post(ctx, oauth, oauth.tokenUrl, form);
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const tokens: TokenResponse = {};
  for (const name of ['id_token', 'access_token', 'refresh_token', 'token_type'] as const) {
    const v = str(body[name]);
    if (v) tokens[name] = v;
  }
  if (typeof body.expires_in === 'number') tokens.expires_in = body.expires_in;
  if (!tokens.access_token) throw new MobileClientError('oauthError', 'The token endpoint returned no access token.', { serviceCode: 'invalid_response' });
  return tokens;
}

/** RFC 7009 revocation of a refresh token (Cognito's /oauth2/revoke ends its family and the access tokens minted from it). */
export async function revokeRefreshToken(ctx: ClientContext, oauth: ResolvedOAuth, refreshToken: string): Promise<void> {
  if (!oauth.revokeUrl) return;
  await post(ctx, oauth, oauth.revokeUrl, new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }));
}

/** The sign-out endpoint with its parameters (Cognito's `client_id` + `logout_uri`, or the configured ones). */
export function signOutUrl(oauth: ResolvedOAuth): string {
  const query = new URLSearchParams(oauth.signOutParameters).toString();
  return query ? `${oauth.signOutUrl}${oauth.signOutUrl.includes('?') ? '&' : '?'}${query}` : oauth.signOutUrl;
}

/**
 * Outside a browser: calls the sign-out endpoint and checks it agreed — a redirect, and for
 * Cognito's `/logout` a redirect to exactly the `logout_uri` asked for (anything else means the
 * URI is not one of the client's sign-out URLs, and the hosted UI showed its error page).
 */
export async function requestSignOut(ctx: ClientContext, oauth: ResolvedOAuth): Promise<void> {
  const url = signOutUrl(oauth);
  let res: Awaited<ReturnType<HttpFetch>>;
  try {
    res = await http(ctx)(url, { method: 'GET', headers: { accept: 'text/html' }, redirect: 'manual' });
    await res.text();
  } catch (cause) {
    throw new MobileClientError('network', `Could not reach ${oauth.signOutUrl}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const location = res.headers.get('location');
  const expected = oauth.cognito ? oauth.signOutParameters.logout_uri : undefined;
  const redirected = res.status >= 300 && res.status < 400;
  if (oauth.cognito ? !redirected || (expected !== undefined && location !== expected) : res.status >= 400) {
    throw new MobileClientError('oauthError', `The sign-out endpoint refused the request (HTTP ${res.status}): is SignOutRedirectURI one of the app client's sign-out URLs?`, { serviceCode: 'invalid_request', status: res.status });
  }
}

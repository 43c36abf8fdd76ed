/**
 * Sign-in through the hosted UI (seed 002, "Using Hosted UI for Authentication"): the
 * authorization code grant with PKCE (RFC 7636, S256), a `state` per request (and a `nonce` with
 * `openid`), each bound to one pending request and usable once (RFC 9700 §4.7), then the tokens into
 * the same session, state machine and listeners as {@link signIn} — or, for a generic OAuth 2.0
 * provider (Auth0) with `federationProviderName`, its ID token federated into the identity pool.
 *
 * Where the answer comes back:
 * - a browser: the page goes to the authorize URL; the pending request waits in `sessionStorage`
 *   (this tab only) and the app calls {@link handleAuthResponse} when it loads again;
 * - Node: a {@link RedirectReceiver} (the loopback listener of `@cognate/client/node`) takes the
 *   redirect and the caller's `openUrl` shows the page in a browser;
 * - elsewhere (React Native): `openUrl`, then the app passes the deep link to handleAuthResponse.
 * The HTTP steps (token, revoke, logout) are in hosted-ui-endpoints.ts.
 */
import type { ResolvedOAuth } from '../config.js';
import { MobileClientError } from '../errors.js';
import type { HostedUIOptions } from '../options.js';
import { UserState } from '../types.js';
import { randomBytes, sha256, toBase64, utf8 } from './bytes.js';
import { requireConfig, requireUserPool, save, transition, type ClientContext } from './context.js';
import { federatedSignIn } from './federation.js';
import { exchangeCode, type TokenResponse } from './hosted-ui-endpoints.js';
import type { RedirectReceiver } from './hosted-ui-receiver.js';
import { decodeJwt } from './jwt.js';
import { adoptUserPoolTokens, announceSignIn } from './sign-in.js';

/** One authorization request on its way: what its answer must match. Never leaves this client. */
interface PendingRequest {
  state: string;
  codeVerifier: string;
  nonce?: string;
  redirectUri: string;
  clientId: string;
  federationProviderName?: string;
  expiresAt: number;
}

/** Long enough for a person to sign in (and a slow provider), short enough to bound a stale one. */
const PENDING_LIFETIME_MS = 10 * 60_000;
/** Parameters the client sets itself: options can't override them. */
const RESERVED = new Set(['response_type', 'client_id', 'redirect_uri', 'state', 'nonce', 'scope', 'code_challenge', 'code_challenge_method', 'identity_provider', 'idp_identifier']);

interface Waiting {
  resolve(state: UserState): void;
  reject(e: unknown): void;
}

/** Pending requests of this client in memory (all platforms), and their waiting signInWithHostedUI calls. */
const memory = new WeakMap<ClientContext, Map<string, { request: PendingRequest; waiting?: Waiting }>>();
const pendingOf = (ctx: ClientContext) => {
  let m = memory.get(ctx);
  if (!m) memory.set(ctx, (m = new Map()));
  return m;
};

interface BrowserGlobals {
  location?: { href: string; assign(url: string): void };
  sessionStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void };
  history?: { replaceState(data: unknown, unused: string, url?: string): void };
}
const browser = (): BrowserGlobals => globalThis as BrowserGlobals;
/** The page's location in a browser (a document to navigate); undefined in Node and React Native. */
export const browserLocation = () => ((globalThis as { document?: unknown }).document !== undefined ? browser().location : undefined);
const sessionKey = (oauth: ResolvedOAuth) => `cognate.hostedui.${oauth.clientId}`;

function readSessionStorage(oauth: ResolvedOAuth): Record<string, PendingRequest> {
  try {
    const raw = browser().sessionStorage?.getItem(sessionKey(oauth));
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, PendingRequest>) : {};
  } catch {
    return {};
  }
}

function writeSessionStorage(oauth: ResolvedOAuth, requests: Record<string, PendingRequest>, now: number): void {
  const store = browser().sessionStorage;
  if (!store) return;
  const live = Object.fromEntries(Object.entries(requests).filter(([, r]) => r.expiresAt > now));
  if (Object.keys(live).length === 0) store.removeItem(sessionKey(oauth));
  else store.setItem(sessionKey(oauth), JSON.stringify(live));
}

/** Takes the pending request `state` names, from memory and sessionStorage alike: it is gone afterwards, whatever follows. */
function takePending(ctx: ClientContext, oauth: ResolvedOAuth, state: string): { request?: PendingRequest; waiting?: Waiting } {
  const inMemory = pendingOf(ctx).get(state);
  pendingOf(ctx).delete(state);
  const stored = readSessionStorage(oauth);
  const fromStorage = Object.prototype.hasOwnProperty.call(stored, state) ? stored[state] : undefined;
  if (fromStorage) {
    delete stored[state];
    writeSessionStorage(oauth, stored, ctx.clock.now());
  }
  const request = inMemory?.request ?? fromStorage;
  if (!request || request.expiresAt <= ctx.clock.now() || request.clientId !== oauth.clientId) return inMemory?.waiting ? { waiting: inMemory.waiting } : {};
  return { request, ...(inMemory?.waiting ? { waiting: inMemory.waiting } : {}) };
}

const base64url = (b: Uint8Array) => toBase64(b).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

export function requireOAuth(ctx: ClientContext): ResolvedOAuth {
  const oauth = requireConfig(ctx).oauth;
  if (!oauth) throw new MobileClientError('hostedUINotConfigured', 'The configuration has no Auth.Default.OAuth section.');
  return oauth;
}

function checkOptions(ctx: ClientContext, oauth: ResolvedOAuth, options: HostedUIOptions): string[] {
  if (!options || typeof options !== 'object') throw new MobileClientError('invalidParameter', 'signInWithHostedUI takes an options object.');
  const scopes = options.scopes ?? oauth.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    throw new MobileClientError('invalidParameter', 'scopes must be a non-empty array of scope names.');
  }
  for (const name of ['identityProvider', 'idpIdentifier', 'federationProviderName'] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'string' || !v)) throw new MobileClientError('invalidParameter', `${name} must be a non-empty string.`);
  }
  if (options.identityProvider !== undefined && options.idpIdentifier !== undefined) throw new MobileClientError('invalidParameter', 'Give identityProvider or idpIdentifier, not both.');
  if (options.federationProviderName !== undefined) {
    if (!requireConfig(ctx).identityPool) throw new MobileClientError('cognitoIdentityPoolNotConfigured', 'federationProviderName federates the ID token into the identity pool: the configuration needs CredentialsProvider.CognitoIdentity.Default.');
  } else if (oauth.cognito) {
    // The user pool's tokens join the session: refresh, getTokens and credentials need the pool,
    // the same app client (the refresh token is the client's) and an ID token.
    const pool = requireUserPool(ctx);
    if (pool.clientId !== oauth.clientId) throw new MobileClientError('invalidConfiguration', 'Auth.Default.OAuth.AppClientId must be CognitoUserPool.Default.AppClientId: the hosted UI\'s refresh token belongs to its client.');
    if (!scopes.includes('openid')) throw new MobileClientError('invalidParameter', 'The hosted UI sign-in needs the openid scope: the session keeps the user pool\'s ID token.');
  } else {
    throw new MobileClientError('invalidParameter', 'A generic OAuth 2.0 provider (SignInURI/TokenURI) signs in through the identity pool: give federationProviderName.');
  }
  const extra = options.signInQueryParameters ?? {};
  if (typeof extra !== 'object' || Object.entries(extra).some(([k, v]) => RESERVED.has(k) || typeof v !== 'string')) {
    throw new MobileClientError('invalidParameter', `signInQueryParameters are strings and can't set ${[...RESERVED].join(', ')}.`);
  }
  if (options.openUrl !== undefined && typeof options.openUrl !== 'function') throw new MobileClientError('invalidParameter', 'openUrl must be a function.');
  if (options.redirectReceiver !== undefined && typeof (options.redirectReceiver as { start?: unknown } | null)?.start !== 'function') throw new MobileClientError('invalidParameter', 'redirectReceiver must have a start() function (loopbackRedirect() from @cognate/client/node).');
  return [...new Set(scopes)];
}

/**
 * Starts a hosted-UI sign-in and resolves with the state once the answer is handled: through the
 * receiver, or the {@link handleAuthResponse} of this client (in a browser the page navigates
 * away, so the page that comes back calls handleAuthResponse instead).
 */
export async function signInWithHostedUI(ctx: ClientContext, options: HostedUIOptions): Promise<UserState> {
  const oauth = requireOAuth(ctx);
  const scopes = checkOptions(ctx, oauth, options);
  const receiver = options.redirectReceiver;
  const page = browserLocation();
  const open = options.openUrl ?? (page && !receiver ? (url: string) => page.assign(url) : undefined);
  if (!open) throw new MobileClientError('invalidParameter', 'Outside a browser give openUrl (and a redirectReceiver such as loopbackRedirect() from @cognate/client/node).');

  const state = base64url(randomBytes(32));
  const codeVerifier = base64url(randomBytes(32));
  const challenge = base64url(await sha256(utf8(codeVerifier)));
  const nonce = scopes.includes('openid') ? base64url(randomBytes(32)) : undefined;
  const started = receiver ? await receiver.start(oauth.signInRedirectUri, state) : undefined;
  const request: PendingRequest = {
    state,
    codeVerifier,
    ...(nonce ? { nonce } : {}),
    redirectUri: started?.redirectUri ?? oauth.signInRedirectUri,
    clientId: oauth.clientId,
    ...(options.federationProviderName ? { federationProviderName: options.federationProviderName } : {}),
    expiresAt: ctx.clock.now() + PENDING_LIFETIME_MS,
  };
  const query = new URLSearchParams({
    ...oauth.signInParameters,
    ...(options.signInQueryParameters ?? {}),
    response_type: 'code',
    client_id: oauth.clientId,
    redirect_uri: request.redirectUri,
    scope: scopes.join(' '),
    state,
    ...(nonce ? { nonce } : {}),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(options.identityProvider ? { identity_provider: options.identityProvider } : {}),
    ...(options.idpIdentifier ? { idp_identifier: options.idpIdentifier } : {}),
  });
  const url = `${oauth.authorizeUrl}${oauth.authorizeUrl.includes('?') ? '&' : '?'}${query}`;

  const result = new Promise<UserState>((resolve, reject) => pendingOf(ctx).set(state, { request, waiting: { resolve, reject } }));
  // With a receiver the answer is awaited below and `result` only mirrors it.
  result.catch(() => undefined);
  if (!receiver && browser().sessionStorage) writeSessionStorage(oauth, { ...readSessionStorage(oauth), [state]: request }, ctx.clock.now());
  try {
    await open(url);
  } catch (cause) {
    takePending(ctx, oauth, state);
    await started?.close();
    throw new MobileClientError('unableToSignIn', `openUrl failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (started) {
    let callback: string;
    try {
      callback = await started.received;
    } catch (e) {
      takePending(ctx, oauth, state);
      throw e;
    } finally {
      await started.close();
    }
    return handleAuthResponse(ctx, callback);
  }
  return result;
}

/** The part of a redirect URI the answer must come back to: scheme, authority and path. */
function endpointOf(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Handles the hosted UI's answer (seed 002's `handleAuthResponse`): `url` is where the browser
 * came back (default: this page's). Nothing to handle (no `code`, `error` or `state`): the
 * current state. Otherwise the `state` must name a pending request of this client, unused and
 * unexpired, sent to this very redirect URI; then an `error` becomes `oauthError`, a code becomes
 * tokens (PKCE verifier, nonce checked).
 */
export async function handleAuthResponse(ctx: ClientContext, url?: string): Promise<UserState> {
  const oauth = requireOAuth(ctx);
  const g = browser();
  const own = url === undefined;
  const href = url ?? g.location?.href;
  if (typeof href !== 'string') throw new MobileClientError('invalidParameter', 'handleAuthResponse needs the URL the hosted UI redirected to.');
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw new MobileClientError('invalidParameter', 'handleAuthResponse needs an absolute URL.');
  }
  // The code grant answers in the query (RFC 6749 §4.1.2); a fragment answer is the implicit grant's, never asked for here.
  const params = parsed.searchParams;
  const code = params.get('code');
  const error = params.get('error');
  const state = params.get('state');
  if (code === null && error === null && state === null) return ctx.state;
  if (own) forgetAnswerInAddressBar(parsed);
  if (state === null || params.getAll('state').length !== 1) throw new MobileClientError('hostedUIStateMismatch', 'The hosted UI answer has no single state.');
  const { request, waiting } = takePending(ctx, oauth, state);
  const settle = <T>(p: Promise<T>): Promise<T> =>
    p.then(
      (v) => {
        waiting?.resolve(v as UserState);
        return v;
      },
      (e: unknown) => {
        waiting?.reject(e);
        throw e;
      },
    );
  if (!request) return settle(Promise.reject(new MobileClientError('hostedUIStateMismatch', 'The hosted UI answer\'s state is not one this client is waiting for (unknown, already used or expired).')));
  return settle(complete(ctx, oauth, request, parsed, code, error));
}

async function complete(ctx: ClientContext, oauth: ResolvedOAuth, request: PendingRequest, answer: URL, code: string | null, error: string | null): Promise<UserState> {
  if (endpointOf(answer) !== endpointOf(new URL(request.redirectUri))) {
    throw new MobileClientError('hostedUIStateMismatch', 'The hosted UI answer came back to another address than the request\'s redirect URI.');
  }
  if (error !== null) {
    throw new MobileClientError('oauthError', answer.searchParams.get('error_description') || error, { serviceCode: error });
  }
  if (!code || answer.searchParams.getAll('code').length !== 1) throw new MobileClientError('oauthError', 'The hosted UI answer has no single code.', { serviceCode: 'invalid_request' });
  const tokens = await exchangeCode(ctx, oauth, { code, redirectUri: request.redirectUri, codeVerifier: request.codeVerifier });
  checkIdToken(tokens, request);
  if (request.federationProviderName) {
    const state = await federatedSignIn(ctx, request.federationProviderName, tokens.id_token!, {});
    ctx.session.hostedUI = { federationProviderName: request.federationProviderName };
    await save(ctx);
    return state;
  }
  return acceptUserPoolTokens(ctx, tokens);
}

/**
 * The ID token came straight from the token endpoint over the connection the client opened (OIDC
 * Core §3.1.3.7 lets a client skip the signature then); what binds it to this request is the
 * `nonce`, and `aud` says it is this client's.
 */
function checkIdToken(tokens: TokenResponse, request: PendingRequest): void {
  if (!request.nonce) return;
  if (typeof tokens.id_token !== 'string') throw new MobileClientError('idTokenInvalid', 'The token endpoint returned no ID token for an openid request.');
  const { claims } = decodeJwt(tokens.id_token);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(request.clientId)) throw new MobileClientError('idTokenInvalid', 'The ID token is not for this app client (aud).');
  if (claims.nonce !== request.nonce) throw new MobileClientError('idTokenInvalid', 'The ID token\'s nonce is not this request\'s.');
}

/** The user pool's tokens into the session, through the same adoptUserPoolTokens and announceSignIn a password sign-in uses. */
async function acceptUserPoolTokens(ctx: ClientContext, tokens: TokenResponse): Promise<UserState> {
  if (!tokens.id_token || !tokens.access_token || !tokens.refresh_token) {
    throw new MobileClientError('unableToSignIn', 'The token endpoint did not return ID, access and refresh tokens.');
  }
  const { claims } = decodeJwt(tokens.id_token);
  const username = typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!username) throw new MobileClientError('idTokenInvalid', 'The ID token names no user.');
  adoptUserPoolTokens(ctx, username, { idToken: tokens.id_token, accessToken: tokens.access_token, refreshToken: tokens.refresh_token }, { hostedUI: true });
  await announceSignIn(ctx);
  return ctx.state;
}

/** The code and state leave the address bar (and so the history and a reload) before anything else happens. */
function forgetAnswerInAddressBar(url: URL): void {
  const history = browser().history;
  if (!history) return;
  const clean = new URL(url.href);
  for (const name of ['code', 'state', 'error', 'error_description', 'error_uri', 'iss']) clean.searchParams.delete(name);
  try {
    history.replaceState(null, '', clean.href);
  } catch {
    // A sandboxed page may refuse; the state is single-use anyway.
  }
}

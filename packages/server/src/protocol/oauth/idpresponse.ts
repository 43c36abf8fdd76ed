/**
 * Federation through OpenID Connect and OAuth 2.0 providers (OIDC, Google, Facebook,
 * LoginWithAmazon, SignInWithApple) on the hosted UI:
 *
 * - {@link redirectToProvider}: `/oauth2/authorize` (and `/login`) with `identity_provider`,
 *   `idp_identifier`, a provider button, or a client whose only provider is external: a
 *   FederationRequest (single use, 10 minutes) carries the app's request, and the browser goes to
 *   the provider with `state`, `nonce` and PKCE (domain/federation/oidc.ts).
 * - `GET|POST /oauth2/idpresponse` (POST: Apple's `response_mode=form_post`): the request is taken
 *   by its `state` (a replayed or made-up state finds nothing: an error page, no redirect), the app's
 *   request re-parsed from it, the provider's answer checked, then `federatedSignIn` and
 *   `finishSignIn` as any hosted sign-in ends. A provider's error (`error=access_denied`) and every
 *   failure after the state was found go back to the app's redirect URI as `error` /
 *   `error_description` with the app's `state`.
 *
 * The redirect to the provider binds the request to the browser with a cookie
 * (hosted-ui/security.ts FederationBinding): an answer brought by another browser is refused
 * (login CSRF) before the request is looked up.
 *
 * The `state` toward the provider is `<poolId>.<request id>`: the pool is known from it on the
 * server's own URL, where no Host names the pool (on a pool's domain, the two must agree).
 */
import { CognitoError } from '../../errors.js';
import type { Cognate } from '../../domain/cognate.js';
import { findPoolByHost } from '../../domain/user-pool-domains.js';
import { findIdentityProvider, type IdentityProvider } from '../../domain/federation/providers.js';
import { beginFederation, takeFederationRequest } from '../../domain/federation/requests.js';
import { federatedSignIn } from '../../domain/federation/federated-sign-in.js';
import { authorizationUrl, completeAtProvider, FederationFailure, IDP_RESPONSE_PATH } from '../../domain/federation/oidc.js';
import { ProviderUnreachable } from '../../tokens/id-tokens.js';
import { errorRedirect, parseAuthorizeRequest, type AuthorizeRequest } from '../hosted-ui/authorize-request.js';
import { finishSignIn } from '../hosted-ui/complete.js';
import { samlRedirect } from '../saml/pages.js';
import { pageHandler, type HostedPage, type PageRequest } from '../hosted-ui/page.js';

const POOL_ID = /^[\w-]{1,50}_[0-9a-zA-Z]{1,50}$/;
/** OAuth error codes a provider may send back that the app gets as they are (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
const PASSED_ON = new Set(['access_denied', 'invalid_scope', 'server_error', 'temporarily_unavailable', 'login_required', 'consent_required', 'interaction_required', 'account_selection_required']);
const MAX_DESCRIPTION = 256;

/** Where providers send the browser back: the pool's domain it came in on, or the server's own URL. */
function redirectUriFor(page: PageRequest, request: AuthorizeRequest): string {
  const base = request.party.onDomain ? new URL(page.c.req.url).origin : page.cognate.config.publicUrl;
  return `${base}${IDP_RESPONSE_PATH}`;
}

/** The app's redirect URI with an error for it (the query for `code`, the fragment for `token`). */
function errorForApp(page: PageRequest, request: AuthorizeRequest, error: string, description: string): Response {
  return page.redirect(errorRedirect({ kind: 'redirect', redirectUri: request.redirectUri, responseType: request.responseType, error, description: description.slice(0, MAX_DESCRIPTION), ...(request.state !== undefined ? { state: request.state } : {}) }));
}

/** Sends the browser to `provider` for the app's `request` (OIDC and social providers). */
export async function redirectToProvider(page: PageRequest, request: AuthorizeRequest, provider: IdentityProvider): Promise<Response> {
  if (provider.type === 'SAML') return samlRedirect(page, request, provider);
  const { pool, client } = request.party;
  const federation = await beginFederation(page.cognate, { pool, clientId: client.id, provider, returnQuery: request.query });
  page.addCookie(page.ui.federationBinding.setCookie(page.secure, federation.id));
  try {
    return page.redirect(await authorizationUrl(page.cognate, provider, federation, { redirectUri: redirectUriFor(page, request), state: `${pool.id}.${federation.id}` }));
  } catch (err) {
    if (!(err instanceof ProviderUnreachable)) throw err;
    page.cognate.log.warn({ provider: provider.name, what: err.what }, 'identity provider unreachable');
    return errorForApp(page, request, 'temporarily_unavailable', 'the identity provider could not be reached');
  }
}

/** The provider's answer's fields: the query (GET) or the form (Apple's form_post). */
async function answerFields(page: PageRequest): Promise<Record<string, string> | undefined> {
  if (page.c.req.method === 'GET') return page.c.req.query();
  try {
    const body = await page.c.req.parseBody({ all: false });
    return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
}

async function idpResponse(page: PageRequest): Promise<Response> {
  const cognate: Cognate = page.cognate;
  const fields = await answerFields(page);
  const state = fields?.state ?? '';
  const dot = state.indexOf('.');
  const poolId = dot > 0 ? state.slice(0, dot) : '';
  const pool = POOL_ID.test(poolId) ? await cognate.pools.find(poolId) : undefined;
  const host = page.c.req.header('host');
  const hostPool = host ? await findPoolByHost(cognate, host) : undefined;
  // Over the pool's UserFederation rate: refused before the single-use federation request is spent.
  if (pool && !page.withinRateLimit(pool.id)) return page.tooManyRequests();
  // Only the browser that was sent to the provider may bring its answer back (login CSRF);
  // unknown, spent (replayed) or expired: nothing to go back to, so no redirect at all.
  const requestId = state.slice(dot + 1);
  const bound = page.ui.federationBinding.check(page.c, page.secure, requestId);
  if (bound) page.addCookie(page.ui.federationBinding.clearCookie(page.secure, requestId));
  const federation = bound && pool && (hostPool === undefined || hostPool === pool.id) ? await takeFederationRequest(cognate, pool, requestId) : undefined;
  if (!fields || !pool || !federation) return page.errorPage(page.t.errorBadRequest, 400);

  const returned = new URLSearchParams(federation.returnQuery);
  const parsed = await parseAuthorizeRequest(cognate, (name) => returned.get(name) ?? undefined, host);
  if (!parsed.ok) return parsed.error.kind === 'page' ? page.errorPage(page.t[parsed.error.message], 400) : page.redirect(errorRedirect(parsed.error));
  const request = parsed.request;
  if (request.party.client.id !== federation.clientId) return page.errorPage(page.t.errorBadRequest, 400);

  if (fields.error !== undefined) {
    const error = PASSED_ON.has(fields.error) ? fields.error : 'invalid_request';
    return errorForApp(page, request, error, fields.error_description ?? fields.error);
  }
  const provider = await findIdentityProvider(cognate, pool, federation.providerName);
  // The provider may have been deleted, or taken off the client, while the browser was there.
  if (!provider || !request.externalProviders.includes(provider.name)) return errorForApp(page, request, 'invalid_request', 'identity_provider is not supported for this client');
  if (!fields.code) return errorForApp(page, request, 'invalid_request', 'the identity provider answered no code');

  try {
    const extra = { ...(fields.user !== undefined ? { user: fields.user } : {}), ...(fields.iss !== undefined ? { iss: fields.iss } : {}) };
    const identity = await completeAtProvider(cognate, provider, federation, { code: fields.code, redirectUri: redirectUriFor(page, request), extra });
    const signedIn = await federatedSignIn(cognate, {
      pool,
      client: request.party.client,
      provider,
      subject: identity.subject,
      claims: identity.claims,
      sources: identity.sources,
      previousSecret: page.sentCookie,
    });
    return await finishSignIn(page, request, signedIn);
  } catch (err) {
    if (err instanceof FederationFailure) {
      cognate.log.warn({ provider: provider.name, reason: err.reason }, 'federated sign-in refused');
      return errorForApp(page, request, err.error, err.error === 'invalid_request' ? 'the identity provider\'s answer could not be verified' : err.reason);
    }
    // A trigger's refusal (PreSignUp …), a disabled user: the app hears it as Cognito tells it.
    if (err instanceof CognitoError) return errorForApp(page, request, 'invalid_request', err.message);
    throw err;
  }
}

/** `/oauth2/idpresponse`, GET and POST (a page, so its POST reaches Hono rather than the API). */
export const idpResponsePage: HostedPage = {
  paths: [IDP_RESPONSE_PATH],
  register(app, ui) {
    app.get(IDP_RESPONSE_PATH, pageHandler(ui, idpResponse));
    app.post(IDP_RESPONSE_PATH, pageHandler(ui, idpResponse));
  },
};

/**
 * The parameters of an OAuth authorization request (`/oauth2/authorize`), which every sign-in page
 * (`/login`, MFA, new password, sign-up …) carries along in its query string, as Cognito's managed
 * login does. They are validated again on every page, in the order RFC 6749 §4.1.2.1 sets:
 *
 * 1. the client (`client_id`, found by resolveOAuthClient) and the redirect URI (exact match,
 *    domain/oauth/redirect-uris.ts). If either is wrong, nothing is sent to the redirect URI: the
 *    person sees our error page (400, no Location header) — security.md A01–A06;
 * 2. everything else: errors go back to the (now trusted) redirect URI as `error`,
 *    `error_description` and `state` — in the query for `code`, in the fragment for `token`.
 */
import type { Cognate } from '../../domain/cognate.js';
import { resolveOAuthClient, type OAuthParty } from '../../domain/oauth/clients.js';
import { callbackFor } from '../../domain/oauth/redirect-uris.js';
import { scopesForRequest } from '../../domain/oauth/scopes.js';
import type { Messages } from './i18n/index.js';
import { findIdentityProvider, findIdentityProviderByIdentifier, type IdentityProvider } from '../../domain/federation/providers.js';

export interface AuthorizeRequest {
  party: OAuthParty;
  responseType: 'code' | 'token';
  redirectUri: string;
  state?: string;
  /** the granted scopes: those asked for (all of them within the client's AllowedOAuthScopes), or all the client's */
  scopes: string[];
  nonce?: string;
  /** PKCE S256 challenge */
  codeChallenge?: string;
  prompt?: 'login' | 'none';
  /** OIDC max_age, seconds */
  maxAge?: number;
  loginHint?: string;
  /** the query string that carries this request from page to page (only the parameters we use) */
  query: string;
  /** whether the client signs people in with the pool's own users (SupportedIdentityProviders has COGNITO) */
  cognito: boolean;
  /** the client's external providers (SupportedIdentityProviders but COGNITO): the sign-in page's buttons */
  externalProviders: string[];
  /**
   * The external provider this request goes to: the one `identity_provider` or `idp_identifier`
   * names, or the client's only provider when it has no other (Cognito sends the browser straight there).
   */
  provider?: IdentityProvider;
  /** whether the app named that provider (`identity_provider`, `idp_identifier`) rather than it being the client's only one */
  providerNamed: boolean;
}

export type AuthorizeError =
  /** the client or redirect URI can't be trusted: an error page, no redirect */
  | { kind: 'page'; message: keyof Messages; error: 'invalid_client' | 'redirect_mismatch' | 'invalid_request' }
  /** an error for the client, at its redirect URI */
  | { kind: 'redirect'; redirectUri: string; responseType: 'code' | 'token' | undefined; error: string; description: string; state?: string };

/** The parameters a page passes on to the next (others are dropped: an unknown parameter is ignored). */
const CARRIED = ['client_id', 'response_type', 'redirect_uri', 'state', 'scope', 'nonce', 'code_challenge', 'code_challenge_method', 'lang', 'ui_locales', 'login_hint', 'max_age', 'prompt', 'identity_provider', 'idp_identifier'] as const;

const MAX_PARAM = 2048;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PROMPTS = new Set(['login', 'none', 'consent', 'select_account']);

type Params = (name: string) => string | undefined;

/** Reads and checks an authorization request's parameters (from a query string or a POSTed form). */
export async function parseAuthorizeRequest(cognate: Cognate, get: Params, host: string | undefined): Promise<{ ok: true; request: AuthorizeRequest } | { ok: false; error: AuthorizeError }> {
  const party = await resolveOAuthClient(cognate, get('client_id'), host);
  if (!party) return { ok: false, error: { kind: 'page', message: 'errorBadClient', error: 'invalid_client' } };
  const redirectUri = callbackFor(party.client, get('redirect_uri'));
  if (!redirectUri) return { ok: false, error: { kind: 'page', message: 'errorBadRedirect', error: 'redirect_mismatch' } };

  const state = get('state');
  const rawType = get('response_type');
  const responseType: 'code' | 'token' | undefined = rawType === 'code' || rawType === 'token' ? rawType : undefined;
  const fail = (error: string, description: string): { ok: false; error: AuthorizeError } => ({ ok: false, error: { kind: 'redirect', redirectUri, responseType, error, description, ...(state !== undefined ? { state } : {}) } });

  for (const name of CARRIED) if ((get(name)?.length ?? 0) > MAX_PARAM) return fail('invalid_request', `${name} is too long`);
  if (get('request') !== undefined) return fail('request_not_supported', 'request objects are not supported');
  if (get('request_uri') !== undefined) return fail('request_uri_not_supported', 'request_uri is not supported');
  if (!rawType) return fail('invalid_request', 'response_type is required');
  if (!responseType) return fail('unsupported_response_type', 'response_type must be code or token');

  const settings = party.client.settings;
  const flows = settings.AllowedOAuthFlowsUserPoolClient ? (settings.AllowedOAuthFlows ?? []) : [];
  // Implicit only for clients that allow it (security.md P20).
  if (!flows.includes(responseType === 'code' ? 'code' : 'implicit')) return fail('unauthorized_client', `the client is not allowed the ${responseType} response type`);

  // Scopes: those asked for, each allowed to the client and still existing; none asked = all allowed (domain/oauth/scopes.ts).
  const granted = await scopesForRequest(cognate, party.pool.id, settings.AllowedOAuthScopes, get('scope')?.split(/[ +]+/), responseType === 'code' ? 'code' : 'implicit');
  if ('error' in granted) return fail('invalid_scope', `the scope ${granted.scope} is not allowed for this client`);
  const scopes = granted.scopes;

  const chosen = await chooseProvider(cognate, party, get);
  if ('error' in chosen) return fail(chosen.error, chosen.description);

  const method = get('code_challenge_method');
  const challenge = get('code_challenge');
  if (method !== undefined && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  if (challenge !== undefined && method === undefined) return fail('invalid_request', 'code_challenge_method is required (S256)');
  if (method !== undefined && challenge === undefined) return fail('invalid_request', 'code_challenge is required with code_challenge_method');
  if (challenge !== undefined && !S256_CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters)');
  // A client without a secret can't authenticate at the token endpoint: PKCE is its proof (security.md A08).
  if (responseType === 'code' && !party.client.secret && challenge === undefined) return fail('invalid_request', 'code_challenge is required for public clients');

  const promptValues = (get('prompt') ?? '').split(' ').filter(Boolean);
  if (promptValues.some((p) => !PROMPTS.has(p))) return fail('invalid_request', 'unsupported prompt value');
  if (promptValues.includes('none') && promptValues.length > 1) return fail('invalid_request', 'prompt=none can not be combined with other values');
  const prompt = promptValues.includes('none') ? 'none' : promptValues.includes('login') ? 'login' : undefined;

  const rawMaxAge = get('max_age');
  const maxAge = rawMaxAge === undefined ? undefined : /^\d{1,10}$/.test(rawMaxAge) ? Number(rawMaxAge) : NaN;
  if (Number.isNaN(maxAge)) return fail('invalid_request', 'max_age must be a number of seconds');

  const nonce = get('nonce');
  const loginHint = get('login_hint');
  const carried = new URLSearchParams();
  for (const name of CARRIED) {
    const value = get(name);
    if (value !== undefined) carried.set(name, value);
  }
  const request: AuthorizeRequest = {
    party,
    responseType,
    redirectUri,
    scopes,
    query: carried.toString(),
    cognito: chosen.cognito,
    externalProviders: chosen.external,
    providerNamed: chosen.provider !== undefined && (get('identity_provider') !== undefined || get('idp_identifier') !== undefined),
    ...(chosen.provider ? { provider: chosen.provider } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    ...(challenge !== undefined ? { codeChallenge: challenge } : {}),
    ...(prompt ? { prompt } : {}),
    ...(maxAge !== undefined ? { maxAge } : {}),
    ...(loginHint !== undefined ? { loginHint } : {}),
  };
  return { ok: true, request };
}

type ProviderChoice = { cognito: boolean; external: string[]; provider?: IdentityProvider } | { error: string; description: string };

/**
 * Which identity provider the request is for (the client's SupportedIdentityProviders): `identity_provider`
 * (COGNITO or a provider's name), `idp_identifier` (one of a provider's IdpIdentifiers), or, when
 * neither is given and the client's only provider is an external one, that provider.
 */
async function chooseProvider(cognate: Cognate, party: OAuthParty, get: Params): Promise<ProviderChoice> {
  const supported = party.client.settings.SupportedIdentityProviders ?? [];
  const cognito = supported.includes('COGNITO');
  const external = supported.filter((p) => p !== 'COGNITO');
  const name = get('identity_provider');
  const identifier = get('idp_identifier');
  if (name === undefined && identifier === undefined) {
    if (supported.length === 0) return { error: 'unauthorized_client', description: 'no identity provider is enabled for this client' };
    if (cognito || external.length > 1) return { cognito, external };
    const only = await findIdentityProvider(cognate, party.pool, external[0]!);
    return only ? { cognito, external, provider: only } : { error: 'unauthorized_client', description: 'no identity provider is enabled for this client' };
  }
  if (name === 'COGNITO') return cognito ? { cognito, external } : { error: 'invalid_request', description: 'identity_provider is not supported for this client' };
  const provider = name !== undefined ? await findIdentityProvider(cognate, party.pool, name) : await findIdentityProviderByIdentifier(cognate, party.pool, identifier!);
  if (!provider) return { error: 'invalid_request', description: name !== undefined ? 'identity_provider is not supported for this client' : 'no identity provider has that identifier' };
  if (!external.includes(provider.name)) return { error: 'invalid_request', description: 'identity_provider is not supported for this client' };
  return { cognito, external, provider };
}

/** `uri` with `params` added: to the query for a code, to the fragment for tokens (RFC 6749 §4.1.2, §4.2.2). */
export function withParams(uri: string, params: Record<string, string | undefined>, inFragment: boolean): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
  if (inFragment) return `${uri}#${search.toString()}`;
  return `${uri}${uri.includes('?') ? '&' : '?'}${search.toString()}`;
}

/** Where an error for the client goes: its redirect URI with `error`, `error_description`, `state`. */
export function errorRedirect(e: Extract<AuthorizeError, { kind: 'redirect' }>): string {
  return withParams(e.redirectUri, { error: e.error, error_description: e.description, state: e.state }, e.responseType === 'token');
}

/** The CSP form-action source for the request's redirect URI (its origin, or its scheme for an app's custom scheme). */
export function formTargetOf(redirectUri: string): string[] {
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? [url.origin] : [url.protocol];
  } catch {
    return [];
  }
}

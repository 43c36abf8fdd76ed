/**
 * OpenID Connect and OAuth 2.0 providers of a user pool (`OIDC`, and the social ones through
 * social.ts): the browser is sent to the provider's authorize endpoint with `state`, `nonce` and
 * PKCE (S256); the provider's answer at /oauth2/idpresponse is exchanged for tokens, the ID token
 * verified (tokens/id-tokens.ts: signature by the provider's JWKS, `iss`, `aud`, `exp`, `nonce`),
 * the user's attributes read (userinfo GET/POST, Facebook's Graph `/me`, Amazon's profile), and the
 * result handed to `federatedSignIn`.
 *
 * An OIDC provider's endpoints: its ProviderDetails `authorize_url`, `token_url`, `attributes_url`,
 * `jwks_uri` where given, the rest from `oidc_issuer`'s discovery document (cached 10 minutes).
 */
import type { Ports } from '../cognate.js';
import { callProvider, discover, JwksCache, ProviderUnreachable, verifyIdToken, type IdTokenFailure } from '../../tokens/id-tokens.js';
import { createHash } from 'node:crypto';
import type { IdentityProvider } from './providers.js';
import type { FederationRequest } from './requests.js';
import type { ProviderClaims, ProviderSources } from './federated-sign-in.js';
import { appleClientSecret, appleUserField, facebookProfile, isSocial, socialEndpoints, type ProviderEndpoints } from './social.js';

/** The path a provider sends the browser back to (on the pool's domain, or the server's own URL). */
export const IDP_RESPONSE_PATH = '/oauth2/idpresponse';

/** Every ID token of every provider is verified with these keys (per JWKS URL). */
const jwks = new JwksCache();

/**
 * Why a provider's answer was not accepted. `error` is the OAuth error the app's redirect URI gets;
 * `reason` is for the log (never shown: it may name what an attacker changed).
 */
export class FederationFailure extends Error {
  constructor(
    readonly error: 'access_denied' | 'invalid_request' | 'server_error' | 'temporarily_unavailable',
    readonly reason: string,
  ) {
    super(reason);
  }
}

const trimmedIssuers = (issuer: string) => [...new Set([issuer, issuer.replace(/\/+$/, ''), `${issuer.replace(/\/+$/, '')}/`])];

/** An OIDC provider's endpoints: explicit ProviderDetails first, then its issuer's discovery document. */
export async function oidcEndpoints(now: number, provider: IdentityProvider): Promise<ProviderEndpoints> {
  const d = provider.details;
  const issuer = d.oidc_issuer!;
  const explicit = d.authorize_url && d.token_url && d.jwks_uri && d.attributes_url;
  const doc = explicit ? undefined : await discover(issuer, now);
  const authorizeUrl = d.authorize_url ?? doc?.authorization_endpoint;
  const tokenUrl = d.token_url ?? doc?.token_endpoint;
  const jwksUri = d.jwks_uri ?? doc?.jwks_uri;
  const attributesUrl = d.attributes_url ?? doc?.userinfo_endpoint;
  if (!authorizeUrl || !tokenUrl || !jwksUri) throw new ProviderUnreachable(`${provider.name} endpoints`);
  const methods = doc?.token_endpoint_auth_methods_supported;
  return {
    authorizeUrl,
    tokenUrl,
    tokenRequestMethod: 'POST',
    // client_secret_post, unless the provider says it only takes HTTP Basic.
    tokenAuth: methods && !methods.includes('client_secret_post') && methods.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post',
    ...(attributesUrl ? { attributesUrl } : {}),
    attributesMethod: d.attributes_request_method === 'POST' ? 'POST' : 'GET',
    jwksUri,
    issuers: trimmedIssuers(issuer),
    pkce: true,
    formPost: false,
  };
}

/**
 * An OIDC provider's ProviderDetails as stored (and described): the endpoints its issuer's discovery
 * document gives filled in where the details don't name them, as Cognito's DescribeIdentityProvider
 * shows them. An issuer that can't be reached now leaves them out: they are discovered at sign-in.
 */
export async function withDiscoveredEndpoints(now: number, details: Record<string, string>): Promise<Record<string, string>> {
  if (details.authorize_url && details.token_url && details.attributes_url && details.jwks_uri) return details;
  let doc;
  try {
    doc = await discover(details.oidc_issuer!, now);
  } catch (err) {
    if (err instanceof ProviderUnreachable) return details;
    throw err;
  }
  const found: Record<string, string | undefined> = { authorize_url: doc.authorization_endpoint, token_url: doc.token_endpoint, attributes_url: doc.userinfo_endpoint, jwks_uri: doc.jwks_uri };
  const out = { ...details };
  for (const [k, v] of Object.entries(found)) if (out[k] === undefined && v !== undefined) out[k] = v;
  return out;
}

/** Any provider's endpoints but SAML's. */
export async function endpointsOf(cognate: Ports<'clock' | 'config'>, provider: IdentityProvider): Promise<ProviderEndpoints> {
  const now = cognate.clock.now();
  if (provider.type === 'OIDC') return oidcEndpoints(now, provider);
  if (isSocial(provider.type)) return socialEndpoints(cognate.config, now, provider as IdentityProvider & { type: typeof provider.type });
  throw new Error(`not an OAuth provider: ${provider.type}`);
}

/** The scopes asked of the provider: its authorize_scopes (Facebook's commas kept as they are). */
function scopesOf(provider: IdentityProvider): string {
  const s = (provider.details.authorize_scopes ?? '').trim();
  return provider.type === 'Facebook' ? s : s.split(/ +/).join(' ');
}

/**
 * Where the browser goes: the provider's authorize endpoint with `response_type=code`, our
 * `redirect_uri`, the scopes, `state`, the `nonce` (providers with ID tokens) and the PKCE S256
 * challenge of the request's verifier; Apple answers with `response_mode=form_post`.
 */
export async function authorizationUrl(cognate: Ports<'clock' | 'config'>, provider: IdentityProvider, request: FederationRequest, input: { redirectUri: string; state: string }): Promise<string> {
  const endpoints = await endpointsOf(cognate, provider);
  const url = new URL(endpoints.authorizeUrl);
  const params: Record<string, string> = { response_type: 'code', client_id: provider.details.client_id ?? '', redirect_uri: input.redirectUri, scope: scopesOf(provider), state: input.state };
  if (endpoints.issuers.length > 0) params.nonce = request.nonce;
  if (endpoints.pkce) {
    params.code_challenge = createHash('sha256').update(request.codeVerifier).digest('base64url');
    params.code_challenge_method = 'S256';
  }
  if (endpoints.formPost) params.response_mode = 'form_post';
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** A JSON value as a provider attribute: strings as they are, numbers and booleans as text, objects as JSON. */
function asClaims(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return out;
}

const ID_TOKEN_REASONS: Record<IdTokenFailure, string> = {
  malformed: 'the ID token is malformed',
  issuer: 'the ID token is from another issuer',
  signature: "the ID token's signature does not verify with the provider's keys",
  expired: 'the ID token has expired',
  audience: 'the ID token is for another audience',
  claims: 'the ID token has no sub',
  nonce: "the ID token's nonce is not the request's",
};

/** The token endpoint's answer for the code (RFC 6749 §4.1.3), with the client's authentication as the provider wants it. */
async function exchangeCode(cognate: Ports<'clock'>, provider: IdentityProvider, endpoints: ProviderEndpoints, request: FederationRequest, input: { code: string; redirectUri: string }): Promise<Record<string, unknown>> {
  const d = provider.details;
  const clientId = d.client_id ?? '';
  const secret = provider.type === 'SignInWithApple' ? appleClientSecret(provider, endpoints.issuers[0]!, cognate.clock.now()) : (d.client_secret ?? '');
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri });
  if (endpoints.pkce) form.set('code_verifier', request.codeVerifier);
  const headers: Record<string, string> = {};
  if (endpoints.tokenAuth === 'client_secret_basic') {
    // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
  } else {
    form.set('client_id', clientId);
    form.set('client_secret', secret);
  }
  const answer =
    endpoints.tokenRequestMethod === 'GET'
      ? await callProvider(`${endpoints.tokenUrl}?${form}`, { headers })
      : await callProvider(endpoints.tokenUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const body = answer.body as Record<string, unknown> | undefined;
  if (answer.status !== 200 || !body || typeof body !== 'object' || typeof body.access_token !== 'string') {
    const error = body && typeof body.error === 'string' ? body.error : `status ${answer.status}`;
    throw new FederationFailure('invalid_request', `the provider refused the code (${error})`);
  }
  return body;
}

/** The userinfo endpoint's claims (GET, or POST as attributes_request_method says), with the access token. */
async function userInfo(endpoints: ProviderEndpoints, accessToken: string): Promise<Record<string, unknown>> {
  const url = endpoints.attributesUrl!;
  const answer =
    endpoints.attributesMethod === 'POST'
      ? await callProvider(url, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
      : await callProvider(url, { headers: { authorization: `Bearer ${accessToken}` } });
  if (answer.status !== 200 || !answer.body || typeof answer.body !== 'object' || Array.isArray(answer.body)) throw new FederationFailure('server_error', `the provider's attributes endpoint answered ${answer.status}`);
  return answer.body as Record<string, unknown>;
}

/** What the provider's answer proved: the user's stable id at the provider and their attributes. */
export interface ProviderIdentity {
  subject: string;
  claims: ProviderClaims;
  sources: ProviderSources;
}

/**
 * The provider's answer, checked: the code exchanged (with our PKCE verifier), the ID token
 * verified against the request's nonce, the attributes read. `extra` are the other fields of the
 * answer: Apple's `user`, and `iss` (RFC 9207), which must be the provider's when given. Throws {@link FederationFailure}.
 */
export async function completeAtProvider(
  cognate: Ports<'clock' | 'config'>,
  provider: IdentityProvider,
  request: FederationRequest,
  input: { code: string; redirectUri: string; extra?: { user?: string; iss?: string } },
): Promise<ProviderIdentity> {
  try {
    const endpoints = await endpointsOf(cognate, provider);
    // RFC 9207: a provider that names itself in its answer must name itself (mix-up defence).
    const iss = input.extra?.iss;
    if (iss !== undefined && endpoints.issuers.length > 0 && !endpoints.issuers.includes(iss)) throw new FederationFailure('invalid_request', "the answer's iss is another provider's");
    const tokens = await exchangeCode(cognate, provider, endpoints, request, input);
    const accessToken = tokens.access_token as string;
    let idClaims: Record<string, unknown> = {};
    if (endpoints.issuers.length > 0) {
      if (typeof tokens.id_token !== 'string') throw new FederationFailure('invalid_request', 'the provider answered no ID token');
      const checked = await verifyIdToken(jwks, { token: tokens.id_token, jwksUri: endpoints.jwksUri!, issuers: endpoints.issuers, audiences: [provider.details.client_id ?? ''], azp: true, nonce: request.nonce, now: cognate.clock.now() });
      if (!checked.ok) throw new FederationFailure('invalid_request', ID_TOKEN_REASONS[checked.reason]);
      idClaims = checked.claims;
    }
    let attributes: Record<string, unknown> = {};
    if (provider.type === 'Facebook') {
      const me = await facebookProfile(provider, endpoints.attributesUrl!, accessToken);
      if (!me || typeof me.id !== 'string') throw new FederationFailure('server_error', "Facebook's Graph API did not answer the user");
      attributes = me;
    } else if (provider.type === 'LoginWithAmazon') {
      attributes = await userInfo(endpoints, accessToken);
      if (typeof attributes.user_id !== 'string') throw new FederationFailure('server_error', "Amazon's profile has no user_id");
    } else if (endpoints.attributesUrl) {
      attributes = await userInfo(endpoints, accessToken);
      // OIDC Core §5.3.2: the userinfo sub must be the ID token's.
      if (attributes.sub !== idClaims.sub) throw new FederationFailure('invalid_request', "the userinfo sub is not the ID token's");
    }
    const subject = provider.type === 'Facebook' ? (attributes.id as string) : provider.type === 'LoginWithAmazon' ? (attributes.user_id as string) : (idClaims.sub as string);
    const apple = provider.type === 'SignInWithApple' ? appleUserField(input.extra?.user) : {};
    const idToken = asClaims(idClaims);
    const info = asClaims(attributes);
    const claims: ProviderClaims = { ...idToken, ...info, ...apple, sub: subject };
    const tokenResponse = asClaims(tokens);
    return {
      subject,
      claims,
      sources: { tokenResponse, ...(endpoints.issuers.length > 0 ? { idToken } : {}), ...(Object.keys(info).length > 0 || Object.keys(apple).length > 0 ? { userInfo: { ...info, ...apple } } : {}) },
    };
  } catch (err) {
    if (err instanceof ProviderUnreachable) throw new FederationFailure('temporarily_unavailable', err.message);
    throw err;
  }
}

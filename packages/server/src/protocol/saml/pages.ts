/**
 * The SAML endpoints of a user pool's domain (Cognito's saml2-idpresponse-endpoint and
 * saml2-logout-endpoint):
 * - `POST /saml2/idpresponse` (the assertion consumer service, POST binding): the IdP's SAMLResponse
 *   and RelayState. SP-initiated: RelayState is `<poolId>.<FederationRequest id>` (taken once), whose app
 *   request is parsed again from its `returnQuery`. IdP-initiated: RelayState holds the app's
 *   authorize parameters (`client_id`, `redirect_uri`, `response_type`, `scope`, `identity_provider`
 *   or `idp_identifier`), checked like `/oauth2/authorize`'s. Then domain/federation/saml-sign-in.ts
 *   verifies the response and signs the person in, and the app gets its code (complete.ts).
 *   No CSRF token: the IdP's page posts here cross-site by design; the signed assertion, bound to
 *   the single-use request (or refused unless IDPInit), is the proof.
 * - `GET|POST /saml2/logout`: the IdP's LogoutResponse after `/logout` sent it a LogoutRequest
 *   (IDPSignout); it continues to the app's logout URI (or back to sign-in).
 * The SP entity ID is `urn:amazon:cognito:sp:<poolId>`; the ACS URL is `<domain>/saml2/idpresponse`
 * on a pool's domain, `<public URL>/saml2/idpresponse` on the server's own URL.
 */
import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { isIP } from 'node:net';
import { CognitoError } from '../../errors.js';
import type { Cognate } from '../../domain/cognate.js';
import { SAML_ASSERTION, SAML_PROTOCOL, child, parseXml, text } from '../../crypto/saml-xml.js';
import { findIdentityProvider, findIdentityProviderByIdentifier, type IdentityProvider } from '../../domain/federation/providers.js';
import { takeFederationRequest } from '../../domain/federation/requests.js';
import { openSamlLogoutState, samlAuthnRedirect, samlResponseSignIn } from '../../domain/federation/saml-sign-in.js';
import { providerMetadata } from '../../domain/federation/saml-metadata.js';
import { SamlResponseError, decodeSamlResponse, responseHints } from '../../domain/federation/saml-response.js';
import { findDomainByHost, domainUrl, type UserPoolDomain } from '../../domain/user-pool-domains.js';
import type { UserPool } from '../../domain/user-pools.js';
import { errorRedirect, type AuthorizeRequest } from '../hosted-ui/authorize-request.js';
import { finishSignIn } from '../hosted-ui/complete.js';
import { pageHandler, type HostedPage, type PageRequest } from '../hosted-ui/page.js';

/** SP-initiated RelayState: `<poolId>.<FederationRequest id>` (the pool is known on the server's own URL too, the assertion being possibly encrypted). */
const RELAY_STATE = /^([\w-]+_[0-9a-zA-Z]+)\.([A-Za-z0-9_-]{43,128})$/;
const SAML_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** The assertion consumer service URL of a request on `domain` (a pool's), or on the server's own URL. */
export function acsUrl(cognate: Cognate, domain: UserPoolDomain | undefined): string {
  return `${domain ? domainUrl(cognate.config, domain) : cognate.config.publicUrl}/saml2/idpresponse`;
}

/** Sends the browser to a SAML provider for this authorization request (SP-initiated sign-in). */
export async function samlRedirect(page: PageRequest, request: AuthorizeRequest, provider: IdentityProvider): Promise<Response> {
  const { pool, client, domain } = request.party;
  try {
    const { url, requestId } = await samlAuthnRedirect(page.cognate, { pool, client, provider, returnQuery: request.query, acsUrl: acsUrl(page.cognate, domain) });
    page.addCookie(page.ui.federationBinding.setCookie(page.secure, requestId));
    return page.redirect(url);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    // The provider's metadata can't be read now (its MetadataURL is down or changed).
    page.cognate.log.warn({ provider: provider.name, err: err.message }, 'SAML provider metadata unavailable');
    return page.redirect(errorRedirect({ kind: 'redirect', redirectUri: request.redirectUri, responseType: request.responseType, error: 'server_error', description: 'the identity provider is not available', ...(request.state !== undefined ? { state: request.state } : {}) }));
  }
}

const hostName = (host: string) => (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, ''));

async function domainOf(page: PageRequest): Promise<UserPoolDomain | undefined> {
  const host = page.c.req.header('host');
  return host && !isIP(hostName(host)) ? findDomainByHost(page.cognate, host) : undefined;
}

async function formBody(page: PageRequest): Promise<Record<string, string> | undefined> {
  try {
    const body = await page.c.req.parseBody({ all: false });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** The error for the app, at its redirect URI (the app's request is known and trusted by now). */
function refusedFor(page: PageRequest, request: AuthorizeRequest, description: string): Response {
  return page.redirect(errorRedirect({ kind: 'redirect', redirectUri: request.redirectUri, responseType: request.responseType, error: 'invalid_request', description, ...(request.state !== undefined ? { state: request.state } : {}) }));
}

async function idpResponse(page: PageRequest): Promise<Response> {
  const cognate = page.cognate;
  const body = await formBody(page);
  const xml = decodeSamlResponse(body?.SAMLResponse);
  const hints = xml ? responseHints(xml) : undefined;
  if (!body || !xml || !hints) return page.errorPage(page.t.errorBadRequest, 400);
  const relayState = body.RelayState ?? body.Relaystate;

  const domain = await domainOf(page);
  let pool: UserPool | undefined;
  let request: AuthorizeRequest | Response;
  let provider: IdentityProvider | undefined;
  let inResponseTo: string | undefined;
  if (hints.inResponseTo !== undefined) {
    // SP-initiated: the RelayState is `<poolId>.<FederationRequest id>`, the request used once.
    const m = RELAY_STATE.exec(relayState ?? '');
    if (!m || (domain && domain.poolId !== m[1])) return page.errorPage(page.t.errorBadRequest, 400);
    // Only the browser that was sent to the IdP may bring its answer back (login CSRF).
    if (!page.ui.federationBinding.check(page.c, page.secure, m[2]!)) return page.errorPage(page.t.errorBadRequest, 400);
    page.addCookie(page.ui.federationBinding.clearCookie(page.secure, m[2]!));
    pool = await cognate.pools.find(m[1]!);
    // Over the pool's UserFederation rate: refused before the single-use request is spent.
    if (pool && !page.withinRateLimit(pool.id)) return page.tooManyRequests();
    const federation = pool ? await takeFederationRequest(cognate, pool, m[2]!) : undefined;
    if (!pool || !federation) return page.errorPage(page.t.errorBadRequest, 400);
    const params = new URLSearchParams(federation.returnQuery);
    request = await page.authorizeRequest((name) => params.get(name) ?? undefined);
    if (request instanceof Response) return request;
    if (request.party.client.id !== federation.clientId || request.party.pool.id !== pool.id) return page.errorPage(page.t.errorBadRequest, 400);
    provider = await findIdentityProvider(cognate, pool, federation.providerName);
    inResponseTo = `_${federation.id}`;
  } else {
    // IdP-initiated: the RelayState is the app's authorize request (its client names the pool).
    const params = new URLSearchParams(relayState ?? '');
    request = await page.authorizeRequest((name) => params.get(name) ?? undefined);
    if (request instanceof Response) return request;
    pool = request.party.pool;
    if (!page.withinRateLimit(pool.id)) return page.tooManyRequests();
    const name = params.get('identity_provider');
    const identifier = params.get('idp_identifier');
    provider = name ? await findIdentityProvider(cognate, pool, name) : identifier ? await findIdentityProviderByIdentifier(cognate, pool, identifier) : undefined;
    if (!provider || !(request.party.client.settings.SupportedIdentityProviders ?? []).includes(provider.name)) return refusedFor(page, request, 'identity_provider is not supported for this client');
  }
  if (!provider) return refusedFor(page, request, 'the identity provider no longer exists');

  try {
    const signedIn = await samlResponseSignIn(cognate, { pool, client: request.party.client, provider, xml, acsUrl: acsUrl(cognate, domain), inResponseTo, previousSecret: page.sentCookie });
    return await finishSignIn(page, request, signedIn);
  } catch (err) {
    if (err instanceof SamlResponseError) {
      cognate.log.info({ pool: pool.id, provider: provider.name, reason: err.message }, 'SAML response refused');
      return refusedFor(page, request, 'Invalid samlResponse or relayState from identity provider');
    }
    if (err instanceof CognitoError) return refusedFor(page, request, err.message);
    throw err;
  }
}

/** A redirect-binding signature (SAML Bindings §3.4.4.1) over the query as received, checked against the IdP's certificates. */
function redirectSignatureValid(rawQuery: string, certificates: readonly string[]): boolean {
  try {
    const parts = new Map(rawQuery.split('&').map((p) => [p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('=')), p] as const));
    const signature = parts.get('Signature');
    const sigAlg = parts.get('SigAlg');
    if (!signature || !sigAlg || decodeURIComponent(sigAlg.slice('SigAlg='.length)) !== 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') return false;
    const signed = ['SAMLResponse', 'RelayState', 'SigAlg'].map((k) => parts.get(k)).filter((p): p is string => p !== undefined).join('&');
    const sig = Buffer.from(decodeURIComponent(signature.slice('Signature='.length)), 'base64');
    return certificates.some((cert) => createVerify('RSA-SHA256').update(signed).verify(cert, sig));
  } catch {
    // malformed percent-encoding or a certificate that doesn't load
    return false;
  }
}

async function logoutResponse(page: PageRequest): Promise<Response> {
  const cognate = page.cognate;
  const isPost = page.c.req.method === 'POST';
  const fields = isPost ? await formBody(page) : { SAMLResponse: page.c.req.query('SAMLResponse') ?? '', RelayState: page.c.req.query('RelayState') ?? '' };
  const state = openSamlLogoutState(cognate, fields?.RelayState);
  if (!fields?.SAMLResponse || !state) return page.errorPage(page.t.errorBadRequest, 400);
  let xml: string | undefined;
  try {
    const raw = Buffer.from(fields.SAMLResponse, 'base64');
    xml = (isPost ? raw : inflateRawSync(raw, { maxOutputLength: 256 * 1024 })).toString('utf8');
  } catch {
    xml = undefined;
  }
  const root = xml ? parseXml(xml)?.documentElement : undefined;
  if (!root || root.namespaceURI !== SAML_PROTOCOL || root.localName !== 'LogoutResponse' || root.getAttribute('InResponseTo') !== state.requestId) return page.errorPage(page.t.errorBadRequest, 400);
  const pool = await cognate.pools.find(state.poolId);
  const provider = pool ? await findIdentityProvider(cognate, pool, state.providerName) : undefined;
  if (provider) {
    const metadata = await providerMetadata(cognate, provider);
    if (text(child(root, SAML_ASSERTION, 'Issuer')) !== metadata.entityId) return page.errorPage(page.t.errorBadRequest, 400);
    // Signed by the redirect binding: the signature must hold. (The sealed RelayState and the unguessable InResponseTo bind an unsigned one.)
    const rawQuery = new URL(page.c.req.url).search.slice(1);
    if (!isPost && rawQuery.includes('Signature=') && !redirectSignatureValid(rawQuery, metadata.signingCertificates)) return page.errorPage(page.t.errorBadRequest, 400);
  }
  const status = child(root, SAML_PROTOCOL, 'Status');
  const code = status && child(status, SAML_PROTOCOL, 'StatusCode')?.getAttribute('Value');
  // The session here ended already at /logout; an IdP that could not end its own is only logged.
  if (code !== SAML_SUCCESS) cognate.log.info({ provider: state.providerName, status: code }, 'SAML IdP logout did not succeed');
  return page.redirect(state.continueTo);
}

export const samlPages: HostedPage = {
  paths: ['/saml2/idpresponse', '/saml2/logout'],
  /** SAML responses are larger than forms: Cognito takes up to 100,000 characters. */
  bodyLimitBytes: 160 * 1024,
  register(app, ui) {
    app.post('/saml2/idpresponse', pageHandler(ui, idpResponse));
    app.get('/saml2/logout', pageHandler(ui, logoutResponse));
    app.post('/saml2/logout', pageHandler(ui, logoutResponse));
  },
};

/**
 * A SAML IdP's metadata (MetadataURL or MetadataFile of a SAML provider): its entity ID, the
 * IDPSSODescriptor's SingleSignOnService and SingleLogoutService endpoints by binding, and its
 * signing certificates. Cognito checks the metadata when the provider is created or updated
 * (cognito-user-pools-saml-idp-things-to-know: the signing certificate must not be expired; each
 * certificate at most 4,096 characters; several certificates are all accepted at sign-in).
 *
 * A MetadataURL is fetched at Create/UpdateIdentityProvider and again at sign-in, kept in this
 * process for at most {@link METADATA_CACHE_MS} (a rotated IdP certificate is seen within that).
 */
import { X509Certificate } from 'node:crypto';
import { errors } from '../../errors.js';
import { SAML_METADATA, all, certificatePem, child, children, keyDescriptorCertificates, parseXml, type XmlElement } from '../../crypto/saml-xml.js';
import type { Ports } from '../cognate.js';
import type { IdentityProvider } from './providers.js';

export const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface IdpMetadata {
  entityId: string;
  ssoRedirect?: string;
  ssoPost?: string;
  sloRedirect?: string;
  sloPost?: string;
  /** signing certificates, PEM */
  signingCertificates: string[];
}

const MAX_METADATA_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 5000;
/** How long a fetched MetadataURL document serves sign-ins on this node. */
export const METADATA_CACHE_MS = 60 * 60_000;
const MAX_CACHED = 500;

const bad = (why: string) => errors.invalidParameter(`Invalid SAML metadata: ${why}`);

function endpoint(descriptor: XmlElement, name: string, binding: string): string | undefined {
  return children(descriptor, SAML_METADATA, name).find((e) => e.getAttribute('Binding') === binding)?.getAttribute('Location') ?? undefined;
}

/** Parses IdP metadata; throws InvalidParameterException naming what is wrong. `now` judges the certificates. */
export function parseIdpMetadata(xml: string, now: number): IdpMetadata {
  const doc = parseXml(xml);
  if (!doc) throw bad('the document is not well-formed XML.');
  let entity: XmlElement | undefined = doc.documentElement!;
  if (entity.namespaceURI === SAML_METADATA && entity.localName === 'EntitiesDescriptor') {
    const entities = all(doc, SAML_METADATA, 'EntityDescriptor').filter((e) => child(e, SAML_METADATA, 'IDPSSODescriptor'));
    if (entities.length !== 1) throw bad('it must describe exactly one identity provider.');
    entity = entities[0];
  }
  if (!entity || entity.namespaceURI !== SAML_METADATA || entity.localName !== 'EntityDescriptor') throw bad('there is no EntityDescriptor.');
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) throw bad('the EntityDescriptor has no entityID.');
  const idp = child(entity, SAML_METADATA, 'IDPSSODescriptor');
  if (!idp) throw bad('there is no IDPSSODescriptor.');
  const certs = keyDescriptorCertificates(idp, 'signing');
  if (certs.length === 0) throw bad('the IDPSSODescriptor has no signing certificate.');
  const signingCertificates: string[] = [];
  for (const b64 of certs) {
    if (b64.length > 4096) throw bad('a signing certificate is longer than 4096 characters.');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certificatePem(b64));
    } catch {
      throw bad('a signing certificate is not an X.509 certificate.');
    }
    if (Date.parse(cert.validTo) <= now) throw bad('the signing certificate has expired.');
    signingCertificates.push(certificatePem(b64));
  }
  const out: IdpMetadata = { entityId, signingCertificates };
  const set = (key: 'ssoRedirect' | 'ssoPost' | 'sloRedirect' | 'sloPost', value: string | undefined) => {
    if (value) out[key] = value;
  };
  set('ssoRedirect', endpoint(idp, 'SingleSignOnService', REDIRECT_BINDING));
  set('ssoPost', endpoint(idp, 'SingleSignOnService', POST_BINDING));
  set('sloRedirect', endpoint(idp, 'SingleLogoutService', REDIRECT_BINDING));
  set('sloPost', endpoint(idp, 'SingleLogoutService', POST_BINDING));
  // Cognito sends AuthnRequests by the HTTP-Redirect binding (SSORedirectBindingURI).
  if (!out.ssoRedirect) throw bad('the IDPSSODescriptor has no SingleSignOnService with the HTTP-Redirect binding.');
  for (const url of [out.ssoRedirect, out.ssoPost, out.sloRedirect, out.sloPost]) {
    if (url !== undefined && !/^https?:\/\//i.test(url)) throw bad(`${url} is not an http(s) URL.`);
  }
  return out;
}

/** Fetches a MetadataURL (already checked to be https, or http on a loopback host). */
export async function fetchMetadata(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
  } catch {
    throw errors.invalidParameter(`Unable to retrieve the SAML metadata from ${url}.`);
  }
  if (!res.ok) throw errors.invalidParameter(`Unable to retrieve the SAML metadata from ${url} (HTTP ${res.status}).`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_METADATA_BYTES) throw errors.invalidParameter(`The SAML metadata at ${url} is too large.`);
  return body.toString('utf8');
}

const cache = new Map<string, { xml: string; at: number }>();

/** Keeps a document just fetched (at Create/UpdateIdentityProvider) for this node's sign-ins. */
export function rememberMetadata(url: string, xml: string, now: number): void {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(url, { xml, at: now });
}

/** The metadata a SAML provider signs in with: its MetadataFile, or its MetadataURL's document (cached). */
export async function providerMetadata(cognate: Ports<'clock'>, provider: IdentityProvider): Promise<IdpMetadata> {
  const now = cognate.clock.now();
  const file = provider.details.MetadataFile;
  if (file) return parseIdpMetadata(file, now);
  const url = provider.details.MetadataURL ?? '';
  const hit = cache.get(url);
  if (hit && now - hit.at < METADATA_CACHE_MS) return parseIdpMetadata(hit.xml, now);
  const xml = await fetchMetadata(url);
  const parsed = parseIdpMetadata(xml, now);
  rememberMetadata(url, xml, now);
  return parsed;
}

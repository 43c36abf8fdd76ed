/**
 * ProviderDetails at CreateIdentityProvider and UpdateIdentityProvider: which keys each provider
 * type takes, which it needs, and their formats (the API reference's ProviderDetails list,
 * API_CreateIdentityProvider). One function per type; each returns the details to store, which
 * DescribeIdentityProvider answers (with the secrets it echoes: provider-admin.ts).
 *
 * - URLs are absolute `https` URLs; `http` only for a loopback host (localhost, *.localhost,
 *   127.0.0.0/8, [::1]) so local providers work in development and tests (issue 13).
 * - Keys DescribeIdentityProvider adds (the endpoints Cognito fills in, `attributes_url_add_attributes`,
 *   SAML's binding URIs and certificate) are accepted on input, as Cognito accepts a Describe
 *   answer given back to Update (Terraform and CloudFormation do), and replaced by what this
 *   server computes.
 */
import { createPrivateKey } from 'node:crypto';
import { errors } from '../../errors.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';
import { findIdentityProvider, type IdentityProvider, type ProviderType } from './providers.js';
import { withDiscoveredEndpoints } from './oidc.js';
import { providerEncryptionKey } from './saml-keys.js';
import { fetchMetadata, parseIdpMetadata, rememberMetadata } from './saml-metadata.js';

export type SocialType = Extract<ProviderType, 'Google' | 'Facebook' | 'LoginWithAmazon' | 'SignInWithApple'>;

/** What a validator is given: the pool, the provider's name, the details asked for, and the provider as stored before an update. */
export interface DetailsInput {
  pool: UserPool;
  name: string;
  details: Record<string, string>;
  previous?: IdentityProvider | undefined;
}

/** The ports a validator may use (fed-oidc's discovery and fed-saml's metadata fetch read config and log). */
export type DetailsPorts = Ports<'clock' | 'config' | 'log' | 'secrets' | 'store'>;

const LOOPBACK_HOST = /^(?:localhost|[a-z0-9.-]+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Whether `value` is an https URL, or an http URL of a loopback host. */
export function isProviderUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
}

function checkKeys(type: ProviderType, details: Record<string, string>, allowed: ReadonlySet<string>): void {
  const unknown = Object.keys(details).filter((k) => !allowed.has(k));
  if (unknown.length > 0) throw errors.invalidParameter(`Invalid provider details keys for ${type}: ${unknown.sort().join(', ')}`);
}

function checkRequired(details: Record<string, string>, required: readonly string[], message: string): void {
  if (required.some((k) => details[k] === undefined || details[k].trim() === '')) throw errors.invalidParameter(message);
}

function checkUrl(details: Record<string, string>, key: string): void {
  const v = details[key];
  if (v !== undefined && !isProviderUrl(v)) throw errors.invalidParameter(`${key} must be an https URL (http only for a loopback host): ${v}`);
}

function checkBoolean(details: Record<string, string>, key: string): void {
  const v = details[key];
  if (v !== undefined && v !== 'true' && v !== 'false') throw errors.invalidParameter(`${key} must be true or false.`);
}

/** Scopes: printable ASCII words (RFC 6749 §3.3 scope-token), separated by spaces (Facebook: commas too). */
function checkScopes(details: Record<string, string>, separators: RegExp): string[] {
  const scopes = (details.authorize_scopes ?? '').split(separators).filter((s) => s !== '');
  if (scopes.length === 0 || scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) throw errors.invalidParameter('authorize_scopes must be a list of scopes.');
  return scopes;
}

const pick = (details: Record<string, string>, keys: Iterable<string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k of keys) if (details[k] !== undefined) out[k] = details[k];
  return out;
};

const OIDC_INPUT = ['client_id', 'client_secret', 'attributes_request_method', 'oidc_issuer', 'authorize_scopes', 'authorize_url', 'token_url', 'attributes_url', 'jwks_uri'];
const OIDC_DESCRIBED = ['attributes_url_add_attributes', 'token_request_method'];

/**
 * OIDC: client_id, client_secret, attributes_request_method (GET or POST), oidc_issuer and
 * authorize_scopes (with `openid`); authorize_url, token_url, attributes_url and jwks_uri where
 * the issuer's discovery document doesn't give them.
 */
export async function validateOidcDetails(cognate: DetailsPorts, input: DetailsInput): Promise<Record<string, string>> {
  const d = input.details;
  checkKeys('OIDC', d, new Set([...OIDC_INPUT, ...OIDC_DESCRIBED]));
  checkRequired(d, ['client_id', 'client_secret', 'attributes_request_method', 'oidc_issuer', 'authorize_scopes'], 'client_id, client_secret, attributes_request_method, oidc_issuer and authorize_scopes are all required idp details');
  if (d.attributes_request_method !== 'GET' && d.attributes_request_method !== 'POST') throw errors.invalidParameter('attributes_request_method must be GET or POST.');
  for (const key of ['oidc_issuer', 'authorize_url', 'token_url', 'attributes_url', 'jwks_uri']) checkUrl(d, key);
  if (!checkScopes(d, / +/).includes('openid')) throw errors.invalidParameter('authorize_scopes must include openid for an OIDC provider.');
  // The endpoints the issuer's discovery document gives are filled in, as Cognito describes them (oidc.ts).
  return { ...(await withDiscoveredEndpoints(cognate.clock.now(), pick(d, OIDC_INPUT))), attributes_url_add_attributes: 'false' };
}

const SOCIAL_INPUT: Record<SocialType, readonly string[]> = {
  Google: ['client_id', 'client_secret', 'authorize_scopes'],
  LoginWithAmazon: ['client_id', 'client_secret', 'authorize_scopes'],
  Facebook: ['client_id', 'client_secret', 'authorize_scopes', 'api_version'],
  SignInWithApple: ['client_id', 'team_id', 'key_id', 'private_key', 'authorize_scopes'],
};
const SOCIAL_DESCRIBED = ['attributes_url', 'attributes_url_add_attributes', 'authorize_url', 'oidc_issuer', 'token_request_method', 'token_url'];

/**
 * Google, LoginWithAmazon: client_id, client_secret, authorize_scopes. Facebook: the same and
 * api_version (`v<major>.<minor>`). SignInWithApple: client_id, team_id, key_id, private_key (the
 * PKCS#8 PEM Apple gives, checked to be a private key) and authorize_scopes (`email`, `name`).
 * The provider's name must be its type (Cognito: "Provider X cannot be of type Google.", checked by the caller).
 */
export async function validateSocialDetails(_cognate: DetailsPorts, type: SocialType, input: DetailsInput): Promise<Record<string, string>> {
  const d = input.details;
  checkKeys(type, d, new Set([...SOCIAL_INPUT[type], ...SOCIAL_DESCRIBED]));
  const required = SOCIAL_INPUT[type].filter((k) => k !== 'api_version');
  checkRequired(d, required, type === 'SignInWithApple' ? 'client_id, team_id, key_id, private_key and authorize_scopes are all required idp details' : 'client_id, client_secret and authorize_scopes are all required idp details');
  const scopes = checkScopes(d, type === 'Facebook' ? /[ ,]+/ : / +/);
  if (type === 'SignInWithApple') {
    if (scopes.some((s) => s !== 'email' && s !== 'name')) throw errors.invalidParameter('authorize_scopes for SignInWithApple may be email and name only.');
    try {
      const key = createPrivateKey(d.private_key!.includes('-----BEGIN') ? d.private_key! : `-----BEGIN PRIVATE KEY-----\n${d.private_key}\n-----END PRIVATE KEY-----`);
      if (key.asymmetricKeyType !== 'ec') throw new Error('not an EC key');
    } catch {
      throw errors.invalidParameter('private_key must be the private key (PKCS#8, EC P-256) Apple issued.');
    }
  }
  if (type === 'Facebook' && d.api_version !== undefined && !/^v\d{1,2}\.\d{1,2}$/.test(d.api_version)) throw errors.invalidParameter('api_version must look like v17.0.');
  return pick(d, SOCIAL_INPUT[type]);
}

const SAML_INPUT = ['MetadataURL', 'MetadataFile', 'IDPSignout', 'IDPInit', 'EncryptedResponses', 'RequestSigningAlgorithm'];
const SAML_DESCRIBED = ['ActiveEncryptionCertificate', 'SLORedirectBindingURI', 'SSORedirectBindingURI', 'SLOPostBindingURI', 'SSOPostBindingURI'];

/**
 * SAML: MetadataURL or MetadataFile (one of them), and the optional IDPSignout, IDPInit,
 * EncryptedResponses (true/false) and RequestSigningAlgorithm (rsa-sha256 only). The metadata is
 * fetched (MetadataURL) and read (saml-metadata.ts): it must describe one IdP with a current
 * signing certificate and a SingleSignOnService by the HTTP-Redirect binding, and a
 * SingleLogoutService by that binding when IDPSignout is on. What Describe then shows besides the
 * input, as Cognito's does: SSORedirectBindingURI, SLORedirectBindingURI (and the POST binding
 * URIs), and ActiveEncryptionCertificate, the provider's own encryption certificate, when
 * EncryptedResponses is on (saml-keys.ts: made once per provider, kept across updates).
 */
export async function validateSamlDetails(cognate: DetailsPorts, input: DetailsInput): Promise<Record<string, string>> {
  const d = input.details;
  checkKeys('SAML', d, new Set([...SAML_INPUT, ...SAML_DESCRIBED]));
  const hasUrl = d.MetadataURL !== undefined && d.MetadataURL !== '';
  const hasFile = d.MetadataFile !== undefined && d.MetadataFile !== '';
  if (hasUrl === hasFile) throw errors.invalidParameter('Exactly one of MetadataURL and MetadataFile is required for a SAML provider.');
  checkUrl(d, 'MetadataURL');
  for (const key of ['IDPSignout', 'IDPInit', 'EncryptedResponses']) checkBoolean(d, key);
  if (d.RequestSigningAlgorithm !== undefined && d.RequestSigningAlgorithm !== 'rsa-sha256') throw errors.invalidParameter('RequestSigningAlgorithm must be rsa-sha256.');
  const now = cognate.clock.now();
  const document = hasFile ? d.MetadataFile! : await fetchMetadata(d.MetadataURL!);
  const metadata = parseIdpMetadata(document, now);
  if (!hasFile) rememberMetadata(d.MetadataURL!, document, now);
  if (d.IDPSignout === 'true' && !metadata.sloRedirect) throw errors.invalidParameter('IDPSignout needs a SingleLogoutService with the HTTP-Redirect binding in the SAML metadata.');
  const stored = pick(d, SAML_INPUT);
  const described: Record<string, string | undefined> = {
    SSORedirectBindingURI: metadata.ssoRedirect,
    SSOPostBindingURI: metadata.ssoPost,
    SLORedirectBindingURI: metadata.sloRedirect,
    SLOPostBindingURI: metadata.sloPost,
  };
  for (const [k, v] of Object.entries(described)) if (v !== undefined) stored[k] = v;
  if (d.EncryptedResponses === 'true') {
    // A new provider gets a key of its own; an update (or a create that will fail as a duplicate) keeps the one there is.
    const anew = !input.previous && !(await findIdentityProvider(cognate, input.pool, input.name));
    stored.ActiveEncryptionCertificate = (await providerEncryptionKey(cognate, input.pool, input.name, anew ? 'anew' : true))!.certificate;
  }
  return stored;
}

/** The validator for a provider's type. */
export async function validateProviderDetails(cognate: DetailsPorts, type: ProviderType, input: DetailsInput): Promise<Record<string, string>> {
  if (type === 'OIDC') return validateOidcDetails(cognate, input);
  if (type === 'SAML') return validateSamlDetails(cognate, input);
  return validateSocialDetails(cognate, type, input);
}

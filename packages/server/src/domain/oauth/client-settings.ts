/**
 * Cognito's checks of an app client's OAuth settings at CreateUserPoolClient and
 * UpdateUserPoolClient (called from domain/pool-admin.ts, so the API and the `cognate` command
 * apply the same rules). The API model has already held the lists to their lengths, the flows to
 * `code | implicit | client_credentials` and the URLs and scopes to their character patterns.
 *
 * Redirect URIs (CallbackURLs, LogoutURLs, DefaultRedirectURI), as Cognito documents them: an
 * absolute URI, no fragment; HTTPS, except `http://localhost` (and the loopback literals
 * `127.0.0.1` and `[::1]`, which Cognito has accepted since 2025); app schemes such as
 * `myapp://callback` for native apps. Cognate refuses besides, at registration, what no exact-match
 * redirect should ever hold (security.md A02, A06, A07): wildcards and patterns, userinfo
 * (`https://app@evil`), backslashes, non-ASCII characters (lookalike dots), `javascript:`,
 * `data:`, `vbscript:`, `file:` and `blob:` URIs, scheme-relative `//evil`.
 *
 * Flows and scopes: client_credentials can't be combined with code or implicit and needs a client
 * secret; with AllowedOAuthFlowsUserPoolClient, flows and scopes are required, and code or implicit
 * need callback URLs; every scope must exist in the pool (scopes.ts); client_credentials takes
 * custom scopes only. SupportedIdentityProviders: COGNITO, or the exact name of an identity
 * provider of the pool (domain/federation/providers.ts); any other name is refused as Cognito
 * refuses it ("The provider X does not exist for User Pool Y").
 */
import { CognitoError, errors } from '../../errors.js';
import * as providerStore from '../../store/identity-providers.js';
import type { ClientInput } from '../app-clients.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';
import { assertScopesExist, isStandardScope } from './scopes.js';

/** Hosts an `http://` redirect URI may name (Cognito: "HTTPS over HTTP except for http://localhost"; loopback literals since 2025). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about']);
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

const invalidUri = (uri: string, why: string) => errors.invalidParameter(`Invalid redirect URI ${uri}: ${why}`);
const oauthFlow = (message: string) => new CognitoError('InvalidOAuthFlowException', message);

/** Throws InvalidParameterException unless `uri` is a redirect URI Cognito (and Cognate) accepts. */
export function checkRedirectUri(uri: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[^\x21-\x7e]/.test(uri)) throw invalidUri(uri, 'only printable ASCII characters are allowed (percent-encode the rest).');
  if (uri.includes('#')) throw invalidUri(uri, 'a redirect URI must not include a fragment.');
  if (uri.includes('\\')) throw invalidUri(uri, 'backslashes are not allowed.');
  if (uri.includes('*')) throw invalidUri(uri, 'wildcards are not supported; register each URI exactly.');
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) throw invalidUri(uri, 'a redirect URI must be an absolute URI with a scheme.');
  if (FORBIDDEN_SCHEMES.has(scheme) || scheme.startsWith('regex')) throw invalidUri(uri, `the ${scheme} scheme is not allowed.`);
  const rest = uri.slice(scheme.length + 1);
  if (rest.length === 0 || rest === '/' || rest === '//') throw invalidUri(uri, 'nothing follows the scheme.');
  if (scheme !== 'http' && scheme !== 'https') {
    // An app scheme (myapp://callback, com.example.app:/cb): no userinfo tricks in its authority either.
    if (rest.startsWith('//') && /@/.test(rest.slice(2).split('/')[0]!)) throw invalidUri(uri, 'user information is not allowed.');
    return;
  }
  if (!rest.startsWith('//')) throw invalidUri(uri, 'an http(s) URI needs //host.');
  const authority = rest.slice(2).split(/[/?]/)[0]!;
  if (authority.includes('@')) throw invalidUri(uri, 'user information is not allowed.');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalidUri(uri, 'it is not a valid URI.');
  }
  if (url.hostname.length === 0) throw invalidUri(uri, 'it names no host.');
  if (scheme === 'http' && !LOOPBACK_HOSTS.has(url.hostname)) throw errors.invalidParameter(`${uri} cannot use the HTTP protocol.`);
}

/** The client's OAuth settings as given to Create/UpdateUserPoolClient. */
type OAuthInput = Pick<ClientInput, 'CallbackURLs' | 'LogoutURLs' | 'DefaultRedirectURI' | 'AllowedOAuthFlows' | 'AllowedOAuthScopes' | 'AllowedOAuthFlowsUserPoolClient' | 'SupportedIdentityProviders'>;

/**
 * Checks a client's OAuth settings as Cognito does (see the top of this file). `hasSecret`: whether
 * the client has (or, being created, gets) a client secret.
 */
export async function checkOAuthSettings(cognate: Ports<'store'>, pool: UserPool, input: OAuthInput, hasSecret: boolean): Promise<void> {
  const named = (input.SupportedIdentityProviders ?? []).filter((p) => p !== 'COGNITO');
  const existing = await providerStore.existingNames(cognate.store.db, pool.id, named);
  const unknown = named.find((p) => !existing.has(p));
  if (unknown !== undefined) throw errors.invalidParameter(`The provider ${unknown} does not exist for User Pool ${pool.id}`);
  for (const uri of input.CallbackURLs ?? []) checkRedirectUri(uri);
  for (const uri of input.LogoutURLs ?? []) checkRedirectUri(uri);
  if (input.DefaultRedirectURI !== undefined) {
    checkRedirectUri(input.DefaultRedirectURI);
    if (!(input.CallbackURLs ?? []).includes(input.DefaultRedirectURI)) throw errors.invalidParameter('DefaultRedirectURI must be one of the CallbackURLs.');
  }

  const flows = input.AllowedOAuthFlows ?? [];
  const scopes = input.AllowedOAuthScopes ?? [];
  const clientCredentials = flows.includes('client_credentials');
  const userFlows = flows.includes('code') || flows.includes('implicit');
  if (clientCredentials && userFlows) throw oauthFlow('client_credentials flow can not be selected along with code flow or implicit flow.');
  if (clientCredentials && !hasSecret) throw oauthFlow('client_credentials flow can not be selected if client does not have a client secret.');
  if (input.AllowedOAuthFlowsUserPoolClient) {
    if (flows.length === 0 || scopes.length === 0) throw errors.invalidParameter('AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.');
    if (userFlows && (input.CallbackURLs ?? []).length === 0) throw oauthFlow('CallbackUrls can not be empty when code flow or implicit flow is selected');
  }
  await assertScopesExist(cognate, pool.id, scopes);
  if (clientCredentials) {
    const standard = scopes.find(isStandardScope);
    if (standard !== undefined) throw oauthFlow(`${standard} is not supported with client_credentials flow`);
  }
}

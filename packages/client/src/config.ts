/**
 * The `awsconfiguration.json` shape the Amplify CLI writes (seed 002), plus an `Endpoint` per
 * service to point the client at Cognate.
 */
import { MobileClientError } from './errors.js';

/**
 * The parts of `awsconfiguration.json` the client reads.
 *
 * @example
 * ```ts
 * const config: AWSConfiguration = {
 *   CognitoUserPool: { Default: { PoolId: 'us-east-1_AbC123', AppClientId: '3n4b5urk1ft4fl3mg5e62d9ado', Region: 'us-east-1', Endpoint: 'http://127.0.0.1:9229' } },
 *   CredentialsProvider: { CognitoIdentity: { Default: { PoolId: 'us-east-1:0e8c…', Region: 'us-east-1', Endpoint: 'http://127.0.0.1:9229' } } },
 *   Auth: { Default: { authenticationFlowType: 'USER_SRP_AUTH' } },
 * };
 * ```
 */
export interface AWSConfiguration {
  CognitoUserPool?: { Default?: UserPoolConfiguration };
  CredentialsProvider?: { CognitoIdentity?: { Default?: IdentityPoolConfiguration } };
  Auth?: { Default?: { authenticationFlowType?: AuthenticationFlowType; OAuth?: OAuthConfiguration } };
  IdentityManager?: unknown;
  [other: string]: unknown;
}

/**
 * `CognitoUserPool.Default`.
 *
 * @example
 * ```ts
 * const pool: UserPoolConfiguration = { PoolId: 'us-east-1_AbC123', AppClientId: 'abc', Region: 'us-east-1' };
 * ```
 */
export interface UserPoolConfiguration {
  PoolId: string;
  AppClientId: string;
  /** Only for confidential app clients: every request then carries SECRET_HASH. Never ship a secret in a browser app. */
  AppClientSecret?: string;
  Region?: string;
  /** Cognate's URL (`http://127.0.0.1:9229`) or a host name; defaults to `https://cognito-idp.<region>.amazonaws.com/`. */
  Endpoint?: string;
}

/**
 * `CredentialsProvider.CognitoIdentity.Default`.
 *
 * @example
 * ```ts
 * const identity: IdentityPoolConfiguration = { PoolId: 'us-east-1:0e8c7a4b-…', Region: 'us-east-1' };
 * ```
 */
export interface IdentityPoolConfiguration {
  PoolId: string;
  Region?: string;
  /** Defaults to `https://cognito-identity.<region>.amazonaws.com/`. */
  Endpoint?: string;
}

/**
 * `Auth.Default.OAuth`: the hosted UI {@link MobileClient.signInWithHostedUI} opens (seed 002,
 * "Using Hosted UI for Authentication"). For a user pool: `WebDomain` (the pool's domain, as
 * `cognate config` writes it), `AppClientId`, the redirect URIs and `Scopes`. For a generic OAuth
 * 2.0 provider such as Auth0: `SignInURI`, `TokenURI`, `SignOutURI` (and its
 * `SignOutURIQueryParameters`) instead of the Cognito paths under `WebDomain`.
 *
 * @example
 * ```ts
 * const oauth: OAuthConfiguration = {
 *   WebDomain: 'shop.auth.us-east-1.amazoncognito.com', // no https:// needed; http://… for a local Cognate
 *   AppClientId: '3n4b5urk1ft4fl3mg5e62d9ado',
 *   SignInRedirectURI: 'https://app.example.com/callback',
 *   SignOutRedirectURI: 'https://app.example.com/signed-out',
 *   Scopes: ['openid', 'email'],
 * };
 * ```
 */
export interface OAuthConfiguration {
  /** The hosted UI's host (`shop.auth.us-east-1.amazoncognito.com`), or a URL; required unless `SignInURI` and `TokenURI` name a generic provider's endpoints. */
  WebDomain?: string;
  AppClientId: string;
  /** Only for a confidential client (a CLI, a server): never ship a secret in a browser app. */
  AppClientSecret?: string;
  /** One of the app client's callback URLs. In Node, a loopback URL (`http://127.0.0.1/callback`): the listener picks the port. */
  SignInRedirectURI: string;
  /** One of the app client's sign-out URLs. */
  SignOutRedirectURI?: string;
  Scopes?: string[];
  /** Generic OAuth 2.0 provider: its authorization endpoint. Default: `https://<WebDomain>/oauth2/authorize`. */
  SignInURI?: string;
  /** Generic OAuth 2.0 provider: its token endpoint. Default: `https://<WebDomain>/oauth2/token`. */
  TokenURI?: string;
  /** Generic OAuth 2.0 provider: its sign-out endpoint. Default: `https://<WebDomain>/logout`. */
  SignOutURI?: string;
  /** Query parameters of `SignOutURI` (e.g. Auth0's `client_id` and `returnTo`). Default: Cognito's `client_id` and `logout_uri`. */
  SignOutURIQueryParameters?: Record<string, string>;
  /** Extra query parameters of `SignInURI` (e.g. Auth0's `audience`). */
  SignInURIQueryParameters?: Record<string, string>;
  /** Extra form parameters of the token request. */
  TokenURIQueryParameters?: Record<string, string>;
}

/**
 * `Auth.Default.authenticationFlowType`: how {@link MobileClient.signIn} signs in — proving the
 * password (`USER_SRP_AUTH`, `USER_PASSWORD_AUTH`), with custom challenges (`CUSTOM_AUTH`), or
 * with the user's choice of first factor (`USER_AUTH`: password, one-time code or passkey). A
 * sign-in may override it with `SignInInput.authFlowType`.
 *
 * @example
 * ```ts
 * const flow: AuthenticationFlowType = 'USER_PASSWORD_AUTH'; // e.g. while migrating users
 * ```
 */
export type AuthenticationFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_AUTH' | 'USER_AUTH';

/** The validated, defaulted configuration the client works with. Internal. */
export interface ResolvedConfiguration {
  userPool?: {
    poolId: string;
    poolName: string;
    clientId: string;
    clientSecret?: string;
    region: string;
    endpoint: string;
  };
  identityPool?: { poolId: string; region: string; endpoint: string };
  flow: AuthenticationFlowType;
  oauth?: ResolvedOAuth;
}

/** `Auth.Default.OAuth`, checked, with every endpoint as a URL. Internal. */
export interface ResolvedOAuth {
  clientId: string;
  clientSecret?: string;
  signInRedirectUri: string;
  signOutRedirectUri?: string;
  scopes: string[];
  authorizeUrl: string;
  tokenUrl: string;
  /** Cognito's /oauth2/revoke under WebDomain; none for a generic provider. */
  revokeUrl?: string;
  signOutUrl: string;
  signOutParameters: Record<string, string>;
  signInParameters: Record<string, string>;
  tokenParameters: Record<string, string>;
  /** Whether the endpoints are Cognito's (under WebDomain) rather than a generic provider's. */
  cognito: boolean;
}

export const FLOWS: readonly string[] = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'CUSTOM_AUTH', 'USER_AUTH'];

function endpointUrl(endpoint: string | undefined, fallbackHost: string): string {
  if (!endpoint) return `https://${fallbackHost}/`;
  // The iOS SDK takes a host name here; a URL is what a local Cognate needs.
  return /^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}/`;
}

const invalid = (message: string) => new MobileClientError('invalidConfiguration', message);

export function resolveConfiguration(config: AWSConfiguration): ResolvedConfiguration {
  if (!config || typeof config !== 'object') throw invalid('The configuration must be an object in the awsconfiguration.json shape.');
  const up = config.CognitoUserPool?.Default;
  const ip = config.CredentialsProvider?.CognitoIdentity?.Default;
  if (!up && !ip) throw invalid('The configuration has neither CognitoUserPool.Default nor CredentialsProvider.CognitoIdentity.Default.');
  const flow = config.Auth?.Default?.authenticationFlowType ?? 'USER_SRP_AUTH';
  if (!FLOWS.includes(flow)) throw invalid(`Unsupported authenticationFlowType ${String(flow)}; use one of ${FLOWS.join(', ')}.`);
  const resolved: ResolvedConfiguration = { flow };
  if (up) {
    if (typeof up.PoolId !== 'string' || !/^[\w-]+_[0-9a-zA-Z]+$/.test(up.PoolId)) throw invalid('CognitoUserPool.Default.PoolId must look like <region>_<id>.');
    if (typeof up.AppClientId !== 'string' || !up.AppClientId) throw invalid('CognitoUserPool.Default.AppClientId is required.');
    const region = up.Region ?? up.PoolId.split('_')[0]!;
    resolved.userPool = {
      poolId: up.PoolId,
      poolName: up.PoolId.slice(up.PoolId.indexOf('_') + 1),
      clientId: up.AppClientId,
      ...(up.AppClientSecret ? { clientSecret: up.AppClientSecret } : {}),
      region,
      endpoint: endpointUrl(up.Endpoint, `cognito-idp.${region}.amazonaws.com`),
    };
  }
  if (ip) {
    if (typeof ip.PoolId !== 'string' || !/^[\w-]+:[0-9a-f-]+$/.test(ip.PoolId)) throw invalid('CredentialsProvider.CognitoIdentity.Default.PoolId must look like <region>:<uuid>.');
    const region = ip.Region ?? ip.PoolId.split(':')[0]!;
    resolved.identityPool = { poolId: ip.PoolId, region, endpoint: endpointUrl(ip.Endpoint, `cognito-identity.${region}.amazonaws.com`) };
  }
  const oauth = config.Auth?.Default?.OAuth;
  if (oauth !== undefined) resolved.oauth = resolveOAuth(oauth);
  return resolved;
}

const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token

function absoluteUrl(value: unknown, name: string, schemes: RegExp = /^https?:$/): string {
  if (typeof value !== 'string' || !value) throw invalid(`Auth.Default.OAuth.${name} is required.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`Auth.Default.OAuth.${name} must be an absolute URL (got ${JSON.stringify(value)}).`);
  }
  if (!schemes.test(url.protocol)) throw invalid(`Auth.Default.OAuth.${name} must be an ${schemes === REDIRECT_SCHEMES ? 'absolute' : 'http(s)'} URL (got ${JSON.stringify(value)}).`);
  // RFC 6749 §3.1.2: a redirection endpoint has no fragment.
  if (url.hash) throw invalid(`Auth.Default.OAuth.${name} must not have a fragment.`);
  return value;
}

/** Redirect URIs may use an app's own scheme (`myapp://callback`), as Cognito's callback URLs do. */
const REDIRECT_SCHEMES = /^[a-z][a-z0-9+.-]*:$/;

function stringRecord(value: unknown, name: string): Record<string, string> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalid(`Auth.Default.OAuth.${name} must be an object of strings.`);
  }
  return { ...(value as Record<string, string>) };
}

function resolveOAuth(o: OAuthConfiguration): ResolvedOAuth {
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw invalid('Auth.Default.OAuth must be an object.');
  if (typeof o.AppClientId !== 'string' || !o.AppClientId) throw invalid('Auth.Default.OAuth.AppClientId is required.');
  if (o.AppClientSecret !== undefined && (typeof o.AppClientSecret !== 'string' || !o.AppClientSecret)) throw invalid('Auth.Default.OAuth.AppClientSecret must be a non-empty string when given.');
  const generic = o.SignInURI !== undefined || o.TokenURI !== undefined;
  let base: string | undefined;
  if (o.WebDomain !== undefined || !generic) {
    if (typeof o.WebDomain !== 'string' || !o.WebDomain) throw invalid('Auth.Default.OAuth.WebDomain is required (the pool\'s domain, e.g. shop.auth.us-east-1.amazoncognito.com).');
    // The iOS SDK takes a host name here ("do not include the https:// prefix"); a local Cognate
    // without TLS needs http://, so a URL is taken too.
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(o.WebDomain) ? o.WebDomain : `https://${o.WebDomain}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw invalid(`Auth.Default.OAuth.WebDomain must be a host name (got ${JSON.stringify(o.WebDomain)}).`);
    }
    if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
      throw invalid(`Auth.Default.OAuth.WebDomain must be a host name, without a path (got ${JSON.stringify(o.WebDomain)}).`);
    }
    base = url.origin;
  }
  if (generic && (o.SignInURI === undefined || o.TokenURI === undefined)) throw invalid('Auth.Default.OAuth: a generic OAuth 2.0 provider needs both SignInURI and TokenURI.');
  const scopes = o.Scopes ?? ['openid'];
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((s) => typeof s !== 'string' || !SCOPE.test(s))) {
    throw invalid('Auth.Default.OAuth.Scopes must be a non-empty array of scope names (no spaces or quotes).');
  }
  const signInRedirectUri = absoluteUrl(o.SignInRedirectURI, 'SignInRedirectURI', REDIRECT_SCHEMES);
  const signOutRedirectUri = o.SignOutRedirectURI === undefined ? undefined : absoluteUrl(o.SignOutRedirectURI, 'SignOutRedirectURI', REDIRECT_SCHEMES);
  const signOutUrl = o.SignOutURI !== undefined ? absoluteUrl(o.SignOutURI, 'SignOutURI') : base ? `${base}/logout` : undefined;
  if (!signOutUrl) throw invalid('Auth.Default.OAuth.SignOutURI is required for a generic OAuth 2.0 provider without a WebDomain.');
  const signOutParameters = stringRecord(o.SignOutURIQueryParameters, 'SignOutURIQueryParameters');
  if (o.SignOutURIQueryParameters === undefined) {
    signOutParameters.client_id = o.AppClientId;
    if (signOutRedirectUri) signOutParameters.logout_uri = signOutRedirectUri;
  }
  return {
    clientId: o.AppClientId,
    ...(o.AppClientSecret ? { clientSecret: o.AppClientSecret } : {}),
    signInRedirectUri,
    ...(signOutRedirectUri ? { signOutRedirectUri } : {}),
    scopes: [...new Set(scopes)],
    authorizeUrl: generic ? absoluteUrl(o.SignInURI, 'SignInURI') : `${base}/oauth2/authorize`,
    tokenUrl: generic ? absoluteUrl(o.TokenURI, 'TokenURI') : `${base}/oauth2/token`,
    ...(generic ? {} : { revokeUrl: `${base}/oauth2/revoke` }),
    signOutUrl,
    signOutParameters,
    signInParameters: stringRecord(o.SignInURIQueryParameters, 'SignInURIQueryParameters'),
    tokenParameters: stringRecord(o.TokenURIQueryParameters, 'TokenURIQueryParameters'),
    cognito: !generic,
  };
}

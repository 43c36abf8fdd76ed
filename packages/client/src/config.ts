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
  Auth?: { Default?: { authenticationFlowType?: AuthenticationFlowType } };
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
  return resolved;
}

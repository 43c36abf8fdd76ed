/**
 * Identity pools (cognito-identity), assembled: pools, identities, the identity issuer, the
 * credentials broker and the roles' policies.
 */
import type { Config } from '../config.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/db.js';
import type { ServerSecrets } from '../domain/secrets.js';
import type { SigningKeys } from '../domain/signing-keys.js';
import type { UserPools } from '../domain/user-pools.js';
import type { AppClients } from '../domain/app-clients.js';
import { IdentityPools } from './identity-pools.js';
import { Identities } from './identities.js';
import { IdentityIssuer } from './openid.js';
import { BuiltInBroker, UpstreamStsBroker, type CredentialsBroker } from './credentials.js';
import { IamRoles } from './iam-roles.js';
import { CredentialsVerifier } from './verifier.js';
import { ExternalProviders } from './external.js';
import { SamlLogins } from './saml.js';

export interface IdentityService {
  pools: IdentityPools;
  identities: Identities;
  openId: IdentityIssuer;
  /** The broker GetCredentialsForIdentity uses (config `credentialsBroker`). */
  broker: CredentialsBroker;
  /** The built-in broker, which also opens its SessionTokens for the verifier. */
  builtIn: BuiltInBroker;
  /** Roles and their policies (trust and permissions). */
  roles: IamRoles;
  /** Checks requests signed with built-in credentials against the role's policies. */
  verifier: CredentialsVerifier;
  /** OpenID Connect and social providers (and the registry of OIDC and SAML providers). */
  external: ExternalProviders;
  /** SAML logins. */
  saml: SamlLogins;
  close(): void;
}

export function createIdentityService(deps: { config: Config; clock: Clock; store: Store; secrets: ServerSecrets; keys: SigningKeys; pools: UserPools; clients: AppClients }): IdentityService {
  const { config, clock, store } = deps;
  const roles = new IamRoles(store);
  const builtIn = new BuiltInBroker(deps.secrets.sessions, clock, roles);
  const upstream = config.credentialsBroker === 'upstream' ? new UpstreamStsBroker(config) : undefined;
  const external = new ExternalProviders(store, clock, () => (config.socialEndpoints ? (JSON.parse(config.socialEndpoints) as Record<string, string>) : {}));
  return {
    external,
    saml: new SamlLogins(external, clock),
    roles,
    verifier: new CredentialsVerifier(builtIn, roles, clock),
    pools: new IdentityPools(store, config.region, deps.pools, deps.clients),
    identities: new Identities(store, config.region),
    openId: new IdentityIssuer(deps.keys, config, clock),
    broker: upstream ?? builtIn,
    builtIn,
    close: () => upstream?.close(),
  };
}

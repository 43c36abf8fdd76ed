/**
 * The client-facing flows of identity pools, as named steps: GetId, GetCredentialsForIdentity,
 * GetOpenIdToken, UnlinkIdentity and the developer-identity calls.
 */
import { errors, CognitoError } from '../errors.js';
import type { Ports } from '../domain/cognate.js';
import { epochSeconds } from '../ports.js';
import { verifyLogins, type VerifiedLogin } from './logins.js';
import { COGNITO_IDENTITY_PROVIDER } from './openid.js';
import { resolveRole } from './roles.js';
import { loginsDontMatch, type Identity } from './identities.js';
import { IdentityPools, userPoolOfProvider, type IdentityPool } from './identity-pools.js';

const guestsOff = () => errors.notAuthorized('Unauthenticated access is not supported for this identity pool.');

/** The identity and pool an IdentityId names, or ResourceNotFoundException. */
async function identityAndPool(cognate: Ports<'identity'>, identityId: string): Promise<{ identity: Identity; pool: IdentityPool }> {
  const identity = await cognate.identity.identities.get(identityId);
  const pool = await cognate.identity.pools.require(identity.poolId);
  return { identity, pool };
}

/**
 * Checks that the logins open the identity, linking any new ones; returns the identity they open
 * (a guest that signs in with a login another identity has is merged into that one).
 */
async function authorizeIdentity(cognate: Ports<'clock' | 'identity'>, pool: IdentityPool, identity: Identity, logins: readonly VerifiedLogin[]): Promise<string> {
  const developer = logins.find((l) => l.provider === COGNITO_IDENTITY_PROVIDER);
  if (developer) {
    // A developer-authenticated identity's OpenID token opens the identity it was issued for.
    if (developer.subject !== identity.id) throw errors.notAuthorized('Invalid login token. The token is not for this identity.');
    return identity.id;
  }
  if (logins.length === 0) {
    if (identity.authenticated) throw loginsDontMatch();
    if (!pool.settings.AllowUnauthenticatedIdentities) throw guestsOff();
    return identity.id;
  }
  return cognate.identity.identities.resolve(pool.id, identity.id, logins, cognate.clock.now(), identity);
}

/**
 * Session tags from the pool's principal-tag maps and the logins' claims. A provider gets tags only
 * once SetPrincipalTagAttributeMap configured it (attributes for access control are off until then,
 * as in Cognito, where a role's trust policy must also allow sts:TagSession for them): an
 * unconfigured provider has no map, and GetPrincipalTagAttributeMap says so.
 */
function principalTags(pool: IdentityPool, logins: readonly VerifiedLogin[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const login of logins) {
    const map = pool.principalTags[login.provider];
    if (!map) continue;
    for (const [tag, claim] of Object.entries(map.PrincipalTags)) {
      const value = login.claims[claim];
      if (typeof value === 'string') tags[tag] = value;
    }
  }
  return tags;
}

export async function getId(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, input: { IdentityPoolId: string; Logins?: Record<string, string> }): Promise<string> {
  const pool = await cognate.identity.pools.require(input.IdentityPoolId);
  const logins = await verifyLogins(cognate, pool, input.Logins);
  const now = cognate.clock.now();
  if (logins.length === 0) {
    if (!pool.settings.AllowUnauthenticatedIdentities) throw guestsOff();
    return cognate.identity.identities.createGuest(pool.id, now);
  }
  const developer = logins.find((l) => l.provider === COGNITO_IDENTITY_PROVIDER);
  if (developer) {
    const identity = await cognate.identity.identities.find(developer.subject);
    if (!identity || identity.poolId !== pool.id) throw errors.resourceNotFound(`Identity '${developer.subject}' not found.`);
    return identity.id;
  }
  return cognate.identity.identities.resolve(pool.id, undefined, logins, now);
}

export async function getCredentialsForIdentity(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, input: { IdentityId: string; Logins?: Record<string, string>; CustomRoleArn?: string }) {
  const { identity, pool } = await identityAndPool(cognate, input.IdentityId);
  const logins = await verifyLogins(cognate, pool, input.Logins);
  const identityId = await authorizeIdentity(cognate, pool, identity, logins);
  const roleArn = resolveRole(pool, logins, input.CustomRoleArn);
  const tags = principalTags(pool, logins);
  const credentials = await cognate.identity.broker.issue({
    identityId,
    poolId: pool.id,
    roleArn,
    amr: cognate.identity.openId.amr(logins),
    tags,
    openIdToken: () => cognate.identity.openId.issue({ pool, identityId, logins, principalTags: tags }),
  });
  return {
    IdentityId: identityId,
    Credentials: { AccessKeyId: credentials.AccessKeyId, SecretKey: credentials.SecretKey, SessionToken: credentials.SessionToken, Expiration: epochSeconds(credentials.Expiration) },
  };
}

export async function getOpenIdToken(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, input: { IdentityId: string; Logins?: Record<string, string> }) {
  const { identity, pool } = await identityAndPool(cognate, input.IdentityId);
  // GetOpenIdToken is the first step of the basic (classic) flow. Cognito refuses it only when the
  // pool says AllowClassicFlow: false; a pool created without the flag allows it.
  if (pool.settings.AllowClassicFlow === false) throw errors.invalidParameter('Basic (classic) flow is not enabled, please use enhanced flow.');
  const logins = await verifyLogins(cognate, pool, input.Logins);
  const identityId = await authorizeIdentity(cognate, pool, identity, logins);
  const token = await cognate.identity.openId.issue({ pool, identityId, logins, principalTags: principalTags(pool, logins) });
  return { IdentityId: identityId, Token: token };
}

/** A developer provider's login: the user identifier your backend gave, trusted (the call is signed). */
function developerLogin(pool: IdentityPool, provider: string, userIdentifier: string): VerifiedLogin {
  return { key: provider, provider, subject: userIdentifier, mappingKey: provider, amr: `${provider}:${pool.id}:${userIdentifier}`, claims: {} };
}

function requireDeveloperProvider(pool: IdentityPool, name?: string): string {
  const developer = pool.settings.DeveloperProviderName;
  if (!developer) throw errors.notAuthorized('This identity pool has no developer provider.');
  if (name !== undefined && name !== developer) throw errors.notAuthorized(`Developer provider ${name} is not the developer provider of this identity pool.`);
  return developer;
}

export async function getOpenIdTokenForDeveloperIdentity(
  cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>,
  input: { IdentityPoolId: string; IdentityId?: string; Logins: Record<string, string>; PrincipalTags?: Record<string, string>; TokenDuration?: number },
) {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const developer = requireDeveloperProvider(pool);
  const { [developer]: userIdentifier, ...others } = input.Logins;
  if (userIdentifier === undefined) throw errors.invalidParameter(`Logins must contain the developer provider ${developer}.`);
  const logins = [developerLogin(pool, developer, userIdentifier), ...(await verifyLogins(cognate, pool, others))];
  if (logins.some((l) => l.provider === COGNITO_IDENTITY_PROVIDER)) throw errors.invalidParameter('Logins must not contain cognito-identity.amazonaws.com.');
  const now = cognate.clock.now();
  let identityId: string;
  if (input.IdentityId !== undefined) {
    await cognate.identity.identities.linkTo(pool.id, input.IdentityId, logins, now);
    identityId = input.IdentityId;
  } else {
    identityId = await cognate.identity.identities.resolve(pool.id, undefined, logins, now);
  }
  // Developer tokens last 15 minutes unless TokenDuration says otherwise (up to 24 hours).
  const token = await cognate.identity.openId.issue({ pool, identityId, logins, seconds: input.TokenDuration ?? 900, ...(input.PrincipalTags ? { principalTags: input.PrincipalTags } : {}) });
  return { IdentityId: identityId, Token: token };
}

export async function lookupDeveloperIdentity(
  cognate: Ports<'identity'>,
  input: { IdentityPoolId: string; IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string },
) {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const developer = requireDeveloperProvider(pool);
  if (input.IdentityId === undefined && input.DeveloperUserIdentifier === undefined) {
    throw errors.invalidParameter('Either IdentityId or DeveloperUserIdentifier must be specified.');
  }
  let identityId = input.IdentityId;
  if (input.DeveloperUserIdentifier !== undefined) {
    const owner = await cognate.identity.identities.ownerOf(pool.id, developer, input.DeveloperUserIdentifier);
    if (!owner) throw errors.resourceNotFound('The developer user identifier was not found.');
    if (identityId !== undefined && identityId !== owner) throw new CognitoError('ResourceConflictException', 'The developer user identifier belongs to another identity.');
    identityId = owner;
  } else {
    const identity = await cognate.identity.identities.find(identityId!);
    if (!identity || identity.poolId !== pool.id) throw errors.resourceNotFound(`Identity '${identityId}' not found.`);
  }
  const after = input.NextToken === undefined ? undefined : /^[0-9a-f]{64}$/.test(input.NextToken) ? input.NextToken : undefined;
  if (input.NextToken !== undefined && after === undefined) throw errors.invalidParameter('Invalid pagination token.');
  const page = await cognate.identity.identities.subjectsAt(identityId!, developer, input.MaxResults ?? 60, after);
  return { IdentityId: identityId, DeveloperUserIdentifierList: page.subjects, ...(page.next ? { NextToken: page.next } : {}) };
}

export async function mergeDeveloperIdentities(
  cognate: Ports<'clock' | 'identity'>,
  input: { SourceUserIdentifier: string; DestinationUserIdentifier: string; DeveloperProviderName: string; IdentityPoolId: string },
) {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const developer = requireDeveloperProvider(pool, input.DeveloperProviderName);
  const source = await cognate.identity.identities.ownerOf(pool.id, developer, input.SourceUserIdentifier);
  if (!source) throw errors.resourceNotFound('The source developer user identifier was not found.');
  const destination = await cognate.identity.identities.ownerOf(pool.id, developer, input.DestinationUserIdentifier);
  if (!destination) throw errors.resourceNotFound('The destination developer user identifier was not found.');
  await cognate.identity.identities.merge(pool.id, source, destination, cognate.clock.now());
  return { IdentityId: destination };
}

export async function unlinkDeveloperIdentity(
  cognate: Ports<'clock' | 'identity'>,
  input: { IdentityId: string; IdentityPoolId: string; DeveloperProviderName: string; DeveloperUserIdentifier: string },
) {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const developer = requireDeveloperProvider(pool, input.DeveloperProviderName);
  const identity = await cognate.identity.identities.find(input.IdentityId);
  if (!identity || identity.poolId !== pool.id) throw errors.resourceNotFound(`Identity '${input.IdentityId}' not found.`);
  const removed = await cognate.identity.identities.unlink(identity.id, [{ provider: developer, subject: input.DeveloperUserIdentifier }], cognate.clock.now());
  if (removed === 0) throw errors.resourceNotFound('The developer user identifier is not linked to this identity.');
}

/** The canonical provider a LoginsToRemove entry names (either user-pool key form). */
function canonicalProvider(cognate: Ports<'tokens'>, pool: IdentityPool, key: string): string {
  for (const p of pool.settings.CognitoIdentityProviders ?? []) {
    const poolId = userPoolOfProvider(p.ProviderName)!;
    if (key === p.ProviderName || cognate.tokens.issuers(poolId).some((iss) => key === iss.replace(/^https?:\/\//, ''))) return p.ProviderName;
  }
  return key;
}

export async function unlinkIdentity(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, input: { IdentityId: string; Logins: Record<string, string>; LoginsToRemove: string[] }) {
  const { identity, pool } = await identityAndPool(cognate, input.IdentityId);
  const logins = await verifyLogins(cognate, pool, input.Logins);
  if (logins.length === 0) throw loginsDontMatch();
  const linked = await cognate.identity.identities.logins(identity.id);
  if (!logins.some((l) => linked.some((k) => k.provider === l.provider && k.subject === l.subject))) throw loginsDontMatch();
  const providers = input.LoginsToRemove.map((key) => canonicalProvider(cognate, pool, key));
  for (const provider of providers) {
    if (!linked.some((k) => k.provider === provider)) throw errors.invalidParameter(`The login ${provider} is not linked to this identity.`);
  }
  await cognate.identity.identities.unlink(identity.id, providers.map((provider) => ({ provider })), cognate.clock.now());
}

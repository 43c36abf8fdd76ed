/**
 * Which OAuth scopes exist in a pool: the five Cognito defines (`openid email phone profile
 * aws.cognito.signin.user.admin`) and `<identifier>/<scope name>` for each scope of each of the
 * pool's resource servers (resource-servers.ts). An app client may only be allowed scopes that exist
 * (client-settings.ts); the token endpoint grants only scopes that exist and the client is allowed.
 */
import { CognitoError } from '../../errors.js';
import type { Ports } from '../cognate.js';
import { allResourceServers } from './resource-servers.js';

/** The scopes Cognito defines for every pool (authorization endpoint, "scope"). */
export const STANDARD_SCOPES = ['phone', 'email', 'openid', 'profile', 'aws.cognito.signin.user.admin'] as const;
export type StandardScope = (typeof STANDARD_SCOPES)[number];

const standard = new Set<string>(STANDARD_SCOPES);

/** Whether a scope is one Cognito defines (not a resource server's custom scope). */
export const isStandardScope = (scope: string): scope is StandardScope => standard.has(scope);

/** The custom scopes of a pool, as `<identifier>/<scope name>`. */
export async function customScopes(cognate: Ports<'store'>, poolId: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const server of await allResourceServers(cognate, poolId)) {
    for (const s of server.scopes) out.add(`${server.identifier}/${s.ScopeName}`);
  }
  return out;
}

/** Every scope that exists in a pool: the standard ones and its custom scopes. */
export async function poolScopes(cognate: Ports<'store'>, poolId: string): Promise<Set<string>> {
  const out = await customScopes(cognate, poolId);
  for (const s of STANDARD_SCOPES) out.add(s);
  return out;
}

/** The scopes of `scopes` that don't exist in the pool, in their order. */
export async function unknownScopes(cognate: Ports<'store'>, poolId: string, scopes: readonly string[]): Promise<string[]> {
  if (scopes.every(isStandardScope)) return [];
  const known = await poolScopes(cognate, poolId);
  return scopes.filter((s) => !known.has(s));
}

/**
 * Throws Cognito's ScopeDoesNotExistException ("Invalid scope requested: <scope>") for the first
 * scope of the list that doesn't exist in the pool.
 */
export async function assertScopesExist(cognate: Ports<'store'>, poolId: string, scopes: readonly string[]): Promise<void> {
  const [unknown] = await unknownScopes(cognate, poolId, scopes);
  if (unknown !== undefined) throw new CognitoError('ScopeDoesNotExistException', `Invalid scope requested: ${unknown}`);
}

/** The grants that take scopes. */
export type ScopedGrant = 'code' | 'implicit' | 'client_credentials';

/**
 * The scopes a request gets, for the authorization and token endpoints: `requested` (the `scope`
 * parameter, split) against what the client is allowed (AllowedOAuthScopes) and what still exists in
 * the pool (a resource server's scope may have been removed since the client was configured).
 * - No scope requested: every allowed scope (Cognito grants all the client's scopes), for
 *   client_credentials every allowed custom scope.
 * - A requested scope the client isn't allowed, that no longer exists, or (client_credentials) that
 *   isn't custom: `{ error: 'invalid_scope', scope }` — RFC 6749 §4.1.2.1 / §5.2.
 * Order follows the request (or the client's list); duplicates are dropped.
 */
export async function scopesForRequest(
  cognate: Ports<'store'>,
  poolId: string,
  allowedByClient: readonly string[] | undefined,
  requested: readonly string[] | undefined,
  grant: ScopedGrant,
): Promise<{ scopes: string[] } | { error: 'invalid_scope'; scope: string }> {
  const allowed = allowedByClient ?? [];
  const exist = allowed.every(isStandardScope) ? new Set<string>(STANDARD_SCOPES) : await poolScopes(cognate, poolId);
  const grantable = (s: string) => allowed.includes(s) && exist.has(s) && (grant !== 'client_credentials' || !isStandardScope(s));
  const wanted = [...new Set((requested ?? []).filter((s) => s.length > 0))];
  if (wanted.length === 0) return { scopes: allowed.filter((s, i) => allowed.indexOf(s) === i && grantable(s)) };
  const refused = wanted.find((s) => !grantable(s));
  return refused === undefined ? { scopes: wanted } : { error: 'invalid_scope', scope: refused };
}

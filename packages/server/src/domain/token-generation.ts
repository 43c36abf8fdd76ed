/**
 * The triggers that come with tokens at the end of a sign-in (sign-in/finish.ts) or a refresh:
 * PostAuthentication (sign-ins only) and PreTokenGeneration, whose V1 answer
 * (`claimsOverrideDetails`) changes the ID token and the groups, and whose V2/V3 answer
 * (`claimsAndScopeOverrideDetails`) changes both tokens and the access token's scopes
 * (user-pool-lambda-pre-token-generation).
 */
import type { Ports } from './cognate.js';
import type { AppClient } from './app-clients.js';
import type { User } from './users.js';
import type { UserPool } from './user-pools.js';
import { groupClaims, type GroupClaims } from './groups.js';
import { ADMIN_SCOPE, type AuthenticationResult, type TokenCustomization } from './tokens.js';
import { runTrigger, stringField, stringListField, triggerArn, triggerVersion, unusableAnswer, userAttributesOf } from '../triggers/triggers.js';

/** What led to the tokens: the `TokenGeneration_<source>` trigger source. */
export type TokenSource = 'Authentication' | 'NewPasswordChallenge' | 'AuthenticateDevice' | 'RefreshTokens' | 'HostedAuth';

export interface TokenRequest {
  pool: UserPool;
  client: AppClient;
  user: User;
  source: TokenSource;
  deviceKey?: string;
  clientMetadata?: Record<string, string> | undefined;
  /** refreshes: the family's auth_time and origin_jti */
  authTime?: number;
  originJti?: string;
  /** OAuth tokens: the granted scopes (the event's `request.scopes`); API tokens have aws.cognito.signin.user.admin */
  scopes?: readonly string[];
}

/** PostAuthentication, after every factor of a sign-in and before its tokens (user-pool-lambda-post-authentication). */
export async function postAuthentication(cognate: Ports<'log' | 'triggers'>, r: Pick<TokenRequest, 'pool' | 'client' | 'user' | 'clientMetadata'> & { newDeviceUsed: boolean }): Promise<void> {
  await runTrigger(cognate, r.pool, 'PostAuthentication', {
    source: 'PostAuthentication_Authentication',
    userName: r.user.username,
    clientId: r.client.id,
    request: { userAttributes: userAttributesOf(r.user), newDeviceUsed: r.newDeviceUsed, clientMetadata: r.clientMetadata ?? null },
  });
}

/** The pool's PreTokenGeneration answer as changes to the tokens; undefined when the pool has no such trigger. */
export async function preTokenGeneration(cognate: Ports<'log' | 'store' | 'triggers'>, r: TokenRequest): Promise<TokenCustomization | undefined> {
  if (!triggerArn(r.pool, 'PreTokenGeneration')) return undefined;
  const version = triggerVersion(r.pool, 'PreTokenGeneration');
  const groups = await groupClaims(cognate.store.db, r.pool.id, r.user.sub);
  const response = await runTrigger(cognate, r.pool, 'PreTokenGeneration', {
    source: `TokenGeneration_${r.source}`,
    userName: r.user.username,
    clientId: r.client.id,
    request: {
      userAttributes: userAttributesOf(r.user),
      groupConfiguration: { groupsToOverride: groups.groups, iamRolesToOverride: groups.roles, preferredRole: groups.preferredRole ?? null },
      ...(version !== '1' ? { scopes: [...(r.scopes ?? [ADMIN_SCOPE])] } : {}),
      clientMetadata: r.clientMetadata ?? null,
    },
    response: version === '1' ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null },
  });
  return version === '1' ? readV1(response ?? {}, groups) : readV2(response ?? {}, groups);
}

/** Tokens of a refresh (no new family) after PreTokenGeneration, when the pool has that trigger. */
export async function generateTokens(cognate: Ports<'log' | 'store' | 'tokens' | 'triggers'>, r: TokenRequest): Promise<AuthenticationResult> {
  const customize = await preTokenGeneration(cognate, r);
  return cognate.tokens.issue({ pool: r.pool, client: r.client, user: r.user, ...(r.deviceKey ? { deviceKey: r.deviceKey } : {}), ...(r.authTime !== undefined ? { authTime: r.authTime } : {}), ...(r.originJti ? { originJti: r.originJti } : {}), ...(customize ? { customize } : {}) });
}

/**
 * PreTokenGeneration for a machine token (client_credentials): only a V3_0 trigger runs, with
 * `TokenGeneration_ClientCredentials`, no user (`userName` null, empty `userAttributes`), the
 * requested scopes and the token request's `aws_client_metadata`; only the access-token part of
 * its answer applies (user-pool-lambda-pre-token-generation, "machine-to-machine").
 */
export async function preTokenGenerationForClient(cognate: Ports<'log' | 'triggers'>, r: { pool: UserPool; client: AppClient; scopes: readonly string[]; clientMetadata?: Record<string, string> | undefined }): Promise<TokenCustomization['access'] | undefined> {
  if (!triggerArn(r.pool, 'PreTokenGeneration') || triggerVersion(r.pool, 'PreTokenGeneration') !== '3') return undefined;
  const response = await runTrigger(cognate, r.pool, 'PreTokenGeneration', {
    source: 'TokenGeneration_ClientCredentials',
    userName: null,
    clientId: r.client.id,
    request: { userAttributes: {}, groupConfiguration: null, scopes: [...r.scopes], clientMetadata: r.clientMetadata ?? null },
    response: { claimsAndScopeOverrideDetails: null },
  });
  return readV2(response ?? {}, { groups: [], roles: [] }).access;
}

type Json = Record<string, unknown>;

/** An optional object field of a trigger's answer. */
function objectField(o: Json, key: string): Json | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw unusableAnswer();
  return v as Json;
}

/** claimsToAddOrOverride: V1 takes strings; V2 also numbers, booleans, arrays and objects. */
function claimsToAdd(o: Json, stringsOnly: boolean): Record<string, unknown> | undefined {
  const add = objectField(o, 'claimsToAddOrOverride');
  if (add && stringsOnly && !Object.values(add).every((v) => typeof v === 'string')) throw unusableAnswer();
  return add;
}

function groupOverride(o: Json, groups: GroupClaims): GroupClaims {
  const details = objectField(o, 'groupOverrideDetails');
  if (!details) return groups;
  const preferred = stringField(details, 'preferredRole');
  return {
    groups: stringListField(details, 'groupsToOverride') ?? groups.groups,
    roles: stringListField(details, 'iamRolesToOverride') ?? groups.roles,
    ...(details.preferredRole === undefined ? (groups.preferredRole ? { preferredRole: groups.preferredRole } : {}) : preferred ? { preferredRole: preferred } : {}),
  };
}

function tokenChange(o: Json | undefined, stringsOnly: boolean) {
  if (!o) return undefined;
  const add = claimsToAdd(o, stringsOnly);
  const suppress = stringListField(o, 'claimsToSuppress');
  return { ...(add ? { add } : {}), ...(suppress ? { suppress } : {}) };
}

function readV1(response: Json, groups: GroupClaims): TokenCustomization {
  const details = objectField(response, 'claimsOverrideDetails');
  if (!details) return {};
  const id = tokenChange(details, true);
  return { ...(id ? { id } : {}), groups: groupOverride(details, groups) };
}

function readV2(response: Json, groups: GroupClaims): TokenCustomization {
  const details = objectField(response, 'claimsAndScopeOverrideDetails');
  if (!details) return {};
  const id = tokenChange(objectField(details, 'idTokenGeneration'), false);
  const accessDetails = objectField(details, 'accessTokenGeneration');
  const access = tokenChange(accessDetails, false);
  const scopesToAdd = accessDetails ? stringListField(accessDetails, 'scopesToAdd') : undefined;
  const scopesToSuppress = accessDetails ? stringListField(accessDetails, 'scopesToSuppress') : undefined;
  return {
    ...(id ? { id } : {}),
    ...(access || scopesToAdd || scopesToSuppress ? { access: { ...access, ...(scopesToAdd ? { scopesToAdd } : {}), ...(scopesToSuppress ? { scopesToSuppress } : {}) } } : {}),
    groups: groupOverride(details, groups),
  };
}

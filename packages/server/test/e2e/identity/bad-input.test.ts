/**
 * Bad input to every cognito-identity action, driven by @aws-sdk/client-cognito-identity against a
 * running server (the SDK v3 checks no constraint itself, so every row reaches the server).
 *
 * One table, one row per bad input: missing required members, the API model's constraints
 * (lengths, patterns, ranges, list and map sizes), wrong JSON types, unknown pools, identities and
 * ARNs, and the semantic refusals (a token from an unconfigured provider, a wrong audience, an
 * access token, an expired token, guests when guests are off, another identity's login, the wrong
 * developer provider, bad credentials on the signed actions). Missing members and model constraints are
 * `ValidationException` (the AWS front end's answer for cognito-identity; cognito-idp says InvalidParameterException),
 * the service's own refusals stay `InvalidParameterException`. Each row checks the error's name
 * (`__type`), its HTTP status (400; 403 for the signature errors, as AWS) and, where Cognito's wording is
 * known, its message; no answer may be a 500 or carry a stack trace. A last test checks that the
 * table covers all 23 actions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  GetPrincipalTagAttributeMapCommand,
  ListIdentitiesCommand,
  ListIdentityPoolsCommand,
  ListTagsForResourceCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  TagResourceCommand,
  UnlinkDeveloperIdentityCommand,
  UnlinkIdentityCommand,
  UntagResourceCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, failureWithStatus, startTestServer, type TestServer } from '../../support/server.js';
import { newPool, type Pool } from '../security/helpers.js';
import { AUTH_ROLE, NO_IDENTITY, UNAUTH_ROLE, adminUser, claims, identityPoolFor, providerOf, srpSignIn } from './helpers.js';

/** The SDK's command for each action (`new (input) => command`), so rows name actions as Cognito does. */
const commands = {
  CreateIdentityPool: CreateIdentityPoolCommand,
  DeleteIdentities: DeleteIdentitiesCommand,
  DeleteIdentityPool: DeleteIdentityPoolCommand,
  DescribeIdentity: DescribeIdentityCommand,
  DescribeIdentityPool: DescribeIdentityPoolCommand,
  GetCredentialsForIdentity: GetCredentialsForIdentityCommand,
  GetId: GetIdCommand,
  GetIdentityPoolRoles: GetIdentityPoolRolesCommand,
  GetOpenIdToken: GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentity: GetOpenIdTokenForDeveloperIdentityCommand,
  GetPrincipalTagAttributeMap: GetPrincipalTagAttributeMapCommand,
  ListIdentities: ListIdentitiesCommand,
  ListIdentityPools: ListIdentityPoolsCommand,
  ListTagsForResource: ListTagsForResourceCommand,
  LookupDeveloperIdentity: LookupDeveloperIdentityCommand,
  MergeDeveloperIdentities: MergeDeveloperIdentitiesCommand,
  SetIdentityPoolRoles: SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMap: SetPrincipalTagAttributeMapCommand,
  TagResource: TagResourceCommand,
  UnlinkDeveloperIdentity: UnlinkDeveloperIdentityCommand,
  UnlinkIdentity: UnlinkIdentityCommand,
  UntagResource: UntagResourceCommand,
  UpdateIdentityPool: UpdateIdentityPoolCommand,
} as const;
type ActionName = keyof typeof commands;

/** The actions a client calls unsigned; every other one is signed with the admin keys. */
const UNSIGNED: ReadonlySet<ActionName> = new Set(['GetId', 'GetCredentialsForIdentity', 'GetOpenIdToken', 'UnlinkIdentity']);

/** What the rows refer to, made in `before`. */
interface Fixture {
  pool: Pool;
  /** alice's ID token from an SRP sign-in through the trusted client. */
  idToken: string;
  accessToken: string;
  /** alice's ID token through a client of the same user pool that the identity pool does not list. */
  otherClientToken: string;
  /** Guests, classic flow, the user pool and a developer provider. */
  identityPoolId: string;
  arn: string;
  /** The same provider, guests off. */
  noGuests: string;
  /** A pool that allowed guests when `lateGuest` was made, and no longer does. */
  lateGuest: string;
  guest: string;
  alice: string;
  /** A developer identity (`dev-user`) and its OpenID token. */
  developer: { IdentityId: string; Token: string };
}

type Kind = 'required' | 'constraint' | 'type' | 'not-found' | 'semantic' | 'signature';

interface Row {
  action: ActionName;
  kind: Kind;
  what: string;
  input: (f: Fixture) => object;
  expect: string;
  message?: RegExp;
  /** Send with credentials the server does not know (signed actions only). */
  stranger?: boolean;
}

const DEV = 'login.cognate.test';
const N = NO_IDENTITY;
const tooLong = (n: number) => 'x'.repeat(n);
const entries = (n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));
const missing = (...members: string[]) => new RegExp(members.map((m) => `Value null at '${m}' failed to satisfy constraint: Member must not be null`).join('.*'));
const notFoundPool = /^IdentityPool 'us-east-1:0{8}-0{4}-0{4}-0{4}-0{12}' not found\.$/;
const notFoundIdentity = /^Identity 'us-east-1:0{8}-0{4}-0{4}-0{4}-0{12}' not found\.$/;
const unknownArn = `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${N}`;
const rule = { Claim: 'dept', MatchType: 'Equals', Value: 'eng', RoleARN: AUTH_ROLE };
const unsupported = /^Token is not from a supported provider of this identity pool\.$/;
const audience = /^Invalid login token\. Incorrect token audience\.$/;
const guestsOff = /^Unauthenticated access is not supported for this identity pool\.$/;
const dontMatch = /^Logins don't match\. Please include at least one valid login for this identity or identity pool\.$/;

const rows: Row[] = [
  // CreateIdentityPool
  { action: 'CreateIdentityPool', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('allowUnauthenticatedIdentities', 'identityPoolName') },
  { action: 'CreateIdentityPool', kind: 'constraint', what: 'a 129-character name', input: () => ({ IdentityPoolName: tooLong(129), AllowUnauthenticatedIdentities: true }), expect: 'ValidationException', message: /at 'identityPoolName' failed to satisfy constraint: Member must have length less than or equal to 128/ },
  { action: 'CreateIdentityPool', kind: 'constraint', what: 'a name outside [\\w\\s+=,.@-]', input: () => ({ IdentityPoolName: 'app#1', AllowUnauthenticatedIdentities: true }), expect: 'ValidationException', message: /Member must satisfy regular expression pattern/ },
  { action: 'CreateIdentityPool', kind: 'constraint', what: '11 SupportedLoginProviders', input: () => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, SupportedLoginProviders: entries(11) }), expect: 'ValidationException', message: /at 'supportedLoginProviders' failed to satisfy constraint: Member must have length less than or equal to 10/ },
  { action: 'CreateIdentityPool', kind: 'constraint', what: 'a DeveloperProviderName with a space', input: () => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'my dev' }), expect: 'ValidationException', message: /'developerProviderName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\._-\]\+/ },
  { action: 'CreateIdentityPool', kind: 'constraint', what: 'a ClientId outside [\\w_]+', input: (f) => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: providerOf(f.pool), ClientId: 'bad client!' }] }), expect: 'ValidationException', message: /cognitoIdentityProviders\.1\.member\.clientId/ },
  { action: 'CreateIdentityPool', kind: 'constraint', what: 'an empty tag key', input: () => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, IdentityPoolTags: { '': 'x' } }), expect: 'ValidationException' },
  { action: 'CreateIdentityPool', kind: 'type', what: 'AllowUnauthenticatedIdentities as a string', input: () => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: 'yes' }), expect: 'SerializationException', message: /can not be converted to a Boolean at 'allowUnauthenticatedIdentities'/ },
  { action: 'CreateIdentityPool', kind: 'semantic', what: 'the same provider and client twice', input: (f) => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: providerOf(f.pool), ClientId: f.pool.clientId }, { ProviderName: providerOf(f.pool), ClientId: f.pool.clientId }] }), expect: 'InvalidParameterException' },
  { action: 'CreateIdentityPool', kind: 'signature', what: 'unknown credentials', stranger: true, input: () => ({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true }), expect: 'UnrecognizedClientException' },

  // DeleteIdentities
  { action: 'DeleteIdentities', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityIdsToDelete') },
  { action: 'DeleteIdentities', kind: 'constraint', what: '61 identity IDs', input: () => ({ IdentityIdsToDelete: Array.from({ length: 61 }, () => N) }), expect: 'ValidationException', message: /Member must have length less than or equal to 60/ },
  { action: 'DeleteIdentities', kind: 'constraint', what: 'an ID without a colon', input: () => ({ IdentityIdsToDelete: ['nocolon'] }), expect: 'ValidationException' },
  { action: 'DeleteIdentities', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityIdsToDelete: [f.guest] }), expect: 'UnrecognizedClientException' },

  // DeleteIdentityPool
  { action: 'DeleteIdentityPool', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId') },
  { action: 'DeleteIdentityPool', kind: 'constraint', what: 'a 56-character ID', input: () => ({ IdentityPoolId: `us-east-1:${'0'.repeat(46)}` }), expect: 'ValidationException', message: /Member must have length less than or equal to 55/ },
  { action: 'DeleteIdentityPool', kind: 'constraint', what: 'an ID that is not region:uuid', input: () => ({ IdentityPoolId: 'us-east-1:XYZ' }), expect: 'ValidationException', message: /regular expression pattern: \[\\w-\]\+:\[0-9a-f-\]\+/ },
  { action: 'DeleteIdentityPool', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'DeleteIdentityPool', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId }), expect: 'UnrecognizedClientException' },

  // DescribeIdentity
  { action: 'DescribeIdentity', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityId') },
  { action: 'DescribeIdentity', kind: 'constraint', what: 'upper-case hex', input: () => ({ IdentityId: 'us-east-1:ABCDEF' }), expect: 'ValidationException' },
  { action: 'DescribeIdentity', kind: 'not-found', what: 'an unknown identity', input: () => ({ IdentityId: N }), expect: 'ResourceNotFoundException', message: notFoundIdentity },
  { action: 'DescribeIdentity', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityId: f.guest }), expect: 'UnrecognizedClientException' },

  // DescribeIdentityPool
  { action: 'DescribeIdentityPool', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId') },
  { action: 'DescribeIdentityPool', kind: 'constraint', what: 'an empty ID', input: () => ({ IdentityPoolId: '' }), expect: 'ValidationException', message: /Member must have length greater than or equal to 1/ },
  { action: 'DescribeIdentityPool', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'DescribeIdentityPool', kind: 'not-found', what: 'a pool ID of another region', input: () => ({ IdentityPoolId: 'eu-west-1:00000000-0000-0000-0000-000000000000' }), expect: 'ResourceNotFoundException' },
  { action: 'DescribeIdentityPool', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId }), expect: 'UnrecognizedClientException' },

  // GetCredentialsForIdentity
  { action: 'GetCredentialsForIdentity', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityId') },
  { action: 'GetCredentialsForIdentity', kind: 'constraint', what: 'an ID that is not region:uuid', input: () => ({ IdentityId: 'bad' }), expect: 'ValidationException' },
  { action: 'GetCredentialsForIdentity', kind: 'constraint', what: 'a 19-character CustomRoleArn', input: (f) => ({ IdentityId: f.guest, CustomRoleArn: tooLong(19) }), expect: 'ValidationException', message: /'customRoleArn' failed to satisfy constraint: Member must have length greater than or equal to 20/ },
  { action: 'GetCredentialsForIdentity', kind: 'constraint', what: '11 logins', input: (f) => ({ IdentityId: f.guest, Logins: entries(11) }), expect: 'ValidationException', message: /at 'logins' failed to satisfy constraint: Member must have length less than or equal to 10/ },
  { action: 'GetCredentialsForIdentity', kind: 'constraint', what: 'an empty login token', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: '' } }), expect: 'ValidationException', message: /at 'logins' failed to satisfy constraint: Map value must satisfy constraint/ },
  { action: 'GetCredentialsForIdentity', kind: 'not-found', what: 'an unknown identity', input: () => ({ IdentityId: N }), expect: 'ResourceNotFoundException', message: notFoundIdentity },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: 'a provider the pool does not trust', input: (f) => ({ IdentityId: f.alice, Logins: { 'accounts.google.com': f.idToken } }), expect: 'NotAuthorizedException', message: unsupported },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: 'a wrong audience (a client the pool does not list)', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: f.otherClientToken } }), expect: 'NotAuthorizedException', message: audience },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: 'an access token', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: f.accessToken } }), expect: 'NotAuthorizedException', message: /Not a valid OpenId Connect identity token/ },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: 'a signed-in identity without its login', input: (f) => ({ IdentityId: f.alice }), expect: 'NotAuthorizedException', message: dontMatch },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: 'a guest after guests were turned off', input: (f) => ({ IdentityId: f.lateGuest }), expect: 'NotAuthorizedException', message: guestsOff },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: 'a guest asking for a role it does not have', input: (f) => ({ IdentityId: f.guest, CustomRoleArn: AUTH_ROLE }), expect: 'NotAuthorizedException' },
  { action: 'GetCredentialsForIdentity', kind: 'semantic', what: "another identity's developer token", input: (f) => ({ IdentityId: f.alice, Logins: { 'cognito-identity.amazonaws.com': f.developer.Token } }), expect: 'NotAuthorizedException' },

  // GetId
  { action: 'GetId', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId') },
  { action: 'GetId', kind: 'constraint', what: 'an AccountId that is not digits', input: (f) => ({ IdentityPoolId: f.identityPoolId, AccountId: '12ab' }), expect: 'ValidationException', message: /'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d\+/ },
  { action: 'GetId', kind: 'constraint', what: 'a 16-digit AccountId', input: (f) => ({ IdentityPoolId: f.identityPoolId, AccountId: '1'.repeat(16) }), expect: 'ValidationException', message: /Member must have length less than or equal to 15/ },
  { action: 'GetId', kind: 'constraint', what: 'a 129-character logins key', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [tooLong(129)]: 'x' } }), expect: 'ValidationException', message: /Map keys must satisfy constraint/ },
  { action: 'GetId', kind: 'constraint', what: 'a login token over 50,000 characters', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [providerOf(f.pool)]: tooLong(50_001) } }), expect: 'ValidationException', message: /Member must have length less than or equal to 50000/ },
  { action: 'GetId', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'GetId', kind: 'semantic', what: 'a guest when guests are off', input: (f) => ({ IdentityPoolId: f.noGuests }), expect: 'NotAuthorizedException', message: guestsOff },
  { action: 'GetId', kind: 'semantic', what: 'a provider the pool does not trust', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { 'graph.facebook.com': 'token' } }), expect: 'NotAuthorizedException', message: unsupported },
  { action: 'GetId', kind: 'semantic', what: 'a wrong audience', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [providerOf(f.pool)]: f.otherClientToken } }), expect: 'NotAuthorizedException', message: audience },
  { action: 'GetId', kind: 'semantic', what: 'a login that is not a JWT', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [providerOf(f.pool)]: 'not-a-jwt' } }), expect: 'NotAuthorizedException', message: /^Invalid login token\./ },
  { action: 'GetId', kind: 'semantic', what: 'the developer provider as a login (only GetOpenIdTokenForDeveloperIdentity takes it)', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' } }), expect: 'NotAuthorizedException', message: unsupported },

  // GetIdentityPoolRoles
  { action: 'GetIdentityPoolRoles', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId') },
  { action: 'GetIdentityPoolRoles', kind: 'constraint', what: "'::'", input: () => ({ IdentityPoolId: '::' }), expect: 'ValidationException' },
  { action: 'GetIdentityPoolRoles', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'GetIdentityPoolRoles', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId }), expect: 'UnrecognizedClientException' },

  // GetOpenIdToken
  { action: 'GetOpenIdToken', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityId') },
  { action: 'GetOpenIdToken', kind: 'constraint', what: 'a 56-character ID', input: () => ({ IdentityId: `us-east-1:${'a'.repeat(46)}` }), expect: 'ValidationException' },
  { action: 'GetOpenIdToken', kind: 'constraint', what: '11 logins', input: (f) => ({ IdentityId: f.alice, Logins: entries(11) }), expect: 'ValidationException' },
  { action: 'GetOpenIdToken', kind: 'not-found', what: 'an unknown identity', input: () => ({ IdentityId: N }), expect: 'ResourceNotFoundException', message: notFoundIdentity },
  { action: 'GetOpenIdToken', kind: 'semantic', what: 'a wrong audience', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: f.otherClientToken } }), expect: 'NotAuthorizedException', message: audience },
  { action: 'GetOpenIdToken', kind: 'semantic', what: 'a signed-in identity without its login', input: (f) => ({ IdentityId: f.alice }), expect: 'NotAuthorizedException', message: dontMatch },
  { action: 'GetOpenIdToken', kind: 'semantic', what: 'a guest after guests were turned off', input: (f) => ({ IdentityId: f.lateGuest }), expect: 'NotAuthorizedException', message: guestsOff },

  // GetOpenIdTokenForDeveloperIdentity
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId', 'logins') },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'constraint', what: 'TokenDuration 0', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' }, TokenDuration: 0 }), expect: 'ValidationException', message: /'tokenDuration' failed to satisfy constraint: Member must have value greater than or equal to 1/ },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'constraint', what: 'TokenDuration over 24 h', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' }, TokenDuration: 86_401 }), expect: 'ValidationException', message: /Member must have value less than or equal to 86400/ },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'constraint', what: '51 principal tags', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' }, PrincipalTags: entries(51) }), expect: 'ValidationException', message: /'principalTags' failed to satisfy constraint: Member must have length less than or equal to 50/ },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'constraint', what: 'an empty principal tag value', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' }, PrincipalTags: { team: '' } }), expect: 'ValidationException' },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'type', what: 'TokenDuration as a string', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' }, TokenDuration: 'soon' }), expect: 'SerializationException' },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N, Logins: { [DEV]: 'dev-user' } }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'not-found', what: 'an unknown IdentityId', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: N, Logins: { [DEV]: 'someone-new' } }), expect: 'ResourceNotFoundException' },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'semantic', what: 'Logins without the developer provider', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { 'other.dev': 'x' } }), expect: 'InvalidParameterException' },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'semantic', what: 'a pool without a developer provider', input: (f) => ({ IdentityPoolId: f.noGuests, Logins: { [DEV]: 'x' } }), expect: 'NotAuthorizedException' },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'semantic', what: "a developer user already on another identity, with alice's IdentityId", input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: f.alice, Logins: { [DEV]: 'dev-user' } }), expect: 'DeveloperUserAlreadyRegisteredException' },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'semantic', what: 'a second login with a wrong audience', input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-2', [providerOf(f.pool)]: f.otherClientToken } }), expect: 'NotAuthorizedException', message: audience },
  { action: 'GetOpenIdTokenForDeveloperIdentity', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-user' } }), expect: 'UnrecognizedClientException' },

  // GetPrincipalTagAttributeMap
  { action: 'GetPrincipalTagAttributeMap', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId', 'identityProviderName') },
  { action: 'GetPrincipalTagAttributeMap', kind: 'constraint', what: 'a 129-character provider name', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: tooLong(129) }), expect: 'ValidationException' },
  { action: 'GetPrincipalTagAttributeMap', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ IdentityPoolId: N, IdentityProviderName: providerOf(f.pool) }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'GetPrincipalTagAttributeMap', kind: 'semantic', what: 'a provider the pool does not have', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: 'accounts.google.com' }), expect: 'InvalidParameterException' },
  { action: 'GetPrincipalTagAttributeMap', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: providerOf(f.pool) }), expect: 'UnrecognizedClientException' },

  // ListIdentities
  { action: 'ListIdentities', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId', 'maxResults') },
  { action: 'ListIdentities', kind: 'constraint', what: 'MaxResults 0', input: (f) => ({ IdentityPoolId: f.identityPoolId, MaxResults: 0 }), expect: 'ValidationException', message: /Member must have value greater than or equal to 1/ },
  { action: 'ListIdentities', kind: 'constraint', what: 'MaxResults 61', input: (f) => ({ IdentityPoolId: f.identityPoolId, MaxResults: 61 }), expect: 'ValidationException', message: /Member must have value less than or equal to 60/ },
  { action: 'ListIdentities', kind: 'constraint', what: 'a NextToken with a space', input: (f) => ({ IdentityPoolId: f.identityPoolId, MaxResults: 5, NextToken: 'a b' }), expect: 'ValidationException', message: /'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\S\]\+/ },
  { action: 'ListIdentities', kind: 'semantic', what: 'a NextToken that was never issued', input: (f) => ({ IdentityPoolId: f.identityPoolId, MaxResults: 5, NextToken: 'AAAA' }), expect: 'InvalidParameterException', message: /^Invalid pagination token\.$/ },
  { action: 'ListIdentities', kind: 'type', what: 'MaxResults as a string', input: (f) => ({ IdentityPoolId: f.identityPoolId, MaxResults: 'ten' }), expect: 'SerializationException', message: /can not be converted to an Integer at 'maxResults'/ },
  { action: 'ListIdentities', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N, MaxResults: 5 }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'ListIdentities', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, MaxResults: 5 }), expect: 'UnrecognizedClientException' },

  // ListIdentityPools
  { action: 'ListIdentityPools', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('maxResults') },
  { action: 'ListIdentityPools', kind: 'constraint', what: 'MaxResults 61', input: () => ({ MaxResults: 61 }), expect: 'ValidationException' },
  { action: 'ListIdentityPools', kind: 'constraint', what: 'an empty NextToken', input: () => ({ MaxResults: 5, NextToken: '' }), expect: 'ValidationException' },
  { action: 'ListIdentityPools', kind: 'semantic', what: 'a NextToken that was never issued', input: () => ({ MaxResults: 5, NextToken: 'AAE' }), expect: 'InvalidParameterException', message: /^Invalid pagination token\.$/ },
  { action: 'ListIdentityPools', kind: 'signature', what: 'unknown credentials', stranger: true, input: () => ({ MaxResults: 5 }), expect: 'UnrecognizedClientException' },

  // ListTagsForResource
  { action: 'ListTagsForResource', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('resourceArn') },
  { action: 'ListTagsForResource', kind: 'constraint', what: 'a 19-character ARN', input: () => ({ ResourceArn: tooLong(19) }), expect: 'ValidationException', message: /Member must have length greater than or equal to 20/ },
  { action: 'ListTagsForResource', kind: 'constraint', what: 'a 2,049-character ARN', input: () => ({ ResourceArn: tooLong(2049) }), expect: 'ValidationException', message: /Member must have length less than or equal to 2048/ },
  { action: 'ListTagsForResource', kind: 'semantic', what: 'an ARN of another service', input: () => ({ ResourceArn: 'arn:aws:s3:::some-bucket-name' }), expect: 'InvalidParameterException' },
  { action: 'ListTagsForResource', kind: 'not-found', what: 'an unknown pool ARN', input: () => ({ ResourceArn: unknownArn }), expect: 'ResourceNotFoundException' },
  { action: 'ListTagsForResource', kind: 'not-found', what: 'the pool under another account', input: (f) => ({ ResourceArn: f.arn.replace(':000000000000:', ':111111111111:') }), expect: 'ResourceNotFoundException' },
  { action: 'ListTagsForResource', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ ResourceArn: f.arn }), expect: 'UnrecognizedClientException' },

  // LookupDeveloperIdentity
  { action: 'LookupDeveloperIdentity', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId') },
  { action: 'LookupDeveloperIdentity', kind: 'constraint', what: 'a 1,025-character identifier', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperUserIdentifier: tooLong(1025) }), expect: 'ValidationException', message: /Member must have length less than or equal to 1024/ },
  { action: 'LookupDeveloperIdentity', kind: 'constraint', what: 'MaxResults 61', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperUserIdentifier: 'dev-user', MaxResults: 61 }), expect: 'ValidationException' },
  { action: 'LookupDeveloperIdentity', kind: 'semantic', what: 'neither IdentityId nor DeveloperUserIdentifier', input: (f) => ({ IdentityPoolId: f.identityPoolId }), expect: 'InvalidParameterException' },
  { action: 'LookupDeveloperIdentity', kind: 'semantic', what: 'a NextToken that was never issued', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperUserIdentifier: 'dev-user', NextToken: 'zz' }), expect: 'InvalidParameterException', message: /^Invalid pagination token\.$/ },
  { action: 'LookupDeveloperIdentity', kind: 'semantic', what: 'an identifier of another identity', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: f.alice, DeveloperUserIdentifier: 'dev-user' }), expect: 'ResourceConflictException' },
  { action: 'LookupDeveloperIdentity', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N, DeveloperUserIdentifier: 'dev-user' }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'LookupDeveloperIdentity', kind: 'not-found', what: 'an unknown identifier', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperUserIdentifier: 'nobody' }), expect: 'ResourceNotFoundException' },
  { action: 'LookupDeveloperIdentity', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperUserIdentifier: 'dev-user' }), expect: 'UnrecognizedClientException' },

  // MergeDeveloperIdentities
  { action: 'MergeDeveloperIdentities', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('destinationUserIdentifier', 'developerProviderName', 'identityPoolId', 'sourceUserIdentifier') },
  { action: 'MergeDeveloperIdentities', kind: 'constraint', what: 'a provider name with a space', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperProviderName: 'my dev', SourceUserIdentifier: 'a', DestinationUserIdentifier: 'b' }), expect: 'ValidationException' },
  { action: 'MergeDeveloperIdentities', kind: 'constraint', what: 'an empty source identifier', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperProviderName: DEV, SourceUserIdentifier: '', DestinationUserIdentifier: 'dev-user' }), expect: 'ValidationException', message: /'sourceUserIdentifier' failed to satisfy constraint: Member must have length greater than or equal to 1/ },
  { action: 'MergeDeveloperIdentities', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N, DeveloperProviderName: DEV, SourceUserIdentifier: 'a', DestinationUserIdentifier: 'b' }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'MergeDeveloperIdentities', kind: 'not-found', what: 'an unknown source identifier', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'nobody', DestinationUserIdentifier: 'dev-user' }), expect: 'ResourceNotFoundException' },
  { action: 'MergeDeveloperIdentities', kind: 'semantic', what: 'another developer provider', input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperProviderName: 'other.dev', SourceUserIdentifier: 'a', DestinationUserIdentifier: 'dev-user' }), expect: 'NotAuthorizedException' },
  { action: 'MergeDeveloperIdentities', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'a', DestinationUserIdentifier: 'b' }), expect: 'UnrecognizedClientException' },

  // SetIdentityPoolRoles
  { action: 'SetIdentityPoolRoles', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId', 'roles') },
  { action: 'SetIdentityPoolRoles', kind: 'constraint', what: 'a role type outside (un)?authenticated', input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: { admin: AUTH_ROLE } }), expect: 'ValidationException', message: /Map keys must satisfy constraint/ },
  { action: 'SetIdentityPoolRoles', kind: 'constraint', what: 'a 19-character role ARN', input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: { authenticated: tooLong(19) } }), expect: 'ValidationException' },
  { action: 'SetIdentityPoolRoles', kind: 'constraint', what: 'a mapping without Type', input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: {}, RoleMappings: { [`${providerOf(f.pool)}:${f.pool.clientId}`]: { AmbiguousRoleResolution: 'Deny' } } }), expect: 'ValidationException', message: /\.type' failed to satisfy constraint: Member must not be null/ },
  { action: 'SetIdentityPoolRoles', kind: 'constraint', what: "AmbiguousRoleResolution 'Maybe'", input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: {}, RoleMappings: { [`${providerOf(f.pool)}:${f.pool.clientId}`]: { Type: 'Token', AmbiguousRoleResolution: 'Maybe' } } }), expect: 'ValidationException', message: /Member must satisfy enum value set/ },
  { action: 'SetIdentityPoolRoles', kind: 'constraint', what: 'a rule without MatchType', input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: {}, RoleMappings: { [`${providerOf(f.pool)}:${f.pool.clientId}`]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'dept', Value: 'eng', RoleARN: AUTH_ROLE }] } } } }), expect: 'ValidationException', message: /matchType' failed to satisfy constraint: Member must not be null/ },
  { action: 'SetIdentityPoolRoles', kind: 'semantic', what: '26 rules (Cognito allows 25 per provider)', input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: {}, RoleMappings: { [`${providerOf(f.pool)}:${f.pool.clientId}`]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: Array.from({ length: 26 }, () => rule) } } } }), expect: 'InvalidParameterException', message: /at most 25 rules/ },
  { action: 'SetIdentityPoolRoles', kind: 'semantic', what: 'a mapping for a provider the pool does not have', input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: {}, RoleMappings: { 'accounts.google.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }), expect: 'InvalidParameterException' },
  { action: 'SetIdentityPoolRoles', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N, Roles: { authenticated: AUTH_ROLE } }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'SetIdentityPoolRoles', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, Roles: { authenticated: AUTH_ROLE } }), expect: 'UnrecognizedClientException' },

  // SetPrincipalTagAttributeMap
  { action: 'SetPrincipalTagAttributeMap', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityPoolId', 'identityProviderName') },
  { action: 'SetPrincipalTagAttributeMap', kind: 'constraint', what: 'a 257-character tag value', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: providerOf(f.pool), PrincipalTags: { team: tooLong(257) } }), expect: 'ValidationException' },
  { action: 'SetPrincipalTagAttributeMap', kind: 'constraint', what: '51 principal tags', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: providerOf(f.pool), PrincipalTags: entries(51) }), expect: 'ValidationException' },
  { action: 'SetPrincipalTagAttributeMap', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ IdentityPoolId: N, IdentityProviderName: providerOf(f.pool), UseDefaults: true }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'SetPrincipalTagAttributeMap', kind: 'semantic', what: 'a provider the pool does not have', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: 'accounts.google.com', UseDefaults: true }), expect: 'InvalidParameterException' },
  { action: 'SetPrincipalTagAttributeMap', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityProviderName: providerOf(f.pool), UseDefaults: true }), expect: 'UnrecognizedClientException' },

  // TagResource
  { action: 'TagResource', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('resourceArn', 'tags') },
  { action: 'TagResource', kind: 'constraint', what: 'a 257-character tag value', input: (f) => ({ ResourceArn: f.arn, Tags: { team: tooLong(257) } }), expect: 'ValidationException' },
  { action: 'TagResource', kind: 'constraint', what: 'a 129-character tag key', input: (f) => ({ ResourceArn: f.arn, Tags: { [tooLong(129)]: 'v' } }), expect: 'ValidationException' },
  { action: 'TagResource', kind: 'semantic', what: "a key starting with 'aws:'", input: (f) => ({ ResourceArn: f.arn, Tags: { 'aws:team': 'v' } }), expect: 'InvalidParameterException' },
  { action: 'TagResource', kind: 'semantic', what: 'more than 50 tags in all', input: (f) => ({ ResourceArn: f.arn, Tags: entries(51) }), expect: 'InvalidParameterException' },
  { action: 'TagResource', kind: 'not-found', what: 'an unknown pool ARN', input: () => ({ ResourceArn: unknownArn, Tags: { team: 'v' } }), expect: 'ResourceNotFoundException' },
  { action: 'TagResource', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ ResourceArn: f.arn, Tags: { team: 'v' } }), expect: 'UnrecognizedClientException' },

  // UnlinkDeveloperIdentity
  { action: 'UnlinkDeveloperIdentity', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('developerProviderName', 'developerUserIdentifier', 'identityId', 'identityPoolId') },
  { action: 'UnlinkDeveloperIdentity', kind: 'constraint', what: 'a 1,025-character identifier', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: f.developer.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: tooLong(1025) }), expect: 'ValidationException' },
  { action: 'UnlinkDeveloperIdentity', kind: 'not-found', what: 'an unknown identity', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: N, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'dev-user' }), expect: 'ResourceNotFoundException', message: notFoundIdentity },
  { action: 'UnlinkDeveloperIdentity', kind: 'not-found', what: 'an identifier the identity does not have', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: f.developer.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'nobody' }), expect: 'ResourceNotFoundException' },
  { action: 'UnlinkDeveloperIdentity', kind: 'semantic', what: 'another developer provider', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: f.developer.IdentityId, DeveloperProviderName: 'other.dev', DeveloperUserIdentifier: 'dev-user' }), expect: 'NotAuthorizedException' },
  { action: 'UnlinkDeveloperIdentity', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityId: f.developer.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'dev-user' }), expect: 'UnrecognizedClientException' },

  // UnlinkIdentity
  { action: 'UnlinkIdentity', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('identityId', 'logins', 'loginsToRemove') },
  { action: 'UnlinkIdentity', kind: 'constraint', what: 'an empty provider in LoginsToRemove', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: f.idToken }, LoginsToRemove: [''] }), expect: 'ValidationException' },
  { action: 'UnlinkIdentity', kind: 'not-found', what: 'an unknown identity', input: (f) => ({ IdentityId: N, Logins: { [providerOf(f.pool)]: f.idToken }, LoginsToRemove: [providerOf(f.pool)] }), expect: 'ResourceNotFoundException', message: notFoundIdentity },
  { action: 'UnlinkIdentity', kind: 'semantic', what: 'no logins', input: (f) => ({ IdentityId: f.alice, Logins: {}, LoginsToRemove: [providerOf(f.pool)] }), expect: 'NotAuthorizedException', message: dontMatch },
  { action: 'UnlinkIdentity', kind: 'semantic', what: 'a wrong audience', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: f.otherClientToken }, LoginsToRemove: [providerOf(f.pool)] }), expect: 'NotAuthorizedException', message: audience },
  { action: 'UnlinkIdentity', kind: 'semantic', what: "alice's login on a guest identity", input: (f) => ({ IdentityId: f.guest, Logins: { [providerOf(f.pool)]: f.idToken }, LoginsToRemove: [providerOf(f.pool)] }), expect: 'NotAuthorizedException', message: dontMatch },
  { action: 'UnlinkIdentity', kind: 'semantic', what: 'a provider the identity is not linked to', input: (f) => ({ IdentityId: f.alice, Logins: { [providerOf(f.pool)]: f.idToken }, LoginsToRemove: ['accounts.google.com'] }), expect: 'InvalidParameterException' },

  // UntagResource
  { action: 'UntagResource', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('resourceArn', 'tagKeys') },
  { action: 'UntagResource', kind: 'constraint', what: 'an empty tag key', input: (f) => ({ ResourceArn: f.arn, TagKeys: [''] }), expect: 'ValidationException' },
  { action: 'UntagResource', kind: 'not-found', what: 'an unknown pool ARN', input: () => ({ ResourceArn: unknownArn, TagKeys: ['team'] }), expect: 'ResourceNotFoundException' },
  { action: 'UntagResource', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ ResourceArn: f.arn, TagKeys: ['team'] }), expect: 'UnrecognizedClientException' },

  // UpdateIdentityPool
  { action: 'UpdateIdentityPool', kind: 'required', what: 'nothing', input: () => ({}), expect: 'ValidationException', message: missing('allowUnauthenticatedIdentities', 'identityPoolId', 'identityPoolName') },
  { action: 'UpdateIdentityPool', kind: 'constraint', what: 'a name with a slash', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityPoolName: 'a/b', AllowUnauthenticatedIdentities: true }), expect: 'ValidationException' },
  { action: 'UpdateIdentityPool', kind: 'constraint', what: 'an OpenID Connect provider ARN under 20 characters', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: ['arn:short'] }), expect: 'ValidationException' },
  { action: 'UpdateIdentityPool', kind: 'semantic', what: 'a new developer provider name', input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'other.dev' }), expect: 'InvalidParameterException' },
  { action: 'UpdateIdentityPool', kind: 'not-found', what: 'an unknown pool', input: () => ({ IdentityPoolId: N, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true }), expect: 'ResourceNotFoundException', message: notFoundPool },
  { action: 'UpdateIdentityPool', kind: 'signature', what: 'unknown credentials', stranger: true, input: (f) => ({ IdentityPoolId: f.identityPoolId, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true }), expect: 'UnrecognizedClientException' },
];

/** The actions the API model lists (the reference list checked in with the models). */
function modelActions(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const model = JSON.parse(readFileSync(path.resolve(here, '../../../models/cognito-identity.json'), 'utf8')) as { operations: Record<string, unknown> };
  return Object.keys(model.operations).sort();
}

for (const kind of databaseKinds) {
  describe(`cognito-identity bad input (${kind})`, () => {
    let server: TestServer;
    let stranger: CognitoIdentityClient;
    let f: Fixture;

    before(async () => {
      server = await startTestServer(kind);
      stranger = new CognitoIdentityClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIASTRANGER0000000', secretAccessKey: 'not-the-admin-secret' } });
      const pool = await newPool(server);
      await adminUser(server, pool, 'alice');
      const session = await srpSignIn(server, pool, 'alice');
      const other = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'unlisted', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const otherClientToken = (await srpSignIn(server, { poolId: pool.poolId, clientId: other }, 'alice')).getIdToken().getJwtToken();
      const identityPoolId = await identityPoolFor(server, [pool], { DeveloperProviderName: DEV });
      const noGuests = await identityPoolFor(server, [pool], { AllowUnauthenticatedIdentities: false });
      const late = await identityPoolFor(server, [pool]);
      const lateGuest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: late }))).IdentityId!;
      await server.identityAdmin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: late, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: false, AllowClassicFlow: true, CognitoIdentityProviders: [{ ProviderName: providerOf(pool), ClientId: pool.clientId }] }));
      const idToken = session.getIdToken().getJwtToken();
      const guest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId!;
      const alice = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: idToken } }))).IdentityId!;
      const dev = await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'dev-user' } }));
      f = {
        pool,
        idToken,
        accessToken: session.getAccessToken().getJwtToken(),
        otherClientToken,
        identityPoolId,
        arn: `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${identityPoolId}`,
        noGuests,
        lateGuest,
        guest,
        alice,
        developer: { IdentityId: dev.IdentityId!, Token: dev.Token! },
      };
    });
    after(async () => {
      stranger?.destroy();
      await server?.stop();
    });

    /** Sends a row's input the way a real client would (signed for the admin actions) and returns the failure. */
    const refusal = (row: Row) => {
      const Command = commands[row.action] as unknown as new (input: object) => Parameters<CognitoIdentityClient['send']>[0];
      const client = row.stranger ? stranger : UNSIGNED.has(row.action) ? server.identity : server.identityAdmin;
      return failureWithStatus(() => client.send(new Command(row.input(f))));
    };

    for (const action of Object.keys(commands) as ActionName[]) {
      it(`${action}: every bad input gets Cognito's error`, async () => {
        for (const row of rows.filter((r) => r.action === action)) {
          const label = `${row.action} with ${row.what}`;
          const e = await refusal(row);
          assert.equal(e.name, row.expect, `${label}: ${e.name}: ${e.message}`);
          assert.equal(e.status, row.kind === 'signature' ? 403 : 400, `${label}: HTTP ${e.status}`);
          if (row.message) assert.match(e.message, row.message, label);
          assert.doesNotMatch(e.message, LEAKED_INTERNALS, `${label}: internals in the message`);
        }
      });
    }

    it('refuses an expired user pool ID token on every action that takes logins', async () => {
      const exp = claims(f.idToken).exp as number;
      const logins = { [providerOf(f.pool)]: f.idToken };
      server.clock.advance(2 * 3600 * 1000);
      // The admin's signature must be current at the server's (advanced) time.
      const admin = new CognitoIdentityClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: server.credentials, systemClockOffset: server.clock.now() - Date.now() });
      try {
        const calls = [
          () => server.identity.send(new GetIdCommand({ IdentityPoolId: f.identityPoolId, Logins: logins })),
          () => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: f.alice, Logins: logins })),
          () => server.identity.send(new GetOpenIdTokenCommand({ IdentityId: f.alice, Logins: logins })),
          () => server.identity.send(new UnlinkIdentityCommand({ IdentityId: f.alice, Logins: logins, LoginsToRemove: [providerOf(f.pool)] })),
          () => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: f.identityPoolId, Logins: { [DEV]: 'dev-3', ...logins } })),
        ];
        for (const call of calls) {
          const e = await failureWithStatus(call);
          assert.equal(e.name, 'NotAuthorizedException');
          assert.equal(e.status, 400);
          assert.match(e.message, new RegExp(`^Invalid login token\\. Token expired: ${exp} >= \\d+$`));
        }
        // The developer identity's own OpenID token (15 minutes) has expired too.
        const dev = await failureWithStatus(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: f.developer.IdentityId, Logins: { 'cognito-identity.amazonaws.com': f.developer.Token } })));
        assert.equal(dev.name, 'NotAuthorizedException');
      } finally {
        admin.destroy();
        server.clock.advance(-2 * 3600 * 1000);
      }
      // Nothing above changed anything: the same token still opens the same identity.
      const again = await server.identity.send(new GetIdCommand({ IdentityPoolId: f.identityPoolId, Logins: logins }));
      assert.equal(again.IdentityId, f.alice);
    });

    it('leaves the fixtures as they were: the refused calls changed nothing', async () => {
      const roles = await server.identityAdmin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: f.identityPoolId }));
      assert.deepEqual(roles.Roles, { authenticated: AUTH_ROLE, unauthenticated: UNAUTH_ROLE });
      const tags = await server.identityAdmin.send(new ListTagsForResourceCommand({ ResourceArn: f.arn }));
      assert.deepEqual(tags.Tags ?? {}, {});
      const lookup = await server.identityAdmin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: f.identityPoolId, DeveloperUserIdentifier: 'dev-user' }));
      assert.equal(lookup.IdentityId, f.developer.IdentityId);
      const described = await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: f.alice }));
      assert.deepEqual(described.Logins, [providerOf(f.pool)]);
      // A guest may name its own role.
      const own = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: f.guest, CustomRoleArn: UNAUTH_ROLE }));
      assert.match(own.Credentials!.AccessKeyId!, /^ASIA/);
      // DeleteIdentities of IDs that exist nowhere is not an error (nothing to do).
      const deleted = await server.identityAdmin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [N] }));
      assert.deepEqual(deleted.UnprocessedIdentityIds, []);
    });

    it('covers every cognito-identity action with missing, out-of-constraint and (where it names one) unknown-resource input', () => {
      const actions = modelActions();
      assert.equal(actions.length, 23);
      assert.deepEqual(Object.keys(commands).sort(), actions);
      for (const action of actions) {
        const kinds = new Set(rows.filter((r) => r.action === action).map((r) => r.kind));
        assert.ok(kinds.has('required'), `${action}: a missing required member`);
        for (const r of rows.filter((r) => r.action === action && (r.kind === 'required' || r.kind === 'constraint'))) {
          assert.equal(r.expect, 'ValidationException', `${action} with ${r.what}: a model constraint is a ValidationException`);
        }
        assert.ok(kinds.has('constraint'), `${action}: a model constraint`);
        if (action !== 'CreateIdentityPool' && action !== 'ListIdentityPools' && action !== 'DeleteIdentities') assert.ok(kinds.has('not-found'), `${action}: an unknown resource`);
        if (!UNSIGNED.has(action as ActionName)) assert.ok(kinds.has('signature'), `${action}: credentials the server does not know`);
      }
    });
  });
}

/**
 * Bad input to every user-directory action of issue 3 (administration of users, listing, groups,
 * schema, self-service, import jobs), driven by @aws-sdk/client-cognito-identity-provider against a
 * running server (the SDK v3 checks no constraint itself, so every row reaches the server).
 *
 * One table, one row per bad input: missing required members, the API model's constraints
 * (lengths, patterns, enums, ranges), wrong JSON types, unknown pools, clients, users, groups and
 * jobs, the wrong state (confirming a confirmed user, starting a job twice, deleting a missing
 * group ...), bad access tokens (garbage, forged, an ID token, revoked, of a deleted user or pool)
 * and the semantic refusals (a taken alias, an attribute outside the schema, a password outside the
 * policy). Each row checks the error's name (`__type`), HTTP status 400 and, where Cognito's wording
 * is known, its message; no answer may be a 500 or carry a stack trace.
 *
 * Nothing half-written: the state of every fixture (users with their attributes, status and dates,
 * group memberships, groups, the schema, import jobs, the outbox) is read before the table runs and
 * must read the same after; further tests check multi-step refusals one by one (AdminCreateUser with
 * a taken alias leaves no user, AdminUpdateUserAttributes with one bad attribute changes none ...).
 * A last test checks that the table covers all 38 actions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AddCustomAttributesCommand,
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  CreateUserImportJobCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  DeleteUserPoolCommand,
  DescribeUserImportJobCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  GetCSVHeaderCommand,
  GetGroupCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  ListDevicesCommand,
  SetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  ListGroupsCommand,
  ListUserImportJobsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
  StartUserImportJobCommand,
  StopUserImportJobCommand,
  UpdateGroupCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, failureWithStatus, fetchBody, startTestServer, type TestServer } from '../../support/server.js';
import { attrs, PASSWORD, WRONG } from '../security/helpers.js';

/** The SDK's command for each action in scope, so rows name actions as Cognito does. */
const commands = {
  AdminCreateUser: AdminCreateUserCommand,
  AdminGetUser: AdminGetUserCommand,
  AdminUpdateUserAttributes: AdminUpdateUserAttributesCommand,
  AdminDeleteUserAttributes: AdminDeleteUserAttributesCommand,
  AdminDeleteUser: AdminDeleteUserCommand,
  AdminDisableUser: AdminDisableUserCommand,
  AdminEnableUser: AdminEnableUserCommand,
  AdminResetUserPassword: AdminResetUserPasswordCommand,
  AdminSetUserPassword: AdminSetUserPasswordCommand,
  AdminConfirmSignUp: AdminConfirmSignUpCommand,
  AdminUserGlobalSignOut: AdminUserGlobalSignOutCommand,
  AdminRespondToAuthChallenge: AdminRespondToAuthChallengeCommand,
  AdminInitiateAuth: AdminInitiateAuthCommand,
  ListUsers: ListUsersCommand,
  CreateGroup: CreateGroupCommand,
  GetGroup: GetGroupCommand,
  UpdateGroup: UpdateGroupCommand,
  DeleteGroup: DeleteGroupCommand,
  ListGroups: ListGroupsCommand,
  AdminAddUserToGroup: AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroup: AdminRemoveUserFromGroupCommand,
  AdminListGroupsForUser: AdminListGroupsForUserCommand,
  ListUsersInGroup: ListUsersInGroupCommand,
  AddCustomAttributes: AddCustomAttributesCommand,
  ForgotPassword: ForgotPasswordCommand,
  ConfirmForgotPassword: ConfirmForgotPasswordCommand,
  ChangePassword: ChangePasswordCommand,
  UpdateUserAttributes: UpdateUserAttributesCommand,
  DeleteUserAttributes: DeleteUserAttributesCommand,
  DeleteUser: DeleteUserCommand,
  GetUserAttributeVerificationCode: GetUserAttributeVerificationCodeCommand,
  VerifyUserAttribute: VerifyUserAttributeCommand,
  CreateUserImportJob: CreateUserImportJobCommand,
  DescribeUserImportJob: DescribeUserImportJobCommand,
  ListUserImportJobs: ListUserImportJobsCommand,
  StartUserImportJob: StartUserImportJobCommand,
  StopUserImportJob: StopUserImportJobCommand,
  GetCSVHeader: GetCSVHeaderCommand,
} as const;
type ActionName = keyof typeof commands;

/** The actions a client calls unsigned (an access token or a client ID authorises them). */
const UNSIGNED: ReadonlySet<ActionName> = new Set([
  'ForgotPassword',
  'ConfirmForgotPassword',
  'ChangePassword',
  'UpdateUserAttributes',
  'DeleteUserAttributes',
  'DeleteUser',
  'GetUserAttributeVerificationCode',
  'VerifyUserAttribute',
]);
/** The unsigned actions an access token authorises. */
const TOKEN_ACTIONS: readonly ActionName[] = ['ChangePassword', 'UpdateUserAttributes', 'DeleteUserAttributes', 'DeleteUser', 'GetUserAttributeVerificationCode', 'VerifyUserAttribute'];

/** What the rows refer to, made in `before`. */
interface Fixture {
  /** Aliases email and preferred_username; email required and auto-verified; custom tier, badge (immutable), level. */
  poolId: string;
  /** PreventUserExistenceErrors ENABLED (set explicitly; the API's default is LEGACY). */
  clientId: string;
  /** PreventUserExistenceErrors LEGACY: unknown users are named. */
  legacyClientId: string;
  /** SRP only: no ADMIN_USER_PASSWORD_AUTH. */
  srpOnlyClientId: string;
  /** alice: CONFIRMED, email verified, preferred_username `ally`, in group `admins`. */
  aliceToken: string;
  aliceIdToken: string;
  /** A NEW_PASSWORD_REQUIRED session of dave (FORCE_CHANGE_PASSWORD). */
  daveSession: string;
  /** Tokens that must not work: revoked by a global sign-out, of a deleted user, of a deleted pool, forged. */
  revokedToken: string;
  goneUserToken: string;
  gonePoolToken: string;
  /** A token of another pool with its `iss` rewritten to this pool (the signature no longer fits). */
  forgedToken: string;
  /** An unsigned token (`alg: none`) with alice's claims. */
  unsignedToken: string;
  /** A valid token whose scope a PreTokenGeneration trigger narrowed to `openid` (no aws.cognito.signin.user.admin). */
  narrowToken: string;
  /** An import job with no CSV (Created), and one that has run (Succeeded or Failed). */
  createdJob: string;
  finishedJob: string;
  /** A job of another pool. */
  otherPoolJob: string;
  otherPoolId: string;
}

type Kind = 'required' | 'constraint' | 'type' | 'not-found' | 'state' | 'token' | 'semantic';

interface Row {
  action: ActionName;
  kind: Kind;
  what: string;
  input: (f: Fixture) => object;
  expect: string;
  message?: RegExp;
}

const NO_POOL = 'us-east-1_000000000';
const NO_CLIENT = '0000000000000000000000000a';
const NO_JOB = 'import-0000000000';
const ROLE = 'arn:aws:iam::123456789012:role/CognitoImport';
const NEW_PASSWORD = 'N3w-Battery-Staple!';
const NARROWING = 'arn:aws:lambda:us-east-1:123456789012:function:narrow-scope';
const tooLong = (n: number) => 'x'.repeat(n);
const missing = (...members: string[]) =>
  new RegExp(`^${members.length} validation errors? detected: ` + members.map((m) => `Value null at '${m}' failed to satisfy constraint: Member must not be null`).join('; ') + '$');
const noPool = new RegExp(`^User pool ${NO_POOL} does not exist\\.$`);
const noClient = new RegExp(`^User pool client ${NO_CLIENT} does not exist\\.$`);
const noUser = /^User does not exist\.$/;
const noGroup = /^Group not found\.$/;
const tooLongAt = (member: string, max: number) => new RegExp(`at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
const patternAt = (member: string) => new RegExp(`at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern`);
const invalidToken = /^Invalid Access Token$/;
const revoked = /^Access Token has been revoked$/;
const incorrect = /^Incorrect username or password\.$/;
const policy = /^Password did not conform with policy: /;

/**
 * The rows every access-token action gets: a token that is no JWT, an unsigned one, a forged one,
 * an ID token, a revoked one, one of a deleted user and one of a deleted pool.
 */
function tokenRows(action: ActionName, rest: (f: Fixture) => object): Row[] {
  const row = (what: string, token: (f: Fixture) => string, message?: RegExp): Row => ({
    action,
    kind: 'token',
    what,
    input: (f) => ({ ...rest(f), AccessToken: token(f) }),
    expect: 'NotAuthorizedException',
    ...(message ? { message } : {}),
  });
  return [
    row('a token that is no JWT', () => 'not-a-jwt', invalidToken),
    row('three segments of garbage', () => 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', invalidToken),
    row('an unsigned (alg none) token', (f) => f.unsignedToken, invalidToken),
    row("another pool's token re-labelled with this pool's issuer", (f) => f.forgedToken, invalidToken),
    row('an ID token', (f) => f.aliceIdToken, invalidToken),
    row('a token revoked by a global sign-out', (f) => f.revokedToken, revoked),
    row('a token of a deleted user', (f) => f.goneUserToken),
    row('a token of a deleted pool', (f) => f.gonePoolToken, invalidToken),
    row('a token without the aws.cognito.signin.user.admin scope', (f) => f.narrowToken, /^Access Token does not have required scopes$/),
  ];
}

const rows: Row[] = [
  // AdminCreateUser
  { action: 'AdminCreateUser', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'a 129-character username', input: (f) => ({ UserPoolId: f.poolId, Username: tooLong(129) }), expect: 'InvalidParameterException', message: tooLongAt('username', 128) },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'a username with a space', input: (f) => ({ UserPoolId: f.poolId, Username: 'new user' }), expect: 'InvalidParameterException', message: patternAt('username') },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'a pool ID without an underscore', input: () => ({ UserPoolId: 'useast1', Username: 'newbie' }), expect: 'InvalidParameterException', message: patternAt('userPoolId') },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'MessageAction SEND', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SEND' }), expect: 'InvalidParameterException', message: /at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: \[RESEND, SUPPRESS\]/ },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'a temporary password with a space (not echoed)', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', TemporaryPassword: 'Secret 123!' }), expect: 'InvalidParameterException', message: /^1 validation error detected: Value at 'temporaryPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\S\]\+$/ },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'DesiredDeliveryMediums VOICE', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', DesiredDeliveryMediums: ['VOICE'] }), expect: 'InvalidParameterException', message: /at 'desiredDeliveryMediums' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[SMS, EMAIL\]\]/ },
  { action: 'AdminCreateUser', kind: 'constraint', what: 'an attribute without a name', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', UserAttributes: [{ Value: 'x' }] }), expect: 'InvalidParameterException', message: /Value null at 'userAttributes\.1\.member\.name' failed to satisfy constraint: Member must not be null/ },
  { action: 'AdminCreateUser', kind: 'type', what: 'a numeric username', input: (f) => ({ UserPoolId: f.poolId, Username: 42 }), expect: 'SerializationException' },
  { action: 'AdminCreateUser', kind: 'type', what: 'UserAttributes as a string', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', UserAttributes: 'email=x' }), expect: 'SerializationException' },
  { action: 'AdminCreateUser', kind: 'type', what: 'ForceAliasCreation as a string', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', ForceAliasCreation: 'yes' }), expect: 'SerializationException', message: /can not be converted to a Boolean at 'forceAliasCreation'/ },
  { action: 'AdminCreateUser', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'newbie' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminCreateUser', kind: 'state', what: 'an existing username', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', MessageAction: 'SUPPRESS' }), expect: 'UsernameExistsException', message: /^User account already exists$/ },
  { action: 'AdminCreateUser', kind: 'state', what: 'an existing username in other case', input: (f) => ({ UserPoolId: f.poolId, Username: 'ALICE', MessageAction: 'SUPPRESS' }), expect: 'UsernameExistsException' },
  { action: 'AdminCreateUser', kind: 'state', what: 'RESEND for a confirmed user', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', MessageAction: 'RESEND' }), expect: 'UnsupportedUserStateException' },
  { action: 'AdminCreateUser', kind: 'not-found', what: 'RESEND for an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody', MessageAction: 'RESEND' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'an attribute outside the schema', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'custom:nope', Value: 'x' }] }), expect: 'InvalidParameterException', message: /custom:nope/ },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'a custom attribute over its MaxLength', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'custom:tier', Value: 'platinum' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'a Number attribute that is not a number', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'custom:level', Value: 'high' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'a malformed email', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'not-an-email' }] }), expect: 'InvalidParameterException', message: /^Invalid email address format\.$/ },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'a temporary password outside the policy', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', TemporaryPassword: 'short' }), expect: 'InvalidPasswordException', message: policy },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'SMS delivery without a phone number', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', DesiredDeliveryMediums: ['SMS'], UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'email_verified without an email', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminCreateUser', kind: 'semantic', what: "alice's preferred_username", input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'preferred_username', Value: 'ally' }] }), expect: 'AliasExistsException' },
  { action: 'AdminCreateUser', kind: 'semantic', what: "alice's email, verified, without ForceAliasCreation", input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'email_verified', Value: 'true' }] }), expect: 'AliasExistsException' },
  { action: 'AdminCreateUser', kind: 'semantic', what: 'sub as an attribute', input: (f) => ({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'sub', Value: '00000000-0000-0000-0000-000000000000' }] }), expect: 'InvalidParameterException' },

  // AdminGetUser
  { action: 'AdminGetUser', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminGetUser', kind: 'constraint', what: 'an empty username', input: (f) => ({ UserPoolId: f.poolId, Username: '' }), expect: 'InvalidParameterException', message: /at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1/ },
  { action: 'AdminGetUser', kind: 'constraint', what: 'a 56-character pool ID', input: () => ({ UserPoolId: `us-east-1_${'a'.repeat(46)}`, Username: 'alice' }), expect: 'InvalidParameterException', message: tooLongAt('userPoolId', 55) },
  { action: 'AdminGetUser', kind: 'type', what: 'the username as a list', input: (f) => ({ UserPoolId: f.poolId, Username: ['alice'] }), expect: 'SerializationException', message: /^Start of list found where not expected/ },
  { action: 'AdminGetUser', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminGetUser', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminGetUser', kind: 'not-found', what: 'a user of another pool', input: (f) => ({ UserPoolId: f.otherPoolId, Username: 'alice' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminGetUser', kind: 'not-found', what: 'an unknown sub', input: (f) => ({ UserPoolId: f.poolId, Username: '00000000-0000-4000-8000-000000000000' }), expect: 'UserNotFoundException', message: noUser },

  // AdminUpdateUserAttributes
  { action: 'AdminUpdateUserAttributes', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userAttributes', 'userPoolId', 'username') },
  { action: 'AdminUpdateUserAttributes', kind: 'constraint', what: 'a 33-character attribute name', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: tooLong(33), Value: 'x' }] }), expect: 'InvalidParameterException', message: tooLongAt('userAttributes.1.member.name', 32) },
  { action: 'AdminUpdateUserAttributes', kind: 'constraint', what: 'a value over 2048 characters', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: tooLong(2049) }] }), expect: 'InvalidParameterException', message: /userAttributes\.1\.member\.value/ },
  { action: 'AdminUpdateUserAttributes', kind: 'type', what: 'an attribute value as a number', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 7 }] }), expect: 'SerializationException' },
  { action: 'AdminUpdateUserAttributes', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'A' }] }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminUpdateUserAttributes', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody', UserAttributes: [{ Name: 'name', Value: 'A' }] }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a good attribute and one outside the schema', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'custom:nope', Value: 'x' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a good attribute and an immutable one', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'custom:badge', Value: 'silver' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: "a good attribute and bob's preferred_username", input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'preferred_username', Value: 'bobby' }] }), expect: 'AliasExistsException' },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: "bob's email, verified", input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'email', Value: 'bob@example.com' }, { Name: 'email_verified', Value: 'true' }] }), expect: 'AliasExistsException' },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a new sub', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'sub', Value: '00000000-0000-4000-8000-000000000000' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a blank required email', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'email', Value: '' }] }), expect: 'InvalidParameterException' },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a good attribute and a blank required attribute', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'given_name', Value: '' }] }), expect: 'InvalidParameterException', message: /given_name: The attribute is required/ },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a good attribute and a birthdate that is no date (1990-13-45)', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'birthdate', Value: '1990-13-45' }] }), expect: 'InvalidParameterException', message: /birthdate/ },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a birthdate in another format (02/01/1990)', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'birthdate', Value: '02/01/1990' }] }), expect: 'InvalidParameterException', message: /birthdate/ },
  { action: 'AdminUpdateUserAttributes', kind: 'semantic', what: 'a malformed phone number', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'phone_number', Value: '555-1234' }] }), expect: 'InvalidParameterException', message: /^Invalid phone number format\.$/ },

  // AdminDeleteUserAttributes
  { action: 'AdminDeleteUserAttributes', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userAttributeNames', 'userPoolId', 'username') },
  { action: 'AdminDeleteUserAttributes', kind: 'constraint', what: 'a 33-character name', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributeNames: [tooLong(33)] }), expect: 'InvalidParameterException', message: /at 'userAttributeNames' failed to satisfy constraint: Member must satisfy constraint: \[Member must have length less than or equal to 32/ },
  { action: 'AdminDeleteUserAttributes', kind: 'type', what: 'the names as a string', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributeNames: 'name' }), expect: 'SerializationException' },
  { action: 'AdminDeleteUserAttributes', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice', UserAttributeNames: ['name'] }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminDeleteUserAttributes', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody', UserAttributeNames: ['name'] }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminDeleteUserAttributes', kind: 'semantic', what: 'a deletable attribute and the required email', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributeNames: ['name', 'email'] }), expect: 'InvalidParameterException' },
  { action: 'AdminDeleteUserAttributes', kind: 'semantic', what: 'a deletable attribute and an immutable one', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributeNames: ['name', 'custom:badge'] }), expect: 'InvalidParameterException' },
  { action: 'AdminDeleteUserAttributes', kind: 'semantic', what: 'sub', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', UserAttributeNames: ['sub'] }), expect: 'InvalidParameterException' },

  // AdminDeleteUser
  { action: 'AdminDeleteUser', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminDeleteUser', kind: 'constraint', what: 'a username with a tab', input: (f) => ({ UserPoolId: f.poolId, Username: 'ali\tce' }), expect: 'InvalidParameterException', message: patternAt('username') },
  { action: 'AdminDeleteUser', kind: 'type', what: 'the pool ID as an object', input: () => ({ UserPoolId: { id: 'x' }, Username: 'alice' }), expect: 'SerializationException', message: /^Start of structure or map found where not expected/ },
  { action: 'AdminDeleteUser', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminDeleteUser', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminDeleteUser', kind: 'not-found', what: 'a user of another pool', input: (f) => ({ UserPoolId: f.otherPoolId, Username: 'bob' }), expect: 'UserNotFoundException', message: noUser },

  // AdminDisableUser
  { action: 'AdminDisableUser', kind: 'required', what: 'no username', input: (f) => ({ UserPoolId: f.poolId }), expect: 'InvalidParameterException', message: missing('username') },
  { action: 'AdminDisableUser', kind: 'constraint', what: 'a 129-character username', input: (f) => ({ UserPoolId: f.poolId, Username: tooLong(129) }), expect: 'InvalidParameterException', message: tooLongAt('username', 128) },
  { action: 'AdminDisableUser', kind: 'type', what: 'a boolean username', input: (f) => ({ UserPoolId: f.poolId, Username: true }), expect: 'SerializationException' },
  { action: 'AdminDisableUser', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminDisableUser', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },

  // AdminEnableUser
  { action: 'AdminEnableUser', kind: 'required', what: 'no pool', input: () => ({ Username: 'alice' }), expect: 'InvalidParameterException', message: missing('userPoolId') },
  { action: 'AdminEnableUser', kind: 'constraint', what: 'an empty pool ID', input: () => ({ UserPoolId: '', Username: 'alice' }), expect: 'InvalidParameterException', message: /at 'userPoolId' failed to satisfy constraint: Member must have length greater than or equal to 1/ },
  { action: 'AdminEnableUser', kind: 'type', what: 'a numeric pool ID', input: () => ({ UserPoolId: 1, Username: 'alice' }), expect: 'SerializationException' },
  { action: 'AdminEnableUser', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminEnableUser', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },

  // AdminResetUserPassword
  { action: 'AdminResetUserPassword', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminResetUserPassword', kind: 'constraint', what: 'a 56-character pool ID', input: () => ({ UserPoolId: `us-east-1_${'a'.repeat(46)}`, Username: 'alice' }), expect: 'InvalidParameterException', message: tooLongAt('userPoolId', 55) },
  { action: 'AdminResetUserPassword', kind: 'type', what: 'ClientMetadata as a list', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', ClientMetadata: ['a'] }), expect: 'SerializationException' },
  { action: 'AdminResetUserPassword', kind: 'type', what: 'a ClientMetadata value as a number', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', ClientMetadata: { k: 1 } }), expect: 'SerializationException' },
  { action: 'AdminResetUserPassword', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminResetUserPassword', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminResetUserPassword', kind: 'state', what: 'an invited (FORCE_CHANGE_PASSWORD) user', input: (f) => ({ UserPoolId: f.poolId, Username: 'dave' }), expect: 'NotAuthorizedException', message: /^User password cannot be reset in the current state\.$/ },
  { action: 'AdminResetUserPassword', kind: 'semantic', what: 'a user with no verified email or phone', input: (f) => ({ UserPoolId: f.poolId, Username: 'carol' }), expect: 'InvalidParameterException', message: /^Cannot reset password for the user as there is no registered\/verified email or phone_number$/ },

  // AdminSetUserPassword
  { action: 'AdminSetUserPassword', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('password', 'userPoolId', 'username') },
  { action: 'AdminSetUserPassword', kind: 'constraint', what: 'a 257-character password (not echoed)', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', Password: tooLong(257) }), expect: 'InvalidParameterException', message: /^1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256$/ },
  { action: 'AdminSetUserPassword', kind: 'constraint', what: 'an empty password', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', Password: '' }), expect: 'InvalidParameterException', message: /Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern/ },
  { action: 'AdminSetUserPassword', kind: 'type', what: 'Permanent as a string', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', Password: NEW_PASSWORD, Permanent: 'true' }), expect: 'SerializationException', message: /can not be converted to a Boolean at 'permanent'/ },
  { action: 'AdminSetUserPassword', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'bob', Password: NEW_PASSWORD }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminSetUserPassword', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody', Password: NEW_PASSWORD }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminSetUserPassword', kind: 'semantic', what: 'a password too short for the policy', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', Password: 'Sh0rt!', Permanent: true }), expect: 'InvalidPasswordException', message: policy },
  { action: 'AdminSetUserPassword', kind: 'semantic', what: 'a password without a digit', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', Password: 'No-Digits-Here!', Permanent: true }), expect: 'InvalidPasswordException', message: policy },

  // AdminConfirmSignUp
  { action: 'AdminConfirmSignUp', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminConfirmSignUp', kind: 'constraint', what: 'a 129-character username', input: (f) => ({ UserPoolId: f.poolId, Username: tooLong(129) }), expect: 'InvalidParameterException', message: tooLongAt('username', 128) },
  { action: 'AdminConfirmSignUp', kind: 'type', what: 'ClientMetadata as a string', input: (f) => ({ UserPoolId: f.poolId, Username: 'carol', ClientMetadata: 'x' }), expect: 'SerializationException' },
  { action: 'AdminConfirmSignUp', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'carol' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminConfirmSignUp', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminConfirmSignUp', kind: 'state', what: 'a confirmed user', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice' }), expect: 'NotAuthorizedException', message: /^User cannot be confirmed\. Current status is CONFIRMED$/ },
  { action: 'AdminConfirmSignUp', kind: 'state', what: 'an invited user', input: (f) => ({ UserPoolId: f.poolId, Username: 'dave' }), expect: 'NotAuthorizedException', message: /^User cannot be confirmed\. Current status is FORCE_CHANGE_PASSWORD$/ },

  // AdminUserGlobalSignOut
  { action: 'AdminUserGlobalSignOut', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminUserGlobalSignOut', kind: 'constraint', what: 'a pool ID with a space', input: () => ({ UserPoolId: 'us-east-1_ abc', Username: 'alice' }), expect: 'InvalidParameterException', message: patternAt('userPoolId') },
  { action: 'AdminUserGlobalSignOut', kind: 'type', what: 'a numeric username', input: (f) => ({ UserPoolId: f.poolId, Username: 3.5 }), expect: 'SerializationException' },
  { action: 'AdminUserGlobalSignOut', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminUserGlobalSignOut', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },

  // AdminRespondToAuthChallenge
  { action: 'AdminRespondToAuthChallenge', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('challengeName', 'clientId', 'userPoolId') },
  { action: 'AdminRespondToAuthChallenge', kind: 'constraint', what: 'an unknown challenge name', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'BOGUS' }), expect: 'InvalidParameterException', message: /at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set/ },
  { action: 'AdminRespondToAuthChallenge', kind: 'constraint', what: 'a 19-character session', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: tooLong(19) }), expect: 'InvalidParameterException', message: /at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20/ },
  { action: 'AdminRespondToAuthChallenge', kind: 'constraint', what: 'a client ID with a dash', input: (f) => ({ UserPoolId: f.poolId, ClientId: 'not-a-client', ChallengeName: 'NEW_PASSWORD_REQUIRED' }), expect: 'InvalidParameterException', message: patternAt('clientId') },
  { action: 'AdminRespondToAuthChallenge', kind: 'type', what: 'ChallengeResponses as a list', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeResponses: ['x'] }), expect: 'SerializationException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ UserPoolId: NO_POOL, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD } }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminRespondToAuthChallenge', kind: 'not-found', what: 'an unknown client', input: (f) => ({ UserPoolId: f.poolId, ClientId: NO_CLIENT, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD } }), expect: 'ResourceNotFoundException', message: noClient },
  { action: 'AdminRespondToAuthChallenge', kind: 'not-found', what: 'a client of another pool', input: (f) => ({ UserPoolId: f.otherPoolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD } }), expect: 'ResourceNotFoundException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: 'a session that was never issued', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: tooLong(64), ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD } }), expect: 'NotAuthorizedException', message: /^Invalid session for the user\.$/ },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: "dave's session through another client", input: (f) => ({ UserPoolId: f.poolId, ClientId: f.legacyClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD } }), expect: 'NotAuthorizedException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: "dave's session answered as alice", input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'alice', NEW_PASSWORD } }), expect: 'NotAuthorizedException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: "dave's session for another challenge", input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'SMS_MFA', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', SMS_MFA_CODE: '123456' } }), expect: 'NotAuthorizedException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: 'a new password outside the policy', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD: 'short' } }), expect: 'InvalidPasswordException', message: policy },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: 'no NEW_PASSWORD', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave' } }), expect: 'InvalidParameterException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: 'an attribute outside the schema with the new password', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD, 'userAttributes.custom:nope': 'x' } }), expect: 'InvalidParameterException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: 'email_verified with the new password', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD, 'userAttributes.email_verified': 'true' } }), expect: 'NotAuthorizedException' },
  { action: 'AdminRespondToAuthChallenge', kind: 'semantic', what: "alice's preferred_username with the new password", input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: f.daveSession, ChallengeResponses: { USERNAME: 'dave', NEW_PASSWORD, 'userAttributes.preferred_username': 'ally' } }), expect: 'AliasExistsException' },

  // AdminInitiateAuth
  { action: 'AdminInitiateAuth', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('authFlow', 'clientId', 'userPoolId') },
  { action: 'AdminInitiateAuth', kind: 'constraint', what: 'an unknown flow', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'PASSWORD' }), expect: 'InvalidParameterException', message: /at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set/ },
  { action: 'AdminInitiateAuth', kind: 'constraint', what: 'a 129-character client ID', input: (f) => ({ UserPoolId: f.poolId, ClientId: 'a'.repeat(129), AuthFlow: 'ADMIN_USER_PASSWORD_AUTH' }), expect: 'InvalidParameterException', message: tooLongAt('clientId', 128) },
  { action: 'AdminInitiateAuth', kind: 'type', what: 'a numeric AuthParameters value', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD: 12345678 } }), expect: 'SerializationException' },
  { action: 'AdminInitiateAuth', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ UserPoolId: NO_POOL, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD } }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminInitiateAuth', kind: 'not-found', what: 'an unknown client', input: (f) => ({ UserPoolId: f.poolId, ClientId: NO_CLIENT, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD } }), expect: 'ResourceNotFoundException', message: noClient },
  { action: 'AdminInitiateAuth', kind: 'not-found', what: 'an unknown user (client that names them)', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.legacyClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'nobody', PASSWORD } }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'an unknown user (PreventUserExistenceErrors)', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'nobody', PASSWORD } }), expect: 'NotAuthorizedException', message: incorrect },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'a wrong password', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD: WRONG } }), expect: 'NotAuthorizedException', message: incorrect },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'no USERNAME', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { PASSWORD } }), expect: 'InvalidParameterException', message: /USERNAME/ },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'a flow the client does not allow', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.srpOnlyClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD } }), expect: 'InvalidParameterException' },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'a refresh token that was never issued', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: 'garbage' } }), expect: 'NotAuthorizedException', message: /^Invalid Refresh Token$/ },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'a 100,000-character USERNAME', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: tooLong(100_000), PASSWORD } }), expect: 'InvalidParameterException' },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'a 100,000-character PASSWORD (refused before hashing)', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'nobody', PASSWORD: tooLong(100_000) } }), expect: 'NotAuthorizedException', message: incorrect },
  { action: 'AdminInitiateAuth', kind: 'semantic', what: 'a flow this action does not take (USER_PASSWORD_AUTH)', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD } }), expect: 'InvalidParameterException' },
  { action: 'AdminInitiateAuth', kind: 'state', what: 'an unconfirmed user (client that names them)', input: (f) => ({ UserPoolId: f.poolId, ClientId: f.legacyClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD } }), expect: 'UserNotConfirmedException' },

  // ListUsers
  { action: 'ListUsers', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId') },
  { action: 'ListUsers', kind: 'constraint', what: 'Limit 61', input: (f) => ({ UserPoolId: f.poolId, Limit: 61 }), expect: 'InvalidParameterException', message: /at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60/ },
  { action: 'ListUsers', kind: 'constraint', what: 'Limit -1', input: (f) => ({ UserPoolId: f.poolId, Limit: -1 }), expect: 'InvalidParameterException', message: /Member must have value greater than or equal to 0/ },
  { action: 'ListUsers', kind: 'constraint', what: 'a 257-character filter', input: (f) => ({ UserPoolId: f.poolId, Filter: `name = "${tooLong(250)}"` }), expect: 'InvalidParameterException', message: tooLongAt('filter', 256) },
  { action: 'ListUsers', kind: 'constraint', what: 'a pagination token with a space', input: (f) => ({ UserPoolId: f.poolId, PaginationToken: 'a b' }), expect: 'InvalidParameterException', message: patternAt('paginationToken') },
  { action: 'ListUsers', kind: 'type', what: 'Limit as a string', input: (f) => ({ UserPoolId: f.poolId, Limit: 'ten' }), expect: 'SerializationException', message: /can not be converted to an Integer at 'limit'/ },
  { action: 'ListUsers', kind: 'type', what: 'Limit 1.5', input: (f) => ({ UserPoolId: f.poolId, Limit: 1.5 }), expect: 'SerializationException' },
  { action: 'ListUsers', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'ListUsers', kind: 'semantic', what: 'a filter that does not parse', input: (f) => ({ UserPoolId: f.poolId, Filter: 'email = ' }), expect: 'InvalidParameterException', message: /^Error while parsing filter/ },
  { action: 'ListUsers', kind: 'semantic', what: 'an SQL-looking filter', input: (f) => ({ UserPoolId: f.poolId, Filter: `email = "a" OR 1=1 --` }), expect: 'InvalidParameterException' },
  { action: 'ListUsers', kind: 'semantic', what: 'a filter on an attribute that is not searchable', input: (f) => ({ UserPoolId: f.poolId, Filter: 'custom:tier = "gold"' }), expect: 'InvalidParameterException' },
  { action: 'ListUsers', kind: 'semantic', what: 'AttributesToGet naming an unknown attribute', input: (f) => ({ UserPoolId: f.poolId, AttributesToGet: ['email', 'custom:nope'] }), expect: 'InvalidParameterException' },
  { action: 'ListUsers', kind: 'semantic', what: 'a NUL in a filter value', input: (f) => ({ UserPoolId: f.poolId, Filter: 'email = "\u0000"' }), expect: 'InvalidParameterException' },
  { action: 'ListUsers', kind: 'semantic', what: 'a filter with an unclosed quote', input: (f) => ({ UserPoolId: f.poolId, Filter: 'username = "\\"' }), expect: 'InvalidParameterException', message: /^Error while parsing filter/ },
  { action: 'ListUsers', kind: 'semantic', what: 'a pagination token that was never issued', input: (f) => ({ UserPoolId: f.poolId, PaginationToken: 'AAAA' }), expect: 'InvalidParameterException' },

  // CreateGroup
  { action: 'CreateGroup', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('groupName', 'userPoolId') },
  { action: 'CreateGroup', kind: 'constraint', what: 'a 129-character name', input: (f) => ({ UserPoolId: f.poolId, GroupName: tooLong(129) }), expect: 'InvalidParameterException', message: tooLongAt('groupName', 128) },
  { action: 'CreateGroup', kind: 'constraint', what: 'a name with a space', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'two words' }), expect: 'InvalidParameterException', message: patternAt('groupName') },
  { action: 'CreateGroup', kind: 'constraint', what: 'a RoleArn that is no ARN', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'ops', RoleArn: 'role/ReadOnly-not-an-arn' }), expect: 'InvalidParameterException', message: patternAt('roleArn') },
  { action: 'CreateGroup', kind: 'constraint', what: 'Precedence -1', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'ops', Precedence: -1 }), expect: 'InvalidParameterException', message: /at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0/ },
  { action: 'CreateGroup', kind: 'constraint', what: 'a 2049-character description', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'ops', Description: tooLong(2049) }), expect: 'InvalidParameterException', message: tooLongAt('description', 2048) },
  { action: 'CreateGroup', kind: 'type', what: 'Precedence as a string', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'ops', Precedence: '1' }), expect: 'SerializationException' },
  { action: 'CreateGroup', kind: 'type', what: 'Precedence beyond a Java int', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'ops', Precedence: 2 ** 31 }), expect: 'SerializationException' },
  { action: 'CreateGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, GroupName: 'ops' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'CreateGroup', kind: 'state', what: 'an existing name', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins' }), expect: 'GroupExistsException', message: /^A group with the name admins already exists\.$/ },

  // GetGroup
  { action: 'GetGroup', kind: 'required', what: 'no group', input: (f) => ({ UserPoolId: f.poolId }), expect: 'InvalidParameterException', message: missing('groupName') },
  { action: 'GetGroup', kind: 'constraint', what: 'an empty name', input: (f) => ({ UserPoolId: f.poolId, GroupName: '' }), expect: 'InvalidParameterException' },
  { action: 'GetGroup', kind: 'type', what: 'a numeric name', input: (f) => ({ UserPoolId: f.poolId, GroupName: 5 }), expect: 'SerializationException' },
  { action: 'GetGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, GroupName: 'admins' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'GetGroup', kind: 'not-found', what: 'an unknown group', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'nogroup' }), expect: 'ResourceNotFoundException', message: noGroup },
  { action: 'GetGroup', kind: 'not-found', what: 'a group of another pool', input: (f) => ({ UserPoolId: f.otherPoolId, GroupName: 'admins' }), expect: 'ResourceNotFoundException', message: noGroup },

  // UpdateGroup
  { action: 'UpdateGroup', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('groupName', 'userPoolId') },
  { action: 'UpdateGroup', kind: 'constraint', what: 'a 19-character RoleArn', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins', RoleArn: tooLong(19) }), expect: 'InvalidParameterException', message: /at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20/ },
  { action: 'UpdateGroup', kind: 'constraint', what: 'Precedence -5', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins', Precedence: -5 }), expect: 'InvalidParameterException' },
  { action: 'UpdateGroup', kind: 'type', what: 'a description as a number', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins', Description: 12 }), expect: 'SerializationException' },
  { action: 'UpdateGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, GroupName: 'admins', Description: 'x' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'UpdateGroup', kind: 'not-found', what: 'an unknown group', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'nogroup', Description: 'x' }), expect: 'ResourceNotFoundException', message: noGroup },

  // DeleteGroup
  { action: 'DeleteGroup', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('groupName', 'userPoolId') },
  { action: 'DeleteGroup', kind: 'constraint', what: 'a name with a newline', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'ad\nmins' }), expect: 'InvalidParameterException', message: patternAt('groupName') },
  { action: 'DeleteGroup', kind: 'type', what: 'the name as an object', input: (f) => ({ UserPoolId: f.poolId, GroupName: { name: 'admins' } }), expect: 'SerializationException' },
  { action: 'DeleteGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, GroupName: 'admins' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'DeleteGroup', kind: 'state', what: 'a missing group', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'nogroup' }), expect: 'ResourceNotFoundException', message: noGroup },

  // ListGroups
  { action: 'ListGroups', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId') },
  { action: 'ListGroups', kind: 'constraint', what: 'Limit 61', input: (f) => ({ UserPoolId: f.poolId, Limit: 61 }), expect: 'InvalidParameterException', message: /Member must have value less than or equal to 60/ },
  { action: 'ListGroups', kind: 'constraint', what: 'an empty NextToken', input: (f) => ({ UserPoolId: f.poolId, NextToken: '' }), expect: 'InvalidParameterException', message: /at 'nextToken' failed to satisfy constraint/ },
  { action: 'ListGroups', kind: 'type', what: 'Limit as a boolean', input: (f) => ({ UserPoolId: f.poolId, Limit: true }), expect: 'SerializationException' },
  { action: 'ListGroups', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'ListGroups', kind: 'semantic', what: 'a NextToken that was never issued', input: (f) => ({ UserPoolId: f.poolId, NextToken: 'AAAA' }), expect: 'InvalidParameterException' },

  // AdminAddUserToGroup
  { action: 'AdminAddUserToGroup', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('groupName', 'userPoolId', 'username') },
  { action: 'AdminAddUserToGroup', kind: 'constraint', what: 'a 129-character group name', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', GroupName: tooLong(129) }), expect: 'InvalidParameterException', message: tooLongAt('groupName', 128) },
  { action: 'AdminAddUserToGroup', kind: 'type', what: 'a numeric group name', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', GroupName: 1 }), expect: 'SerializationException' },
  { action: 'AdminAddUserToGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'bob', GroupName: 'admins' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminAddUserToGroup', kind: 'not-found', what: 'an unknown group', input: (f) => ({ UserPoolId: f.poolId, Username: 'bob', GroupName: 'nogroup' }), expect: 'ResourceNotFoundException', message: noGroup },
  { action: 'AdminAddUserToGroup', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody', GroupName: 'admins' }), expect: 'UserNotFoundException', message: noUser },

  // AdminRemoveUserFromGroup
  { action: 'AdminRemoveUserFromGroup', kind: 'required', what: 'no group', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice' }), expect: 'InvalidParameterException', message: missing('groupName') },
  { action: 'AdminRemoveUserFromGroup', kind: 'constraint', what: 'an empty username', input: (f) => ({ UserPoolId: f.poolId, Username: '', GroupName: 'admins' }), expect: 'InvalidParameterException' },
  { action: 'AdminRemoveUserFromGroup', kind: 'type', what: 'a list as the group', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', GroupName: ['admins'] }), expect: 'SerializationException' },
  { action: 'AdminRemoveUserFromGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice', GroupName: 'admins' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminRemoveUserFromGroup', kind: 'not-found', what: 'an unknown group', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', GroupName: 'nogroup' }), expect: 'ResourceNotFoundException', message: noGroup },
  { action: 'AdminRemoveUserFromGroup', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody', GroupName: 'admins' }), expect: 'UserNotFoundException', message: noUser },

  // AdminListGroupsForUser
  { action: 'AdminListGroupsForUser', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId', 'username') },
  { action: 'AdminListGroupsForUser', kind: 'constraint', what: 'Limit 61', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', Limit: 61 }), expect: 'InvalidParameterException' },
  { action: 'AdminListGroupsForUser', kind: 'constraint', what: 'an empty NextToken', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', NextToken: '' }), expect: 'InvalidParameterException', message: /at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1/ },
  { action: 'AdminListGroupsForUser', kind: 'constraint', what: 'Limit 0 (a page of nothing)', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', Limit: 0 }), expect: 'InvalidParameterException', message: /Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/ },
  { action: 'AdminListGroupsForUser', kind: 'type', what: 'Limit as a string', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', Limit: '5' }), expect: 'SerializationException' },
  { action: 'AdminListGroupsForUser', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AdminListGroupsForUser', kind: 'not-found', what: 'an unknown user', input: (f) => ({ UserPoolId: f.poolId, Username: 'nobody' }), expect: 'UserNotFoundException', message: noUser },
  { action: 'AdminListGroupsForUser', kind: 'semantic', what: 'a NextToken that was never issued', input: (f) => ({ UserPoolId: f.poolId, Username: 'alice', NextToken: 'AAAA' }), expect: 'InvalidParameterException' },

  // ListUsersInGroup
  { action: 'ListUsersInGroup', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('groupName', 'userPoolId') },
  { action: 'ListUsersInGroup', kind: 'constraint', what: 'Limit 100', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins', Limit: 100 }), expect: 'InvalidParameterException' },
  { action: 'ListUsersInGroup', kind: 'type', what: 'NextToken as a number', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins', NextToken: 7 }), expect: 'SerializationException' },
  { action: 'ListUsersInGroup', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, GroupName: 'admins' }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'ListUsersInGroup', kind: 'not-found', what: 'an unknown group', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'nogroup' }), expect: 'ResourceNotFoundException', message: noGroup },
  { action: 'ListUsersInGroup', kind: 'semantic', what: 'a NextToken that was never issued', input: (f) => ({ UserPoolId: f.poolId, GroupName: 'admins', NextToken: 'AAAA' }), expect: 'InvalidParameterException' },

  // AddCustomAttributes
  { action: 'AddCustomAttributes', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('customAttributes', 'userPoolId') },
  { action: 'AddCustomAttributes', kind: 'constraint', what: 'an empty list', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [] }), expect: 'InvalidParameterException', message: /at 'customAttributes' failed to satisfy constraint: Member must have length greater than or equal to 1/ },
  { action: 'AddCustomAttributes', kind: 'constraint', what: '26 attributes', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: Array.from({ length: 26 }, (_, i) => ({ Name: `a${i}`, AttributeDataType: 'String' })) }), expect: 'InvalidParameterException', message: /at 'customAttributes' failed to satisfy constraint: Member must have length less than or equal to 25/ },
  { action: 'AddCustomAttributes', kind: 'constraint', what: 'a data type Text', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'Text' }] }), expect: 'InvalidParameterException', message: /customAttributes\.1\.member\.attributeDataType/ },
  { action: 'AddCustomAttributes', kind: 'constraint', what: 'a 21-character name', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: tooLong(21), AttributeDataType: 'String' }] }), expect: 'InvalidParameterException' },
  { action: 'AddCustomAttributes', kind: 'type', what: 'Mutable as a string', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String', Mutable: 'yes' }] }), expect: 'SerializationException' },
  { action: 'AddCustomAttributes', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String' }] }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'AddCustomAttributes', kind: 'semantic', what: 'a new attribute and an existing one', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String' }, { Name: 'tier', AttributeDataType: 'String' }] }), expect: 'InvalidParameterException' },
  { action: 'AddCustomAttributes', kind: 'semantic', what: 'the same new name twice', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String' }, { Name: 'notes', AttributeDataType: 'String' }] }), expect: 'InvalidParameterException' },
  { action: 'AddCustomAttributes', kind: 'semantic', what: 'a required custom attribute', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String', Required: true }] }), expect: 'InvalidParameterException' },
  { action: 'AddCustomAttributes', kind: 'semantic', what: 'MinLength above MaxLength', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '10', MaxLength: '2' } }] }), expect: 'InvalidParameterException' },
  { action: 'AddCustomAttributes', kind: 'semantic', what: 'a MaxValue that is no number', input: (f) => ({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'score', AttributeDataType: 'Number', NumberAttributeConstraints: { MaxValue: 'lots' } }] }), expect: 'InvalidParameterException' },

  // ForgotPassword
  { action: 'ForgotPassword', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('clientId', 'username') },
  { action: 'ForgotPassword', kind: 'constraint', what: 'a SecretHash with a space', input: (f) => ({ ClientId: f.clientId, Username: 'alice', SecretHash: 'a b' }), expect: 'InvalidParameterException' },
  { action: 'ForgotPassword', kind: 'constraint', what: 'a 129-character username', input: (f) => ({ ClientId: f.clientId, Username: tooLong(129) }), expect: 'InvalidParameterException' },
  { action: 'ForgotPassword', kind: 'type', what: 'a numeric client ID', input: () => ({ ClientId: 12, Username: 'alice' }), expect: 'SerializationException' },
  { action: 'ForgotPassword', kind: 'not-found', what: 'an unknown client', input: () => ({ ClientId: NO_CLIENT, Username: 'alice' }), expect: 'ResourceNotFoundException', message: noClient },
  { action: 'ForgotPassword', kind: 'not-found', what: 'an unknown user (client that names them)', input: (f) => ({ ClientId: f.legacyClientId, Username: 'nobody' }), expect: 'UserNotFoundException' },
  { action: 'ForgotPassword', kind: 'state', what: 'an invited user (client that names users)', input: (f) => ({ ClientId: f.legacyClientId, Username: 'dave' }), expect: 'NotAuthorizedException' },
  { action: 'ForgotPassword', kind: 'semantic', what: 'a user with nowhere verified to send the code', input: (f) => ({ ClientId: f.legacyClientId, Username: 'carol' }), expect: 'InvalidParameterException' },

  // ConfirmForgotPassword
  { action: 'ConfirmForgotPassword', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('clientId', 'confirmationCode', 'password', 'username') },
  { action: 'ConfirmForgotPassword', kind: 'constraint', what: 'a code with a space', input: (f) => ({ ClientId: f.clientId, Username: 'alice', ConfirmationCode: '12 34', Password: NEW_PASSWORD }), expect: 'InvalidParameterException', message: patternAt('confirmationCode') },
  { action: 'ConfirmForgotPassword', kind: 'constraint', what: 'a 257-character password', input: (f) => ({ ClientId: f.clientId, Username: 'alice', ConfirmationCode: '123456', Password: tooLong(257) }), expect: 'InvalidParameterException', message: /Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256/ },
  { action: 'ConfirmForgotPassword', kind: 'type', what: 'a numeric code', input: (f) => ({ ClientId: f.clientId, Username: 'alice', ConfirmationCode: 123456, Password: NEW_PASSWORD }), expect: 'SerializationException' },
  { action: 'ConfirmForgotPassword', kind: 'not-found', what: 'an unknown client', input: () => ({ ClientId: NO_CLIENT, Username: 'alice', ConfirmationCode: '123456', Password: NEW_PASSWORD }), expect: 'ResourceNotFoundException', message: noClient },
  { action: 'ConfirmForgotPassword', kind: 'not-found', what: 'an unknown user (client that names them)', input: (f) => ({ ClientId: f.legacyClientId, Username: 'nobody', ConfirmationCode: '123456', Password: NEW_PASSWORD }), expect: 'UserNotFoundException' },
  { action: 'ConfirmForgotPassword', kind: 'semantic', what: 'an unknown user (PreventUserExistenceErrors)', input: (f) => ({ ClientId: f.clientId, Username: 'nobody', ConfirmationCode: '123456', Password: NEW_PASSWORD }), expect: 'CodeMismatchException' },
  { action: 'ConfirmForgotPassword', kind: 'state', what: 'a code never requested', input: (f) => ({ ClientId: f.clientId, Username: 'bob', ConfirmationCode: '123456', Password: NEW_PASSWORD }), expect: 'CodeMismatchException' },
  { action: 'ConfirmForgotPassword', kind: 'semantic', what: 'a password outside the policy', input: (f) => ({ ClientId: f.clientId, Username: 'bob', ConfirmationCode: '123456', Password: 'short' }), expect: 'InvalidPasswordException', message: policy },

  // ChangePassword
  { action: 'ChangePassword', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('accessToken', 'proposedPassword') },
  { action: 'ChangePassword', kind: 'constraint', what: 'an access token with a space', input: () => ({ AccessToken: 'a b', PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD }), expect: 'InvalidParameterException', message: /^1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern/ },
  { action: 'ChangePassword', kind: 'constraint', what: 'a 257-character proposed password', input: (f) => ({ AccessToken: f.aliceToken, PreviousPassword: PASSWORD, ProposedPassword: tooLong(257) }), expect: 'InvalidParameterException', message: /Value at 'proposedPassword' failed to satisfy constraint/ },
  { action: 'ChangePassword', kind: 'type', what: 'a numeric proposed password', input: (f) => ({ AccessToken: f.aliceToken, PreviousPassword: PASSWORD, ProposedPassword: 12345678 }), expect: 'SerializationException' },
  ...tokenRows('ChangePassword', () => ({ PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD })),
  { action: 'ChangePassword', kind: 'semantic', what: 'a wrong previous password', input: (f) => ({ AccessToken: f.aliceToken, PreviousPassword: WRONG, ProposedPassword: NEW_PASSWORD }), expect: 'NotAuthorizedException', message: incorrect },
  { action: 'ChangePassword', kind: 'semantic', what: 'a proposed password outside the policy', input: (f) => ({ AccessToken: f.aliceToken, PreviousPassword: PASSWORD, ProposedPassword: 'short' }), expect: 'InvalidPasswordException', message: policy },
  { action: 'ChangePassword', kind: 'semantic', what: 'no previous password', input: (f) => ({ AccessToken: f.aliceToken, ProposedPassword: NEW_PASSWORD }), expect: 'InvalidParameterException' },

  // UpdateUserAttributes
  { action: 'UpdateUserAttributes', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('accessToken', 'userAttributes') },
  { action: 'UpdateUserAttributes', kind: 'constraint', what: 'a 33-character attribute name', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: tooLong(33), Value: 'x' }] }), expect: 'InvalidParameterException' },
  { action: 'UpdateUserAttributes', kind: 'type', what: 'an attribute as a string', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: ['name=x'] }), expect: 'SerializationException' },
  ...tokenRows('UpdateUserAttributes', () => ({ UserAttributes: [{ Name: 'name', Value: 'Changed' }] })),
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a good attribute and one outside the schema', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'custom:nope', Value: 'x' }] }), expect: 'InvalidParameterException' },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a good attribute and an immutable one', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'custom:badge', Value: 'silver' }] }), expect: 'InvalidParameterException' },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a good attribute and email_verified', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'email_verified', Value: 'true' }] }), expect: 'NotAuthorizedException' },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: "a good attribute and bob's preferred_username", input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'preferred_username', Value: 'bobby' }] }), expect: 'AliasExistsException' },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a malformed email', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'email', Value: 'nope' }] }), expect: 'InvalidParameterException', message: /^Invalid email address format\.$/ },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a good attribute and a blank required attribute', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'given_name', Value: '' }] }), expect: 'InvalidParameterException', message: /given_name: The attribute is required/ },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a good attribute and a blank immutable attribute', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'custom:badge', Value: '' }] }), expect: 'InvalidParameterException' },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a blank email', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'email', Value: '' }] }), expect: 'InvalidParameterException', message: /^Invalid email address format\.$/ },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a birthdate of 29 February in a common year', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'name', Value: 'Changed' }, { Name: 'birthdate', Value: '1991-02-29' }] }), expect: 'InvalidParameterException', message: /birthdate/ },
  { action: 'UpdateUserAttributes', kind: 'semantic', what: 'a developer-only attribute', input: (f) => ({ AccessToken: f.aliceToken, UserAttributes: [{ Name: 'dev:custom:secret', Value: 'x' }] }), expect: 'InvalidParameterException' },

  // DeleteUserAttributes
  { action: 'DeleteUserAttributes', kind: 'required', what: 'no names', input: (f) => ({ AccessToken: f.aliceToken }), expect: 'InvalidParameterException', message: missing('userAttributeNames') },
  { action: 'DeleteUserAttributes', kind: 'constraint', what: 'an empty name', input: (f) => ({ AccessToken: f.aliceToken, UserAttributeNames: [''] }), expect: 'InvalidParameterException' },
  { action: 'DeleteUserAttributes', kind: 'type', what: 'a numeric name', input: (f) => ({ AccessToken: f.aliceToken, UserAttributeNames: [1] }), expect: 'SerializationException' },
  ...tokenRows('DeleteUserAttributes', () => ({ UserAttributeNames: ['name'] })),
  { action: 'DeleteUserAttributes', kind: 'semantic', what: 'a deletable attribute and the required email', input: (f) => ({ AccessToken: f.aliceToken, UserAttributeNames: ['name', 'email'] }), expect: 'InvalidParameterException' },
  { action: 'DeleteUserAttributes', kind: 'semantic', what: 'a deletable attribute and an immutable one', input: (f) => ({ AccessToken: f.aliceToken, UserAttributeNames: ['name', 'custom:badge'] }), expect: 'InvalidParameterException' },
  { action: 'DeleteUserAttributes', kind: 'semantic', what: 'a deletable attribute and one outside the schema', input: (f) => ({ AccessToken: f.aliceToken, UserAttributeNames: ['name', 'custom:nope'] }), expect: 'InvalidParameterException' },

  // DeleteUser
  { action: 'DeleteUser', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('accessToken') },
  { action: 'DeleteUser', kind: 'constraint', what: 'a token with a slash', input: () => ({ AccessToken: 'abc/def' }), expect: 'InvalidParameterException', message: /Value at 'accessToken' failed to satisfy constraint/ },
  { action: 'DeleteUser', kind: 'type', what: 'a numeric token', input: () => ({ AccessToken: 1 }), expect: 'SerializationException' },
  ...tokenRows('DeleteUser', () => ({})),

  // GetUserAttributeVerificationCode
  { action: 'GetUserAttributeVerificationCode', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('accessToken', 'attributeName') },
  { action: 'GetUserAttributeVerificationCode', kind: 'constraint', what: 'a 33-character attribute name', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: tooLong(33) }), expect: 'InvalidParameterException', message: tooLongAt('attributeName', 32) },
  { action: 'GetUserAttributeVerificationCode', kind: 'type', what: 'a numeric attribute name', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 1 }), expect: 'SerializationException' },
  ...tokenRows('GetUserAttributeVerificationCode', () => ({ AttributeName: 'email' })),
  { action: 'GetUserAttributeVerificationCode', kind: 'semantic', what: 'an attribute that cannot be verified', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'name' }), expect: 'InvalidParameterException' },
  { action: 'GetUserAttributeVerificationCode', kind: 'semantic', what: 'a phone number the user does not have', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'phone_number' }), expect: 'InvalidParameterException' },

  // VerifyUserAttribute
  { action: 'VerifyUserAttribute', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('accessToken', 'attributeName', 'code') },
  { action: 'VerifyUserAttribute', kind: 'constraint', what: 'a code with a space', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'email', Code: '12 34' }), expect: 'InvalidParameterException', message: patternAt('code') },
  { action: 'VerifyUserAttribute', kind: 'constraint', what: 'an empty code', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'email', Code: '' }), expect: 'InvalidParameterException' },
  { action: 'VerifyUserAttribute', kind: 'type', what: 'a numeric code', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'email', Code: 123456 }), expect: 'SerializationException' },
  ...tokenRows('VerifyUserAttribute', () => ({ AttributeName: 'email', Code: '123456' })),
  { action: 'VerifyUserAttribute', kind: 'semantic', what: 'an attribute that cannot be verified', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'name', Code: '123456' }), expect: 'InvalidParameterException' },
  { action: 'VerifyUserAttribute', kind: 'state', what: 'a code never requested', input: (f) => ({ AccessToken: f.aliceToken, AttributeName: 'email', Code: '123456' }), expect: 'CodeMismatchException' },

  // CreateUserImportJob
  { action: 'CreateUserImportJob', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('cloudWatchLogsRoleArn', 'jobName', 'userPoolId') },
  { action: 'CreateUserImportJob', kind: 'constraint', what: 'a job name with a slash', input: (f) => ({ UserPoolId: f.poolId, JobName: 'a/b', CloudWatchLogsRoleArn: ROLE }), expect: 'InvalidParameterException', message: patternAt('jobName') },
  { action: 'CreateUserImportJob', kind: 'constraint', what: 'a role that is no ARN', input: (f) => ({ UserPoolId: f.poolId, JobName: 'job', CloudWatchLogsRoleArn: 'not-an-arn-but-long-enough' }), expect: 'InvalidParameterException', message: patternAt('cloudWatchLogsRoleArn') },
  { action: 'CreateUserImportJob', kind: 'constraint', what: 'an unknown hashing algorithm', input: (f) => ({ UserPoolId: f.poolId, JobName: 'job', CloudWatchLogsRoleArn: ROLE, PasswordHashingAlgorithm: 'MD5' }), expect: 'InvalidParameterException' },
  { action: 'CreateUserImportJob', kind: 'type', what: 'a numeric job name', input: (f) => ({ UserPoolId: f.poolId, JobName: 1, CloudWatchLogsRoleArn: ROLE }), expect: 'SerializationException' },
  { action: 'CreateUserImportJob', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, JobName: 'job', CloudWatchLogsRoleArn: ROLE }), expect: 'ResourceNotFoundException', message: noPool },

  // DescribeUserImportJob
  { action: 'DescribeUserImportJob', kind: 'required', what: 'no job', input: (f) => ({ UserPoolId: f.poolId }), expect: 'InvalidParameterException', message: missing('jobId') },
  { action: 'DescribeUserImportJob', kind: 'constraint', what: 'a job ID without the import- prefix', input: (f) => ({ UserPoolId: f.poolId, JobId: 'job-1234' }), expect: 'InvalidParameterException', message: patternAt('jobId') },
  { action: 'DescribeUserImportJob', kind: 'constraint', what: 'a 56-character job ID', input: (f) => ({ UserPoolId: f.poolId, JobId: `import-${'a'.repeat(49)}` }), expect: 'InvalidParameterException', message: tooLongAt('jobId', 55) },
  { action: 'DescribeUserImportJob', kind: 'type', what: 'a numeric job ID', input: (f) => ({ UserPoolId: f.poolId, JobId: 1 }), expect: 'SerializationException' },
  { action: 'DescribeUserImportJob', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ UserPoolId: NO_POOL, JobId: f.createdJob }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'DescribeUserImportJob', kind: 'not-found', what: 'an unknown job', input: (f) => ({ UserPoolId: f.poolId, JobId: NO_JOB }), expect: 'ResourceNotFoundException' },
  { action: 'DescribeUserImportJob', kind: 'not-found', what: 'a job of another pool', input: (f) => ({ UserPoolId: f.poolId, JobId: f.otherPoolJob }), expect: 'ResourceNotFoundException' },

  // ListUserImportJobs
  { action: 'ListUserImportJobs', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('maxResults', 'userPoolId') },
  { action: 'ListUserImportJobs', kind: 'constraint', what: 'MaxResults 0', input: (f) => ({ UserPoolId: f.poolId, MaxResults: 0 }), expect: 'InvalidParameterException', message: /at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1/ },
  { action: 'ListUserImportJobs', kind: 'constraint', what: 'MaxResults 61', input: (f) => ({ UserPoolId: f.poolId, MaxResults: 61 }), expect: 'InvalidParameterException', message: /Member must have value less than or equal to 60/ },
  { action: 'ListUserImportJobs', kind: 'type', what: 'MaxResults as a string', input: (f) => ({ UserPoolId: f.poolId, MaxResults: '10' }), expect: 'SerializationException' },
  { action: 'ListUserImportJobs', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL, MaxResults: 10 }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'ListUserImportJobs', kind: 'semantic', what: 'a pagination token that was never issued', input: (f) => ({ UserPoolId: f.poolId, MaxResults: 10, PaginationToken: 'AAAA' }), expect: 'InvalidParameterException' },

  // StartUserImportJob
  { action: 'StartUserImportJob', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('jobId', 'userPoolId') },
  { action: 'StartUserImportJob', kind: 'constraint', what: 'a job ID with a space', input: (f) => ({ UserPoolId: f.poolId, JobId: 'import-a b' }), expect: 'InvalidParameterException', message: patternAt('jobId') },
  { action: 'StartUserImportJob', kind: 'type', what: 'a job ID as a list', input: (f) => ({ UserPoolId: f.poolId, JobId: [f.createdJob] }), expect: 'SerializationException' },
  { action: 'StartUserImportJob', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ UserPoolId: NO_POOL, JobId: f.createdJob }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'StartUserImportJob', kind: 'not-found', what: 'an unknown job', input: (f) => ({ UserPoolId: f.poolId, JobId: NO_JOB }), expect: 'ResourceNotFoundException' },
  { action: 'StartUserImportJob', kind: 'not-found', what: 'a job of another pool', input: (f) => ({ UserPoolId: f.poolId, JobId: f.otherPoolJob }), expect: 'ResourceNotFoundException' },
  { action: 'StartUserImportJob', kind: 'state', what: 'a job with no CSV uploaded', input: (f) => ({ UserPoolId: f.poolId, JobId: f.createdJob }), expect: 'PreconditionNotMetException' },
  { action: 'StartUserImportJob', kind: 'state', what: 'a job that has already run (started twice)', input: (f) => ({ UserPoolId: f.poolId, JobId: f.finishedJob }), expect: 'PreconditionNotMetException' },

  // StopUserImportJob
  { action: 'StopUserImportJob', kind: 'required', what: 'no pool', input: (f) => ({ JobId: f.createdJob }), expect: 'InvalidParameterException', message: missing('userPoolId') },
  { action: 'StopUserImportJob', kind: 'constraint', what: 'an empty job ID', input: (f) => ({ UserPoolId: f.poolId, JobId: '' }), expect: 'InvalidParameterException' },
  { action: 'StopUserImportJob', kind: 'type', what: 'a boolean job ID', input: (f) => ({ UserPoolId: f.poolId, JobId: false }), expect: 'SerializationException' },
  { action: 'StopUserImportJob', kind: 'not-found', what: 'an unknown pool', input: (f) => ({ UserPoolId: NO_POOL, JobId: f.createdJob }), expect: 'ResourceNotFoundException', message: noPool },
  { action: 'StopUserImportJob', kind: 'not-found', what: 'an unknown job', input: (f) => ({ UserPoolId: f.poolId, JobId: NO_JOB }), expect: 'ResourceNotFoundException' },
  { action: 'StopUserImportJob', kind: 'state', what: 'a job that never started', input: (f) => ({ UserPoolId: f.poolId, JobId: f.createdJob }), expect: 'PreconditionNotMetException' },
  { action: 'StopUserImportJob', kind: 'state', what: 'a job that has finished', input: (f) => ({ UserPoolId: f.poolId, JobId: f.finishedJob }), expect: 'PreconditionNotMetException' },

  // GetCSVHeader
  { action: 'GetCSVHeader', kind: 'required', what: 'nothing', input: () => ({}), expect: 'InvalidParameterException', message: missing('userPoolId') },
  { action: 'GetCSVHeader', kind: 'constraint', what: 'a pool ID without an underscore', input: () => ({ UserPoolId: 'useast1000000000' }), expect: 'InvalidParameterException', message: patternAt('userPoolId') },
  { action: 'GetCSVHeader', kind: 'type', what: 'a numeric pool ID', input: () => ({ UserPoolId: 0 }), expect: 'SerializationException' },
  { action: 'GetCSVHeader', kind: 'not-found', what: 'an unknown pool', input: () => ({ UserPoolId: NO_POOL }), expect: 'ResourceNotFoundException', message: noPool },
];

/** A JWT with its payload replaced and no (or the old) signature. */
function withPayload(jwt: string, change: (claims: Record<string, unknown>) => Record<string, unknown>, header?: object): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${header ? encode(header) : h}.${encode(change(claims))}.${header ? '' : s}`;
}

/** Everything a refused call could have half-written, read through the API. */
async function snapshot(server: TestServer, f: Fixture): Promise<unknown> {
  const users: Record<string, unknown> = {};
  for (const username of ['alice', 'bob', 'carol', 'dave']) {
    const { $metadata: _m, ...user } = await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: username }));
    const groups = await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: f.poolId, Username: username }));
    users[username] = { ...user, UserAttributes: attrs(user.UserAttributes), groups: (groups.Groups ?? []).map((g) => g.GroupName) };
  }
  const listed = await server.admin.send(new ListUsersCommand({ UserPoolId: f.poolId }));
  const groups = await server.admin.send(new ListGroupsCommand({ UserPoolId: f.poolId }));
  const schema = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: f.poolId }))).UserPool!.SchemaAttributes!;
  const jobs = await server.admin.send(new ListUserImportJobsCommand({ UserPoolId: f.poolId, MaxResults: 60 }));
  const outbox = await server.running.cognate.outbox.recent(100_000, f.poolId);
  return {
    users,
    usernames: (listed.Users ?? []).map((u) => u.Username).sort(),
    groups: (groups.Groups ?? []).map((g) => [g.GroupName, g.Description, g.Precedence, g.RoleArn, g.LastModifiedDate?.getTime()]),
    schema: schema.map((a) => a.Name).sort(),
    jobs: (jobs.UserImportJobs ?? []).map((j) => [j.JobId, j.Status, j.ImportedUsers]),
    outbox: outbox.length,
  };
}

for (const kind of databaseKinds) {
  describe(`user directory bad input (${kind})`, () => {
    let server: TestServer;
    let f: Fixture;
    let before_: unknown;
    let moduleDir: string;

    const signIn = async (poolId: string, clientId: string, username: string, password = PASSWORD) =>
      (await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }))).AuthenticationResult!;
    const confirmed = async (poolId: string, username: string, attributes: AttributeType[]) => {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: attributes }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
    };
    const flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;
    const newClient = async (poolId: string, input: Record<string, unknown> = {}) =>
      (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web', ExplicitAuthFlows: [...flows], ...input }))).UserPoolClient!.ClientId!;
    const newPool = async (name: string) =>
      (
        await server.admin.send(
          new CreateUserPoolCommand({
            PoolName: name,
            LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: NARROWING, LambdaVersion: 'V2_0' } },
            AutoVerifiedAttributes: ['email'],
            AliasAttributes: ['email', 'preferred_username'],
            Schema: [
              { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
              { Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true },
              { Name: 'tier', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '5' } },
              { Name: 'badge', AttributeDataType: 'String', Mutable: false },
              { Name: 'level', AttributeDataType: 'Number', Mutable: true, NumberAttributeConstraints: { MinValue: '1', MaxValue: '10' } },
            ],
          }),
        )
      ).UserPool!.Id!;
    const email = (address: string): AttributeType[] => [
      { Name: 'email', Value: address },
      { Name: 'email_verified', Value: 'true' },
    ];
    const upload = (url: string, body: string) => fetch(url, { method: 'PUT', body: fetchBody(body), headers: { 'content-type': 'text/csv' } });

    async function finishedJob(poolId: string, jobId: string): Promise<string> {
      for (let i = 0; i < 1500; i++) {
        const job = (await server.admin.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: jobId }))).UserImportJob!;
        if (!['Pending', 'InProgress', 'Stopping'].includes(job.Status!)) return job.Status!;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail(`import job ${jobId} did not finish`);
    }

    before(async () => {
      // Narrows the scope of user `narrow`'s access tokens to openid, as an OAuth sign-in without
      // aws.cognito.signin.user.admin would; everyone else's tokens are left alone.
      moduleDir = await mkdtemp(path.join(tmpdir(), 'cognate-directory-'));
      const narrowing = path.join(moduleDir, 'narrow-scope.mjs');
      await writeFile(
        narrowing,
        `export const handler = async (event) => {
           if (event.userName === 'narrow') event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: ['openid'], scopesToSuppress: ['aws.cognito.signin.user.admin'] } } };
           return event;
         };`,
      );
      server = await startTestServer(kind, { triggers: { [NARROWING]: narrowing } });
      const poolId = await newPool('directory');
      const clientId = await newClient(poolId);
      const legacyClientId = await newClient(poolId, { ClientName: 'legacy', PreventUserExistenceErrors: 'LEGACY' });
      const srpOnlyClientId = await newClient(poolId, { ClientName: 'srp', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });

      await confirmed(poolId, 'alice', [...email('alice@example.com'), { Name: 'preferred_username', Value: 'ally' }, { Name: 'name', Value: 'Alice' }, { Name: 'given_name', Value: 'Alice' }, { Name: 'custom:badge', Value: 'gold' }]);
      await confirmed(poolId, 'bob', [...email('bob@example.com'), { Name: 'preferred_username', Value: 'bobby' }]);
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'carol', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }, { Name: 'given_name', Value: 'Carol' }] }));
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Passw0rd!', UserAttributes: [...email('dave@example.com'), { Name: 'given_name', Value: 'Dave' }] }));
      await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'the admins', Precedence: 1 }));
      await server.admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }));

      const alice = await signIn(poolId, clientId, 'alice');
      const daveSession = (await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dave', PASSWORD: 'Temp-Passw0rd!' } }))).Session!;

      await confirmed(poolId, 'signed-out', email('signed-out@example.com'));
      const revokedToken = (await signIn(poolId, clientId, 'signed-out')).AccessToken!;
      await server.admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'signed-out' }));
      await confirmed(poolId, 'narrow', email('narrow@example.com'));
      const narrowToken = (await signIn(poolId, clientId, 'narrow')).AccessToken!;
      assert.equal((JSON.parse(Buffer.from(narrowToken.split('.')[1]!, 'base64url').toString('utf8')) as { scope: string }).scope, 'openid');
      await confirmed(poolId, 'gone', email('gone@example.com'));
      const goneUserToken = (await signIn(poolId, clientId, 'gone')).AccessToken!;
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'gone' }));

      const otherPoolId = await newPool('other');
      const otherClient = await newClient(otherPoolId);
      await confirmed(otherPoolId, 'zed', email('zed@example.com'));
      const zed = await signIn(otherPoolId, otherClient, 'zed');
      const issuer = (alice.AccessToken && (JSON.parse(Buffer.from(alice.AccessToken.split('.')[1]!, 'base64url').toString('utf8')) as { iss: string }).iss)!;
      const forgedToken = withPayload(zed.AccessToken!, (c) => ({ ...c, iss: issuer }));
      const unsignedToken = withPayload(alice.AccessToken!, (c) => c, { alg: 'none', typ: 'JWT' });
      const gonePool = await newPool('gone');
      const goneClient = await newClient(gonePool);
      await confirmed(gonePool, 'ghost', email('ghost@example.com'));
      const gonePoolToken = (await signIn(gonePool, goneClient, 'ghost')).AccessToken!;
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: gonePool }));

      const job = async (pool: string, name: string) => (await server.admin.send(new CreateUserImportJobCommand({ UserPoolId: pool, JobName: name, CloudWatchLogsRoleArn: ROLE }))).UserImportJob!;
      const createdJob = (await job(poolId, 'waiting')).JobId!;
      const ran = await job(poolId, 'ran');
      const header = (await server.admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
      const values: Record<string, string> = { 'cognito:username': 'imported', email: 'imported@example.com', given_name: 'Imp', email_verified: 'true', 'cognito:mfa_enabled': 'false' };
      assert.equal((await upload(ran.PreSignedUrl!, `${header.join(',')}\n${header.map((h) => values[h] ?? '').join(',')}\n`)).status, 200);
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: ran.JobId! }));
      assert.equal(await finishedJob(poolId, ran.JobId!), 'Succeeded');
      const otherPoolJob = (await job(otherPoolId, 'elsewhere')).JobId!;

      f = {
        poolId,
        clientId,
        legacyClientId,
        srpOnlyClientId,
        aliceToken: alice.AccessToken!,
        aliceIdToken: alice.IdToken!,
        daveSession,
        revokedToken,
        goneUserToken,
        gonePoolToken,
        forgedToken,
        unsignedToken,
        narrowToken,
        createdJob,
        finishedJob: ran.JobId!,
        otherPoolJob,
        otherPoolId,
      };
      before_ = await snapshot(server, f);
    });
    after(async () => {
      await server?.stop();
      if (moduleDir) await rm(moduleDir, { recursive: true, force: true });
    });

    /** Sends a row's input the way a real client would (signed for the admin actions) and returns the failure. */
    const refusal = (row: Row) => {
      const Command = commands[row.action] as unknown as new (input: object) => Parameters<CognitoIdentityProviderClient['send']>[0];
      const client = UNSIGNED.has(row.action) ? server.anonymous : server.admin;
      return failureWithStatus(() => client.send(new Command(row.input(f))));
    };

    for (const action of Object.keys(commands) as ActionName[]) {
      it(`${action}: every bad input gets Cognito's error`, async () => {
        for (const row of rows.filter((r) => r.action === action)) {
          const label = `${row.action} with ${row.what}`;
          const e = await refusal(row);
          assert.equal(e.name, row.expect, `${label}: ${e.name}: ${e.message}`);
          assert.equal(e.status, 400, `${label}: HTTP ${e.status}`);
          if (row.message) assert.match(e.message, row.message, label);
          assert.doesNotMatch(e.message, LEAKED_INTERNALS, `${label}: internals in the message`);
        }
      });
    }

    it('leaves every fixture as it was: the refused calls half-wrote nothing', async () => {
      const now = await snapshot(server, f);
      assert.deepEqual(now, before_);
      // The access token the refusals were made with still works: no refusal signed alice out.
      const me = await server.anonymous.send(new GetUserCommand({ AccessToken: f.aliceToken }));
      assert.equal(me.Username, 'alice');
      // The refused AddCustomAttributes rows added no attribute, not even the good one beside the bad.
      await server.admin.send(new AddCustomAttributesCommand({ UserPoolId: f.poolId, CustomAttributes: [{ Name: 'notes', AttributeDataType: 'String' }] }));
    });

    it('UpdateUserAttributes with a blank value deletes that attribute (and its alias), as AdminUpdateUserAttributes does', async () => {
      await confirmed(f.poolId, 'gina', [...email('gina@example.com'), { Name: 'given_name', Value: 'Gina' }, { Name: 'name', Value: 'Gina G.' }, { Name: 'preferred_username', Value: 'gigi' }]);
      const token = (await signIn(f.poolId, f.clientId, 'gina')).AccessToken!;
      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'name', Value: '' }, { Name: 'preferred_username', Value: '' }, { Name: 'nickname', Value: 'G' }, { Name: 'birthdate', Value: '0000-02-29' }] }));
      const gina = attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'gina' }))).UserAttributes);
      assert.equal(gina.name, undefined);
      assert.equal(gina.preferred_username, undefined);
      assert.equal(gina.nickname, 'G');
      assert.equal(gina.birthdate, '0000-02-29', 'a birthday without a year, as OpenID Connect writes it');
      assert.equal(gina.given_name, 'Gina');
      assert.equal((await failureWithStatus(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'gigi' })))).name, 'UserNotFoundException', 'the alias went with the value');
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: f.poolId, Username: 'gina' }));
    });

    it('refuses every signed action with credentials the server does not know', async () => {
      const stranger = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIASTRANGER0000000', secretAccessKey: 'not-the-admin-secret' } });
      const forger = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: 'not-the-admin-secret' } });
      try {
        for (const action of Object.keys(commands) as ActionName[]) {
          if (UNSIGNED.has(action)) continue;
          const Command = commands[action] as unknown as new (input: object) => Parameters<CognitoIdentityProviderClient['send']>[0];
          // A valid input, so only the signature can be what is wrong.
          const input = { UserPoolId: f.poolId, Username: 'bob', GroupName: 'admins', JobId: f.createdJob, MaxResults: 1, JobName: 'j', CloudWatchLogsRoleArn: ROLE, CustomAttributes: [{ Name: 'x', AttributeDataType: 'String' }], ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', ChallengeName: 'NEW_PASSWORD_REQUIRED', UserAttributes: [], UserAttributeNames: ['name'], Password: NEW_PASSWORD };
          const unknown = await failureWithStatus(() => stranger.send(new Command(input)));
          assert.equal(unknown.name, 'UnrecognizedClientException', `${action}: ${unknown.name}: ${unknown.message}`);
          assert.equal(unknown.status, 403, action);
          const wrong = await failureWithStatus(() => forger.send(new Command(input)));
          assert.equal(wrong.name, 'InvalidSignatureException', `${action}: ${wrong.name}: ${wrong.message}`);
          assert.equal(wrong.status, 403, action);
        }
      } finally {
        stranger.destroy();
        forger.destroy();
      }
    });

    it('refuses an expired access token on every access-token action, and changes nothing', async () => {
      const token = (await signIn(f.poolId, f.clientId, 'bob')).AccessToken!;
      server.clock.advance(2 * 3600 * 1000);
      try {
        const inputs: Record<string, object> = {
          ChangePassword: { PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD },
          UpdateUserAttributes: { UserAttributes: [{ Name: 'name', Value: 'Late' }] },
          DeleteUserAttributes: { UserAttributeNames: ['preferred_username'] },
          DeleteUser: {},
          GetUserAttributeVerificationCode: { AttributeName: 'email' },
          VerifyUserAttribute: { AttributeName: 'email', Code: '123456' },
        };
        for (const action of TOKEN_ACTIONS) {
          const Command = commands[action] as unknown as new (input: object) => Parameters<CognitoIdentityProviderClient['send']>[0];
          const e = await failureWithStatus(() => server.anonymous.send(new Command({ ...inputs[action], AccessToken: token })));
          assert.equal(e.name, 'NotAuthorizedException', `${action}: ${e.message}`);
          assert.equal(e.status, 400);
          assert.equal(e.message, 'Access Token has expired', action);
        }
      } finally {
        server.clock.advance(-2 * 3600 * 1000);
      }
      const bob = await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'bob' }));
      assert.equal(attrs(bob.UserAttributes).preferred_username, 'bobby');
      assert.equal(attrs(bob.UserAttributes).name, undefined);
      assert.ok(await signIn(f.poolId, f.clientId, 'bob'), 'the password is unchanged');
    });

    it('every other action that takes an access token refuses one without aws.cognito.signin.user.admin', async () => {
      const calls: [string, () => Promise<unknown>][] = [
        ['GetUser', () => server.anonymous.send(new GetUserCommand({ AccessToken: f.narrowToken }))],
        ['GlobalSignOut', () => server.anonymous.send(new GlobalSignOutCommand({ AccessToken: f.narrowToken }))],
        ['ListDevices', () => server.anonymous.send(new ListDevicesCommand({ AccessToken: f.narrowToken }))],
        ['SetUserMFAPreference', () => server.anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: f.narrowToken, SoftwareTokenMfaSettings: { Enabled: false } }))],
        ['AssociateSoftwareToken', () => server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: f.narrowToken }))],
      ];
      for (const [action, call] of calls) {
        const e = await failureWithStatus(call);
        assert.deepEqual([e.name, e.message, e.status], ['NotAuthorizedException', 'Access Token does not have required scopes', 400], action);
      }
    });

    it('AdminCreateUser refused midway leaves no user, no alias and no invitation', async () => {
      const outbox = (await server.running.cognate.outbox.recent(100_000, f.poolId)).length;
      const attempts: [string, object][] = [
        ['AliasExistsException', { Username: 'newbie', UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }, { Name: 'preferred_username', Value: 'ally' }] }],
        ['AliasExistsException', { Username: 'newbie', DesiredDeliveryMediums: ['EMAIL'], UserAttributes: email('alice@example.com') }],
        ['InvalidParameterException', { Username: 'newbie', DesiredDeliveryMediums: ['EMAIL', 'SMS'], UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }, { Name: 'preferred_username', Value: 'newbie-alias' }] }],
        ['InvalidParameterException', { Username: 'newbie', UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }, { Name: 'preferred_username', Value: 'newbie-alias' }, { Name: 'custom:level', Value: '11' }] }],
        ['InvalidPasswordException', { Username: 'newbie', TemporaryPassword: 'nodigits', UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }, { Name: 'preferred_username', Value: 'newbie-alias' }] }],
      ];
      for (const [expected, input] of attempts) {
        const e = await failureWithStatus(() => server.admin.send(new AdminCreateUserCommand({ UserPoolId: f.poolId, ...input } as never)));
        assert.equal(e.name, expected, `${JSON.stringify(input)}: ${e.message}`);
        assert.equal(e.status, 400);
        const gone = await failureWithStatus(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'newbie' })));
        assert.equal(gone.name, 'UserNotFoundException', 'no user was written');
      }
      // Neither the alias nor the email was claimed: the aliases still name their holders, and a
      // user can take the unclaimed ones.
      const byAlias = await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'ally' }));
      assert.equal(byAlias.Username, 'alice');
      assert.equal((await failureWithStatus(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'newbie-alias' })))).name, 'UserNotFoundException');
      assert.equal((await server.running.cognate.outbox.recent(100_000, f.poolId)).length, outbox, 'no invitation went out');
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'newbie', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }, { Name: 'preferred_username', Value: 'newbie-alias' }] }));
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'newbie-alias' }))).Username, 'newbie');
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: f.poolId, Username: 'newbie' }));
    });

    it('AdminRespondToAuthChallenge refused leaves the invited user invited, with the same session still good', async () => {
      const dave = await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'dave' }));
      assert.equal(dave.UserStatus, 'FORCE_CHANGE_PASSWORD');
      assert.equal(attrs(dave.UserAttributes).preferred_username, undefined, 'the refused alias was not written');
      // The refusals did not spend the session: it still completes the challenge, in a copy of
      // the flow on a fresh invited user (dave stays a fixture).
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'erin', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Passw0rd!', UserAttributes: [...email('erin@example.com'), { Name: 'given_name', Value: 'Erin' }] }));
      const started = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: f.poolId, ClientId: f.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'erin', PASSWORD: 'Temp-Passw0rd!' } }));
      const respond = (responses: Record<string, string>) => server.admin.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: f.poolId, ClientId: f.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: started.Session!, ChallengeResponses: { USERNAME: 'erin', ...responses } }));
      assert.equal((await failureWithStatus(() => respond({ NEW_PASSWORD, 'userAttributes.preferred_username': 'ally', 'userAttributes.name': 'Erin' }))).name, 'AliasExistsException');
      assert.equal((await failureWithStatus(() => respond({ NEW_PASSWORD, 'userAttributes.custom:level': '99', 'userAttributes.name': 'Erin' }))).name, 'InvalidParameterException');
      const erin = await server.admin.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'erin' }));
      assert.equal(erin.UserStatus, 'FORCE_CHANGE_PASSWORD');
      assert.equal(attrs(erin.UserAttributes).name, undefined, 'no attribute of a refused answer was written');
      const done = await respond({ NEW_PASSWORD, 'userAttributes.name': 'Erin' });
      assert.ok(done.AuthenticationResult?.AccessToken);
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: f.poolId, Username: 'erin' }));
    });

    it('a refused password change leaves the old password working, and the reset code unspent', async () => {
      // alice's ChangePassword and bob's AdminSetUserPassword rows were refused: their passwords still work.
      assert.ok(await signIn(f.poolId, f.clientId, 'alice'));
      assert.ok(await signIn(f.poolId, f.clientId, 'bob'));
      assert.equal((await failureWithStatus(() => signIn(f.poolId, f.clientId, 'bob', NEW_PASSWORD))).name, 'NotAuthorizedException');
      // A reset code offered with a password outside the policy stays good for a proper one.
      await confirmed(f.poolId, 'frank', email('frank@example.com'));
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: f.clientId, Username: 'frank' }));
      const mail = (await server.running.cognate.outbox.recent(100, f.poolId)).find((m) => m.to === 'frank@example.com');
      const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? assert.fail('no code');
      const refused = await failureWithStatus(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: f.clientId, Username: 'frank', ConfirmationCode: code, Password: 'short' })));
      assert.equal(refused.name, 'InvalidPasswordException');
      assert.ok(await signIn(f.poolId, f.clientId, 'frank'), 'the old password still works');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: f.clientId, Username: 'frank', ConfirmationCode: code, Password: NEW_PASSWORD }));
      assert.ok(await signIn(f.poolId, f.clientId, 'frank', NEW_PASSWORD));
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: f.poolId, Username: 'frank' }));
    });

    it('covers every action in scope with missing, out-of-constraint, mistyped and unknown-resource input', () => {
      assert.equal(Object.keys(commands).length, 38);
      for (const action of Object.keys(commands) as ActionName[]) {
        const kinds = new Set(rows.filter((r) => r.action === action).map((r) => r.kind));
        assert.ok(kinds.has('required'), `${action}: a missing required member`);
        assert.ok(kinds.has('constraint'), `${action}: a model constraint`);
        assert.ok(kinds.has('type'), `${action}: a wrong JSON type`);
        if (TOKEN_ACTIONS.includes(action)) assert.ok(kinds.has('token'), `${action}: bad access tokens`);
        else assert.ok(kinds.has('not-found'), `${action}: an unknown resource`);
      }
    });
  });
}

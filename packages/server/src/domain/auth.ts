/**
 * Sign-in: InitiateAuth, AdminInitiateAuth and RespondToAuthChallenge as a pipeline of small
 * named steps. Multi-step state travels sealed (SECRET_BLOCK, Session), so any node continues
 * any flow and nothing lives in memory.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
import { createServerEphemeral, fakeSalt, fakeVerifier, isCanonicalTimestamp, isValidSrpA, verifyPasswordClaim } from '../crypto/srp.js';
import type { Cognate } from './cognate.js';
import { allowsFlow, checkSecretHash, type AppClient } from './app-clients.js';
import { srpPoolName } from './ids.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { isEmail, isPhoneNumber, usernameKey, type User } from './users.js';
import type { UserPool } from './user-pools.js';
import type { AuthenticationResult } from './tokens.js';
import { clientAndPool } from './client-context.js';
import { answerNewPasswordRequired, newPasswordChallenge } from './sign-in/challenges/new-password-required.js';
import { refusalBeforePassword, verifyPassword } from './imported-passwords.js';
import { answerMfaChallenge, secondFactor, type SignInContext } from './mfa.js';
import { answerDeviceChallenge, deviceForSignIn, refreshDevice } from './devices.js';
import { answerCustomChallenge, continueAfterPassword, startCustomAuth, type ChallengeResult } from './custom-auth.js';
import { generateTokens } from './token-generation.js';
import { migrateUser } from './user-migration.js';
import { spendOnce } from './single-use.js';
import { decoySlot, passwordAttemptsExceeded } from './lockout.js';
import { runTrigger, userAttributesOf } from '../triggers/triggers.js';
import { required } from './parameters.js';

export type ChallengeName = 'PASSWORD_VERIFIER' | 'NEW_PASSWORD_REQUIRED' | 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'CUSTOM_CHALLENGE' | 'DEVICE_SRP_AUTH' | 'DEVICE_PASSWORD_VERIFIER' | 'MFA_SETUP' | 'SELECT_MFA_TYPE' | 'EMAIL_OTP';

export interface AuthResponse {
  ChallengeName?: ChallengeName;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResult;
}

type Params = Record<string, string>;

const INCORRECT = 'Incorrect username or password.';

/** What a sealed SECRET_BLOCK carries between InitiateAuth and PASSWORD_VERIFIER. */
interface SecretBlockState {
  /** pool, client, username (USER_ID_FOR_SRP), sub (a random one, naming no one, for an unknown user) */
  p: string;
  c: string;
  u: string;
  s: string;
  /** b and B, base64 */
  b: string;
  B: string;
  /** A, hex */
  A: string;
  /** CUSTOM_AUTH with SRP first: the challenges so far, for DefineAuthChallenge (domain/custom-auth.ts) */
  x?: ChallengeResult[];
}

const SECRET_BLOCK_AAD = 'srp-secret-block';

/** How long a challenge stays answerable: the client's AuthSessionValidity, in minutes (3 by default). */
export const sessionMs = (client: AppClient) => client.settings.AuthSessionValidity * 60_000;

/** How long a sealed Session still opens after its own expiry, so a late answer hears "session is expired" rather than "invalid". */
export const SESSION_SEAL_GRACE_MS = 60_000;

/** Steps shared by every flow once the primary credential is proven. */
export async function afterPrimaryCredential(cognate: Cognate, pool: UserPool, client: AppClient, user: User, ctx: SignInContext = {}): Promise<AuthResponse> {
  await cognate.lockout.recordVerifiedPassword(user.sub);
  assertMayUseAccount(user);
  // A temporary password (AdminCreateUser, AdminSetUserPassword) must be replaced first.
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(cognate, pool, client, user);
  return afterPasswordSettled(cognate, pool, client, user, ctx);
}

/** Steps once the user has a password of their own (after NEW_PASSWORD_REQUIRED, if it came). */
export async function afterPasswordSettled(cognate: Cognate, pool: UserPool, client: AppClient, user: User, ctx: SignInContext = {}): Promise<AuthResponse> {
  // MFA, then the device (DEVICE_SRP_AUTH or NewDeviceMetadata), then tokens (domain/mfa.ts).
  return secondFactor(cognate, pool, client, user, ctx);
}

/** Refusals that come only after the password checked out, so they reveal nothing to a guesser. */
export function assertMayUseAccount(user: User): void {
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  if (user.status === 'UNCONFIRMED') throw errors.userNotConfirmed();
  if (user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
}

/**
 * The answer to a password attempt while the account is locked. Under PreventUserExistenceErrors it
 * is the answer an unknown name gets ("Incorrect username or password."), so a lock doesn't tell a
 * guesser that the name exists; LEGACY clients hear "Password attempts exceeded".
 */
export function lockedOut(client: AppClient): Error {
  return client.settings.PreventUserExistenceErrors === 'ENABLED' ? errors.notAuthorized(INCORRECT) : passwordAttemptsExceeded();
}

/** The failure for a sign-in name that matches no one: generic, or UserNotFound for LEGACY clients. */
export function unknownUser(client: AppClient): Error {
  return client.settings.PreventUserExistenceErrors === 'ENABLED' ? errors.notAuthorized(INCORRECT) : errors.userNotFound();
}

/**
 * The lockout write for an attempt that names no one: the same UPDATE … RETURNING a real user's
 * attempt makes (Lockout.reserveAttempt), on the decoy row the name maps to. Always undefined, so
 * callers can use it where a reservation goes.
 */
async function reserveDecoy(cognate: Cognate, pool: UserPool, name: string, now: number): Promise<undefined> {
  await cognate.lockout.reserveDecoy(decoySlot(cognate.secrets.fakeSaltKey, pool.id, usernameKey(pool, name)), now);
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * USER_ID_FOR_SRP for a name that matches no one. Where a real user's internal username differs
 * from what they typed (the sub in UsernameAttributes pools, the username behind an email or phone
 * alias), echoing the typed name back would say "no one has this address"; such names get a
 * UUID-shaped ID instead, stable per name like the fake salt (security.md P01).
 */
function unknownSrpUserId(cognate: Cognate, pool: UserPool, name: string): string {
  const signsInWithAttributes = (pool.settings.UsernameAttributes?.length ?? 0) > 0;
  const aliasLike = (pool.settings.AliasAttributes?.length ?? 0) > 0 && (isEmail(name) || isPhoneNumber(name));
  if (!signsInWithAttributes && !aliasLike) return name;
  if (UUID.test(name)) return name.toLowerCase();
  const h = createHmac('sha256', cognate.secrets.fakeSaltKey).update(`cognate-srp-fake-user-id\0${pool.id}\0${usernameKey(pool, name)}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * PreAuthentication, before the credential is checked. It runs for unknown users only where
 * PreventUserExistenceErrors hides them (with `userNotFound: true`), as Cognito does; ClientMetadata
 * reaches it as `validationData` (user-pool-lambda-pre-authentication).
 */
export async function preAuthentication(cognate: Cognate, pool: UserPool, client: AppClient, user: User | undefined, name: string, clientMetadata: Record<string, string> | undefined): Promise<void> {
  const hidden = client.settings.PreventUserExistenceErrors === 'ENABLED';
  if (!user && !hidden) return;
  await runTrigger(cognate, pool, 'PreAuthentication', {
    source: 'PreAuthentication_Authentication',
    userName: user?.username ?? name,
    clientId: client.id,
    request: { userAttributes: user ? userAttributesOf(user) : {}, validationData: clientMetadata ?? null, ...(hidden ? { userNotFound: !user } : {}) },
  });
}

/** USER_SRP_AUTH, step 1: answer SRP_A with SRP_B, the salt and a sealed SECRET_BLOCK. */
export async function startSrp(cognate: Cognate, pool: UserPool, client: AppClient, params: Params, clientMetadata: Record<string, string> | undefined, custom?: ChallengeResult[]): Promise<AuthResponse> {
  const name = required(params, 'USERNAME');
  const A = required(params, 'SRP_A');
  checkSecretHash(client, [name], params.SECRET_HASH);
  if (!isValidSrpA(A)) throw errors.invalidParameter('Invalid SRP_A value.');
  const user = await cognate.users.findForSignInEvenly(pool, name);
  let salt = '';
  let verifier: string | undefined;
  let userId: string;
  // LEGACY clients hear of a lock now; otherwise a locked user's challenge is like anyone's, and the answer is refused (P01).
  if (user && client.settings.PreventUserExistenceErrors !== 'ENABLED') await cognate.lockout.assertNotLocked(user.sub, cognate.clock.now());
  // CUSTOM_AUTH ran PreAuthentication before its DefineAuthChallenge asked for the password.
  if (!custom) await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  if (user) {
    verifier = cognate.users.srpVerifier(user);
    salt = user.srpSalt ?? '';
    userId = user.username;
    if (!verifier) {
      const refusal = refusalBeforePassword(client, user, 'srp');
      if (refusal) throw refusal;
    }
  } else {
    if (client.settings.PreventUserExistenceErrors !== 'ENABLED') throw errors.userNotFound();
    userId = unknownSrpUserId(cognate, pool, name);
  }
  if (!user || !verifier || !salt) {
    // Unknown users (and users without a password) get a challenge that looks real: a stable
    // fake salt and a B drawn like a real one (security.md P01).
    const key = usernameKey(pool, name);
    salt = fakeSalt(cognate.secrets.fakeSaltKey, pool.id, key);
    verifier = fakeVerifier(cognate.secrets.fakeSaltKey, pool.id, key);
  }
  const { b, B } = createServerEphemeral(verifier);
  // An unknown user's block carries a sub that names no one, so it is as long as a real one.
  const state: SecretBlockState = { p: pool.id, c: client.id, u: userId, s: user?.sub ?? randomUUID(), b: b.toString('base64'), B: Buffer.from(B.length % 2 ? '0' + B : B, 'hex').toString('base64'), A, ...(custom ? { x: custom } : {}) };
  const secretBlock = cognate.secrets.sessions.sealJson(state, SECRET_BLOCK_AAD, cognate.clock.now() + sessionMs(client));
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: salt, SECRET_BLOCK: secretBlock, SRP_B: B, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

/** USER_SRP_AUTH, step 2: check PASSWORD_CLAIM_SIGNATURE against the sealed state. */
async function answerPasswordVerifier(cognate: Cognate, pool: UserPool, client: AppClient, responses: Params, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  const name = required(responses, 'USERNAME');
  const block = required(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = required(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = required(responses, 'TIMESTAMP');
  const now = cognate.clock.now();
  const state = cognate.secrets.sessions.openJson<SecretBlockState>(block, SECRET_BLOCK_AAD, now);
  if (!state || state.p !== pool.id || state.c !== client.id) throw errors.notAuthorized('Invalid session for the user.');
  if (!isCanonicalTimestamp(timestamp)) throw errors.invalidParameter('TIMESTAMP format is invalid.');
  const user = state.s ? await cognate.users.findBySubEvenly(pool.id, state.s) : undefined;
  // JS clients answer with USER_ID_FOR_SRP, iOS with the challenge's USERNAME; both are the username here.
  const namesMatch = usernameKey(pool, name) === usernameKey(pool, state.u);
  checkSecretHash(client, [name, state.u], responses.SECRET_HASH);
  const verifier = user ? cognate.users.srpVerifier(user) : undefined;
  // The attempt is counted before the proof is checked (A18); during a lock the proof is checked
  // against the fake verifier instead, the same work with nothing learned. A name that matches no
  // one (or a user without a verifier) makes the same write on its decoy row (P01, issue 10 item 8).
  const reservation = user && verifier ? await cognate.lockout.reserveAttempt(user.sub, now) : await reserveDecoy(cognate, pool, state.u, now);
  const ok =
    verifyPasswordClaim({
      poolName: srpPoolName(pool.id),
      userId: state.u,
      A: state.A,
      B: Buffer.from(state.B, 'base64').toString('hex'),
      b: Buffer.from(state.b, 'base64'),
      salt: user?.srpSalt ?? '00',
      verifier: reservation && verifier ? verifier : fakeVerifier(cognate.secrets.fakeSaltKey, pool.id, usernameKey(pool, state.u)),
      secretBlock: block,
      timestamp,
      signature,
    }) && namesMatch;
  if (!user || !verifier) throw unknownUser(client);
  if (!reservation) throw lockedOut(client);
  if (!ok) throw errors.notAuthorized(INCORRECT);
  // A proven answer is spent: replaying a captured SECRET_BLOCK and signature buys no second sign-in.
  // B is drawn afresh for every challenge, so it names this one; the block dies within sessionMs anyway.
  // A DEVICE_KEY the server forgot is refused first: clients then resend this same answer without it.
  const deviceKey = deviceKeyOf(responses);
  if (deviceKey) {
    try {
      await deviceForSignIn(cognate, pool, user, deviceKey);
    } catch (e) {
      // The client resends this answer without the device: this attempt isn't counted twice.
      await cognate.lockout.releaseAttempt(user.sub, now);
      throw e;
    }
  }
  await spendOnce(cognate.store, `srp:${createHash('sha256').update(state.B).digest('base64url')}`, now + sessionMs(client), now);
  if (state.x) return continueAfterPassword(cognate, pool, client, user, state.x, clientMetadata);
  return afterPrimaryCredential(cognate, pool, client, user, { deviceKey, clientMetadata });
}

/** USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password itself, checked with argon2id. */
async function passwordSignIn(cognate: Cognate, pool: UserPool, client: AppClient, params: Params, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  const name = required(params, 'USERNAME');
  const password = required(params, 'PASSWORD');
  checkSecretHash(client, [name], params.SECRET_HASH);
  const now = cognate.clock.now();
  if ([...password].length > MAX_PASSWORD_LENGTH) {
    await cognate.hasher.burn(password);
    throw errors.notAuthorized(INCORRECT);
  }
  let user = await cognate.users.findForSignInEvenly(pool, name);
  if (!user) {
    // The pool's UserMigration function may know them, having checked the password itself.
    const migration = await migrateUser(cognate, pool, client, { source: 'Authentication', name, password, clientMetadata });
    if (migration?.created) {
      await preAuthentication(cognate, pool, client, migration.user, name, clientMetadata);
      const refusal = refusalBeforePassword(client, migration.user, 'password');
      if (refusal) throw refusal;
      return afterPrimaryCredential(cognate, pool, client, migration.user, { deviceKey: deviceKeyOf(params), clientMetadata });
    }
    user = migration?.user;
  }
  if (!user) {
    await preAuthentication(cognate, pool, client, undefined, name, clientMetadata);
    // The reservation write and the password check a real user's wrong password costs (P01).
    await reserveDecoy(cognate, pool, name, now);
    await cognate.hasher.burn(password);
    throw unknownUser(client);
  }
  if (client.settings.PreventUserExistenceErrors !== 'ENABLED') await cognate.lockout.assertNotLocked(user.sub, now);
  await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  const refusal = refusalBeforePassword(client, user, 'password');
  if (refusal) throw refusal;
  // Counted before the slow check, so a parallel burst gets no more guesses checked than a sequence (A18).
  if (!(await cognate.lockout.reserveAttempt(user.sub, now))) {
    await cognate.hasher.burn(password);
    throw lockedOut(client);
  }
  // An imported hash (cognate users import) is checked here and upgraded to argon2id and SRP.
  const proven = await verifyPassword(cognate, pool, user, password);
  if (!proven) throw errors.notAuthorized(INCORRECT);
  return afterPrimaryCredential(cognate, pool, client, proven, { deviceKey: deviceKeyOf(params), clientMetadata });
}

/** REFRESH_TOKEN_AUTH: new ID and access tokens from a live refresh-token family. */
export async function refreshTokens(cognate: Cognate, pool: UserPool, client: AppClient, refreshToken: string, secretHashGiven: string | undefined, deviceKeyGiven?: string, clientMetadata?: Record<string, string>): Promise<AuthenticationResult> {
  const family = await cognate.tokens.resolveRefreshToken(client, refreshToken);
  const user = await cognate.users.findBySub(pool.id, family.userSub);
  if (!user) throw errors.notAuthorized('Invalid Refresh Token');
  // Clients compute this SECRET_HASH over the username or the sub; iOS and Android send the raw secret.
  checkSecretHash(client, [user.username, user.sub], secretHashGiven, true);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  await cognate.lockout.assertNotLocked(user.sub, cognate.clock.now());
  const deviceKey = await refreshDevice(cognate, pool, user, family.deviceKey, deviceKeyGiven || undefined);
  return generateTokens(cognate, { pool, client, user, source: 'RefreshTokens', clientMetadata, authTime: family.authTime, originJti: family.originJti, ...(deviceKey ? { deviceKey } : {}) });
}

/** REFRESH_TOKEN_AUTH (alias REFRESH_TOKEN) in InitiateAuth and AdminInitiateAuth. */
async function refreshFlow(cognate: Cognate, pool: UserPool, client: AppClient, params: Params, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  if (!allowsFlow(client.settings, 'REFRESH_TOKEN_AUTH')) throw flowNotEnabled('REFRESH_TOKEN_AUTH');
  const result = await refreshTokens(cognate, pool, client, required(params, 'REFRESH_TOKEN'), params.SECRET_HASH, deviceKeyOf(params), clientMetadata);
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

export interface InitiateAuthInput {
  AuthFlow: string;
  AuthParameters?: Params;
  ClientId: string;
  ClientMetadata?: Record<string, string>;
}

export async function initiateAuth(cognate: Cognate, input: InitiateAuthInput): Promise<AuthResponse> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  const params = input.AuthParameters ?? {};
  const metadata = input.ClientMetadata;
  switch (input.AuthFlow) {
    case 'USER_SRP_AUTH':
      if (!allowsFlow(client.settings, 'USER_SRP_AUTH')) throw flowNotEnabled('USER_SRP_AUTH');
      return startSrp(cognate, pool, client, params, metadata);
    case 'USER_PASSWORD_AUTH':
      if (!allowsFlow(client.settings, 'USER_PASSWORD_AUTH')) throw flowNotEnabled('USER_PASSWORD_AUTH');
      return passwordSignIn(cognate, pool, client, params, metadata);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshFlow(cognate, pool, client, params, metadata);
    case 'CUSTOM_AUTH':
      if (!allowsFlow(client.settings, 'CUSTOM_AUTH')) throw flowNotEnabled('CUSTOM_AUTH');
      return startCustomAuth(cognate, pool, client, params, metadata);
    case 'USER_AUTH':
      throw errors.invalidParameter('USER_AUTH flow is not supported yet.');
    default:
      throw errors.invalidParameter('Initiate Auth method not supported.');
  }
}

export async function adminInitiateAuth(cognate: Cognate, input: InitiateAuthInput & { UserPoolId: string }): Promise<AuthResponse> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.get(pool.id, input.ClientId);
  const params = input.AuthParameters ?? {};
  const metadata = input.ClientMetadata;
  switch (input.AuthFlow) {
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      if (!allowsFlow(client.settings, 'ADMIN_USER_PASSWORD_AUTH')) throw flowNotEnabled('ADMIN_NO_SRP_AUTH');
      return passwordSignIn(cognate, pool, client, params, metadata);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshFlow(cognate, pool, client, params, metadata);
    case 'USER_SRP_AUTH':
      if (!allowsFlow(client.settings, 'USER_SRP_AUTH')) throw flowNotEnabled('USER_SRP_AUTH');
      return startSrp(cognate, pool, client, params, metadata);
    case 'CUSTOM_AUTH':
      if (!allowsFlow(client.settings, 'CUSTOM_AUTH')) throw flowNotEnabled('CUSTOM_AUTH');
      return startCustomAuth(cognate, pool, client, params, metadata);
    default:
      throw errors.invalidParameter('Initiate Auth method not supported.');
  }
}

/** DEVICE_KEY as clients send it (amazon-cognito-identity-js sends null after forgetting a device). */
export const deviceKeyOf = (params: Params): string | undefined => (typeof params.DEVICE_KEY === 'string' && params.DEVICE_KEY !== '' ? params.DEVICE_KEY : undefined);

const flowNotEnabled = (flow: string) => errors.invalidParameter(`${flow} flow not enabled for this client`);

export interface RespondInput {
  ClientId: string;
  ChallengeName: string;
  Session?: string;
  ChallengeResponses?: Params;
  ClientMetadata?: Record<string, string>;
}

export async function respondToAuthChallenge(cognate: Cognate, input: RespondInput, pool?: UserPool): Promise<AuthResponse> {
  const found = pool ? { pool, client: await cognate.clients.get(pool.id, input.ClientId) } : await clientAndPool(cognate, input.ClientId);
  const responses = input.ChallengeResponses ?? {};
  const metadata = input.ClientMetadata;
  switch (input.ChallengeName) {
    case 'PASSWORD_VERIFIER':
      return answerPasswordVerifier(cognate, found.pool, found.client, responses, metadata);
    case 'NEW_PASSWORD_REQUIRED': {
      const user = await answerNewPasswordRequired(cognate, found.pool, found.client, responses, input.Session);
      return afterPasswordSettled(cognate, found.pool, found.client, user, { deviceKey: deviceKeyOf(responses), clientMetadata: metadata, source: 'NewPasswordChallenge' });
    }
    case 'SMS_MFA':
    case 'SOFTWARE_TOKEN_MFA':
    case 'EMAIL_OTP':
    case 'SELECT_MFA_TYPE':
    case 'MFA_SETUP':
      return answerMfaChallenge(cognate, found.pool, found.client, input.ChallengeName, responses, input.Session, metadata);
    case 'DEVICE_SRP_AUTH':
    case 'DEVICE_PASSWORD_VERIFIER':
      return answerDeviceChallenge(cognate, found.pool, found.client, input.ChallengeName, responses, input.Session, metadata);
    case 'CUSTOM_CHALLENGE':
      return answerCustomChallenge(cognate, found.pool, found.client, responses, input.Session, metadata);
    default:
      throw errors.invalidParameter(`Invalid challenge name: ${input.ChallengeName}`);
  }
}

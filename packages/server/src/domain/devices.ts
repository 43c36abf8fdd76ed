/**
 * Devices (Cognito's device tracking, security.md P25): a pool with a DeviceConfiguration gives
 * every sign-in without a known device a NewDeviceMetadata; ConfirmDevice stores the device's SRP
 * verifier; later sign-ins that name the device prove it with DEVICE_SRP_AUTH →
 * DEVICE_PASSWORD_VERIFIER, the same SRP maths as the password with the DeviceGroupKey as pool
 * name and the DeviceKey as user (protocol.md §2); a remembered device skips MFA when the pool
 * says so (ChallengeRequiredOnNewDevice). GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice
 * and their Admin variants manage them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
import type { Selectable } from 'kysely';
import type { DevicesTable } from '../store/schema.js';
import { createServerEphemeral, deviceVerifierFromConfirmDevice, isCanonicalTimestamp, isValidSrpA, verifyPasswordClaim } from '../crypto/srp.js';
import type { Cognate } from './cognate.js';
import { signInTokens } from './token-generation.js';
import type { AuthResponse } from './auth.js';
import { checkSecretHash, type AppClient } from './app-clients.js';
import { openPageToken, pageLimit, sealPageToken } from './page-tokens.js';
import { deviceStepAfterMfa } from './mfa.js';
import { spendOnce } from './single-use.js';
import { usernameKey, type User } from './users.js';
import type { UserPool } from './user-pools.js';
import { required } from './parameters.js';

export type Device = Selectable<DevicesTable>;
type Params = Record<string, string>;

export const deviceNotFound = () => errors.resourceNotFound('Device does not exist.');

const region = (pool: UserPool) => pool.id.slice(0, pool.id.indexOf('_'));
const verifierAad = (deviceKey: string) => `device-verifier:${deviceKey}`;

/** Whether the pool tracks devices at all (a DeviceConfiguration is set). */
export const tracksDevices = (pool: UserPool) => pool.settings.DeviceConfiguration !== undefined;

/**
 * A remembered device stands in for MFA when the pool's ChallengeRequiredOnNewDevice is true
 * (DeviceConfigurationType: "When true, a remembered device can sign in with device
 * authentication instead of SMS and TOTP factors").
 */
export const skipsMfa = (pool: UserPool, device: Device) => device.remembered === 1 && pool.settings.DeviceConfiguration?.ChallengeRequiredOnNewDevice === true;

/** The user's confirmed device named by DEVICE_KEY, or "Device does not exist." (clients then forget it and retry). */
export async function deviceForSignIn(cognate: Cognate, pool: UserPool, user: User, deviceKey: string): Promise<Device> {
  const device = await cognate.store.db.selectFrom('devices').selectAll().where('device_key', '=', deviceKey).executeTakeFirst();
  if (!device || device.user_id !== user.sub || device.pool_id !== pool.id || !device.verifier_sealed || !tracksDevices(pool)) throw deviceNotFound();
  return device;
}

/** How long a device from NewDeviceMetadata waits for ConfirmDevice. */
export const UNCONFIRMED_DEVICE_MS = 24 * 3600_000;

/** A new device for a sign-in without one, when the pool tracks devices: its NewDeviceMetadata. */
export async function newDeviceForSignIn(cognate: Cognate, pool: UserPool, user: User): Promise<{ DeviceKey: string; DeviceGroupKey: string } | undefined> {
  if (!tracksDevices(pool)) return undefined;
  const now = cognate.clock.now();
  const DeviceKey = `${region(pool)}_${randomUUID()}`;
  const DeviceGroupKey = `-${randomBytes(7).toString('base64url').replace(/[-_]/g, 'x')}`;
  // Clients that never call ConfirmDevice (server-side SDK use) would leave a row per sign-in.
  await cognate.store.db.deleteFrom('devices').where('user_id', '=', user.sub).where('confirmed_at', 'is', null).where('created_at', '<', now - UNCONFIRMED_DEVICE_MS).execute();
  await cognate.store.db
    .insertInto('devices')
    .values({ device_key: DeviceKey, pool_id: pool.id, user_id: user.sub, group_key: DeviceGroupKey, name: null, salt: null, verifier_sealed: null, remembered: 0, confirmed_at: null, created_at: now, updated_at: now, last_authenticated_at: now })
    .execute();
  return { DeviceKey, DeviceGroupKey };
}

// ---------------------------------------------------------------------------------------------
// Device SRP

interface DeviceSession {
  p: string;
  c: string;
  s: string;
  d: string;
  e: number;
}
/** What the SECRET_BLOCK carries: the public half of this exchange. */
interface DeviceSecretBlock extends DeviceSession {
  B: string;
  A: string;
}
/**
 * The Session that comes with DEVICE_PASSWORD_VERIFIER: the server's secret b, the SHA-256 of the
 * SECRET_BLOCK issued with it, and a nonce spent by the one answer that proves the device. An
 * answer is checked only against the Session it was issued with, so a captured answer can't be
 * sent without it, with another sign-in's Session, or twice.
 */
interface DeviceVerifierSession extends DeviceSession {
  b: string;
  h: string;
  n: string;
}
const DEVICE_SESSION_AAD = 'device-session';
const DEVICE_BLOCK_AAD = 'device-secret-block';
const DEVICE_VERIFIER_SESSION_AAD = 'device-verifier-session';
const blockDigest = (block: string) => createHash('sha256').update(block, 'utf8').digest('base64url');
const sessionMs = (client: AppClient) => client.settings.AuthSessionValidity * 60_000;

/** DEVICE_SRP_AUTH: issued once the user's other factors are done (or the device stands in for MFA). */
export function deviceSrpChallenge(cognate: Cognate, pool: UserPool, client: AppClient, user: User, deviceKey: string): AuthResponse {
  const e = cognate.clock.now() + sessionMs(client);
  const state: DeviceSession = { p: pool.id, c: client.id, s: user.sub, d: deviceKey, e };
  return { ChallengeName: 'DEVICE_SRP_AUTH', Session: cognate.secrets.sessions.sealJson(state, DEVICE_SESSION_AAD, e), ChallengeParameters: {} };
}

async function checkedUser(cognate: Cognate, pool: UserPool, client: AppClient, state: DeviceSession, responses: Params): Promise<User> {
  const name = required(responses, 'USERNAME');
  const user = await cognate.users.findBySub(pool.id, state.s);
  if (!user) throw errors.notAuthorized('Invalid session for the user.');
  const named = usernameKey(pool, name) === usernameKey(pool, user.username) || (await cognate.users.findForSignIn(pool, name))?.sub === user.sub;
  if (!named) throw errors.notAuthorized('Invalid session for the user.');
  checkSecretHash(client, [name, user.username], responses.SECRET_HASH);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  if (user.status !== 'CONFIRMED') throw errors.notAuthorized('Invalid session for the user.');
  await cognate.lockout.assertNotLocked(user.sub, cognate.clock.now());
  return user;
}

/** DEVICE_SRP_AUTH answered with SRP_A: the device's salt, SRP_B and a sealed SECRET_BLOCK. */
async function answerDeviceSrpAuth(cognate: Cognate, pool: UserPool, client: AppClient, responses: Params, session: string | undefined): Promise<AuthResponse> {
  const now = cognate.clock.now();
  const state = (session ? cognate.secrets.sessions.openJson<DeviceSession>(session, DEVICE_SESSION_AAD, now) : null) ?? (await deviceStepAfterMfa(cognate, session, pool, client, now));
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.d !== 'string') throw errors.notAuthorized('Invalid session for the user.');
  if (state.e <= now) throw errors.notAuthorized('Invalid session for the user, session is expired.');
  const deviceKey = required(responses, 'DEVICE_KEY');
  const A = required(responses, 'SRP_A');
  if (deviceKey !== state.d) throw deviceNotFound();
  if (!isValidSrpA(A)) throw errors.invalidParameter('Invalid SRP_A value.');
  const user = await checkedUser(cognate, pool, client, state, responses);
  const device = await deviceForSignIn(cognate, pool, user, deviceKey);
  const verifier = cognate.secrets.atRest.openString(device.verifier_sealed!, verifierAad(deviceKey));
  if (!verifier) throw deviceNotFound();
  const { b, B } = createServerEphemeral(verifier.toString('hex'));
  const e = now + sessionMs(client);
  const exchange: DeviceSession = { p: state.p, c: state.c, s: state.s, d: state.d, e };
  const secretBlock = cognate.secrets.sessions.sealJson({ ...exchange, B, A } satisfies DeviceSecretBlock, DEVICE_BLOCK_AAD, e);
  const verifierSession: DeviceVerifierSession = { ...exchange, b: b.toString('base64'), h: blockDigest(secretBlock), n: randomUUID() };
  return {
    ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
    Session: cognate.secrets.sessions.sealJson(verifierSession, DEVICE_VERIFIER_SESSION_AAD, e),
    ChallengeParameters: { SRP_B: B, SALT: device.salt!, SECRET_BLOCK: secretBlock, USERNAME: user.username, DEVICE_KEY: deviceKey },
  };
}

/** DEVICE_PASSWORD_VERIFIER: the device proves its secret; tokens carry its key. */
async function answerDevicePasswordVerifier(cognate: Cognate, pool: UserPool, client: AppClient, responses: Params, session: string | undefined, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  const now = cognate.clock.now();
  const blockText = required(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = required(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = required(responses, 'TIMESTAMP');
  const deviceKey = required(responses, 'DEVICE_KEY');
  // b comes from the Session issued with this challenge, and the SECRET_BLOCK (B, A) must be the one issued with it.
  const state = session ? cognate.secrets.sessions.openJson<DeviceVerifierSession>(session, DEVICE_VERIFIER_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.e !== 'number' || state.h !== blockDigest(blockText)) throw errors.notAuthorized('Invalid session for the user.');
  if (state.e <= now) throw errors.notAuthorized('Invalid session for the user, session is expired.');
  const block = cognate.secrets.sessions.openJson<DeviceSecretBlock>(blockText, DEVICE_BLOCK_AAD, now);
  if (!block || block.s !== state.s || block.d !== state.d) throw errors.notAuthorized('Invalid session for the user.');
  if (!isCanonicalTimestamp(timestamp)) throw errors.invalidParameter('TIMESTAMP format is invalid.');
  if (deviceKey !== block.d) throw deviceNotFound();
  const user = await checkedUser(cognate, pool, client, block, responses);
  const device = await deviceForSignIn(cognate, pool, user, deviceKey);
  const verifier = cognate.secrets.atRest.openString(device.verifier_sealed!, verifierAad(deviceKey));
  if (!verifier) throw deviceNotFound();
  const ok = verifyPasswordClaim({
    poolName: device.group_key,
    userId: deviceKey,
    A: block.A,
    B: block.B,
    b: Buffer.from(state.b, 'base64'),
    salt: device.salt!,
    verifier: verifier.toString('hex'),
    secretBlock: blockText,
    timestamp,
    signature,
  });
  if (!ok) throw errors.notAuthorized('Incorrect username or password.');
  // A proven answer is spent (as PASSWORD_VERIFIER's is, domain/auth.ts): replaying it buys nothing.
  await spendOnce(cognate.store, `device:${state.n}`, state.e, now);
  await cognate.store.db.updateTable('devices').set({ last_authenticated_at: now }).where('device_key', '=', deviceKey).execute();
  const result = await signInTokens(cognate, { pool, client, user, deviceKey, source: 'AuthenticateDevice', clientMetadata });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

/** RespondToAuthChallenge for DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER. */
export async function answerDeviceChallenge(cognate: Cognate, pool: UserPool, client: AppClient, challenge: string, responses: Params, session: string | undefined, clientMetadata?: Record<string, string>): Promise<AuthResponse> {
  return challenge === 'DEVICE_SRP_AUTH' ? answerDeviceSrpAuth(cognate, pool, client, responses, session) : answerDevicePasswordVerifier(cognate, pool, client, responses, session, clientMetadata);
}

/**
 * The device_key of refreshed tokens. A DEVICE_KEY sent with the refresh must be one of the user's
 * devices and, when the sign-in had a device, that one; a device forgotten since is left out.
 */
export async function refreshDevice(cognate: Cognate, pool: UserPool, user: User, familyDevice: string | null, given: string | undefined): Promise<string | undefined> {
  if (!given) {
    if (!familyDevice) return undefined;
    const still = await cognate.store.db.selectFrom('devices').select('device_key').where('device_key', '=', familyDevice).where('user_id', '=', user.sub).executeTakeFirst();
    return still ? familyDevice : undefined;
  }
  const device = await cognate.store.db.selectFrom('devices').select(['user_id', 'pool_id']).where('device_key', '=', given).executeTakeFirst();
  if (!device || device.user_id !== user.sub || device.pool_id !== pool.id) throw deviceNotFound();
  if (familyDevice && familyDevice !== given) throw errors.notAuthorized('Invalid Refresh Token');
  return given;
}

// ---------------------------------------------------------------------------------------------
// Managing devices

/** Cognito's DeviceType. */
export function deviceType(device: Device) {
  return {
    DeviceKey: device.device_key,
    DeviceAttributes: [
      { Name: 'device_status', Value: 'valid' },
      ...(device.name !== null ? [{ Name: 'device_name', Value: device.name }] : []),
      { Name: 'dev:device_remembered_status', Value: device.remembered === 1 ? 'remembered' : 'not_remembered' },
    ],
    DeviceCreateDate: device.created_at / 1000,
    DeviceLastModifiedDate: device.updated_at / 1000,
    ...(device.last_authenticated_at !== null ? { DeviceLastAuthenticatedDate: device.last_authenticated_at / 1000 } : {}),
  };
}

/** One of the user's confirmed devices, or "Device does not exist.". */
export async function userDevice(cognate: Cognate, user: User, deviceKey: string): Promise<Device> {
  const device = await cognate.store.db.selectFrom('devices').selectAll().where('device_key', '=', deviceKey).executeTakeFirst();
  if (!device || device.user_id !== user.sub || device.confirmed_at === null) throw deviceNotFound();
  return device;
}

export interface ConfirmDeviceInput {
  AccessToken: string;
  DeviceKey: string;
  DeviceSecretVerifierConfig?: { PasswordVerifier?: string; Salt?: string };
  DeviceName?: string;
}

/** ConfirmDevice: stores the device's SRP verifier; remembers it unless the pool asks the user first. */
export async function confirmDevice(cognate: Cognate, input: ConfirmDeviceInput): Promise<{ UserConfirmationNecessary: boolean }> {
  const { pool, user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  const device = await cognate.store.db.selectFrom('devices').selectAll().where('device_key', '=', input.DeviceKey).executeTakeFirst();
  if (!device || device.user_id !== user.sub) throw deviceNotFound();
  if (device.confirmed_at !== null) throw new CognitoError('DeviceKeyExistsException', 'Device key already exists.');
  if (device.created_at < cognate.clock.now() - UNCONFIRMED_DEVICE_MS) throw deviceNotFound();
  const config = input.DeviceSecretVerifierConfig;
  if (!config?.PasswordVerifier || !config.Salt) throw errors.invalidParameter('DeviceSecretVerifierConfig with PasswordVerifier and Salt is required.');
  let stored: { salt: string; verifier: string };
  try {
    stored = deviceVerifierFromConfirmDevice(config.PasswordVerifier, config.Salt);
  } catch (e) {
    throw errors.invalidParameter(`Invalid DeviceSecretVerifierConfig: ${(e as Error).message}.`);
  }
  const askUser = pool.settings.DeviceConfiguration?.DeviceOnlyRememberedOnUserPrompt === true;
  const now = cognate.clock.now();
  const result = await cognate.store.db
    .updateTable('devices')
    .set({
      name: input.DeviceName ?? null,
      salt: stored.salt,
      verifier_sealed: cognate.secrets.atRest.sealToString(Buffer.from(stored.verifier, 'hex'), verifierAad(input.DeviceKey)),
      remembered: askUser ? 0 : 1,
      confirmed_at: now,
      updated_at: now,
    })
    .where('device_key', '=', input.DeviceKey)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new CognitoError('DeviceKeyExistsException', 'Device key already exists.');
  return { UserConfirmationNecessary: askUser };
}

export async function listDevices(cognate: Cognate, pool: UserPool, user: User, limit: number | undefined, token: string | undefined) {
  const n = pageLimit(limit, 'limit');
  const scope = ['ListDevices', pool.id, user.sub];
  let q = cognate.store.db.selectFrom('devices').selectAll().where('user_id', '=', user.sub).where('confirmed_at', 'is not', null).orderBy('created_at').orderBy('device_key').limit(n + 1);
  if (token !== undefined) {
    const [createdAt, key] = openPageToken(cognate, scope, token, ['number', 'string']) as [number, string];
    q = q.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('device_key', '>', key)])]));
  }
  const rows = await q.execute();
  const page = rows.slice(0, n);
  const last = page[page.length - 1];
  return {
    Devices: page.map(deviceType),
    ...(rows.length > n && last ? { PaginationToken: sealPageToken(cognate, scope, [Number(last.created_at), last.device_key]) } : {}),
  };
}

export async function updateDeviceStatus(cognate: Cognate, user: User, deviceKey: string, status: string | undefined): Promise<void> {
  if (status !== 'remembered' && status !== 'not_remembered') throw errors.invalidParameter('DeviceRememberedStatus must be remembered or not_remembered.');
  await userDevice(cognate, user, deviceKey);
  await cognate.store.db
    .updateTable('devices')
    .set({ remembered: status === 'remembered' ? 1 : 0, updated_at: cognate.clock.now() })
    .where('device_key', '=', deviceKey)
    .execute();
}

export async function forgetDevice(cognate: Cognate, user: User, deviceKey: string): Promise<void> {
  await userDevice(cognate, user, deviceKey);
  await cognate.store.db.deleteFrom('devices').where('device_key', '=', deviceKey).where('user_id', '=', user.sub).execute();
}

/**
 * Global sign-out: the user's devices stay tracked but are no longer remembered, so none of them
 * skips MFA until the user remembers it again (security.md P25, our documented choice).
 */
export async function unrememberAll(cognate: Cognate, sub: string): Promise<void> {
  await cognate.store.db.updateTable('devices').set({ remembered: 0, updated_at: cognate.clock.now() }).where('user_id', '=', sub).where('remembered', '=', 1).execute();
}

/** The AccessToken the device actions need (the model marks it optional on some). */
export function requireAccessToken(token: string | undefined): string {
  if (!token) throw errors.invalidParameter('Missing required parameter AccessToken');
  return token;
}

/**
 * Devices (Cognito's device tracking, security.md P25): a pool with a DeviceConfiguration gives
 * every sign-in without a known device a NewDeviceMetadata; ConfirmDevice stores the device's SRP
 * verifier; a remembered device skips MFA when the pool says so (ChallengeRequiredOnNewDevice).
 * GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice and their Admin variants manage them.
 * Proving a device during sign-in (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) is in
 * sign-in/challenges/; this module imports nothing from sign-in. The rows are in store/devices.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as deviceStore from '../store/devices.js';
import type { DeviceRow } from '../store/devices.js';
import { deviceVerifierFromConfirmDevice } from '../crypto/srp.js';
import type { Ports } from './cognate.js';
import { openPageToken, pageLimit, sealPageToken } from './page-tokens.js';
import type { User } from './users.js';
import type { UserPool } from './user-pools.js';

export type Device = DeviceRow;

export const deviceNotFound = () => errors.resourceNotFound('Device does not exist.');

const region = (pool: UserPool) => pool.id.slice(0, pool.id.indexOf('_'));
/** The associated data the device's verifier is sealed with. */
export const verifierAad = (deviceKey: string) => `device-verifier:${deviceKey}`;

/** Whether the pool tracks devices at all (a DeviceConfiguration is set). */
export const tracksDevices = (pool: UserPool) => pool.settings.DeviceConfiguration !== undefined;

/**
 * A remembered device stands in for MFA when the pool's ChallengeRequiredOnNewDevice is true
 * (DeviceConfigurationType: "When true, a remembered device can sign in with device
 * authentication instead of SMS and TOTP factors").
 */
export const skipsMfa = (pool: UserPool, device: Device) => device.remembered === 1 && pool.settings.DeviceConfiguration?.ChallengeRequiredOnNewDevice === true;

/** How long a device from NewDeviceMetadata waits for ConfirmDevice. */
export const UNCONFIRMED_DEVICE_MS = 24 * 3600_000;

/**
 * A new device for a sign-in without one, when the pool tracks devices: its NewDeviceMetadata.
 * `db` is the sign-in's finishing transaction (sign-in/finish.ts), so the device exists exactly
 * when the tokens naming it were issued.
 */
export async function newDeviceForSignIn(cognate: Ports<'clock' | 'store'>, pool: UserPool, user: User, db: Executor = cognate.store.db): Promise<{ DeviceKey: string; DeviceGroupKey: string } | undefined> {
  if (!tracksDevices(pool)) return undefined;
  const now = cognate.clock.now();
  const DeviceKey = `${region(pool)}_${randomUUID()}`;
  const DeviceGroupKey = `-${randomBytes(7).toString('base64url').replace(/[-_]/g, 'x')}`;
  // Clients that never call ConfirmDevice (server-side SDK use) would leave a row per sign-in.
  await deviceStore.pruneUnconfirmed(db, user.sub, now - UNCONFIRMED_DEVICE_MS);
  await deviceStore.insert(db, { device_key: DeviceKey, pool_id: pool.id, user_id: user.sub, group_key: DeviceGroupKey, name: null, salt: null, verifier_sealed: null, remembered: 0, confirmed_at: null, created_at: now, updated_at: now, last_authenticated_at: now });
  return { DeviceKey, DeviceGroupKey };
}

/** The user's confirmed device named by DEVICE_KEY in a sign-in, or "Device does not exist." (clients then forget it and retry). */
export async function deviceForSignIn(cognate: Ports<'store'>, pool: UserPool, user: User, deviceKey: string): Promise<Device> {
  const device = await deviceStore.find(cognate.store.db, deviceKey);
  if (!device || device.user_id !== user.sub || device.pool_id !== pool.id || !device.verifier_sealed || !tracksDevices(pool)) throw deviceNotFound();
  return device;
}

/**
 * The device_key of refreshed tokens. A DEVICE_KEY sent with the refresh must be one of the user's
 * devices and, when the sign-in had a device, that one; a device forgotten since is left out.
 */
export async function refreshDevice(cognate: Ports<'store'>, pool: UserPool, user: User, familyDevice: string | null, given: string | undefined): Promise<string | undefined> {
  if (!given) {
    if (!familyDevice) return undefined;
    return (await deviceStore.belongsTo(cognate.store.db, user.sub, familyDevice)) ? familyDevice : undefined;
  }
  const device = await deviceStore.find(cognate.store.db, given);
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
export async function userDevice(cognate: Ports<'store'>, user: User, deviceKey: string): Promise<Device> {
  const device = await deviceStore.find(cognate.store.db, deviceKey);
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
export async function confirmDevice(cognate: Ports<'clock' | 'secrets' | 'store' | 'tokens'>, input: ConfirmDeviceInput): Promise<{ UserConfirmationNecessary: boolean }> {
  const { pool, user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  const device = await deviceStore.find(cognate.store.db, input.DeviceKey);
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
  const confirmed = await deviceStore.confirm(
    cognate.store.db,
    input.DeviceKey,
    { name: input.DeviceName ?? null, salt: stored.salt, verifierSealed: cognate.secrets.atRest.sealToString(Buffer.from(stored.verifier, 'hex'), verifierAad(input.DeviceKey)), remembered: !askUser },
    cognate.clock.now(),
  );
  if (!confirmed) throw new CognitoError('DeviceKeyExistsException', 'Device key already exists.');
  return { UserConfirmationNecessary: askUser };
}

export async function listDevices(cognate: Ports<'clock' | 'secrets' | 'store'>, pool: UserPool, user: User, limit: number | undefined, token: string | undefined) {
  const n = pageLimit(limit, 'limit');
  const scope = ['ListDevices', pool.id, user.sub];
  const after = token !== undefined ? (openPageToken(cognate, scope, token, ['number', 'string']) as [number, string]) : undefined;
  const rows = await deviceStore.listConfirmed(cognate.store.db, user.sub, n + 1, after);
  const page = rows.slice(0, n);
  const last = page[page.length - 1];
  return {
    Devices: page.map(deviceType),
    ...(rows.length > n && last ? { PaginationToken: sealPageToken(cognate, scope, [Number(last.created_at), last.device_key]) } : {}),
  };
}

export async function updateDeviceStatus(cognate: Ports<'clock' | 'store'>, user: User, deviceKey: string, status: string | undefined): Promise<void> {
  if (status !== 'remembered' && status !== 'not_remembered') throw errors.invalidParameter('DeviceRememberedStatus must be remembered or not_remembered.');
  await userDevice(cognate, user, deviceKey);
  await deviceStore.setRemembered(cognate.store.db, deviceKey, status === 'remembered', cognate.clock.now());
}

export async function forgetDevice(cognate: Ports<'store'>, user: User, deviceKey: string): Promise<void> {
  await userDevice(cognate, user, deviceKey);
  await deviceStore.remove(cognate.store.db, user.sub, deviceKey);
}

/** The AccessToken the device actions need (the model marks it optional on some). */
export function requireAccessToken(token: string | undefined): string {
  if (!token) throw errors.invalidParameter('Missing required parameter AccessToken');
  return token;
}

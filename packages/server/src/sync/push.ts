/**
 * Push sync: RegisterDevice, SubscribeToDataset, UnsubscribeFromDataset, and the silent push each
 * subscribed device gets when a dataset of its identity changes. Identity credentials only, each
 * for its own identity and its own devices.
 *
 * Cognito sends the push through SNS to the platform endpoint it made for the device under the
 * pool's application ARN of the device's platform. Cognate posts it instead to
 * `--sync-push-webhook-url` (push-webhook.ts), one signed JSON message per device:
 *
 * ```json
 * {"applicationArn": "arn:aws:sns:…:app/GCM/MyApp", "platform": "GCM", "token": "<push token>",
 *  "deviceId": "<DeviceId>",
 *  "data": {"source": "cognito-sync", "type": "push-sync", "identityPoolId": "…",
 *           "identityId": "…", "datasetName": "…", "syncCount": 3}}
 * ```
 *
 * `data` is Cognito's push-sync payload, the one the mobile SDKs recognise (source cognito-sync,
 * type push-sync); the receiver hands it to APNs/FCM/ADM as a silent notification.
 */
import { createHash } from 'node:crypto';
import type { Ports } from '../domain/cognate.js';
import { newId } from '../domain/ids.js';
import { CognitoError } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as syncStore from '../store/sync-extras.js';
import { DATASET_NAME, requireIdentity, stringMember, syncInvalidParameter, syncNotFound, type SyncCaller } from './push-caller.js';
import { platformOfApplicationArn } from './push-configuration.js';
import { PUSH_KIND, SYNC_CHANNEL } from './push-webhook.js';

export type Platform = 'APNS' | 'APNS_SANDBOX' | 'GCM' | 'ADM';
const PLATFORMS: readonly string[] = ['APNS', 'APNS_SANDBOX', 'GCM', 'ADM'];
/** Push tokens are short (APNs 64 hex, FCM ~160 characters); anything this long is not one. */
const MAX_TOKEN_LENGTH = 4096;
/** Devices one identity may register: a bound on what a caller can make us store and push to. */
export const MAX_DEVICES_PER_IDENTITY = 100;

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const tokenAad = (deviceId: string) => `sync-device:${deviceId}`;
const deviceNotFound = (deviceId: string) => syncNotFound(`Device '${deviceId}' not found.`);

/** The pool's application ARN for a platform, if push sync is configured for it. */
async function applicationArnFor(db: Executor, identityPoolId: string, platform: string): Promise<string | undefined> {
  const settings = await syncStore.findPoolSettings(db, identityPoolId);
  if (!settings?.push_application_arns) return undefined;
  return (JSON.parse(settings.push_application_arns) as string[]).find((arn) => platformOfApplicationArn(arn) === platform);
}

/**
 * RegisterDevice: the DeviceId of this (identity, platform, token); the same token registered
 * again gets the same DeviceId. The pool must have push sync configured for the platform.
 */
export async function registerDevice(
  cognate: Ports<'store' | 'clock' | 'secrets'>,
  caller: SyncCaller,
  input: { IdentityPoolId: string; IdentityId: string; Platform: unknown; Token: unknown },
): Promise<{ DeviceId: string }> {
  const platform = stringMember(input.Platform, 'Platform');
  if (!PLATFORMS.includes(platform)) throw syncInvalidParameter(`Platform must be one of ${PLATFORMS.join(', ')}.`);
  const token = stringMember(input.Token, 'Token', { max: MAX_TOKEN_LENGTH });
  const hash = tokenHash(token);
  return cognate.store.transaction(async (tx) => {
    await requireIdentity(tx, caller, input.IdentityPoolId, input.IdentityId);
    if (!(await applicationArnFor(tx, input.IdentityPoolId, platform))) {
      throw new CognitoError('InvalidConfigurationException', `Identity pool '${input.IdentityPoolId}' is not configured for push sync on platform ${platform}.`);
    }
    const now = cognate.clock.now();
    const existing = await syncStore.findDeviceByToken(tx, input.IdentityId, platform, hash);
    if (existing) {
      await syncStore.touchDevice(tx, existing.id, now);
      return { DeviceId: existing.id };
    }
    if ((await syncStore.countDevicesOfIdentity(tx, input.IdentityId)) >= MAX_DEVICES_PER_IDENTITY) {
      throw syncInvalidParameter(`An identity can register at most ${MAX_DEVICES_PER_IDENTITY} devices.`);
    }
    const id = newId();
    const row = { id, identity_pool_id: input.IdentityPoolId, identity_id: input.IdentityId, platform, token_hash: hash, token_sealed: cognate.secrets.atRest.sealToString(token, tokenAad(id)), created_at: now, updated_at: now };
    if (await syncStore.insertDeviceIfAbsent(tx, row)) return { DeviceId: id };
    // A parallel registration of the same token won: answer with its DeviceId.
    const winner = await syncStore.findDeviceByToken(tx, input.IdentityId, platform, hash);
    if (!winner) throw new CognitoError('InternalErrorException', 'The device could not be registered.', 500);
    return { DeviceId: winner.id };
  });
}

interface SubscriptionInput {
  IdentityPoolId: string;
  IdentityId: string;
  DatasetName: unknown;
  DeviceId: unknown;
}

async function subscriptionTarget(tx: Executor, caller: SyncCaller, input: SubscriptionInput): Promise<{ deviceId: string; datasetName: string }> {
  const datasetName = stringMember(input.DatasetName, 'DatasetName', { max: 128, pattern: DATASET_NAME });
  const deviceId = stringMember(input.DeviceId, 'DeviceId', { max: 256 });
  await requireIdentity(tx, caller, input.IdentityPoolId, input.IdentityId);
  // Another identity's device answers exactly as an unknown one.
  if (!(await syncStore.findDeviceOfIdentity(tx, input.IdentityId, deviceId))) throw deviceNotFound(deviceId);
  return { deviceId, datasetName };
}

/** SubscribeToDataset: the device is pushed to when the dataset changes (it may not exist yet). */
export async function subscribeToDataset(cognate: Ports<'store' | 'clock'>, caller: SyncCaller, input: SubscriptionInput): Promise<Record<string, never>> {
  await cognate.store.transaction(async (tx) => {
    const { deviceId, datasetName } = await subscriptionTarget(tx, caller, input);
    await syncStore.subscribe(tx, deviceId, input.IdentityId, datasetName, cognate.clock.now());
  });
  return {};
}

/** UnsubscribeFromDataset. */
export async function unsubscribeFromDataset(cognate: Ports<'store'>, caller: SyncCaller, input: SubscriptionInput): Promise<Record<string, never>> {
  await cognate.store.transaction(async (tx) => {
    const { deviceId, datasetName } = await subscriptionTarget(tx, caller, input);
    await syncStore.unsubscribe(tx, deviceId, datasetName);
  });
  return {};
}

/** What changed, as push sync needs it. */
export interface PushedChange {
  identityPoolId: string;
  identityId: string;
  datasetName: string;
  syncCount: number;
  /** the DeviceId that made the change: it is not pushed to (it has the change already) */
  deviceId?: string;
}

/**
 * Queues one push per device subscribed to the dataset, inside the caller's transaction (call
 * `outbox.kick()` after commit). Nothing when the pool has no push sync configured or no push
 * webhook is configured. Returns how many were queued.
 */
export async function queuePushes(cognate: Ports<'config' | 'outbox' | 'secrets'>, tx: Executor, change: PushedChange): Promise<number> {
  if (!cognate.config.syncPushWebhookUrl) return 0;
  const settings = await syncStore.findPoolSettings(tx, change.identityPoolId);
  if (!settings?.push_application_arns) return 0;
  const arns = JSON.parse(settings.push_application_arns) as string[];
  const devices = await syncStore.subscribedDevices(tx, change.identityId, change.datasetName);
  let queued = 0;
  for (const device of devices) {
    if (device.id === change.deviceId) continue;
    const applicationArn = arns.find((arn) => platformOfApplicationArn(arn) === device.platform);
    if (!applicationArn) continue; // the platform's application was removed from the configuration
    const token = cognate.secrets.atRest.openString(device.token_sealed, tokenAad(device.id));
    if (!token) continue; // sealed with a key this server no longer has
    const body = {
      applicationArn,
      platform: device.platform,
      token: token.toString('utf8'),
      deviceId: device.id,
      data: { source: 'cognito-sync', type: 'push-sync', identityPoolId: change.identityPoolId, identityId: change.identityId, datasetName: change.datasetName, syncCount: change.syncCount },
    };
    await cognate.outbox.enqueue(tx, { poolId: change.identityPoolId, channel: SYNC_CHANNEL, kind: PUSH_KIND, to: new URL(cognate.config.syncPushWebhookUrl).href, text: JSON.stringify(body) });
    queued++;
  }
  return queued;
}

/**
 * SetIdentityPoolConfiguration / GetIdentityPoolConfiguration: an identity pool's `PushSync`
 * (SNS platform-application ARNs and the role Cognito would publish with) and `CognitoStreams`
 * (stream name, role, ENABLED/DISABLED). Developer credentials only.
 *
 * Cognate delivers pushes and stream records to the operator's endpoints (push-webhook.ts), so a
 * configuration that could never be delivered is refused here rather than accepted and ignored:
 * PushSync needs `--sync-push-webhook-url`; ENABLED streams need `--sync-streams-webhook-url` or
 * `--sync-kinesis-endpoint`. A member left out keeps its stored value; PushSync with no
 * ApplicationArns, or CognitoStreams with no StreamName, clears it.
 */
import type { Ports } from '../domain/cognate.js';
import type { Executor } from '../store/db.js';
import * as syncStore from '../store/sync-extras.js';
import type { SyncPoolSettingsRow } from '../store/sync-extras.js';
import { requireDeveloper, requirePool, syncInvalidParameter, type SyncCaller } from './push-caller.js';
import { streamDestination } from './push-webhook.js';

export interface PushSync {
  ApplicationArns?: string[];
  RoleArn?: string;
}

export interface CognitoStreams {
  StreamName?: string;
  RoleArn?: string;
  StreamingStatus?: 'ENABLED' | 'DISABLED';
}

export interface IdentityPoolConfiguration {
  IdentityPoolId: string;
  PushSync?: PushSync;
  CognitoStreams?: CognitoStreams;
}

const APPLICATION_ARN = /^arn:aws:sns:[-0-9a-z]+:\d+:app\/[A-Z_]+\/[a-zA-Z0-9_.-]+$/;
const ROLE_ARN = /^arn:aws:iam::\d+:role\/.*$/;
const PLATFORMS = ['APNS', 'APNS_SANDBOX', 'GCM', 'ADM'];
const MAX_APPLICATION_ARNS = 10;

/** A pool with nothing configured yet. */
export function emptySettings(identityPoolId: string, now: number): SyncPoolSettingsRow {
  return { identity_pool_id: identityPoolId, push_application_arns: null, push_role_arn: null, stream_name: null, stream_role_arn: null, streaming_status: null, events: '{}', updated_at: now };
}

/** The pool's stored settings, or the empty ones. */
export async function poolSettings(db: Executor, identityPoolId: string, now: number): Promise<SyncPoolSettingsRow> {
  return (await syncStore.findPoolSettings(db, identityPoolId)) ?? emptySettings(identityPoolId, now);
}

/** The SNS platform segment of an application ARN (`…:app/GCM/name` → GCM). */
export const platformOfApplicationArn = (arn: string) => arn.split(':')[5]?.split('/')[1] ?? '';

function configurationOf(row: SyncPoolSettingsRow): IdentityPoolConfiguration {
  const out: IdentityPoolConfiguration = { IdentityPoolId: row.identity_pool_id };
  if (row.push_application_arns !== null) out.PushSync = { ApplicationArns: JSON.parse(row.push_application_arns) as string[], ...(row.push_role_arn ? { RoleArn: row.push_role_arn } : {}) };
  if (row.stream_name !== null) out.CognitoStreams = { StreamName: row.stream_name, ...(row.stream_role_arn ? { RoleArn: row.stream_role_arn } : {}), StreamingStatus: (row.streaming_status ?? 'DISABLED') as 'ENABLED' | 'DISABLED' };
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function applyPushSync(row: SyncPoolSettingsRow, input: unknown, config: Ports<'config'>['config']): void {
  if (input === undefined || input === null) return;
  if (!isObject(input)) throw syncInvalidParameter('PushSync must be an object.');
  const arns = input.ApplicationArns;
  if (arns === undefined || arns === null || (Array.isArray(arns) && arns.length === 0)) {
    row.push_application_arns = null;
    row.push_role_arn = null;
    return;
  }
  if (!Array.isArray(arns) || !arns.every((a) => typeof a === 'string')) throw syncInvalidParameter('PushSync.ApplicationArns must be a list of strings.');
  if (arns.length > MAX_APPLICATION_ARNS) throw syncInvalidParameter(`PushSync.ApplicationArns can name at most ${MAX_APPLICATION_ARNS} applications.`);
  for (const arn of arns) {
    if (!APPLICATION_ARN.test(arn) || !PLATFORMS.includes(platformOfApplicationArn(arn))) throw syncInvalidParameter(`Invalid SNS platform application ARN: ${arn}`);
  }
  const role = input.RoleArn;
  if (typeof role !== 'string' || role.length < 20 || role.length > 2048 || !ROLE_ARN.test(role)) throw syncInvalidParameter('PushSync.RoleArn is required with ApplicationArns and must be an IAM role ARN.');
  if (!config.syncPushWebhookUrl) throw syncInvalidParameter('Push sync cannot be configured: this server has no push delivery endpoint (--sync-push-webhook-url).');
  row.push_application_arns = JSON.stringify([...new Set(arns as string[])]);
  row.push_role_arn = role;
}

function applyCognitoStreams(row: SyncPoolSettingsRow, input: unknown, config: Ports<'config'>['config']): void {
  if (input === undefined || input === null) return;
  if (!isObject(input)) throw syncInvalidParameter('CognitoStreams must be an object.');
  const name = input.StreamName;
  if (name === undefined || name === null || name === '') {
    row.stream_name = null;
    row.stream_role_arn = null;
    row.streaming_status = null;
    return;
  }
  if (typeof name !== 'string' || name.length > 128 || !/^[a-zA-Z0-9_.-]+$/.test(name)) throw syncInvalidParameter('CognitoStreams.StreamName must be a Kinesis stream name (1-128 of a-z, A-Z, 0-9, _ . -).');
  const role = input.RoleArn;
  if (typeof role !== 'string' || role.length < 20 || role.length > 2048 || !ROLE_ARN.test(role)) throw syncInvalidParameter('CognitoStreams.RoleArn is required with StreamName and must be an IAM role ARN.');
  const status = input.StreamingStatus ?? row.streaming_status ?? 'ENABLED';
  if (status !== 'ENABLED' && status !== 'DISABLED') throw syncInvalidParameter('CognitoStreams.StreamingStatus must be ENABLED or DISABLED.');
  if (status === 'ENABLED' && !streamDestination(config, name)) throw syncInvalidParameter('Cognito Streams cannot be enabled: this server has no stream destination (--sync-streams-webhook-url or --sync-kinesis-endpoint).');
  row.stream_name = name;
  row.stream_role_arn = role;
  row.streaming_status = status;
}

/** SetIdentityPoolConfiguration: checks everything, then writes the whole configuration at once. */
export async function setIdentityPoolConfiguration(
  cognate: Ports<'store' | 'clock' | 'config'>,
  caller: SyncCaller,
  input: { IdentityPoolId: string; PushSync?: unknown; CognitoStreams?: unknown },
): Promise<IdentityPoolConfiguration> {
  requireDeveloper(caller);
  return cognate.store.transaction(async (tx) => {
    await requirePool(tx, input.IdentityPoolId);
    const now = cognate.clock.now();
    const row = await poolSettings(tx, input.IdentityPoolId, now);
    applyPushSync(row, input.PushSync, cognate.config);
    applyCognitoStreams(row, input.CognitoStreams, cognate.config);
    row.updated_at = now;
    await syncStore.savePoolSettings(tx, row);
    return configurationOf(row);
  });
}

/** GetIdentityPoolConfiguration. */
export async function getIdentityPoolConfiguration(cognate: Ports<'store' | 'clock'>, caller: SyncCaller, input: { IdentityPoolId: string }): Promise<IdentityPoolConfiguration> {
  requireDeveloper(caller);
  await requirePool(cognate.store.db, input.IdentityPoolId);
  return configurationOf(await poolSettings(cognate.store.db, input.IdentityPoolId, cognate.clock.now()));
}

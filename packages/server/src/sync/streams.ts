/**
 * Cognito Streams: each dataset change of an identity pool whose CognitoStreams are ENABLED is one
 * stream record, queued in the outbox in the transaction that made the change and delivered to
 * the operator's webhook or Kinesis-compatible endpoint (push-webhook.ts, streams-kinesis.ts).
 * The record is Cognito's (developer guide, "Amazon Cognito Streams"):
 *
 * ```json
 * {"identityPoolId": "…", "identityId": "…", "dataSetName": "…", "operation": "replace",
 *  "kinesisSyncRecords": [{"key": "k", "value": "v", "syncCount": 3, "lastModifiedDate": 1424801824343,
 *                          "deviceLastModifiedDate": 1424801824343, "op": "replace"}],
 *  "lastModifiedDate": 1424801824343, "payloadType": "Inline", "syncCount": 3}
 * ```
 *
 * Cognito moves records larger than Kinesis allows to S3 (`payloadType: "S3Url"`); Cognate has no
 * S3, so every record is Inline (a dataset is at most 1 MB, Kinesis's own limit).
 *
 * BulkPublish (streams-bulk.ts) publishes every existing dataset the same way.
 */
import type { Ports } from '../domain/cognate.js';
import type { Executor } from '../store/db.js';
import * as syncStore from '../store/sync-extras.js';
import { streamDestination, SYNC_CHANNEL } from './push-webhook.js';

/** One record of a change, as the stream carries it. */
export interface StreamSyncRecord {
  key: string;
  /** null for a removed record */
  value: string | null;
  syncCount: number;
  /** epoch ms */
  lastModifiedDate: number;
  deviceLastModifiedDate: number;
  op: 'replace' | 'remove';
}

/** A dataset change (UpdateRecords, DeleteDataset, a merge, or a bulk-publish snapshot). */
export interface StreamedChange {
  identityPoolId: string;
  identityId: string;
  datasetName: string;
  /** 'remove' when the dataset was deleted, else 'replace' */
  operation: 'replace' | 'remove';
  /** the dataset's sync count after the change */
  syncCount: number;
  lastModifiedDate: number;
  records: readonly StreamSyncRecord[];
}

/** Cognito's stream record JSON of a change. */
export function streamRecord(change: StreamedChange): Record<string, unknown> {
  return {
    identityPoolId: change.identityPoolId,
    identityId: change.identityId,
    dataSetName: change.datasetName,
    operation: change.operation,
    kinesisSyncRecords: change.records.map((r) => ({ key: r.key, value: r.value, syncCount: r.syncCount, lastModifiedDate: r.lastModifiedDate, deviceLastModifiedDate: r.deviceLastModifiedDate, op: r.op })),
    lastModifiedDate: change.lastModifiedDate,
    payloadType: 'Inline',
    syncCount: change.syncCount,
  };
}

/** The pool's stream destination when its CognitoStreams are ENABLED and this server can deliver. */
export async function enabledStream(cognate: Ports<'config'>, db: Executor, identityPoolId: string): Promise<{ kind: string; to: string } | undefined> {
  const settings = await syncStore.findPoolSettings(db, identityPoolId);
  if (!settings?.stream_name || settings.streaming_status !== 'ENABLED') return undefined;
  return streamDestination(cognate.config, settings.stream_name);
}

/**
 * Queues the stream record of a change inside the caller's transaction (call `outbox.kick()`
 * after commit); nothing when the pool's streams are not enabled. Returns whether it queued one.
 */
export async function queueStreamRecord(cognate: Ports<'config' | 'outbox'>, tx: Executor, change: StreamedChange, destination?: { kind: string; to: string }): Promise<boolean> {
  const target = destination ?? (await enabledStream(cognate, tx, change.identityPoolId));
  if (!target) return false;
  await cognate.outbox.enqueue(tx, { poolId: change.identityPoolId, channel: SYNC_CHANNEL, kind: target.kind, to: target.to, text: JSON.stringify(streamRecord(change)) });
  return true;
}

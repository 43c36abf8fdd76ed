/**
 * The one hook Sync's dataset writes call for push sync and streams: inside the transaction that
 * changed a dataset (UpdateRecords, DeleteDataset, an identity merge), it queues the silent pushes
 * of the identity's other subscribed devices (push.ts) and the pool's stream record (streams.ts)
 * in the outbox, so a committed change is always announced and a rolled-back one never is. The
 * caller kicks the outbox after commit (`outbox.kickLater()`).
 */
import type { Ports } from '../domain/cognate.js';
import type { Executor } from '../store/db.js';
import { queuePushes } from './push.js';
import { queueStreamRecord, type StreamedChange } from './streams.js';
import { streamSyncRecord } from './streams-source.js';
import { liveRecords } from '../store/sync-extras.js';
import type { SyncRecordsTable } from '../store/schema-sync.js';

export interface DatasetChange extends StreamedChange {
  /** the DeviceId (RegisterDevice) of the device that made the change, when it said so */
  deviceId?: string;
}

/** Queues the pushes and the stream record of a committed-with-this-transaction dataset change. */
export async function datasetChanged(cognate: Ports<'config' | 'outbox' | 'secrets'>, tx: Executor, change: DatasetChange): Promise<{ pushes: number; streamed: boolean }> {
  const pushes = await queuePushes(cognate, tx, {
    identityPoolId: change.identityPoolId,
    identityId: change.identityId,
    datasetName: change.datasetName,
    syncCount: change.syncCount,
    ...(change.deviceId !== undefined ? { deviceId: change.deviceId } : {}),
  });
  const streamed = await queueStreamRecord(cognate, tx, change);
  return { pushes, streamed };
}

type ChangePorts = Ports<'config' | 'outbox' | 'secrets'>;

/** UpdateRecords wrote `written` (all of one new sync count): push and stream it. */
export async function recordsChanged(cognate: ChangePorts, tx: Executor, at: { identityPoolId: string; identityId: string; datasetName: string; deviceId?: string | undefined }, written: readonly SyncRecordsTable[]): Promise<void> {
  const first = written[0];
  if (!first) return;
  await datasetChanged(cognate, tx, {
    identityPoolId: at.identityPoolId,
    identityId: at.identityId,
    datasetName: at.datasetName,
    operation: 'replace',
    syncCount: Number(first.sync_count),
    lastModifiedDate: Number(first.last_modified_at),
    records: written.map((r) => streamSyncRecord(r)),
    ...(at.deviceId !== undefined ? { deviceId: at.deviceId } : {}),
  });
}

/**
 * DeleteDataset is about to make the dataset a tombstone at `syncCount`: its live records leave
 * as `remove`s in one stream record (operation `remove`), and subscribed devices are told.
 * Call it in the delete's transaction, before the records go.
 */
export async function datasetDeleted(cognate: ChangePorts, tx: Executor, at: { identityPoolId: string; identityId: string; datasetName: string }, syncCount: number, now: number): Promise<void> {
  const records = await liveRecords(tx, at.identityId, at.datasetName, 1024);
  await datasetChanged(cognate, tx, {
    ...at,
    operation: 'remove',
    syncCount,
    lastModifiedDate: now,
    records: records.map((r) => ({ ...streamSyncRecord(r, 'remove'), syncCount, lastModifiedDate: now })),
  });
}

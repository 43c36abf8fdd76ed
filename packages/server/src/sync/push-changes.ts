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

/**
 * UpdateRecords through the SyncTrigger (events.ts): the device's record patches become the sync
 * event's `datasetRecords` (the stored value as `oldValue`), and the records the function answers
 * with become the patches that are written.
 *
 * - A record the device sent keeps the SyncCount and DeviceLastModifiedDate it sent, so the
 *   optimistic-concurrency check still judges the device's view of it.
 * - A record the function adds is written against the sync count it has now (no conflict to
 *   report: the device never saw it).
 * - A record the function leaves out is not written.
 */
import type { Ports } from '../domain/cognate.js';
import type { SyncCaller } from './push-caller.js';
import { runSyncTrigger, type SyncEventRecord } from './events.js';

/** A RecordPatch as UpdateRecords takes it. */
export interface TriggerPatch {
  Op: 'replace' | 'remove';
  Key: string;
  Value?: string;
  SyncCount: number;
  DeviceLastModifiedDate?: number;
}

/** The stored records of some keys: value (null when removed) and sync count. */
export type CurrentRecords = (keys: readonly string[]) => Promise<Map<string, { value: string | null; syncCount: number }>>;

/**
 * The patches to write after the pool's SyncTrigger has seen them; the same patches when there is
 * no trigger to run. Call it before UpdateRecords' transaction (a function is never run inside one).
 */
export async function patchesAfterSyncTrigger<P extends TriggerPatch>(
  cognate: Ports<'store' | 'triggers' | 'log'>,
  caller: SyncCaller,
  at: { identityPoolId: string; identityId: string; datasetName: string },
  patches: readonly P[],
  current: CurrentRecords,
): Promise<readonly TriggerPatch[]> {
  if (caller.kind !== 'identity' || patches.length === 0) return patches;
  const before = await current(patches.map((p) => p.Key));
  const records = new Map<string, SyncEventRecord>();
  for (const p of patches) records.set(p.Key, { oldValue: before.get(p.Key)?.value ?? null, newValue: p.Op === 'replace' ? (p.Value ?? '') : null, op: p.Op });
  const answered = await runSyncTrigger(cognate, caller, { ...at, records });
  if (!answered) return patches;
  const sent = new Map(patches.map((p) => [p.Key, p]));
  const added = [...answered.keys()].filter((k) => !sent.has(k));
  const addedNow = added.length > 0 ? await current(added) : new Map<string, { value: string | null; syncCount: number }>();
  const out: TriggerPatch[] = [];
  for (const [key, record] of answered) {
    const original = sent.get(key);
    out.push({
      Op: record.op,
      Key: key,
      ...(record.op === 'replace' ? { Value: record.newValue ?? '' } : {}),
      SyncCount: original ? original.SyncCount : (addedNow.get(key)?.syncCount ?? 0),
      ...(original?.DeviceLastModifiedDate !== undefined ? { DeviceLastModifiedDate: original.DeviceLastModifiedDate } : {}),
    });
  }
  return out;
}

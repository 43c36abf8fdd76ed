/**
 * The rules of Cognito Sync datasets: what ListDatasets, DescribeDataset, DeleteDataset,
 * ListRecords and UpdateRecords do, Cognito's limits, and the identity-merge naming. No HTTP here;
 * every SQL statement is in store/sync.ts.
 *
 * Sync counts (Cognito Sync's optimistic concurrency): a dataset's sync count grows by one with
 * every UpdateRecords that changes it (and with DeleteDataset), and every record it writes takes
 * that count. A RecordPatch carries the record's sync count as the device last saw it (0 for a
 * record it has never seen); if the stored record has another, someone else changed it since:
 * ResourceConflictException, and nothing of the request is written.
 */
import type { Cognate } from '../domain/cognate.js';
import type { Executor } from '../store/db.js';
import * as syncStore from '../store/sync.js';
import * as spentSessions from '../store/spent-sessions.js';
import { isUniqueViolation } from '../store/constraints.js';
import { syncErrors } from './errors.js';
import { invalidSyncSession, issueSyncSession, openSyncSession } from './session-token.js';
import { datasetDeleted, recordsChanged } from './push-changes.js';
import { patchesAfterSyncTrigger } from './events-patches.js';

/** Cognito Sync's limits (Amazon Cognito quotas: "Amazon Cognito Sync"). */
export const SYNC_LIMITS = {
  datasetsPerIdentity: 20,
  /** keys and values, UTF-8 bytes */
  bytesPerDataset: 1024 * 1024,
  recordsPerDataset: 1024,
  /** characters */
  keyLength: 128,
  /** the most records ListRecords and datasets ListDatasets return in one page */
  pageSize: 1024,
} as const;

type Ports = Pick<Cognate, 'clock' | 'store' | 'identity' | 'secrets' | 'config' | 'outbox' | 'triggers' | 'log'>;

/** Where a Sync call acts: an identity of a pool, and who is acting (LastModifiedBy). */
export interface SyncTarget {
  poolId: string;
  identityId: string;
  /** the identity's ID for its own calls, `developer` for the admin keys' */
  by: string;
}

/** The wire `Dataset`: dates in epoch seconds. */
export interface DatasetOut {
  IdentityId: string;
  DatasetName: string;
  CreationDate: number;
  LastModifiedDate: number;
  LastModifiedBy: string;
  DataStorage: number;
  NumRecords: number;
}

export interface RecordOut {
  Key: string;
  Value?: string;
  SyncCount: number;
  LastModifiedDate: number;
  LastModifiedBy: string;
  DeviceLastModifiedDate?: number;
}

export const seconds = (ms: number) => ms / 1000;

export function datasetOut(row: syncStore.DatasetRow): DatasetOut {
  return {
    IdentityId: row.identity_id,
    DatasetName: row.name,
    CreationDate: seconds(Number(row.created_at)),
    LastModifiedDate: seconds(Number(row.last_modified_at)),
    LastModifiedBy: row.last_modified_by,
    DataStorage: Number(row.data_storage),
    NumRecords: Number(row.num_records),
  };
}

function recordOut(row: syncStore.RecordRow): RecordOut {
  return {
    Key: row.key,
    ...(row.value !== null ? { Value: row.value } : {}),
    SyncCount: Number(row.sync_count),
    LastModifiedDate: seconds(Number(row.last_modified_at)),
    LastModifiedBy: row.last_modified_by,
    ...(row.device_last_modified_at !== null ? { DeviceLastModifiedDate: seconds(Number(row.device_last_modified_at)) } : {}),
  };
}

const datasetNotFound = (name: string) => syncErrors.notFound(`Dataset '${name}' not found.`);

/**
 * The identity the call names must exist in the pool it names. Credentials outlive a merge (the
 * merged-away identity's last for up to an hour): its calls are refused here.
 */
export async function requireIdentity(cognate: Pick<Cognate, 'identity'>, target: { poolId: string; identityId: string }): Promise<void> {
  const identity = await cognate.identity.identities.find(target.identityId);
  if (!identity || identity.poolId !== target.poolId) throw syncErrors.notFound(`Identity '${target.identityId}' not found.`);
}

/** Opaque page tokens: the JSON of the last item's position, base64url. */
export const syncPageToken = {
  encode: (position: unknown) => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url'),
  decode<T>(token: string | undefined, valid: (v: unknown) => v is T): T | undefined {
    if (token === undefined) return undefined;
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw syncErrors.invalidParameter('Invalid NextToken.');
    }
    if (!valid(v)) throw syncErrors.invalidParameter('Invalid NextToken.');
    return v;
  },
};

/** MaxResults as given (1..pageSize), else the page size. */
export function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined) return SYNC_LIMITS.pageSize;
  if (maxResults < 1) throw syncErrors.invalidParameter('MaxResults must be at least 1.');
  return Math.min(maxResults, SYNC_LIMITS.pageSize);
}

/** ListDatasets: the identity's live datasets by name. */
export async function listDatasets(cognate: Ports, target: SyncTarget, maxResults?: number, nextToken?: string): Promise<{ Datasets: DatasetOut[]; Count: number; NextToken?: string }> {
  await requireIdentity(cognate, target);
  const limit = pageSize(maxResults);
  const after = syncPageToken.decode(nextToken, (v): v is string => typeof v === 'string' && v.length <= 128);
  const rows = await syncStore.listDatasets(cognate.store.db, target.identityId, limit + 1, after);
  const page = rows.slice(0, limit);
  return { Datasets: page.map(datasetOut), Count: page.length, ...(rows.length > limit ? { NextToken: syncPageToken.encode(page[page.length - 1]!.name) } : {}) };
}

/** A live dataset, or ResourceNotFoundException. */
export async function describeDataset(cognate: Ports, target: SyncTarget, name: string): Promise<DatasetOut> {
  await requireIdentity(cognate, target);
  const row = await syncStore.findDataset(cognate.store.db, target.identityId, name);
  if (!row || row.deleted === 1) throw datasetNotFound(name);
  return datasetOut(row);
}

/**
 * DeleteDataset: the records go, the dataset becomes a tombstone one sync count further, so a
 * device that synchronised before learns from ListRecords (DatasetDeletedAfterRequestedSyncCount).
 * Answers the dataset as it was.
 */
export async function deleteDataset(cognate: Ports, target: SyncTarget, name: string): Promise<DatasetOut> {
  await requireIdentity(cognate, target);
  const now = cognate.clock.now();
  const out = await cognate.store.transaction(async (trx) => {
    if (!(await syncStore.lockDataset(trx, target.identityId, name))) throw datasetNotFound(name);
    const row = (await syncStore.findDataset(trx, target.identityId, name))!;
    if (row.deleted === 1) throw datasetNotFound(name);
    await datasetDeleted(cognate, trx, { identityPoolId: target.poolId, identityId: target.identityId, datasetName: name }, Number(row.sync_count) + 1, now);
    await syncStore.markDatasetDeleted(trx, target.identityId, name, Number(row.sync_count) + 1, now, target.by);
    return datasetOut(row);
  });
  cognate.outbox.kickLater();
  return out;
}

export interface ListRecordsInput {
  name: string;
  lastSyncCount?: number;
  nextToken?: string;
  maxResults?: number;
  syncSessionToken?: string;
}

/**
 * ListRecords: the records changed after LastSyncCount (all, without it), removed ones without a
 * Value, in sync-count order, and a SyncSessionToken for the UpdateRecords that follows. A dataset
 * that does not exist is no error (DatasetExists false): UpdateRecords creates it. A given
 * SyncSessionToken (a later page of one synchronisation) must be this dataset's, unexpired and
 * unspent; it is answered back.
 */
export async function listRecords(cognate: Ports, target: SyncTarget, input: ListRecordsInput) {
  await requireIdentity(cognate, target);
  const now = cognate.clock.now();
  const at = { poolId: target.poolId, identityId: target.identityId, dataset: input.name };
  let token: string;
  if (input.syncSessionToken !== undefined) {
    const s = openSyncSession(cognate.secrets.sessions, input.syncSessionToken, at, now);
    if (await spentSessions.isSpent(cognate.store.db, `sync:${s.n}`)) throw invalidSyncSession();
    token = input.syncSessionToken;
  } else token = issueSyncSession(cognate.secrets.sessions, at, now);
  const lastSyncCount = Math.max(0, input.lastSyncCount ?? 0);
  const limit = pageSize(input.maxResults);
  const cursor = syncPageToken.decode(input.nextToken, (v): v is { c: number; k: string } => {
    const o = v as { c?: unknown; k?: unknown } | null;
    return typeof o === 'object' && o !== null && Number.isSafeInteger(o.c) && typeof o.k === 'string' && o.k.length <= 1024;
  });
  const db = cognate.store.db;
  const row = await syncStore.findDataset(db, target.identityId, input.name);
  const exists = !!row && row.deleted === 0;
  // The device synchronised before the dataset's last deletion: it should delete its copy.
  const deletedAfter = !!row && lastSyncCount > 0 && lastSyncCount < Number(row.deleted_sync_count);
  const rows = exists ? await syncStore.listRecords(db, target.identityId, input.name, lastSyncCount, limit + 1, cursor ? { syncCount: cursor.c, key: cursor.k } : undefined) : [];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Records: page.map(recordOut),
    Count: page.length,
    DatasetSyncCount: row ? Number(row.sync_count) : 0,
    ...(row && exists ? { LastModifiedBy: row.last_modified_by } : {}),
    MergedDatasetNames: exists ? await syncStore.mergedNames(db, target.identityId, input.name) : [],
    DatasetExists: exists,
    DatasetDeletedAfterRequestedSyncCount: deletedAfter,
    SyncSessionToken: token,
    ...(rows.length > limit && last ? { NextToken: syncPageToken.encode({ c: Number(last.sync_count), k: last.key }) } : {}),
  };
}

export interface RecordPatchIn {
  Op: 'replace' | 'remove';
  Key: string;
  Value?: string;
  SyncCount: number;
  /** epoch seconds */
  DeviceLastModifiedDate?: number;
}

const bytes = (s: string | null | undefined) => (s == null ? 0 : Buffer.byteLength(s, 'utf8'));

/** Checks patches before anything is read: key length, a Value for replace, no key twice. */
function checkPatches(patches: readonly RecordPatchIn[]): void {
  // More patches than a dataset can hold records is never a real synchronisation; refusing it bounds one request's work.
  if (patches.length > SYNC_LIMITS.recordsPerDataset) throw syncErrors.limitExceeded(`A dataset can hold at most ${SYNC_LIMITS.recordsPerDataset} records.`);
  const seen = new Set<string>();
  for (const p of patches) {
    if ([...p.Key].length > SYNC_LIMITS.keyLength) throw syncErrors.invalidParameter(`Record key '${p.Key.slice(0, 32)}…' is longer than ${SYNC_LIMITS.keyLength} characters.`);
    if (p.Op === 'replace' && p.Value === undefined) throw syncErrors.invalidParameter(`Record '${p.Key}': replace needs a Value.`);
    if (p.SyncCount < 0) throw syncErrors.invalidParameter(`Record '${p.Key}': SyncCount must not be negative.`);
    if (seen.has(p.Key)) throw syncErrors.invalidParameter(`Record '${p.Key}' is patched twice.`);
    seen.add(p.Key);
  }
}

/** Creates the dataset row if it has none; LimitExceededException past 20 live datasets. */
async function ensureDataset(trx: Executor, target: SyncTarget, name: string, now: number): Promise<syncStore.DatasetRow> {
  if (await syncStore.lockDataset(trx, target.identityId, name)) {
    const row = (await syncStore.findDataset(trx, target.identityId, name))!;
    if (row.deleted === 0) return row;
  }
  await syncStore.lockIdentity(trx, target.identityId);
  if ((await syncStore.countDatasets(trx, target.identityId)) >= SYNC_LIMITS.datasetsPerIdentity) {
    throw syncErrors.limitExceeded(`An identity can have at most ${SYNC_LIMITS.datasetsPerIdentity} datasets.`);
  }
  const tomb = await syncStore.findDataset(trx, target.identityId, name);
  // Made meanwhile by a concurrent first write (PostgreSQL reads it once that one commits).
  if (tomb?.deleted === 0) return tomb;
  if (tomb) {
    // A dataset made again after a delete keeps counting from its tombstone.
    return { ...tomb, created_at: now, deleted: 0 };
  }
  const row: syncStore.DatasetRow = {
    identity_id: target.identityId, name, pool_id: target.poolId, created_at: now, last_modified_at: now, last_modified_by: target.by,
    data_storage: 0, num_records: 0, sync_count: 0, deleted: 0, deleted_sync_count: 0, merged_into: null,
  };
  await syncStore.insertDataset(trx, row);
  return row;
}

/**
 * UpdateRecords: spends the SyncSessionToken and applies the patches in one transaction, or
 * nothing (a stale SyncCount, a limit, a spent token). Creates the dataset when it has none.
 */
export async function updateRecords(cognate: Ports, target: SyncTarget, input: { name: string; patches: readonly RecordPatchIn[]; syncSessionToken: string; deviceId?: string }): Promise<{ Records: RecordOut[] }> {
  await requireIdentity(cognate, target);
  const now = cognate.clock.now();
  const session = openSyncSession(cognate.secrets.sessions, input.syncSessionToken, { poolId: target.poolId, identityId: target.identityId, dataset: input.name }, now);
  checkPatches(input.patches);
  // The pool's SyncTrigger sees the changes first; what it answers is what is written (events-patches.ts).
  const patches = (await patchesAfterSyncTrigger(cognate, target.by === 'developer' ? { kind: 'developer' } : { kind: 'identity', identityId: target.identityId }, { identityPoolId: target.poolId, identityId: target.identityId, datasetName: input.name }, input.patches, async (keys) =>
    new Map((await syncStore.findRecords(cognate.store.db, target.identityId, input.name, keys)).map((r) => [r.key, { value: r.value, syncCount: Number(r.sync_count) }])),
  )) as readonly RecordPatchIn[];
  if (patches !== input.patches) checkPatches(patches);
  try {
    const out = await cognate.store.transaction(async (trx) => {
      try {
        await spentSessions.insert(trx, `sync:${session.n}`, session.e);
      } catch (e) {
        if (isUniqueViolation(e)) throw invalidSyncSession();
        throw e;
      }
      const dataset = await ensureDataset(trx, target, input.name, now);
      const keys = patches.map((p) => p.Key);
      const current = new Map((await syncStore.findRecords(trx, target.identityId, input.name, keys)).map((r) => [r.key, r]));
      for (const p of patches) {
        const have = Number(current.get(p.Key)?.sync_count ?? 0);
        if (have !== p.SyncCount) throw syncErrors.conflict(`Current SyncCount for: ${p.Key} is: ${have} not: ${p.SyncCount}`);
      }
      // Removing a record that is not there (never written, or removed already) changes nothing.
      const changes = patches.filter((p) => p.Op === 'replace' || current.get(p.Key)?.value != null);
      const syncCount = Number(dataset.sync_count) + (changes.length > 0 ? 1 : 0);
      let storage = Number(dataset.data_storage);
      let records = Number(dataset.num_records);
      const written: syncStore.RecordRow[] = [];
      for (const p of changes) {
        const before = current.get(p.Key);
        const value = p.Op === 'replace' ? p.Value! : null;
        if (before?.value != null) {
          storage -= bytes(before.key) + bytes(before.value);
          records--;
        }
        if (value !== null) {
          storage += bytes(p.Key) + bytes(value);
          records++;
        }
        written.push({
          identity_id: target.identityId, dataset_name: input.name, key: p.Key, value, sync_count: syncCount, last_modified_at: now, last_modified_by: target.by,
          device_last_modified_at: p.DeviceLastModifiedDate === undefined ? null : Math.round(p.DeviceLastModifiedDate * 1000),
        });
      }
      if (records > SYNC_LIMITS.recordsPerDataset) throw syncErrors.limitExceeded(`A dataset can hold at most ${SYNC_LIMITS.recordsPerDataset} records.`);
      if (storage > SYNC_LIMITS.bytesPerDataset) throw syncErrors.limitExceeded(`A dataset can hold at most ${SYNC_LIMITS.bytesPerDataset} bytes.`);
      for (const r of written) await syncStore.putRecord(trx, r);
      await syncStore.updateDataset(trx, target.identityId, input.name, {
        sync_count: syncCount, data_storage: storage, num_records: records, last_modified_at: now, last_modified_by: target.by, deleted: 0, created_at: Number(dataset.created_at),
      });
      await syncStore.countSyncSession(trx, target.poolId, now);
      await recordsChanged(cognate, trx, { identityPoolId: target.poolId, identityId: target.identityId, datasetName: input.name, deviceId: input.deviceId }, written);
      return { Records: written.map(recordOut) };
    });
    cognate.outbox.kickLater();
    return out;
  } catch (e) {
    // Two first writes of one dataset at once: the row insert of one loses.
    if (isUniqueViolation(e)) throw syncErrors.conflict(`Dataset '${input.name}' was changed concurrently; synchronise again.`);
    throw e;
  }
}

/** The name a dataset merged beside one of the same name takes: `<name>.<sourceIdentityId>`, at most 128 characters. */
export function mergedDatasetName(name: string, sourceIdentityId: string): string {
  const suffix = `.${sourceIdentityId}`;
  return name.slice(0, Math.max(1, 128 - suffix.length)) + suffix;
}

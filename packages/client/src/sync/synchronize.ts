/**
 * One dataset's synchronize, as the Cognito Sync clients do it, in named steps:
 * 1. a dataset deleted here is deleted on the server, then forgotten here;
 * 2. pull: ListRecords since the last sync count (every page);
 * 3. merged datasets reported by the server go to `onDatasetsMerged`;
 * 4. a dataset deleted on the server goes to `onDatasetDeleted`;
 * 5. the server's changes are applied here, except records also changed here to another value:
 *    those are conflicts, resolved by `onConflict` (last writer wins without one);
 * 6. push: UpdateRecords with this device's changes, each with the record's last seen SyncCount;
 *    a stale one (another device pushed in between: ResourceConflictException) starts again from 2,
 *    at most `maxRetries` times.
 * Records written here while a synchronize runs are never lost: a push only marks clean the
 * versions it pushed.
 */
import { MobileClientError } from '../errors.js';
import { emptyDataset, type LocalDataset, type LocalStore } from './local-store.js';
import type { DatasetUpdates, RecordPatch, SyncRemote, WireRecord } from './remote.js';
import { fromEpochSeconds, publicRecord, remoteRecord, SyncConflict, type ConflictResolution, type SyncRecord } from './types.js';

type Awaitable<T> = T | Promise<T>;

/**
 * What the steps need: the cache, the clock, the signed API for the current identity, the retry
 * bound and the default resolver. `D` is the dataset handed to the callbacks (the Dataset class,
 * which imports this module).
 */
export interface SyncSteps<D> {
  readonly store: LocalStore;
  now(): number;
  /** Fresh credentials' identity (moving a guest's data when it changed) and the signed API. */
  remoteIdentity(): Promise<{ identityId: string; remote: SyncRemote }>;
  readonly maxRetries: number;
  readonly conflictResolver: ((dataset: D, conflicts: SyncConflict[]) => Awaitable<ConflictResolution[] | false>) | undefined;
}

/** The callbacks the steps call (SyncCallbacks, seen from here). */
export interface StepCallbacks<D> {
  onConflict?(dataset: D, conflicts: SyncConflict[]): Awaitable<ConflictResolution[] | false>;
  onDatasetDeleted?(dataset: D, datasetName: string): Awaitable<boolean>;
  onDatasetsMerged?(dataset: D, datasetNames: string[]): Awaitable<boolean>;
}

const cancelled = (what: string) => new MobileClientError('syncCancelled', `Synchronize cancelled: ${what} returned false.`);

/** Runs the steps; resolves with the records the server changed here, or throws a MobileClientError. */
export async function synchronizeDataset<D>(dataset: D, name: string, env: SyncSteps<D>, callbacks: StepCallbacks<D>): Promise<SyncRecord[]> {
  const updated = new Map<string, SyncRecord>();
  for (let attempt = 0; attempt <= env.maxRetries; attempt++) {
    const { identityId, remote } = await env.remoteIdentity();
    const local = await env.store.dataset(identityId, name);
    if (local?.lastSyncCount === -1) {
      await deleteOnServer(env.store, remote, identityId, name);
      return [];
    }
    const lastSyncCount = local?.lastSyncCount ?? 0;
    const updates = await remote.listUpdates(identityId, name, lastSyncCount);

    if (updates.mergedDatasetNames.length > 0 && !(await (callbacks.onDatasetsMerged?.(dataset, [...updates.mergedDatasetNames]) ?? true))) {
      throw cancelled('onDatasetsMerged');
    }
    if ((lastSyncCount !== 0 && !updates.datasetExists) || updates.datasetDeletedAfterRequestedSyncCount) {
      if (!(await (callbacks.onDatasetDeleted?.(dataset, name) ?? true))) throw cancelled('onDatasetDeleted');
      await env.store.locked(() => env.store.removeDataset(identityId, name));
      // Deleted and created again since: pull the new one from the start.
      if (updates.datasetExists) continue;
      return [...updated.values()];
    }

    const conflicts = await applyRemoteChanges(env, identityId, name, updates, updated);
    if (conflicts.length > 0) await resolveConflicts(dataset, name, env, identityId, updates, conflicts, callbacks, updated);

    const pushed = await pushLocalChanges(env, remote, identityId, name, updates.syncSessionToken);
    if (pushed === 'stale') continue;
    if (pushed === 'more') {
      // More changes than one UpdateRecords takes: another round (a new session token), not a retry.
      attempt--;
      continue;
    }
    return [...updated.values()];
  }
  throw new MobileClientError('syncRetriesExhausted', `The dataset ${name} kept changing on the server: gave up after ${env.maxRetries + 1} attempts.`);
}

/** Step 1: DeleteDataset (one the server does not have is already gone), then the local copy goes. */
async function deleteOnServer(store: LocalStore, remote: SyncRemote, identityId: string, name: string): Promise<void> {
  await remote.deleteDataset(identityId, name);
  await store.locked(async () => {
    // Written again meanwhile? Then it is a new dataset, not the deleted one.
    if ((await store.dataset(identityId, name))?.lastSyncCount === -1) await store.removeDataset(identityId, name);
  });
}

/** The record the server sent, as a clean local record. */
function cleanRecord(r: WireRecord, version: number, now: number) {
  const lastModified = fromEpochSeconds(r.LastModifiedDate);
  return {
    value: typeof r.Value === 'string' ? r.Value : null,
    syncCount: r.SyncCount ?? 0,
    dirty: false,
    version,
    deviceLastModified: fromEpochSeconds(r.DeviceLastModifiedDate) ?? lastModified ?? now,
    ...(lastModified !== undefined ? { lastModified } : {}),
    ...(r.LastModifiedBy !== undefined ? { lastModifiedBy: r.LastModifiedBy } : {}),
  };
}

/** Step 5a: the server's changes that conflict with nothing are applied; the rest come back as conflicts. */
async function applyRemoteChanges<D>(env: SyncSteps<D>, identityId: string, name: string, updates: DatasetUpdates, updated: Map<string, SyncRecord>): Promise<SyncConflict[]> {
  return env.store.locked(async () => {
    const dataset = (await env.store.dataset(identityId, name)) ?? emptyDataset(name, env.now());
    // Deleted here while the pull was under way: the next attempt deletes it on the server.
    if (dataset.lastSyncCount === -1) return [];
    const conflicts: SyncConflict[] = [];
    for (const r of updates.records) {
      const key = r.Key;
      if (typeof key !== 'string' || key === '') continue;
      const theirs = remoteRecord(r);
      const mine = dataset.records.get(key);
      if (mine?.dirty && mine.value !== theirs.value) {
        conflicts.push(new SyncConflict(publicRecord(key, mine), theirs));
        continue;
      }
      setClean(dataset, key, r, (mine?.version ?? 0) + 1, env.now());
      updated.set(key, theirs);
    }
    if (conflicts.length === 0) dataset.lastSyncCount = updates.datasetSyncCount;
    await env.store.saveDataset(identityId, dataset);
    return conflicts;
  });
}

function setClean(dataset: LocalDataset, key: string, r: WireRecord, version: number, now: number): void {
  const record = cleanRecord(r, version, now);
  if (record.value === null) dataset.records.delete(key);
  else dataset.records.set(key, record);
}

/** Step 5b: onConflict (or the manager's resolver, or last writer wins), then its resolutions applied. */
async function resolveConflicts<D>(
  dataset: D,
  name: string,
  env: SyncSteps<D>,
  identityId: string,
  updates: DatasetUpdates,
  conflicts: SyncConflict[],
  callbacks: StepCallbacks<D>,
  updated: Map<string, SyncRecord>,
): Promise<void> {
  const resolver = callbacks.onConflict ?? env.conflictResolver ?? ((_: D, cs: SyncConflict[]) => cs.map((c) => c.resolveWithLastWriter()));
  const answer = await resolver(dataset, conflicts);
  if (answer === false) throw cancelled('onConflict');
  if (!Array.isArray(answer)) throw new MobileClientError('syncConflictUnresolved', 'onConflict must return an array of resolutions or false.');
  const byKey = new Map<string, ConflictResolution>();
  for (const resolution of answer) {
    if (!resolution || typeof resolution.key !== 'string' || (resolution.value !== null && typeof resolution.value !== 'string')) {
      throw new MobileClientError('syncConflictUnresolved', 'A resolution is { key, value: string | null, source } — build it with a SyncConflict method.');
    }
    byKey.set(resolution.key, resolution);
  }
  const missing = conflicts.filter((c) => !byKey.has(c.key)).map((c) => c.key);
  if (missing.length > 0) throw new MobileClientError('syncConflictUnresolved', `No resolution for the conflicting record(s) ${missing.join(', ')}.`);

  await env.store.locked(async () => {
    const local = (await env.store.dataset(identityId, name)) ?? emptyDataset(name, env.now());
    for (const conflict of conflicts) {
      const resolution = byKey.get(conflict.key)!;
      const mine = local.records.get(conflict.key);
      const remote = updates.records.find((r) => r.Key === conflict.key)!;
      if (mine && (mine.value !== conflict.local.value || mine.dirty !== conflict.local.modified)) {
        // Written again while onConflict ran: the newest write stands, pushed over the server's record.
        mine.syncCount = conflict.remote.syncCount;
        continue;
      }
      if (resolution.source === 'remote' || resolution.value === conflict.remote.value) {
        setClean(local, conflict.key, remote, (mine?.version ?? 0) + 1, env.now());
        updated.set(conflict.key, conflict.remote);
        continue;
      }
      local.records.set(conflict.key, {
        value: resolution.value,
        syncCount: conflict.remote.syncCount,
        dirty: true,
        version: (mine?.version ?? 0) + 1,
        deviceLastModified: resolution.source === 'local' ? (conflict.local.deviceLastModifiedDate?.getTime() ?? env.now()) : env.now(),
      });
    }
    local.lastSyncCount = updates.datasetSyncCount;
    await env.store.saveDataset(identityId, local);
  });
}

/** The most patches one UpdateRecords takes. */
const MAX_PATCHES = 1024;

/** Step 6: UpdateRecords with the dirty records; 'stale' when another device pushed first, 'more' when some are left for another round. */
async function pushLocalChanges<D>(env: SyncSteps<D>, remote: SyncRemote, identityId: string, name: string, syncSessionToken: string): Promise<'done' | 'stale' | 'more'> {
  const pending = await env.store.locked(async () => {
    const dataset = await env.store.dataset(identityId, name);
    if (!dataset) return undefined;
    const patches: RecordPatch[] = [];
    const versions = new Map<string, number>();
    let dropped = false;
    let more = false;
    for (const [key, record] of dataset.records) {
      if (!record.dirty) continue;
      if (patches.length === MAX_PATCHES) {
        more = true;
        break;
      }
      if (record.value === null && record.syncCount === 0) {
        // Removed before it ever reached the server: nothing to tell it.
        dataset.records.delete(key);
        dropped = true;
        continue;
      }
      patches.push({
        Op: record.value === null ? 'remove' : 'replace',
        Key: key,
        ...(record.value === null ? {} : { Value: record.value }),
        SyncCount: record.syncCount,
        DeviceLastModifiedDate: record.deviceLastModified / 1000,
      });
      versions.set(key, record.version);
    }
    if (dropped) await env.store.saveDataset(identityId, dataset);
    return patches.length > 0 ? { patches, versions, more, lastSyncCount: dataset.lastSyncCount } : undefined;
  });
  if (!pending) return 'done';

  let records: WireRecord[];
  try {
    records = await remote.updateRecords(identityId, name, pending.patches, syncSessionToken);
  } catch (e) {
    if (e instanceof MobileClientError && e.code === 'resourceConflict') return 'stale';
    throw e;
  }

  await env.store.locked(async () => {
    const dataset = (await env.store.dataset(identityId, name)) ?? emptyDataset(name, env.now());
    let newest = 0;
    for (const r of records) {
      if (typeof r.Key !== 'string') continue;
      newest = Math.max(newest, r.SyncCount ?? 0);
      const mine = dataset.records.get(r.Key);
      if (!mine) continue;
      if (mine.version === pending.versions.get(r.Key)) setClean(dataset, r.Key, r, mine.version, env.now());
      else mine.syncCount = r.SyncCount ?? mine.syncCount;
    }
    // Only when nobody else pushed between our pull and our push is the dataset now up to date
    // with the server; otherwise the next synchronize pulls the others' changes too.
    if (dataset.lastSyncCount === pending.lastSyncCount && newest === pending.lastSyncCount + 1) dataset.lastSyncCount = newest;
    await env.store.saveDataset(identityId, dataset);
  });
  return pending.more ? 'more' : 'done';
}

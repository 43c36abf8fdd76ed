/**
 * A dataset: key/value records kept on this device and synchronised with Cognito Sync. Reads and
 * writes are local and work offline; {@link Dataset.synchronize} exchanges changes with the server.
 */
import { MobileClientError } from '../errors.js';
import { emptyDataset, type LocalDataset, type LocalRecord } from './local-store.js';
import { synchronizeDataset, type SyncSteps } from './synchronize.js';
import { byteLength, publicRecord, type ConflictResolution, type DatasetMetadata, type SyncConflict, type SyncRecord } from './types.js';

/** What a callback may return: a value or a promise of it. */
type Awaitable<T> = T | Promise<T>;

/**
 * The callbacks of {@link Dataset.synchronize}, as the Cognito Sync clients' `SyncCallback`. All
 * are optional; each may be async.
 *
 * @example
 * ```ts
 * await dataset.synchronize({
 *   onConflict: (ds, conflicts) => conflicts.map((c) => c.resolveWithRemoteRecord()),
 *   onDatasetDeleted: () => true,
 *   onSuccess: (ds, updated) => console.log(`${updated.length} records came from the server`),
 *   onFailure: (error) => console.warn(error.code),
 * });
 * ```
 */
export interface SyncCallbacks {
  /** Called once the dataset is in step with the server, with the records the server changed here. */
  onSuccess?(dataset: Dataset, updatedRecords: SyncRecord[]): void;
  /** Called when the synchronize fails (the result then has `status: 'failed'`). */
  onFailure?(error: MobileClientError): void;
  /**
   * Records changed both here and on the server: return a resolution for each (in any order), or
   * false to stop (`syncCancelled`). Without this callback (and without the manager's
   * `conflictResolver`), the last writer wins.
   */
  onConflict?(dataset: Dataset, conflicts: SyncConflict[]): Awaitable<ConflictResolution[] | false>;
  /**
   * The dataset was deleted on the server (by another device, or deleted and created again): true
   * (the default) drops the local copy, local changes included, and carries on; false stops (`syncCancelled`).
   */
  onDatasetDeleted?(dataset: Dataset, datasetName: string): Awaitable<boolean>;
  /**
   * Datasets of other identities were merged into this one on the server (a guest who signed in
   * with a login that already had an identity): their names, e.g. `settings.us-east-1:…`. Open them
   * with {@link SyncManager.openOrCreateDataset}, take what you want, delete them. true (the
   * default) carries on; false stops (`syncCancelled`).
   */
  onDatasetsMerged?(dataset: Dataset, datasetNames: string[]): Awaitable<boolean>;
}

/**
 * How a synchronize ended. `synchronize()` never rejects: it resolves with this (and calls
 * `onSuccess` or `onFailure`).
 *
 * @example
 * ```ts
 * const result = await dataset.synchronize();
 * if (result.status === 'failed' && result.error.code === 'network') retryLater();
 * ```
 */
export type SyncResult = { status: 'succeeded'; updatedRecords: SyncRecord[] } | { status: 'failed'; error: MobileClientError };

/** What a dataset needs from its manager. Internal. */
export interface SyncEnvironment extends SyncSteps<Dataset> {
  /** The identity local reads and writes use (after moving a guest's data to a new identity). */
  localIdentity(): Promise<string>;
  /** One synchronize per dataset at a time: the one running, by name. */
  readonly running: Map<string, Promise<unknown>>;
}

const DATASET_NAME = /^[a-zA-Z0-9_.:-]{1,128}$/;
/**
 * Cognito Sync's limits: keys of up to 128 characters (the model allows 1,024, the service 128),
 * values of up to 1,048,575 characters, 1 MB of keys and values (UTF-8) and 1,024 records per
 * dataset. Checked here so a write the server would refuse fails at once instead of blocking every
 * later synchronize.
 */
const MAX_KEY = 128;
const MAX_VALUE = 1048575;
const MAX_DATASET_BYTES = 1024 * 1024;
const MAX_RECORDS = 1024;

export function checkDatasetName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !DATASET_NAME.test(name)) {
    throw new MobileClientError('invalidParameter', 'A dataset name is 1 to 128 characters of a-z, A-Z, 0-9, _ . : -');
  }
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || [...key].length > MAX_KEY) throw new MobileClientError('invalidParameter', `A record key is a string of 1 to ${MAX_KEY} characters.`);
}

function checkValue(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new MobileClientError('invalidParameter', 'A record value is a string (use remove() to delete a record).');
  if (value.length > MAX_VALUE) throw new MobileClientError('invalidParameter', `A record value is at most ${MAX_VALUE} characters.`);
}

/**
 * One dataset of the current identity. Get it from {@link SyncManager.openOrCreateDataset}.
 *
 * @example
 * ```ts
 * const settings = await sync.openOrCreateDataset('settings');
 * await settings.put('theme', 'dark');
 * await settings.synchronize({ onFailure: (e) => console.warn('will sync later', e.code) });
 * ```
 */
export class Dataset {
  /** @internal */
  constructor(
    /**
     * The dataset's name.
     *
     * @example
     * ```ts
     * console.log(dataset.datasetName); // 'settings'
     * ```
     */
    readonly datasetName: string,
    private readonly env: SyncEnvironment,
  ) {}

  /** Reads the dataset (an empty one when it has no local copy yet). */
  private async read(knownIdentity?: string): Promise<{ identityId: string; dataset: LocalDataset }> {
    const identityId = knownIdentity ?? (await this.env.localIdentity());
    return { identityId, dataset: (await this.env.store.dataset(identityId, this.datasetName)) ?? emptyDataset(this.datasetName, this.env.now()) };
  }

  /** Changes records under the store's lock, so nothing written meanwhile is lost. */
  private async change(apply: (dataset: LocalDataset, now: number) => void): Promise<void> {
    // The identity first: settling it may move a guest's data, which takes the lock itself.
    const knownIdentity = await this.env.localIdentity();
    return this.env.store.locked(async () => {
      const { identityId, dataset } = await this.read(knownIdentity);
      if (dataset.lastSyncCount === -1) {
        throw new MobileClientError('invalidState', `The dataset ${this.datasetName} was deleted on this device: synchronize() deletes it on the server, then open it again.`);
      }
      const now = this.env.now();
      apply(dataset, now);
      const { storageSizeBytes, recordCount } = localFigures(dataset);
      if (storageSizeBytes > MAX_DATASET_BYTES) throw new MobileClientError('limitExceeded', `A dataset holds at most ${MAX_DATASET_BYTES} bytes of keys and values.`);
      if (recordCount > MAX_RECORDS) throw new MobileClientError('limitExceeded', `A dataset holds at most ${MAX_RECORDS} records.`);
      dataset.lastModified = now;
      await this.env.store.saveDataset(identityId, dataset);
    });
  }

  private static write(dataset: LocalDataset, key: string, value: string | null, now: number): void {
    const existing = dataset.records.get(key);
    if (!existing && value === null) return;
    if (existing && existing.value === value) return;
    const record: LocalRecord = { value, syncCount: existing?.syncCount ?? 0, dirty: true, version: (existing?.version ?? 0) + 1, deviceLastModified: now };
    dataset.records.set(key, record);
  }

  /**
   * The value of a record, or undefined when there is none (or it was removed).
   *
   * @example
   * ```ts
   * const theme = (await settings.get('theme')) ?? 'light';
   * ```
   */
  async get(key: string): Promise<string | undefined> {
    checkKey(key);
    return (await this.read()).dataset.records.get(key)?.value ?? undefined;
  }

  /**
   * Sets a record here; the next {@link synchronize} pushes it. Works offline.
   *
   * @example
   * ```ts
   * await settings.put('theme', 'dark');
   * ```
   * @throws MobileClientError `invalidParameter` for a key or value Cognito Sync would refuse, `limitExceeded` past 1 MB or 1,024 records.
   */
  put(key: string, value: string): Promise<void> {
    checkKey(key);
    checkValue(value);
    return this.change((dataset, now) => Dataset.write(dataset, key, value, now));
  }

  /**
   * Sets several records at once (one write to the storage).
   *
   * @example
   * ```ts
   * await settings.putAll({ theme: 'dark', language: 'fr' });
   * ```
   */
  putAll(values: Record<string, string>): Promise<void> {
    const entries = Object.entries(values);
    for (const [key, value] of entries) {
      checkKey(key);
      checkValue(value);
    }
    return this.change((dataset, now) => {
      for (const [key, value] of entries) Dataset.write(dataset, key, value, now);
    });
  }

  /**
   * Removes a record here; the next {@link synchronize} removes it on the server.
   *
   * @example
   * ```ts
   * await settings.remove('theme');
   * ```
   */
  remove(key: string): Promise<void> {
    checkKey(key);
    return this.change((dataset, now) => Dataset.write(dataset, key, null, now));
  }

  /**
   * Every live record as a plain object.
   *
   * @example
   * ```ts
   * const { theme, language } = await settings.getAll();
   * ```
   */
  async getAll(): Promise<Record<string, string>> {
    const { dataset } = await this.read();
    return Object.fromEntries([...dataset.records].filter(([, r]) => r.value !== null).map(([k, r]) => [k, r.value as string]));
  }

  /**
   * Every record with its sync state, removals waiting to be pushed included.
   *
   * @example
   * ```ts
   * const pending = (await settings.getAllRecords()).filter((r) => r.modified);
   * ```
   */
  async getAllRecords(): Promise<SyncRecord[]> {
    const { dataset } = await this.read();
    return [...dataset.records].map(([k, r]) => publicRecord(k, r));
  }

  /**
   * Whether a record was changed here since the last synchronize.
   *
   * @example
   * ```ts
   * if (await settings.isChanged('theme')) await settings.synchronize();
   * ```
   */
  async isChanged(key: string): Promise<boolean> {
    checkKey(key);
    return (await this.read()).dataset.records.get(key)?.dirty === true;
  }

  /**
   * The size Cognito counts (UTF-8 bytes of key and value) of one record, or of all live records.
   *
   * @example
   * ```ts
   * if ((await settings.getSizeInBytes()) > 900_000) console.warn('close to the 1 MB limit');
   * ```
   */
  async getSizeInBytes(key?: string): Promise<number> {
    if (key !== undefined) checkKey(key);
    const { dataset } = await this.read();
    let size = 0;
    for (const [k, r] of dataset.records) {
      if (r.value === null || (key !== undefined && k !== key)) continue;
      size += byteLength(k) + byteLength(r.value);
    }
    return size;
  }

  /**
   * The dataset's metadata as this device knows it.
   *
   * @example
   * ```ts
   * const { lastSyncCount, recordCount } = await settings.getMetadata();
   * ```
   */
  async getMetadata(): Promise<DatasetMetadata> {
    const { dataset } = await this.read();
    return metadataOf(dataset);
  }

  /**
   * Deletes the dataset here at once; the next {@link synchronize} deletes it on the server (and
   * then forgets it here). Until then puts are refused.
   *
   * @example
   * ```ts
   * await oldGame.delete();
   * await oldGame.synchronize();
   * ```
   */
  async delete(): Promise<void> {
    const knownIdentity = await this.env.localIdentity();
    return this.env.store.locked(async () => {
      const { identityId, dataset } = await this.read(knownIdentity);
      // Even a dataset this device never synchronised may exist on the server (another device's).
      dataset.lastSyncCount = -1;
      dataset.records.clear();
      dataset.lastModified = this.env.now();
      await this.env.store.saveDataset(identityId, dataset);
    });
  }

  /**
   * Exchanges changes with the server: pulls what other devices pushed since the last
   * synchronize, hands conflicts to `onConflict`, pushes this device's changes (offline changes
   * included), and retries (a bounded number of times) when another device pushed in between.
   * Never rejects: resolves with the outcome and calls `onSuccess` or `onFailure`.
   *
   * @example
   * ```ts
   * const result = await settings.synchronize({
   *   onConflict: (ds, conflicts) => conflicts.map((c) => c.resolveWithLastWriter()),
   * });
   * if (result.status === 'failed') console.warn(result.error.code); // e.g. 'network': try later
   * ```
   */
  async synchronize(callbacks: SyncCallbacks = {}): Promise<SyncResult> {
    const before = this.env.running.get(this.datasetName);
    const run = (async (): Promise<SyncResult> => {
      await before?.catch(() => undefined);
      let result: SyncResult;
      try {
        result = { status: 'succeeded', updatedRecords: await synchronizeDataset(this, this.datasetName, this.env, callbacks) };
      } catch (e) {
        const error = e instanceof MobileClientError ? e : new MobileClientError('unknown', e instanceof Error ? e.message : String(e), { cause: e });
        result = { status: 'failed', error };
      }
      try {
        if (result.status === 'succeeded') callbacks.onSuccess?.(this, result.updatedRecords);
        else callbacks.onFailure?.(result.error);
      } catch {
        // A throwing callback must not turn the outcome into another.
      }
      return result;
    })();
    this.env.running.set(this.datasetName, run);
    try {
      return await run;
    } finally {
      if (this.env.running.get(this.datasetName) === run) this.env.running.delete(this.datasetName);
    }
  }
}

function localFigures(dataset: LocalDataset): { storageSizeBytes: number; recordCount: number } {
  let storageSizeBytes = 0;
  let recordCount = 0;
  for (const [k, r] of dataset.records) {
    if (r.value === null) continue;
    storageSizeBytes += byteLength(k) + byteLength(r.value);
    recordCount++;
  }
  return { storageSizeBytes, recordCount };
}

export function metadataOf(dataset: LocalDataset): DatasetMetadata {
  const { storageSizeBytes: size, recordCount: count } = localFigures(dataset);
  const remote = dataset.remote;
  // The server's figures where nothing changed here since it gave them.
  const remoteIsCurrent = remote && remote.lastModifiedDate !== undefined && remote.lastModifiedDate >= dataset.lastModified;
  return {
    datasetName: dataset.name,
    creationDate: new Date(remote?.creationDate ?? dataset.created),
    lastModifiedDate: new Date(Math.max(dataset.lastModified, remote?.lastModifiedDate ?? 0)),
    ...((remote?.lastModifiedBy ?? dataset.lastModifiedBy) !== undefined ? { lastModifiedBy: (remote?.lastModifiedBy ?? dataset.lastModifiedBy)! } : {}),
    storageSizeBytes: remoteIsCurrent && remote.dataStorage !== undefined ? remote.dataStorage : size,
    recordCount: remoteIsCurrent && remote.numRecords !== undefined ? remote.numRecords : count,
    lastSyncCount: dataset.lastSyncCount,
  };
}

/**
 * The SyncManager's local cache, in the client's {@link KeyValueStorage} (a file in Node,
 * localStorage or IndexedDB in browsers, AsyncStorage in React Native), per identity pool,
 * identity and dataset:
 * - `cognate.sync/<pool>`: the identity the cache last worked for, and whether it was a guest;
 * - `cognate.sync/<pool>/<identity>`: the names of the identity's local datasets;
 * - `cognate.sync/<pool>/<identity>/<dataset>`: the dataset: its last sync count (or "deleted
 *   here, delete on the server next"), the server's metadata, and its records, each with its
 *   server SyncCount, a dirty flag and a local version.
 * Records are kept as an array of entries, never as object keys, so a key such as `__proto__` is
 * only a key. Every read-modify-write runs under one lock, so a put during a synchronize is never
 * lost. Internal: not exported from the package.
 */
import type { KeyValueStorage } from '../storage.js';

/** The identity id used before the client knows one (offline from the first start). */
export const UNKNOWN_IDENTITY = 'unknown';

export interface LocalRecord {
  /** null: removed here (dirty) — pushed as a `remove` patch, then forgotten. */
  value: string | null;
  /** The record's SyncCount on the server when last seen (0: never synced). */
  syncCount: number;
  /** Changed here since the last push. */
  dirty: boolean;
  /** Bumped on every local change, so a push only cleans what it actually pushed. */
  version: number;
  /** When this device last changed it (ms), for last-writer-wins. */
  deviceLastModified: number;
  /** From the server (ms). */
  lastModified?: number;
  lastModifiedBy?: string;
}

export interface LocalDataset {
  name: string;
  /** The dataset sync count the records are up to date with; -1: deleted here, to delete on the server. */
  lastSyncCount: number;
  created: number;
  lastModified: number;
  lastModifiedBy?: string;
  /** From the server's ListDatasets / DescribeDataset. */
  remote?: { dataStorage?: number; numRecords?: number; creationDate?: number; lastModifiedDate?: number; lastModifiedBy?: string };
  records: Map<string, LocalRecord>;
}

interface StoredDataset extends Omit<LocalDataset, 'records'> {
  records: [string, LocalRecord][];
}

export interface CurrentIdentity {
  identityId: string;
  authenticated: boolean;
}

export class LocalStore {
  #lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly poolId: string,
  ) {}

  /** Runs `step` after every step queued before it (one read-modify-write at a time). */
  locked<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#lock.then(step, step);
    this.#lock = next.catch(() => undefined);
    return next;
  }

  private poolKey(): string {
    return `cognate.sync/${this.poolId}`;
  }

  private indexKey(identityId: string): string {
    return `${this.poolKey()}/${identityId}`;
  }

  private datasetKey(identityId: string, name: string): string {
    return `${this.indexKey(identityId)}/${name}`;
  }

  private async readJson<T>(key: string): Promise<T | undefined> {
    const raw = await this.storage.getItem(key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // A damaged entry is treated as absent rather than breaking every later call.
      return undefined;
    }
  }

  private async poolRecord(): Promise<{ current?: CurrentIdentity; identities: string[] }> {
    const stored = await this.readJson<{ current?: CurrentIdentity; identities?: unknown }>(this.poolKey());
    const identities = Array.isArray(stored?.identities) ? stored.identities.filter((i): i is string => typeof i === 'string') : [];
    const current = stored?.current && typeof stored.current.identityId === 'string' ? stored.current : undefined;
    return current ? { current, identities } : { identities };
  }

  /** The identity the cache last worked for. */
  async current(): Promise<CurrentIdentity | undefined> {
    return (await this.poolRecord()).current;
  }

  async setCurrent(current: CurrentIdentity): Promise<void> {
    const record = await this.poolRecord();
    await this.storage.setItem(this.poolKey(), JSON.stringify({ ...record, current }));
  }

  /** Remembers that `identityId` has datasets here (storage cannot list its keys, and wipeData must find them). */
  private async noteIdentity(identityId: string): Promise<void> {
    const record = await this.poolRecord();
    if (record.identities.includes(identityId)) return;
    await this.storage.setItem(this.poolKey(), JSON.stringify({ ...record, identities: [...record.identities, identityId] }));
  }

  async datasetNames(identityId: string): Promise<string[]> {
    const names = (await this.readJson<{ datasets?: unknown }>(this.indexKey(identityId)))?.datasets;
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  }

  private async setDatasetNames(identityId: string, names: string[]): Promise<void> {
    if (names.length === 0) await this.storage.removeItem(this.indexKey(identityId));
    else await this.storage.setItem(this.indexKey(identityId), JSON.stringify({ datasets: [...new Set(names)].sort() }));
  }

  async dataset(identityId: string, name: string): Promise<LocalDataset | undefined> {
    const stored = await this.readJson<StoredDataset>(this.datasetKey(identityId, name));
    if (!stored || !Array.isArray(stored.records)) return undefined;
    return { ...stored, name, records: new Map(stored.records) };
  }

  async saveDataset(identityId: string, dataset: LocalDataset): Promise<void> {
    const stored: StoredDataset = { ...dataset, records: [...dataset.records] };
    await this.storage.setItem(this.datasetKey(identityId, dataset.name), JSON.stringify(stored));
    const names = await this.datasetNames(identityId);
    if (!names.includes(dataset.name)) {
      await this.noteIdentity(identityId);
      await this.setDatasetNames(identityId, [...names, dataset.name]);
    }
  }

  async removeDataset(identityId: string, name: string): Promise<void> {
    await this.storage.removeItem(this.datasetKey(identityId, name));
    await this.setDatasetNames(
      identityId,
      (await this.datasetNames(identityId)).filter((n) => n !== name),
    );
  }

  /**
   * Moves every local dataset of `from` to `to` (a guest who signed in, or data written before the
   * identity was known). The records become local changes of `to` — their sync counts belonged to
   * `from`'s datasets on the server — so the next synchronize pushes them into `to`'s datasets, with
   * onConflict where `to` holds another value. Where `to` already has the dataset here, its own
   * records stay and the moved values become its pending changes; removals of `from` are dropped
   * (they removed `from`'s data, not `to`'s).
   */
  async rekey(from: string, to: string, now: number): Promise<string[]> {
    const moved: string[] = [];
    for (const name of await this.datasetNames(from)) {
      const source = await this.dataset(from, name);
      await this.removeDataset(from, name);
      if (!source || source.lastSyncCount === -1) continue;
      const target = (await this.dataset(to, name)) ?? { name, lastSyncCount: 0, created: source.created, lastModified: now, records: new Map<string, LocalRecord>() };
      if (target.lastSyncCount === -1) target.lastSyncCount = 0;
      for (const [key, record] of source.records) {
        if (record.value === null) continue;
        const existing = target.records.get(key);
        if (existing && existing.value === record.value) continue;
        target.records.set(key, {
          value: record.value,
          syncCount: existing?.syncCount ?? 0,
          dirty: true,
          version: (existing?.version ?? 0) + 1,
          deviceLastModified: record.deviceLastModified,
        });
      }
      target.lastModified = now;
      await this.saveDataset(to, target);
      moved.push(name);
    }
    return moved;
  }

  /** Forgets everything this pool's cache holds, for every identity. */
  async wipe(): Promise<void> {
    for (const identityId of (await this.poolRecord()).identities) {
      for (const name of await this.datasetNames(identityId)) await this.storage.removeItem(this.datasetKey(identityId, name));
      await this.storage.removeItem(this.indexKey(identityId));
    }
    await this.storage.removeItem(this.poolKey());
  }
}

/** A dataset with no records, never synchronised. */
export function emptyDataset(name: string, now: number): LocalDataset {
  return { name, lastSyncCount: 0, created: now, lastModified: now, records: new Map() };
}

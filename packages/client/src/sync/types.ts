/**
 * The SyncManager's public types: records, conflicts and their resolutions, the synchronize
 * callbacks and result, dataset metadata.
 */
import type { LocalRecord } from './local-store.js';
import type { WireRecord } from './remote.js';

/**
 * One record of a dataset, as this device holds it (or, in a conflict, as the server has it).
 *
 * @example
 * ```ts
 * const records = await dataset.getAllRecords();
 * for (const r of records) if (r.modified) console.log(`${r.key} waits to be pushed`);
 * ```
 */
export interface SyncRecord {
  key: string;
  /** null: removed (a removal waiting to be pushed, or removed on the server). */
  value: string | null;
  /** The record's SyncCount on the server when this device last saw it (0: never synced). */
  syncCount: number;
  /** Changed on this device since the last synchronize. */
  modified: boolean;
  /** When a device last changed it (this one for local records). */
  deviceLastModifiedDate?: Date;
  /** When the server last changed it. */
  lastModifiedDate?: Date;
  lastModifiedBy?: string;
}

/**
 * How one conflict ends: the value the record takes (null removes it) and where it came from.
 * Build one with a {@link SyncConflict} method.
 *
 * @example
 * ```ts
 * const resolution: ConflictResolution = conflict.resolveWithValue('merged');
 * ```
 */
export interface ConflictResolution {
  readonly key: string;
  readonly value: string | null;
  readonly source: 'local' | 'remote' | 'custom';
}

/**
 * A record changed both here and on the server since the last synchronize, to different values.
 *
 * @example
 * ```ts
 * onConflict: (dataset, conflicts) => conflicts.map((c) => (c.key === 'score' ? c.resolveWithValue(String(Math.max(+c.local.value!, +c.remote.value!))) : c.resolveWithLastWriter())),
 * ```
 */
export class SyncConflict {
  /**
   * @param local this device's record
   * @param remote the server's record
   */
  constructor(
    readonly local: SyncRecord,
    readonly remote: SyncRecord,
  ) {}

  /**
   * The record's key.
   *
   * @example
   * ```ts
   * console.log(conflict.key);
   * ```
   */
  get key(): string {
    return this.local.key;
  }

  /**
   * The value changed last wins (the devices' modification times; the server's on a tie).
   *
   * @example
   * ```ts
   * onConflict: (dataset, conflicts) => conflicts.map((c) => c.resolveWithLastWriter()),
   * ```
   */
  resolveWithLastWriter(): ConflictResolution {
    const local = this.local.deviceLastModifiedDate?.getTime() ?? 0;
    const remote = (this.remote.deviceLastModifiedDate ?? this.remote.lastModifiedDate)?.getTime() ?? 0;
    return local > remote ? this.resolveWithLocalRecord() : this.resolveWithRemoteRecord();
  }

  /**
   * This device's value wins; it is pushed to the server.
   *
   * @example
   * ```ts
   * onConflict: (dataset, conflicts) => conflicts.map((c) => c.resolveWithLocalRecord()),
   * ```
   */
  resolveWithLocalRecord(): ConflictResolution {
    return { key: this.key, value: this.local.value, source: 'local' };
  }

  /**
   * The server's value wins; this device's change is dropped.
   *
   * @example
   * ```ts
   * onConflict: (dataset, conflicts) => conflicts.map((c) => c.resolveWithRemoteRecord()),
   * ```
   */
  resolveWithRemoteRecord(): ConflictResolution {
    return { key: this.key, value: this.remote.value, source: 'remote' };
  }

  /**
   * A value of your own (a merge of both, say) wins; null removes the record. It is pushed to the server.
   *
   * @example
   * ```ts
   * conflict.resolveWithValue(JSON.stringify({ ...JSON.parse(conflict.local.value!), ...JSON.parse(conflict.remote.value!) }));
   * ```
   */
  resolveWithValue(value: string | null): ConflictResolution {
    return { key: this.key, value, source: 'custom' };
  }
}

/**
 * A dataset as the local cache knows it (after {@link SyncManager.refreshDatasetMetadata}, with the server's figures).
 *
 * @example
 * ```ts
 * for (const d of await sync.listDatasets()) console.log(d.datasetName, d.recordCount, d.storageSizeBytes);
 * ```
 */
export interface DatasetMetadata {
  datasetName: string;
  creationDate: Date;
  lastModifiedDate: Date;
  lastModifiedBy?: string;
  /** Bytes of the live records' keys and values (UTF-8), as Cognito counts a dataset's size: the server's figure when it is newer. */
  storageSizeBytes: number;
  recordCount: number;
  /** The dataset sync count this device is up to date with; -1 when deleted here and not yet on the server. */
  lastSyncCount: number;
}

export function publicRecord(key: string, r: LocalRecord): SyncRecord {
  return {
    key,
    value: r.value,
    syncCount: r.syncCount,
    modified: r.dirty,
    deviceLastModifiedDate: new Date(r.deviceLastModified),
    ...(r.lastModified !== undefined ? { lastModifiedDate: new Date(r.lastModified) } : {}),
    ...(r.lastModifiedBy !== undefined ? { lastModifiedBy: r.lastModifiedBy } : {}),
  };
}

/** restJson1 timestamps are epoch seconds. */
export const fromEpochSeconds = (s: number | undefined): number | undefined => (typeof s === 'number' && Number.isFinite(s) ? Math.round(s * 1000) : undefined);

export function remoteRecord(r: WireRecord): SyncRecord {
  const lastModified = fromEpochSeconds(r.LastModifiedDate);
  const deviceLastModified = fromEpochSeconds(r.DeviceLastModifiedDate);
  return {
    key: r.Key ?? '',
    value: typeof r.Value === 'string' ? r.Value : null,
    syncCount: r.SyncCount ?? 0,
    modified: false,
    ...(deviceLastModified !== undefined ? { deviceLastModifiedDate: new Date(deviceLastModified) } : {}),
    ...(lastModified !== undefined ? { lastModifiedDate: new Date(lastModified) } : {}),
    ...(r.LastModifiedBy !== undefined ? { lastModifiedBy: r.LastModifiedBy } : {}),
  };
}

/** UTF-8 bytes of a string (Cognito counts key + value bytes). */
export function byteLength(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * What BulkPublish reads: an identity pool's live datasets and records (the Sync core's tables),
 * a page at a time, as stream changes. The cursor is `<identityId>/<datasetName>` (neither
 * contains a `/`).
 */
import type { Executor } from '../store/db.js';
import { poolDatasetsPage } from '../store/sync-extras.js';
import type { SyncRecordsTable } from '../store/schema-sync.js';
import type { DatasetPager } from './streams-bulk.js';
import type { StreamSyncRecord } from './streams.js';

/** A stored record as the stream carries it (a record written without a device date carries its own). */
export function streamSyncRecord(r: SyncRecordsTable, op: 'replace' | 'remove' = r.value === null ? 'remove' : 'replace'): StreamSyncRecord {
  const modified = Number(r.last_modified_at);
  return { key: r.key, value: op === 'remove' ? null : r.value, syncCount: Number(r.sync_count), lastModifiedDate: modified, deviceLastModifiedDate: r.device_last_modified_at === null ? modified : Number(r.device_last_modified_at), op };
}

export const poolDatasets: DatasetPager = async (db: Executor, identityPoolId, after, limit) => {
  const cut = after === null ? null : { identityId: after.slice(0, after.indexOf('/')), name: after.slice(after.indexOf('/') + 1) };
  const page = await poolDatasetsPage(db, identityPoolId, cut, limit);
  const datasets = page.map(({ dataset, records }) => ({
    identityPoolId,
    identityId: dataset.identity_id,
    datasetName: dataset.name,
    operation: 'replace' as const,
    syncCount: Number(dataset.sync_count),
    lastModifiedDate: Number(dataset.last_modified_at),
    records: records.map((r) => streamSyncRecord(r)),
  }));
  const last = page[page.length - 1];
  return { datasets, next: page.length === limit && last ? `${last.dataset.identity_id}/${last.dataset.name}` : null };
};

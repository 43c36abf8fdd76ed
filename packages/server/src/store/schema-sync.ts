/** Tables of Cognito Sync (migration 0030_sync; src/sync/, store/sync.ts). */

export interface SyncDatasetsTable {
  identity_id: string;
  /** the dataset name (a merged one is `<name>.<sourceIdentityId>`) */
  name: string;
  pool_id: string;
  created_at: number;
  last_modified_at: number;
  /** the identity, device or developer that made the last change */
  last_modified_by: string;
  /** UTF-8 bytes of the live records' keys and values */
  data_storage: number;
  /** live (not removed) records */
  num_records: number;
  /** the dataset's sync count: one more per change, never reset (not even by a delete) */
  sync_count: number;
  /** 1 after DeleteDataset: a tombstone keeping the sync count */
  deleted: number;
  /** the sync count the last DeleteDataset gave it (0: never deleted) */
  deleted_sync_count: number;
  /** for a dataset made by an identity merge: the name it was merged beside */
  merged_into: string | null;
}

export interface SyncRecordsTable {
  identity_id: string;
  dataset_name: string;
  key: string;
  /** NULL once removed (kept so other devices learn of the removal) */
  value: string | null;
  sync_count: number;
  last_modified_at: number;
  last_modified_by: string;
  device_last_modified_at: number | null;
}

export interface SyncPoolUsageTable {
  pool_id: string;
  sync_sessions_count: number;
  last_modified_at: number;
}

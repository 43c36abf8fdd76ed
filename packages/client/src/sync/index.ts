/**
 * Cognito Sync for the client: {@link SyncManager}, its datasets, records and conflicts.
 */
export { SyncManager } from './sync-manager.js';
export type { SyncManagerOptions } from './sync-manager.js';
export { Dataset } from './dataset.js';
export type { SyncCallbacks, SyncResult } from './dataset.js';
export { SyncConflict } from './types.js';
export type { ConflictResolution, DatasetMetadata, SyncRecord } from './types.js';
export { IndexedDBStorage } from './indexeddb-storage.js';

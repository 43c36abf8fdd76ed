/**
 * Identity merges and Sync data. When identity pools merge one identity into another (a guest
 * signing in with a login that already has an identity; MergeDeveloperIdentities), the source's
 * datasets move to the destination in the same transaction, before the source is deleted. As in
 * Cognito Sync, a dataset whose name the destination already has is kept beside it as
 * `<name>.<sourceIdentityId>` (see {@link mergedDatasetName}), and ListRecords of `<name>` reports it
 * in MergedDatasetNames until it is deleted (the client's `onDatasetsMerged`).
 */
import type { Executor } from '../store/db.js';
import * as syncStore from '../store/sync.js';
import { mergedDatasetName } from './datasets.js';
import { moveDevices } from '../store/sync-extras.js';

/** Moves `source`'s datasets to `destination`; call inside the merge's transaction, before `source` is deleted. */
export async function mergeSyncData(trx: Executor, source: string, destination: string): Promise<void> {
  await syncStore.mergeDatasets(trx, source, destination, (name) => mergedDatasetName(name, source));
  // Push sync: the source's devices and their subscriptions are the destination's now (push.ts).
  await moveDevices(trx, source, destination);
}

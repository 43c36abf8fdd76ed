/**
 * Cognito Sync storage (tables `sync_datasets`, `sync_records`, `sync_pool_usage`; migration
 * 0030_sync): datasets per identity, their records, and per identity pool the count of sync
 * sessions. A deleted dataset stays as a tombstone row (`deleted` 1) so its sync count keeps
 * growing across a delete; its records go. Records follow their dataset by the foreign key
 * (ON UPDATE / ON DELETE CASCADE), so an identity merge renames a dataset with one statement.
 */
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { SyncDatasetsTable, SyncRecordsTable } from './schema-sync.js';

export type DatasetRow = SyncDatasetsTable;
export type RecordRow = SyncRecordsTable;

/** A dataset row, tombstone or not. */
export async function findDataset(db: Executor, identityId: string, name: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('sync_datasets').selectAll().where('identity_id', '=', identityId).where('name', '=', name).executeTakeFirst();
}

/**
 * Takes the write lock of a dataset row for the rest of the transaction (PostgreSQL: the row lock
 * of an UPDATE; SQLite write transactions are serial anyway). Returns whether the row exists.
 */
export async function lockDataset(db: Executor, identityId: string, name: string): Promise<boolean> {
  const r = await db.updateTable('sync_datasets').set({ sync_count: sql`sync_count` }).where('identity_id', '=', identityId).where('name', '=', name).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Takes the write lock of an identity row, so dataset creations of one identity run one at a time. */
export async function lockIdentity(db: Executor, identityId: string): Promise<void> {
  await db.updateTable('identities').set({ updated_at: sql`updated_at` }).where('id', '=', identityId).execute();
}

/** Live (not deleted) datasets of an identity, by name, after `after`. */
export async function listDatasets(db: Executor, identityId: string, limit: number, after?: string): Promise<DatasetRow[]> {
  let q = db.selectFrom('sync_datasets').selectAll().where('identity_id', '=', identityId).where('deleted', '=', 0);
  if (after !== undefined) q = q.where('name', '>', after);
  return q.orderBy('name').limit(limit).execute();
}

/** How many live datasets an identity has. */
export async function countDatasets(db: Executor, identityId: string): Promise<number> {
  const row = await db.selectFrom('sync_datasets').select((eb) => eb.fn.countAll<number>().as('n')).where('identity_id', '=', identityId).where('deleted', '=', 0).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertDataset(db: Executor, row: DatasetRow): Promise<void> {
  await db.insertInto('sync_datasets').values(row).execute();
}

/** Writes a dataset's counters after a change (and brings a tombstone back to life). */
export async function updateDataset(db: Executor, identityId: string, name: string, set: Pick<DatasetRow, 'sync_count' | 'data_storage' | 'num_records' | 'last_modified_at' | 'last_modified_by' | 'deleted' | 'created_at'>): Promise<void> {
  await db.updateTable('sync_datasets').set(set).where('identity_id', '=', identityId).where('name', '=', name).execute();
}

/** DeleteDataset: the row becomes a tombstone at `syncCount`, its records go. */
export async function markDatasetDeleted(db: Executor, identityId: string, name: string, syncCount: number, now: number, by: string): Promise<void> {
  await db.deleteFrom('sync_records').where('identity_id', '=', identityId).where('dataset_name', '=', name).execute();
  await db
    .updateTable('sync_datasets')
    .set({ deleted: 1, deleted_sync_count: syncCount, sync_count: syncCount, data_storage: 0, num_records: 0, last_modified_at: now, last_modified_by: by, merged_into: null })
    .where('identity_id', '=', identityId)
    .where('name', '=', name)
    .execute();
}

/** The records of a dataset with these keys (removed ones included). */
export async function findRecords(db: Executor, identityId: string, name: string, keys: readonly string[]): Promise<RecordRow[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('sync_records').selectAll().where('identity_id', '=', identityId).where('dataset_name', '=', name).where('key', 'in', keys).execute();
}

/** Inserts or replaces one record. */
export async function putRecord(db: Executor, row: RecordRow): Promise<void> {
  await db
    .insertInto('sync_records')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['identity_id', 'dataset_name', 'key']).doUpdateSet({
        value: row.value,
        sync_count: row.sync_count,
        last_modified_at: row.last_modified_at,
        last_modified_by: row.last_modified_by,
        device_last_modified_at: row.device_last_modified_at,
      }),
    )
    .execute();
}

/** Records changed after `lastSyncCount`, in (sync count, key) order, after the cursor. */
export async function listRecords(db: Executor, identityId: string, name: string, lastSyncCount: number, limit: number, cursor?: { syncCount: number; key: string }): Promise<RecordRow[]> {
  let q = db.selectFrom('sync_records').selectAll().where('identity_id', '=', identityId).where('dataset_name', '=', name).where('sync_count', '>', lastSyncCount);
  if (cursor) q = q.where((eb) => eb.or([eb('sync_count', '>', cursor.syncCount), eb.and([eb('sync_count', '=', cursor.syncCount), eb('key', '>', cursor.key)])]));
  return q.orderBy('sync_count').orderBy('key').limit(limit).execute();
}

/** Live datasets that were merged beside `name` (ListRecords' MergedDatasetNames). */
export async function mergedNames(db: Executor, identityId: string, name: string): Promise<string[]> {
  const rows = await db.selectFrom('sync_datasets').select('name').where('identity_id', '=', identityId).where('merged_into', '=', name).where('deleted', '=', 0).orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** An identity's live datasets summed up (DescribeIdentityUsage). */
export async function identityUsage(db: Executor, identityId: string): Promise<{ datasets: number; storage: number; lastModified: number | null }> {
  const row = await db
    .selectFrom('sync_datasets')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('data_storage').as('storage'), eb.fn.max<number>('last_modified_at').as('last')])
    .where('identity_id', '=', identityId)
    .where('deleted', '=', 0)
    .executeTakeFirstOrThrow();
  return { datasets: Number(row.n), storage: Number(row.storage ?? 0), lastModified: row.last === null ? null : Number(row.last) };
}

/** An identity pool's usage: live storage and sync sessions (DescribeIdentityPoolUsage). */
export async function poolUsage(db: Executor, poolIds: readonly string[]): Promise<Map<string, { storage: number; sessions: number; lastModified: number | null }>> {
  const out = new Map<string, { storage: number; sessions: number; lastModified: number | null }>();
  if (poolIds.length === 0) return out;
  for (const id of poolIds) out.set(id, { storage: 0, sessions: 0, lastModified: null });
  const storage = await db
    .selectFrom('sync_datasets')
    .select((eb) => ['pool_id', eb.fn.sum<number>('data_storage').as('storage'), eb.fn.max<number>('last_modified_at').as('last')])
    .where('pool_id', 'in', poolIds)
    .where('deleted', '=', 0)
    .groupBy('pool_id')
    .execute();
  for (const r of storage) Object.assign(out.get(r.pool_id)!, { storage: Number(r.storage ?? 0), lastModified: r.last === null ? null : Number(r.last) });
  const sessions = await db.selectFrom('sync_pool_usage').selectAll().where('pool_id', 'in', poolIds).execute();
  for (const r of sessions) {
    const u = out.get(r.pool_id)!;
    u.sessions = Number(r.sync_sessions_count);
    u.lastModified = Math.max(u.lastModified ?? 0, Number(r.last_modified_at));
  }
  return out;
}

/** Counts one more sync session of a pool. */
export async function countSyncSession(db: Executor, poolId: string, now: number): Promise<void> {
  await db
    .insertInto('sync_pool_usage')
    .values({ pool_id: poolId, sync_sessions_count: 1, last_modified_at: now })
    .onConflict((oc) => oc.column('pool_id').doUpdateSet({ sync_sessions_count: sql`sync_pool_usage.sync_sessions_count + 1`, last_modified_at: now }))
    .execute();
}

/** Identity pool IDs in order, after `after` (ListIdentityPoolUsage). */
export async function identityPoolIds(db: Executor, limit: number, after?: string): Promise<string[]> {
  let q = db.selectFrom('identity_pools').select('id');
  if (after !== undefined) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

/**
 * Moves the live datasets of `source` to `destination` (an identity merge), before `source` is
 * deleted. A name `destination` already has (live or tombstone) is taken over as `renamed(name)`
 * with `merged_into` set, so both survive and ListRecords reports it; other names move as they are.
 */
export async function mergeDatasets(db: Executor, source: string, destination: string, renamed: (name: string) => string): Promise<void> {
  const theirs = await db.selectFrom('sync_datasets').select('name').where('identity_id', '=', source).where('deleted', '=', 0).execute();
  if (theirs.length === 0) return;
  const taken = new Set((await db.selectFrom('sync_datasets').select('name').where('identity_id', '=', destination).execute()).map((r) => r.name));
  for (const { name } of theirs) {
    const clash = taken.has(name);
    await db
      .updateTable('sync_datasets')
      .set({ identity_id: destination, name: clash ? renamed(name) : name, merged_into: clash ? name : null })
      .where('identity_id', '=', source)
      .where('name', '=', name)
      .execute();
  }
}

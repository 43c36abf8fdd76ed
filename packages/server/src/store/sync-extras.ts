/**
 * The repository of Cognito Sync's push sync, streams, bulk publish and events: an identity pool's
 * Sync settings, the devices identities register, their dataset subscriptions, and the state of the
 * pool's last bulk publish. Rows go with their identity pool or identity (ON DELETE CASCADE).
 */
import type { Executor } from './db.js';
import type { SyncBulkPublishTable, SyncDevicesTable, SyncPoolSettingsTable } from './schema-sync-extras.js';
import type { SyncDatasetsTable, SyncRecordsTable } from './schema-sync.js';

export type SyncPoolSettingsRow = SyncPoolSettingsTable;
export type SyncDeviceRow = SyncDevicesTable;
export type SyncBulkPublishRow = SyncBulkPublishTable;

export async function findPoolSettings(db: Executor, identityPoolId: string): Promise<SyncPoolSettingsRow | undefined> {
  return db.selectFrom('sync_pool_settings').selectAll().where('identity_pool_id', '=', identityPoolId).executeTakeFirst();
}

/** Writes the whole row (insert or replace): callers read, change and write it inside one transaction. */
export async function savePoolSettings(db: Executor, row: SyncPoolSettingsRow): Promise<void> {
  const { identity_pool_id: _, ...rest } = row;
  await db
    .insertInto('sync_pool_settings')
    .values(row)
    .onConflict((oc) => oc.column('identity_pool_id').doUpdateSet(rest))
    .execute();
}

export async function findDeviceByToken(db: Executor, identityId: string, platform: string, tokenHash: string): Promise<SyncDeviceRow | undefined> {
  return db
    .selectFrom('sync_devices')
    .selectAll()
    .where('identity_id', '=', identityId)
    .where('platform', '=', platform)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Inserts a device unless the same (identity, platform, token) is there already; returns whether it inserted. */
export async function insertDeviceIfAbsent(db: Executor, row: SyncDeviceRow): Promise<boolean> {
  const result = await db
    .insertInto('sync_devices')
    .values(row)
    .onConflict((oc) => oc.columns(['identity_id', 'platform', 'token_hash']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function touchDevice(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('sync_devices').set({ updated_at: now }).where('id', '=', id).execute();
}

/** A device of this identity; another identity's device is not found. */
export async function findDeviceOfIdentity(db: Executor, identityId: string, deviceId: string): Promise<SyncDeviceRow | undefined> {
  return db.selectFrom('sync_devices').selectAll().where('id', '=', deviceId).where('identity_id', '=', identityId).executeTakeFirst();
}

export async function countDevicesOfIdentity(db: Executor, identityId: string): Promise<number> {
  const row = await db.selectFrom('sync_devices').select((eb) => eb.fn.countAll<number | string>().as('n')).where('identity_id', '=', identityId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function subscribe(db: Executor, deviceId: string, identityId: string, datasetName: string, now: number): Promise<void> {
  await db
    .insertInto('sync_subscriptions')
    .values({ device_id: deviceId, identity_id: identityId, dataset_name: datasetName, created_at: now })
    .onConflict((oc) => oc.columns(['device_id', 'dataset_name']).doNothing())
    .execute();
}

export async function unsubscribe(db: Executor, deviceId: string, datasetName: string): Promise<void> {
  await db.deleteFrom('sync_subscriptions').where('device_id', '=', deviceId).where('dataset_name', '=', datasetName).execute();
}

/** The devices subscribed to one dataset of one identity. */
export async function subscribedDevices(db: Executor, identityId: string, datasetName: string): Promise<SyncDeviceRow[]> {
  return db
    .selectFrom('sync_subscriptions')
    .innerJoin('sync_devices', 'sync_devices.id', 'sync_subscriptions.device_id')
    .selectAll('sync_devices')
    .where('sync_subscriptions.identity_id', '=', identityId)
    .where('sync_subscriptions.dataset_name', '=', datasetName)
    .orderBy('sync_devices.id')
    .execute();
}

/**
 * Moves an identity's devices and subscriptions to another identity (identity merge): the devices
 * that signed in as the merged identity are now the surviving identity's. A device whose token
 * the survivor has registered already is dropped (with its subscriptions) rather than duplicated.
 */
export async function moveDevices(db: Executor, fromIdentityId: string, toIdentityId: string): Promise<void> {
  const clashing = await db
    .selectFrom('sync_devices as f')
    .innerJoin('sync_devices as t', (j) => j.onRef('t.platform', '=', 'f.platform').onRef('t.token_hash', '=', 'f.token_hash'))
    .select('f.id')
    .where('f.identity_id', '=', fromIdentityId)
    .where('t.identity_id', '=', toIdentityId)
    .execute();
  if (clashing.length > 0) await db.deleteFrom('sync_devices').where('id', 'in', clashing.map((r) => r.id)).execute();
  await db.updateTable('sync_devices').set({ identity_id: toIdentityId }).where('identity_id', '=', fromIdentityId).execute();
  await db.updateTable('sync_subscriptions').set({ identity_id: toIdentityId }).where('identity_id', '=', fromIdentityId).execute();
}

export async function findBulkPublish(db: Executor, identityPoolId: string): Promise<SyncBulkPublishRow | undefined> {
  return db.selectFrom('sync_bulk_publish').selectAll().where('identity_pool_id', '=', identityPoolId).executeTakeFirst();
}

/**
 * Starts a run: inserts the pool's row when it has none, else replaces the row the caller read
 * (`seen`), only if no one changed it meanwhile. Returns false when a concurrent BulkPublish won.
 */
export async function startBulkPublish(db: Executor, row: SyncBulkPublishRow, seen: Pick<SyncBulkPublishRow, 'run_id'> | undefined): Promise<boolean> {
  if (!seen) {
    const inserted = await db.insertInto('sync_bulk_publish').values(row).onConflict((oc) => oc.column('identity_pool_id').doNothing()).executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
  const { identity_pool_id: _, ...rest } = row;
  const updated = await db
    .updateTable('sync_bulk_publish')
    .set(rest)
    .where('identity_pool_id', '=', row.identity_pool_id)
    .where('run_id', '=', seen.run_id)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Advances a running bulk publish: its cursor and lease, only while it is still IN_PROGRESS and
 * the same run `runId` (a run that lost its lease and was replaced must not write). Returns
 * whether the run still holds it.
 */
export async function advanceBulkPublish(db: Executor, identityPoolId: string, runId: string, cursor: string | null, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable('sync_bulk_publish')
    .set({ cursor, lease_until: leaseUntil })
    .where('identity_pool_id', '=', identityPoolId)
    .where('status', '=', 'IN_PROGRESS')
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a run: SUCCEEDED or FAILED, if it is still this run and IN_PROGRESS. */
export async function finishBulkPublish(db: Executor, identityPoolId: string, runId: string, status: 'SUCCEEDED' | 'FAILED', at: number, failureMessage: string | null): Promise<boolean> {
  const result = await db
    .updateTable('sync_bulk_publish')
    .set({ status, completed_at: at, failure_message: failureMessage })
    .where('identity_pool_id', '=', identityPoolId)
    .where('status', '=', 'IN_PROGRESS')
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Runs that are IN_PROGRESS but whose lease lapsed: their node died; they can be resumed. */
export async function lapsedBulkPublishes(db: Executor, now: number, limit: number): Promise<SyncBulkPublishRow[]> {
  return db.selectFrom('sync_bulk_publish').selectAll().where('status', '=', 'IN_PROGRESS').where('lease_until', '<', now).limit(limit).execute();
}

/** Takes over a lapsed run (conditional on the lease the caller read). */
export async function claimLapsedBulkPublish(db: Executor, identityPoolId: string, runId: string, seenLease: number, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable('sync_bulk_publish')
    .set({ lease_until: leaseUntil })
    .where('identity_pool_id', '=', identityPoolId)
    .where('status', '=', 'IN_PROGRESS')
    .where('run_id', '=', runId)
    .where('lease_until', '=', seenLease)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A page of an identity pool's live datasets (Sync core's tables, store/sync.ts), in (identity,
 * name) order after `after`, each with its live records: what BulkPublish publishes.
 */
export async function poolDatasetsPage(
  db: Executor,
  identityPoolId: string,
  after: { identityId: string; name: string } | null,
  limit: number,
): Promise<{ dataset: SyncDatasetsTable; records: SyncRecordsTable[] }[]> {
  let q = db.selectFrom('sync_datasets').selectAll().where('pool_id', '=', identityPoolId).where('deleted', '=', 0);
  if (after) q = q.where((eb) => eb.or([eb('identity_id', '>', after.identityId), eb.and([eb('identity_id', '=', after.identityId), eb('name', '>', after.name)])]));
  const datasets = await q.orderBy('identity_id').orderBy('name').limit(limit).execute();
  if (datasets.length === 0) return [];
  const records = await db
    .selectFrom('sync_records')
    .selectAll()
    .where((eb) => eb.or(datasets.map((d) => eb.and([eb('identity_id', '=', d.identity_id), eb('dataset_name', '=', d.name)]))))
    .where('value', 'is not', null)
    .orderBy('identity_id')
    .orderBy('dataset_name')
    .orderBy('sync_count')
    .orderBy('key')
    .execute();
  const byDataset = new Map<string, SyncRecordsTable[]>();
  for (const r of records) {
    const k = `${r.identity_id}/${r.dataset_name}`;
    byDataset.set(k, [...(byDataset.get(k) ?? []), r]);
  }
  return datasets.map((d) => ({ dataset: d, records: byDataset.get(`${d.identity_id}/${d.name}`) ?? [] }));
}

/** The live records of one dataset (for the stream record of its deletion), at most `limit`. */
export async function liveRecords(db: Executor, identityId: string, datasetName: string, limit: number): Promise<SyncRecordsTable[]> {
  return db
    .selectFrom('sync_records')
    .selectAll()
    .where('identity_id', '=', identityId)
    .where('dataset_name', '=', datasetName)
    .where('value', 'is not', null)
    .orderBy('sync_count')
    .orderBy('key')
    .limit(limit)
    .execute();
}

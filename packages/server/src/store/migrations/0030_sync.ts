import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Cognito Sync datasets (src/sync/): one row per (identity, dataset name), kept after
    // DeleteDataset as a tombstone (`deleted` 1) so sync counts stay monotonic and ListRecords can say
    // DatasetDeletedAfterRequestedSyncCount. `merged_into` names the dataset a merged one
    // (`<name>.<sourceIdentityId>`) came from, for ListRecords' MergedDatasetNames.
    await db.schema
      .createTable('sync_datasets')
      .addColumn('identity_id', 'varchar(55)', (c) => c.notNull().references('identities.id').onDelete('cascade'))
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('identity_pools.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
      .addColumn('last_modified_by', 'varchar(256)', (c) => c.notNull())
      .addColumn('data_storage', 'bigint', (c) => c.notNull())
      .addColumn('num_records', 'integer', (c) => c.notNull())
      .addColumn('sync_count', 'bigint', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addColumn('deleted_sync_count', 'bigint', (c) => c.notNull())
      .addColumn('merged_into', 'varchar(128)')
      .addPrimaryKeyConstraint('sync_datasets_pk', ['identity_id', 'name'])
      .execute();
    await db.schema.createIndex('sync_datasets_pool').on('sync_datasets').columns(['pool_id']).execute();

    // Records, removed ones included (value NULL) so other devices learn of the removal from
    // ListRecords with their LastSyncCount. They follow their dataset (a merge renames it).
    await db.schema
      .createTable('sync_records')
      .addColumn('identity_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('dataset_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('key', 'varchar(1024)', (c) => c.notNull())
      .addColumn('value', 'text')
      .addColumn('sync_count', 'bigint', (c) => c.notNull())
      .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
      .addColumn('last_modified_by', 'varchar(256)', (c) => c.notNull())
      .addColumn('device_last_modified_at', 'bigint')
      .addPrimaryKeyConstraint('sync_records_pk', ['identity_id', 'dataset_name', 'key'])
      .addForeignKeyConstraint('sync_records_dataset', ['identity_id', 'dataset_name'], 'sync_datasets', ['identity_id', 'name'], (fk) => fk.onDelete('cascade').onUpdate('cascade'))
      .execute();
    await db.schema.createIndex('sync_records_sync_count').on('sync_records').columns(['identity_id', 'dataset_name', 'sync_count', 'key']).execute();

    // Per identity pool: how many sync sessions (UpdateRecords) it has had, for DescribeIdentityPoolUsage.
    await db.schema
      .createTable('sync_pool_usage')
      .addColumn('pool_id', 'varchar(55)', (c) => c.primaryKey().notNull().references('identity_pools.id').onDelete('cascade'))
      .addColumn('sync_sessions_count', 'bigint', (c) => c.notNull())
      .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
      .execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Cognito Sync's identity-pool configuration (PushSync, CognitoStreams) and events (SyncTrigger).
    await db.schema
      .createTable('sync_pool_settings')
      .addColumn('identity_pool_id', 'varchar(55)', (c) => c.primaryKey().notNull().references('identity_pools.id').onDelete('cascade'))
      .addColumn('push_application_arns', 'text')
      .addColumn('push_role_arn', 'varchar(2048)')
      .addColumn('stream_name', 'varchar(128)')
      .addColumn('stream_role_arn', 'varchar(2048)')
      .addColumn('streaming_status', 'varchar(16)')
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // RegisterDevice: an identity's devices; a token registered again keeps its DeviceId.
    await db.schema
      .createTable('sync_devices')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('identity_pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('identity_id', 'varchar(55)', (c) => c.notNull().references('identities.id').onDelete('cascade'))
      .addColumn('platform', 'varchar(16)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('token_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('sync_devices_token', ['identity_id', 'platform', 'token_hash'])
      .execute();

    await db.schema
      .createTable('sync_subscriptions')
      .addColumn('device_id', 'varchar(36)', (c) => c.notNull().references('sync_devices.id').onDelete('cascade'))
      .addColumn('identity_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('dataset_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_subscriptions_pk', ['device_id', 'dataset_name'])
      .execute();
    await db.schema.createIndex('sync_subscriptions_dataset').on('sync_subscriptions').columns(['identity_id', 'dataset_name']).execute();

    await db.schema
      .createTable('sync_bulk_publish')
      .addColumn('identity_pool_id', 'varchar(55)', (c) => c.primaryKey().notNull().references('identity_pools.id').onDelete('cascade'))
      .addColumn('run_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('failure_message', 'varchar(512)')
      .addColumn('lease_until', 'bigint', (c) => c.notNull())
      .addColumn('cursor', 'varchar(200)')
      .execute();
  },
} satisfies Migration;

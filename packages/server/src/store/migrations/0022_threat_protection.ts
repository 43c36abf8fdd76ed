import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // SetRiskConfiguration: one row for the pool (target 'ALL') and one per app client that has its own.
    await db.schema
      .createTable('risk_configurations')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('target', 'varchar(128)', (c) => c.notNull())
      .addColumn('client_id', 'varchar(128)', (c) => c.references('user_pool_clients.id').onDelete('cascade'))
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_configurations_pk', ['pool_id', 'target'])
      .execute();

    // The auth-event history (AdminListUserAuthEvents). user_id is null for a name that matched no
    // user: the row is written all the same, so an unknown name costs what a known one does (P01).
    await db.schema
      .createTable('auth_events')
      .addColumn('id', 'varchar(50)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(36)', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(128)')
      .addColumn('event_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('response', 'varchar(12)', (c) => c.notNull())
      .addColumn('risk_level', 'varchar(8)')
      .addColumn('risk_decision', 'varchar(16)', (c) => c.notNull())
      .addColumn('compromised', 'integer', (c) => c.notNull())
      .addColumn('challenges', 'text', (c) => c.notNull())
      .addColumn('ip', 'varchar(64)')
      .addColumn('device_name', 'varchar(256)')
      .addColumn('device_key', 'varchar(64)')
      .addColumn('feedback_token_hash', 'varchar(64)')
      .addColumn('feedback_value', 'varchar(8)')
      .addColumn('feedback_provider', 'varchar(32)')
      .addColumn('feedback_at', 'bigint')
      .execute();
    await db.schema.createIndex('auth_events_user').on('auth_events').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('auth_events_pool').on('auth_events').columns(['pool_id', 'created_at']).execute();

    // SetLogDeliveryConfiguration: the pool's LogConfigurations (JSON).
    await db.schema
      .createTable('log_delivery_configurations')
      .addColumn('pool_id', 'varchar(55)', (c) => c.primaryKey().notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
} satisfies Migration;

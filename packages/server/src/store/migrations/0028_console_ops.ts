import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // The console's "last invocations and failures" of the pools' triggers (triggers/invocations.ts):
    // a bounded log, written in batches off the request path and pruned to the newest rows per pool.
    // No foreign key to user_pools: a batch may land after its pool was deleted; those rows age out.
    await db.schema
      .createTable('trigger_invocations')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('trigger_source', 'varchar(64)', (c) => c.notNull())
      .addColumn('function_arn', 'varchar(2048)', (c) => c.notNull())
      .addColumn('target', 'varchar(16)', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .addColumn('error', 'varchar(512)')
      .execute();
    await db.schema.createIndex('trigger_invocations_pool').on('trigger_invocations').columns(['pool_id', 'started_at']).execute();
    await db.schema.createIndex('trigger_invocations_started').on('trigger_invocations').columns(['started_at']).execute();
    // The console's outbox search: by pool and by recipient, newest first.
    await db.schema.createIndex('outbox_pool_recent').on('outbox').columns(['pool_id', 'created_at']).execute();
    await db.schema.createIndex('outbox_destination_recent').on('outbox').columns(['destination', 'created_at']).execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // A pool's secondary replicas (CreateUserPoolReplica): one row per region besides the primary
    // (the primary is the pool's ID prefix and has no row). `tags` are the replica ARN's tags (JSON).
    await db.schema
      .createTable('user_pool_replicas')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('region', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_pool_replicas_pk', ['pool_id', 'region'])
      .execute();
  },
} satisfies Migration;

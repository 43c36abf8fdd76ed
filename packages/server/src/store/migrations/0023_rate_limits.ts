import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // UpdateProvisionedLimit: the rate set for a category (account level; applied to each user pool).
    await db.schema
      .createTable('provisioned_limits')
      .addColumn('category', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // What each node admitted per (scope, bucket) in one second, written in the background every
    // ≤ 250 ms so the nodes sharing the database share the budget (domain/rate-limits/). The scope is
    // a user pool id, or '*' for calls that name none; not a pool-owned table: rows live seconds.
    await db.schema
      .createTable('rate_limit_counts')
      .addColumn('scope', 'varchar(64)', (c) => c.notNull())
      .addColumn('bucket', 'varchar(64)', (c) => c.notNull())
      .addColumn('second', 'bigint', (c) => c.notNull())
      .addColumn('node', 'varchar(36)', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_limit_counts_pk', ['second', 'scope', 'bucket', 'node'])
      .execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // The pools' hosted-UI domains: a prefix domain and a custom domain at most per pool; a name is unique across pools.
    await db.schema
      .createTable('user_pool_domains')
      .addColumn('domain', 'varchar(253)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('custom_domain_config', 'text')
      .addColumn('managed_login_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'varchar(20)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('user_pool_domains_pool_kind').unique().on('user_pool_domains').columns(['pool_id', 'kind']).execute();
  },
} satisfies Migration;

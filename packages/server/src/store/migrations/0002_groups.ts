import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('user_pool_groups')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('description', 'varchar(2048)')
      .addColumn('role_arn', 'varchar(2048)')
      .addColumn('precedence', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_pool_groups_pk', ['pool_id', 'name'])
      .execute();

    // Deleting a user or a group (or its pool) takes its memberships with it.
    await db.schema
      .createTable('user_group_memberships')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('group_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_group_memberships_pk', ['pool_id', 'group_name', 'user_id'])
      .addForeignKeyConstraint('user_group_memberships_group', ['pool_id', 'group_name'], 'user_pool_groups', ['pool_id', 'name'], (fk) => fk.onDelete('cascade'))
      .execute();
    await db.schema.createIndex('user_group_memberships_user').on('user_group_memberships').columns(['user_id', 'group_name']).execute();

    // ListUsers filters (domain/list-users.ts). Prefix filters are range queries, which match
    // "starts with" only under code-point order: SQLite's BINARY collation is that, PostgreSQL's
    // database collation may not be (en_US…), so there the keys are indexed under COLLATE "C".
    // Case-insensitive matches compare lower(), which folds ASCII only in SQLite and under "C" in
    // PostgreSQL alike, so both databases give the same answers.
    await db.schema.createIndex('users_pool_status').on('users').columns(['pool_id', 'status', 'created_at', 'id']).execute();
    await db.schema.createIndex('users_pool_enabled').on('users').columns(['pool_id', 'enabled', 'created_at', 'id']).execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`create index users_pool_username_c on users (pool_id, (username_key collate "C"))`.execute(db);
      await sql`create index users_pool_sub_c on users (pool_id, (id collate "C"))`.execute(db);
      await sql`create index user_attributes_value_c on user_attributes (pool_id, name, (value collate "C"))`.execute(db);
      await sql`create index user_attributes_folded on user_attributes (pool_id, name, (lower(value collate "C")))`.execute(db);
    } else {
      // users(pool_id, username_key), users(id) and user_attributes(pool_id, name, value) already serve the rest.
      await sql`create index user_attributes_folded on user_attributes (pool_id, name, lower(value))`.execute(db);
    }
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('devices')
      .addColumn('device_key', 'varchar(55)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('group_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(1024)')
      .addColumn('salt', 'text')
      .addColumn('verifier_sealed', 'text')
      .addColumn('remembered', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('confirmed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_authenticated_at', 'bigint')
      .execute();
    await db.schema.createIndex('devices_user').on('devices').columns(['user_id', 'created_at', 'device_key']).execute();
  },
} satisfies Migration;

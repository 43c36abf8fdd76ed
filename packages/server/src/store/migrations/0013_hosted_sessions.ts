import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // The hosted UI's signed-in browsers (domain/oauth/hosted-sessions.ts): the key is a hash of the cookie's value.
    await db.schema
      .createTable('hosted_sessions')
      .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('amr', 'text', (c) => c.notNull())
      .addColumn('auth_time', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hosted_sessions_user').on('hosted_sessions').column('user_id').execute();
    await db.schema.createIndex('hosted_sessions_expires').on('hosted_sessions').column('expires_at').execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('spent_sessions')
      .addColumn('nonce', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('spent_sessions_expiry').on('spent_sessions').column('expires_at').execute();
  },
} satisfies Migration;

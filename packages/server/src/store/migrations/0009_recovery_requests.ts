import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Decoy writes for names that get no code (issue 10): a code row and a message row per HMAC(kind, pool id, name).
    await db.schema
      .createTable('recovery_requests')
      .addColumn('key', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recovery_requests_created').on('recovery_requests').column('created_at').execute();
  },
} satisfies Migration;

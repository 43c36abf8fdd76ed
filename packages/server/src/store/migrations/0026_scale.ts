import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Leases of the single runners (store/leases.ts): of all the workers and nodes on one database,
    // the one named in `holder` until `expires_at` (epoch ms) runs the outbox sweep and the import-job sweep.
    await db.schema
      .createTable('runner_leases')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('holder', 'varchar(128)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
} satisfies Migration;

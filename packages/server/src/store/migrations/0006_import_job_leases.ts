import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // A running import job is leased by one node, which renews the lease with every batch and
    // records how many rows it has done in the same transaction; a job whose lease lapsed (its
    // node died) is taken over by another node and resumes where it was.
    await db.schema.alterTable('user_import_jobs').addColumn('lease_until', 'bigint').execute();
    await db.schema.alterTable('user_import_jobs').addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Same counter columns as users, so the decoy write is the users write (domain/lockout.ts).
    await db.schema
      .createTable('lockout_decoys')
      .addColumn('slot', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_failed_at', 'bigint')
      .addColumn('locked_until', 'bigint')
      .addColumn('attempt_admitted', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    // The reservation writes the row whether or not it is locked, and says which it was here.
    await db.schema.alterTable('users').addColumn('attempt_admitted', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    // Every slot exists (LOCKOUT_DECOY_SLOTS, 1024), so an unknown name's UPDATE finds its row as a real user's does.
    for (let from = 0; from < 1024; from += 256) {
      const slots = Array.from({ length: 256 }, (_, i) => ({ slot: from + i }));
      await db.insertInto('lockout_decoys').values(slots).execute();
    }
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Hashes of passwords a user had before (PasswordPolicy.PasswordHistorySize), numbered per
    // user in the order they were replaced (clocks may tie; the number doesn't).
    await db.schema
      .createTable('password_history')
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('password_history_pk', ['user_id', 'seq'])
      .execute();
  },
} satisfies Migration;

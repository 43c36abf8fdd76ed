import { type Kysely, type Migration } from 'kysely';
import { backfillAliases } from './backfill-aliases.js';

export default {
  async up(db: Kysely<any>) {
    // The sign-in names a user holds besides the username (domain/aliases.ts): one row per
    // (pool, attribute, folded value), so the database itself lets one user only hold an alias
    // (security.md P14, R08), however many confirmations race for it.
    await db.schema
      .createTable('sign_in_aliases')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      /** SHA-256 (hex) of the value folded as the pool compares it. */
      .addColumn('value_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sign_in_aliases_pk', ['pool_id', 'name', 'value_key'])
      .execute();
    await db.schema.createIndex('sign_in_aliases_user').on('sign_in_aliases').columns(['user_id', 'name']).execute();
    await backfillAliases(db);
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // An email or phone number a user changed but hasn't verified yet (UpdateUserAttributes with
    // AttributesRequireVerificationBeforeUpdate): kept apart from user_attributes so no read of
    // attributes, sign-in or recovery can see it (security.md P13, A23).
    await db.schema
      .createTable('pending_attributes')
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('value', 'varchar(2048)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('pending_attributes_pk', ['user_id', 'name'])
      .execute();
  },
} satisfies Migration;

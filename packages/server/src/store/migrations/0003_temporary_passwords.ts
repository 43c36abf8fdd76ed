import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // When a FORCE_CHANGE_PASSWORD user's temporary password stops working (AdminCreateUser,
    // AdminSetUserPassword with Permanent false; TemporaryPasswordValidityDays); null otherwise.
    await db.schema.alterTable('users').addColumn('temporary_password_expires_at', 'bigint').execute();
  },
} satisfies Migration;

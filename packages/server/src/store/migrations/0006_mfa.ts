import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('user_mfa')
      .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('sms_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('email_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('preferred', 'varchar(32)')
      .addColumn('totp_secret_sealed', 'text')
      .addColumn('totp_pending_sealed', 'text')
      .addColumn('totp_last_step', 'bigint')
      .addColumn('mfa_options', 'text')
      .addColumn('mfa_passed_session', 'varchar(36)')
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_failed_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
} satisfies Migration;

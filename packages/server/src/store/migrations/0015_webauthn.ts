import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Passkeys (domain/webauthn/): one row per registered WebAuthn credential. A credential ID is
    // unique within its pool (the library gives it as base64url, at most 1,023 bytes raw); it goes
    // with its user and its pool.
    await db.schema
      .createTable('webauthn_credentials')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('credential_id', 'varchar(1400)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('sign_count', 'bigint', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('relying_party_id', 'varchar(127)', (c) => c.notNull())
      .addColumn('authenticator_attachment', 'varchar(32)')
      .addColumn('aaguid', 'varchar(36)', (c) => c.notNull())
      .addColumn('user_verified', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addPrimaryKeyConstraint('webauthn_credentials_pk', ['pool_id', 'credential_id'])
      .execute();
    await db.schema.createIndex('webauthn_credentials_user').on('webauthn_credentials').columns(['user_id', 'created_at']).execute();
  },
} satisfies Migration;

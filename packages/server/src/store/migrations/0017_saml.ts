import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // SAML federation (domain/federation/saml*.ts). The pool's SAML keys: one signing key per pool
    // (GetSigningCertificate, signed AuthnRequests and LogoutRequests; provider_name ''), and one
    // encryption key per SAML provider with EncryptedResponses (ActiveEncryptionCertificate), as
    // Cognito assigns them. The private key is sealed at rest; the certificate is base64 DER.
    await db.schema
      .createTable('saml_keys')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
      .addColumn('provider_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('private_key_sealed', 'text', (c) => c.notNull())
      .addColumn('certificate', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('saml_keys_pk', ['pool_id', 'purpose', 'provider_name'])
      .execute();
    // Assertion IDs already used to sign in (replay refused on every node until the assertion expires).
    await db.schema
      .createTable('saml_spent_assertions')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('id_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('saml_spent_assertions_pk', ['pool_id', 'id_hash'])
      .execute();
    await db.schema.createIndex('saml_spent_assertions_expiry').on('saml_spent_assertions').column('expires_at').execute();
    // What a SAML sign-in's hosted session needs for single logout (IDPSignout): the provider, and
    // the NameID and SessionIndex the IdP's LogoutRequest names.
    await db.schema
      .createTable('saml_sessions')
      .addColumn('session_id', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('provider_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('name_id', 'text', (c) => c.notNull())
      .addColumn('name_id_format', 'varchar(256)')
      .addColumn('session_index', 'varchar(256)')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('saml_sessions_expiry').on('saml_sessions').column('expires_at').execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Authorization codes (issue 12): stored as the SHA-256 of the code, redeemed once (redeemed_at
    // set by one conditional UPDATE), with the refresh-token family their exchange issued so a
    // replay can revoke it (RFC 6749 §4.1.2, security.md A09).
    await db.schema
      .createTable('authorization_codes')
      .addColumn('code_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text')
      .addColumn('code_challenge', 'varchar(128)')
      .addColumn('auth_time', 'bigint', (c) => c.notNull())
      .addColumn('amr', 'text')
      .addColumn('hosted_session_id', 'varchar(128)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('redeemed_at', 'bigint')
      .addColumn('family_id', 'varchar(36)')
      .execute();
    await db.schema.createIndex('authorization_codes_expires').on('authorization_codes').column('expires_at').execute();
    // OAuth families keep the scopes of their grant (a refresh keeps them) and the hosted-UI
    // session that produced them (logout ends them).
    await db.schema.alterTable('refresh_tokens').addColumn('scopes', 'text').execute();
    await db.schema.alterTable('refresh_tokens').addColumn('hosted_session_id', 'varchar(128)').execute();
    await db.schema.createIndex('refresh_tokens_hosted_session').on('refresh_tokens').column('hosted_session_id').execute();
    // Refresh-token rotation: the hashes of a family's replaced tokens, usable until grace_until;
    // presenting one later is reuse and revokes the family (RFC 9700 §4.14.2).
    await db.schema
      .createTable('refresh_token_rotations')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('family_id', 'varchar(36)', (c) => c.notNull().references('refresh_tokens.id').onDelete('cascade'))
      .addColumn('rotated_at', 'bigint', (c) => c.notNull())
      .addColumn('grace_until', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('refresh_token_rotations_family').on('refresh_token_rotations').column('family_id').execute();
  },
} satisfies Migration;

import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // The admin console's own people (console/README.md): never a user pool's users. The password is
    // an argon2id hash, the TOTP secret sealed at rest; `totp_last_step` makes each code single-use.
    await db.schema
      .createTable('console_users')
      .addColumn('username', 'varchar(128)', (c) => c.primaryKey().notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('totp_secret', 'text', (c) => c.notNull())
      .addColumn('totp_last_step', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // Signed-in consoles: the row is keyed by the SHA-256 of the cookie's secret, never the secret.
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('principal', 'varchar(256)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_expires').on('console_sessions').column('expires_at').execute();
    // Console sign-in attempts per name (an HMAC of it, so known and unknown names cost the same write).
    await db.schema
      .createTable('console_sign_in_attempts')
      .addColumn('key_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull())
      .addColumn('last_failed_at', 'bigint', (c) => c.notNull())
      .execute();
    // Every change made in the console: who, what, when, on what, and how it ended.
    await db.schema
      .createTable('console_audit')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(256)', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('target', 'varchar(1024)', (c) => c.notNull())
      .addColumn('outcome', 'varchar(128)', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_audit_at').on('console_audit').columns(['at', 'id']).execute();
  },
} satisfies Migration;

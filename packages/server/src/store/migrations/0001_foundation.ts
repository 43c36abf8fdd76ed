import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('user_pools')
      .addColumn('id', 'varchar(55)', (c) => c.primaryKey().notNull())
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_pool_clients')
      .addColumn('id', 'varchar(128)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('user_pool_clients_pool').on('user_pool_clients').columns(['pool_id', 'created_at']).execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'varchar(128)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('private_key_sealed', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .execute();
    await db.schema.createIndex('signing_keys_pool').on('signing_keys').columns(['pool_id', 'created_at']).execute();

    await db.schema
      .createTable('server_secrets')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('value_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('username', 'varchar(128)', (c) => c.notNull())
      .addColumn('username_key', 'varchar(512)', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('srp_salt', 'varchar(128)')
      .addColumn('srp_verifier_sealed', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_failed_at', 'bigint')
      .addColumn('locked_until', 'bigint')
      .execute();
    // One user per canonical username in a pool: concurrent sign-ups of "Alice" and "alice" can't both win.
    await db.schema.createIndex('users_pool_username').on('users').columns(['pool_id', 'username_key']).unique().execute();
    await db.schema.createIndex('users_pool_created').on('users').columns(['pool_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('user_attributes')
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('value', 'varchar(2048)', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_attributes_pk', ['user_id', 'name'])
      .execute();
    // Serves ListUsers filters (`email ^= "a"`) and alias look-ups without scanning the pool.
    await db.schema.createIndex('user_attributes_lookup').on('user_attributes').columns(['pool_id', 'name', 'value']).execute();

    await db.schema
      .createTable('codes')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'varchar(80)', (c) => c.notNull())
      .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('consumed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('codes_user_purpose').on('codes').columns(['user_id', 'purpose', 'created_at']).execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('device_key', 'varchar(55)')
      .addColumn('auth_time', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').columns(['user_id', 'revoked_at']).execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('channel', 'varchar(8)', (c) => c.notNull())
      .addColumn('destination', 'varchar(320)', (c) => c.notNull())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('content_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .addColumn('delivered_by', 'varchar(32)')
      .addColumn('last_error', 'varchar(512)')
      .addColumn('failed_at', 'bigint')
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').columns(['delivered_at', 'failed_at', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_recent').on('outbox').columns(['created_at']).execute();
  },
} satisfies Migration;

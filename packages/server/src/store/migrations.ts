/**
 * Schema migrations, in code so the compiled server carries them. Forward-only: each runs once,
 * in name order, inside Kysely's migrator (which locks against concurrent nodes).
 */
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { aliasSettings, hasAliases, syncAliases } from '../domain/aliases.js';

const migrations: Record<string, Migration> = {
  '0001_foundation': {
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
  },
  '0002_groups': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('user_pool_groups')
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('name', 'varchar(128)', (c) => c.notNull())
        .addColumn('description', 'varchar(2048)')
        .addColumn('role_arn', 'varchar(2048)')
        .addColumn('precedence', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_pool_groups_pk', ['pool_id', 'name'])
        .execute();

      // Deleting a user or a group (or its pool) takes its memberships with it.
      await db.schema
        .createTable('user_group_memberships')
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
        .addColumn('group_name', 'varchar(128)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_group_memberships_pk', ['pool_id', 'group_name', 'user_id'])
        .addForeignKeyConstraint('user_group_memberships_group', ['pool_id', 'group_name'], 'user_pool_groups', ['pool_id', 'name'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('user_group_memberships_user').on('user_group_memberships').columns(['user_id', 'group_name']).execute();

      // ListUsers filters (domain/list-users.ts). Prefix filters are range queries, which match
      // "starts with" only under code-point order: SQLite's BINARY collation is that, PostgreSQL's
      // database collation may not be (en_US…), so there the keys are indexed under COLLATE "C".
      // Case-insensitive matches compare lower(), which folds ASCII only in SQLite and under "C" in
      // PostgreSQL alike, so both databases give the same answers.
      await db.schema.createIndex('users_pool_status').on('users').columns(['pool_id', 'status', 'created_at', 'id']).execute();
      await db.schema.createIndex('users_pool_enabled').on('users').columns(['pool_id', 'enabled', 'created_at', 'id']).execute();
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`create index users_pool_username_c on users (pool_id, (username_key collate "C"))`.execute(db);
        await sql`create index users_pool_sub_c on users (pool_id, (id collate "C"))`.execute(db);
        await sql`create index user_attributes_value_c on user_attributes (pool_id, name, (value collate "C"))`.execute(db);
        await sql`create index user_attributes_folded on user_attributes (pool_id, name, (lower(value collate "C")))`.execute(db);
      } else {
        // users(pool_id, username_key), users(id) and user_attributes(pool_id, name, value) already serve the rest.
        await sql`create index user_attributes_folded on user_attributes (pool_id, name, lower(value))`.execute(db);
      }
    },
  },
  '0002_pending_attribute_updates': {
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
  },
  '0003_temporary_passwords': {
    async up(db: Kysely<any>) {
      // When a FORCE_CHANGE_PASSWORD user's temporary password stops working (AdminCreateUser,
      // AdminSetUserPassword with Permanent false; TemporaryPasswordValidityDays); null otherwise.
      await db.schema.alterTable('users').addColumn('temporary_password_expires_at', 'bigint').execute();
    },
  },
  '0004_user_import': {
    async up(db: Kysely<any>) {
      // A foreign password hash from `cognate users import`, verified and replaced at first sign-in.
      await db.schema.alterTable('users').addColumn('imported_password_hash', 'text').execute();

      // CreateUserImportJob … StartUserImportJob. The uploaded CSV lives here (not on a node's disk)
      // so any node behind the load balancer can take the upload and another can run the job.
      await db.schema
        .createTable('user_import_jobs')
        .addColumn('id', 'varchar(55)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('name', 'varchar(128)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('cloudwatch_logs_role_arn', 'varchar(2048)', (c) => c.notNull())
        .addColumn('password_hashing_algorithm', 'varchar(16)')
        .addColumn('csv', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .addColumn('imported_users', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('skipped_users', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed_users', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('completion_message', 'varchar(512)')
        .execute();
      await db.schema.createIndex('user_import_jobs_pool').on('user_import_jobs').columns(['pool_id', 'created_at', 'id']).execute();
    },
  },
  '0005_aliases': {
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
  },
  '0005_username_nfc': {
    async up(db: Kysely<any>) {
      // Case-sensitive pools now compare canonically equivalent usernames as equal (NFC; see
      // usernameKey): re-key the stored ones that weren't in NFC. A key that would collide with
      // another user's stays as it was, so no account becomes unreachable.
      const pools = (await db.selectFrom('user_pools').select(['id', 'settings']).execute()) as { id: string; settings: string }[];
      for (const pool of pools) {
        if (JSON.parse(pool.settings)?.UsernameConfiguration?.CaseSensitive !== true) continue;
        const rows = (await db.selectFrom('users').select(['id', 'username_key']).where('pool_id', '=', pool.id).execute()) as { id: string; username_key: string }[];
        const taken = new Set(rows.map((r) => r.username_key));
        for (const row of rows) {
          const nfc = row.username_key.normalize('NFC');
          if (nfc === row.username_key || taken.has(nfc)) continue;
          await db.updateTable('users').set({ username_key: nfc }).where('id', '=', row.id).execute();
          taken.add(nfc);
        }
      }
    },
  },
  '0005_password_history': {
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
  },
  '0006_import_job_leases': {
    async up(db: Kysely<any>) {
      // A running import job is leased by one node, which renews the lease with every batch and
      // records how many rows it has done in the same transaction; a job whose lease lapsed (its
      // node died) is taken over by another node and resumes where it was.
      await db.schema.alterTable('user_import_jobs').addColumn('lease_until', 'bigint').execute();
      await db.schema.alterTable('user_import_jobs').addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0006_identity_pools': {
    async up(db: Kysely<any>) {
      // Identity pools (cognito-identity): settings, roles and role mappings, principal-tag maps
      // and tags as JSON documents.
      await db.schema
        .createTable('identity_pools')
        .addColumn('id', 'varchar(55)', (c) => c.primaryKey().notNull())
        .addColumn('name', 'varchar(128)', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('principal_tags', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('identities')
        .addColumn('id', 'varchar(55)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('identity_pools.id').onDelete('cascade'))
        // 1 once a login was linked: from then on only a linked login opens it, even with none left.
        .addColumn('authenticated', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identities_pool').on('identities').columns(['pool_id', 'id']).execute();

      // One row per login linked to an identity: the provider (canonical name) and the user's ID
      // there (a user pool's sub, an OIDC sub, a developer user identifier, up to 1,024 characters,
      // so the key holds its SHA-256). The key makes a login belong to one identity per pool.
      await db.schema
        .createTable('identity_logins')
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('identity_pools.id').onDelete('cascade'))
        .addColumn('provider', 'varchar(128)', (c) => c.notNull())
        .addColumn('subject_key', 'varchar(64)', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('identity_id', 'varchar(55)', (c) => c.notNull().references('identities.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_logins_pk', ['pool_id', 'provider', 'subject_key'])
        .execute();
      await db.schema.createIndex('identity_logins_identity').on('identity_logins').columns(['identity_id']).execute();

      // The roles the built-in credentials broker hands out, with their IAM-style policy documents.
      await db.schema
        .createTable('iam_roles')
        .addColumn('arn', 'varchar(2048)', (c) => c.primaryKey().notNull())
        // Role names are unique per account, whatever the path.
        .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      // External identity providers identity pools federate with (IAM's OpenID Connect and SAML
      // providers): the ARN OpenIdConnectProviderARNs / SamlProviderARNs name, and its settings.
      await db.schema
        .createTable('iam_providers')
        .addColumn('arn', 'varchar(2048)', (c) => c.primaryKey().notNull())
        .addColumn('kind', 'varchar(8)', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0006_mfa': {
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
  },
  '0006_devices': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('devices')
        .addColumn('device_key', 'varchar(55)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('group_key', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(1024)')
        .addColumn('salt', 'text')
        .addColumn('verifier_sealed', 'text')
        .addColumn('remembered', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('confirmed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_authenticated_at', 'bigint')
        .execute();
      await db.schema.createIndex('devices_user').on('devices').columns(['user_id', 'created_at', 'device_key']).execute();
    },
  },
  '0007_spent_sessions': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('spent_sessions')
        .addColumn('nonce', 'varchar(64)', (c) => c.primaryKey().notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('spent_sessions_expiry').on('spent_sessions').column('expires_at').execute();
    },
  },
  '0008_lockout_decoys': {
    async up(db: Kysely<any>) {
      // Same counter columns as users, so the decoy write is the users write (domain/lockout.ts).
      await db.schema
        .createTable('lockout_decoys')
        .addColumn('slot', 'integer', (c) => c.primaryKey().notNull())
        .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_failed_at', 'bigint')
        .addColumn('locked_until', 'bigint')
        .addColumn('attempt_admitted', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      // The reservation writes the row whether or not it is locked, and says which it was here.
      await db.schema.alterTable('users').addColumn('attempt_admitted', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      // Every slot exists (LOCKOUT_DECOY_SLOTS, 1024), so an unknown name's UPDATE finds its row as a real user's does.
      for (let from = 0; from < 1024; from += 256) {
        const slots = Array.from({ length: 256 }, (_, i) => ({ slot: from + i }));
        await db.insertInto('lockout_decoys').values(slots).execute();
      }
    },
  },
  '0009_recovery_requests': {
    async up(db: Kysely<any>) {
      // Decoy writes for names that get no code (issue 10): a code row and a message row per HMAC(kind, pool id, name).
      await db.schema
        .createTable('recovery_requests')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recovery_requests_created').on('recovery_requests').column('created_at').execute();
    },
  },
  '0010_user_pool_domains': {
    async up(db: Kysely<any>) {
      // The pools' hosted-UI domains: a prefix domain and a custom domain at most per pool; a name is unique across pools.
      await db.schema
        .createTable('user_pool_domains')
        .addColumn('domain', 'varchar(253)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('kind', 'varchar(8)', (c) => c.notNull())
        .addColumn('custom_domain_config', 'text')
        .addColumn('managed_login_version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('version', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('user_pool_domains_pool_kind').unique().on('user_pool_domains').columns(['pool_id', 'kind']).execute();
    },
  },
  '0011_oauth_admin': {
    async up(db: Kysely<any>) {
      // Resource servers and their custom scopes (domain/oauth/resource-servers.ts): an identifier is unique in a pool.
      await db.schema
        .createTable('resource_servers')
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('identifier', 'varchar(256)', (c) => c.notNull())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('resource_servers_pk', ['pool_id', 'identifier'])
        .execute();

      // Classic hosted-UI customization (SetUICustomization): one row for the pool ('ALL') and one per
      // client that has its own; a client's row goes with the client (client_id cascades), the pool's with the pool.
      await db.schema
        .createTable('ui_customizations')
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('target', 'varchar(128)', (c) => c.notNull())
        .addColumn('client_id', 'varchar(128)', (c) => c.references('user_pool_clients.id').onDelete('cascade'))
        .addColumn('css', 'text')
        .addColumn('css_version', 'varchar(64)', (c) => c.notNull())
        .addColumn('image', 'text')
        .addColumn('image_type', 'varchar(32)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ui_customizations_pk', ['pool_id', 'target'])
        .execute();

      // Managed-login branding styles: one per app client.
      await db.schema
        .createTable('managed_login_brandings')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('client_id', 'varchar(128)', (c) => c.notNull().unique().references('user_pool_clients.id').onDelete('cascade'))
        .addColumn('use_cognito_provided_values', 'integer', (c) => c.notNull())
        .addColumn('settings', 'text')
        .addColumn('assets', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('managed_login_brandings_pool').on('managed_login_brandings').columns(['pool_id']).execute();

      // Terms documents (CreateTerms): one of each kind (terms-of-use, privacy-policy) per app client.
      await db.schema
        .createTable('terms')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('client_id', 'varchar(128)', (c) => c.notNull().references('user_pool_clients.id').onDelete('cascade'))
        .addColumn('name', 'varchar(32)', (c) => c.notNull())
        .addColumn('source', 'varchar(16)', (c) => c.notNull())
        .addColumn('enforcement', 'varchar(16)', (c) => c.notNull())
        .addColumn('links', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('terms_client_name').unique().on('terms').columns(['client_id', 'name']).execute();
      await db.schema.createIndex('terms_pool').on('terms').columns(['pool_id', 'id']).execute();
    },
  },
  '0012_oauth_grants': {
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
  },
  '0013_hosted_sessions': {
    async up(db: Kysely<any>) {
      // The hosted UI's signed-in browsers (domain/oauth/hosted-sessions.ts): the key is a hash of the cookie's value.
      await db.schema
        .createTable('hosted_sessions')
        .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
        .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('amr', 'text', (c) => c.notNull())
        .addColumn('auth_time', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hosted_sessions_user').on('hosted_sessions').column('user_id').execute();
      await db.schema.createIndex('hosted_sessions_expires').on('hosted_sessions').column('expires_at').execute();
    },
  },
};

/**
 * Gives the users already stored the aliases they hold (0005_aliases). Where two of them hold the
 * same verified value, the older keeps it and the newer's value becomes unverified, so the rule
 * "one verified holder" holds from the start.
 */
async function backfillAliases(db: Kysely<any>): Promise<void> {
  const pools = (await db.selectFrom('user_pools').select(['id', 'settings']).execute()) as { id: string; settings: string }[];
  for (const pool of pools) {
    const settings = aliasSettings(JSON.parse(pool.settings));
    if (!hasAliases(settings)) continue;
    let after: { created_at: number; id: string } | undefined;
    for (;;) {
      let q = db.selectFrom('users').select(['id', 'status', 'created_at']).where('pool_id', '=', pool.id).orderBy('created_at').orderBy('id').limit(500);
      if (after) {
        const { created_at, id } = after;
        q = q.where((eb) => eb.or([eb('created_at', '>', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '>', id)])]));
      }
      const users = (await q.execute()) as { id: string; status: string; created_at: number }[];
      if (users.length === 0) break;
      const attrs = (await db.selectFrom('user_attributes').select(['user_id', 'name', 'value']).where('user_id', 'in', users.map((u) => u.id)).execute()) as { user_id: string; name: string; value: string }[];
      for (const user of users) {
        const attributes = new Map(attrs.filter((a) => a.user_id === user.id).map((a) => [a.name, a.value]));
        await syncAliases(db, { poolId: pool.id, settings, sub: user.id, status: user.status, attributes, mode: 'yield', now: user.created_at });
      }
      after = users[users.length - 1];
    }
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date. Safe to run on every start and from several nodes at once. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export { sql };

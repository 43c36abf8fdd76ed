import { type Kysely, type Migration } from 'kysely';

export default {
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
} satisfies Migration;

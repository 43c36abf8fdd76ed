import { type Kysely, type Migration } from 'kysely';

export default {
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
} satisfies Migration;

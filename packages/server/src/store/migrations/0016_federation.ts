import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // A user pool's external identity providers (domain/federation/providers.ts): the provider's
    // name is its key within the pool (case-sensitive, as Cognito's). `details` holds the
    // ProviderDetails that are not secret, as JSON; `secrets_sealed` the secret ones
    // (client_secret, private_key) sealed with the at-rest key.
    await db.schema
      .createTable('identity_providers')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('name', 'varchar(32)', (c) => c.notNull())
      .addColumn('type', 'varchar(20)', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('secrets_sealed', 'text')
      .addColumn('attribute_mapping', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('identity_providers_pk', ['pool_id', 'name'])
      .execute();
    // IdpIdentifiers: one identifier names one provider of the pool (the primary key decides a race).
    await db.schema
      .createTable('identity_provider_identifiers')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull())
      .addColumn('identifier', 'varchar(40)', (c) => c.notNull())
      .addColumn('provider_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('identity_provider_identifiers_pk', ['pool_id', 'identifier'])
      .addForeignKeyConstraint('identity_provider_identifiers_provider', ['pool_id', 'provider_name'], 'identity_providers', ['pool_id', 'name'], (fk) => fk.onDelete('cascade'))
      .execute();
    await db.schema.createIndex('identity_provider_identifiers_provider').on('identity_provider_identifiers').columns(['pool_id', 'provider_name']).execute();
    // The identities of users at providers (domain/federation/links.ts): a federated user's own
    // (`Cognito_Subject` = the provider's subject), or one AdminLinkProviderForUser linked to a
    // native user (by subject or by another provider attribute). One identity names one user.
    await db.schema
      .createTable('provider_links')
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('provider_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('attribute_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('attribute_value', 'varchar(1024)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // a SAML identity's issuer (the IdP's entity ID), as the `identities` attribute names it; null otherwise
      .addColumn('issuer', 'varchar(1024)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('provider_links_pk', ['pool_id', 'provider_name', 'attribute_name', 'attribute_value'])
      .execute();
    await db.schema.createIndex('provider_links_user').on('provider_links').columns(['user_id', 'created_at']).execute();
    // Outbound requests toward a provider (domain/federation/requests.ts): single use, 10 minutes.
    // Only the SHA-256 of the request's id (the `state` / RelayState) is stored.
    await db.schema
      .createTable('federation_requests')
      .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('provider_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('return_query', 'text', (c) => c.notNull())
      .addColumn('nonce', 'varchar(128)', (c) => c.notNull())
      .addColumn('code_verifier', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('federation_requests_expiry').on('federation_requests').columns(['expires_at']).execute();
  },
} satisfies Migration;

/**
 * The tables of the areas added after the core (federation, threat protection, replicas, rate
 * limits, scale, console, Sync), each typed in a schema-<area>.ts of its own; schema.ts's Database
 * extends this.
 */
import type { IdentityProvidersTable, IdentityProviderIdentifiersTable, ProviderLinksTable, FederationRequestsTable, SamlKeysTable, SamlSpentAssertionsTable, SamlSessionsTable } from './schema-federation.js';
import type { RiskConfigurationsTable, AuthEventsTable, LogDeliveryConfigurationsTable } from './schema-threat-protection.js';
export type * from './schema-federation.js';
export type * from './schema-threat-protection.js';
import type { UserPoolReplicasTable } from './schema-replicas.js';
export type * from './schema-replicas.js';
import type { ProvisionedLimitsTable, RateLimitCountsTable } from './schema-rate-limits.js';
export type * from './schema-rate-limits.js';
import type { RunnerLeasesTable } from './schema-scale.js';
export type * from './schema-scale.js';
import type { TriggerInvocationsTable } from './schema-console-ops.js';
export type * from './schema-console-ops.js';
import type { ConsoleUsersTable, ConsoleSessionsTable, ConsoleSignInAttemptsTable, ConsoleAuditTable } from './schema-console.js';
export type * from './schema-console.js';
import type { SyncDatasetsTable, SyncRecordsTable, SyncPoolUsageTable } from './schema-sync.js';
export type * from './schema-sync.js';
import type { SyncPoolSettingsTable, SyncDevicesTable, SyncSubscriptionsTable, SyncBulkPublishTable } from './schema-sync-extras.js';
export type * from './schema-sync-extras.js';

export interface AreaTables {
  sync_pool_settings: SyncPoolSettingsTable;
  sync_devices: SyncDevicesTable;
  sync_subscriptions: SyncSubscriptionsTable;
  sync_bulk_publish: SyncBulkPublishTable;
  provisioned_limits: ProvisionedLimitsTable;
  rate_limit_counts: RateLimitCountsTable;
  identity_providers: IdentityProvidersTable;
  identity_provider_identifiers: IdentityProviderIdentifiersTable;
  provider_links: ProviderLinksTable;
  federation_requests: FederationRequestsTable;
  saml_keys: SamlKeysTable;
  saml_spent_assertions: SamlSpentAssertionsTable;
  saml_sessions: SamlSessionsTable;
  risk_configurations: RiskConfigurationsTable;
  auth_events: AuthEventsTable;
  log_delivery_configurations: LogDeliveryConfigurationsTable;
  user_pool_replicas: UserPoolReplicasTable;
  runner_leases: RunnerLeasesTable;
  trigger_invocations: TriggerInvocationsTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  console_sign_in_attempts: ConsoleSignInAttemptsTable;
  console_audit: ConsoleAuditTable;
  sync_datasets: SyncDatasetsTable;
  sync_records: SyncRecordsTable;
  sync_pool_usage: SyncPoolUsageTable;
}

/**
 * Schema migrations, in code so the compiled server carries them. Forward-only: each runs once,
 * in name order, inside Kysely's migrator (which locks against concurrent nodes).
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import m0001_foundation from './migrations/0001_foundation.js';
import m0002_groups from './migrations/0002_groups.js';
import m0002_pending_attribute_updates from './migrations/0002_pending_attribute_updates.js';
import m0003_temporary_passwords from './migrations/0003_temporary_passwords.js';
import m0004_user_import from './migrations/0004_user_import.js';
import m0005_aliases from './migrations/0005_aliases.js';
import m0005_username_nfc from './migrations/0005_username_nfc.js';
import m0005_password_history from './migrations/0005_password_history.js';
import m0006_import_job_leases from './migrations/0006_import_job_leases.js';
import m0006_identity_pools from './migrations/0006_identity_pools.js';
import m0006_mfa from './migrations/0006_mfa.js';
import m0006_devices from './migrations/0006_devices.js';
import m0007_spent_sessions from './migrations/0007_spent_sessions.js';
import m0008_lockout_decoys from './migrations/0008_lockout_decoys.js';
import m0009_recovery_requests from './migrations/0009_recovery_requests.js';
import m0010_user_pool_domains from './migrations/0010_user_pool_domains.js';
import m0011_oauth_admin from './migrations/0011_oauth_admin.js';
import m0012_oauth_grants from './migrations/0012_oauth_grants.js';
import m0013_hosted_sessions from './migrations/0013_hosted_sessions.js';
import m0015_webauthn from './migrations/0015_webauthn.js';
import m0016_federation from './migrations/0016_federation.js';
import m0017_saml from './migrations/0017_saml.js';
import m0020_webauthn_mfa from './migrations/0020_webauthn_mfa.js';
import m0021_api_surface from './migrations/0021_api_surface.js';
import m0022_threat_protection from './migrations/0022_threat_protection.js';
import m0023_rate_limits from './migrations/0023_rate_limits.js';
import m0024_replicas from './migrations/0024_replicas.js';
import m0025_threat_protection_more from './migrations/0025_threat_protection_more.js';
import m0026_scale from './migrations/0026_scale.js';
import m0027_console from './migrations/0027_console.js';
import m0028_console_ops from './migrations/0028_console_ops.js';
import m0030_sync from './migrations/0030_sync.js';
import m0031_sync_extras from './migrations/0031_sync_extras.js';
import m0032_inline_attributes from './migrations/0032_inline_attributes.js';

/** Every migration by name (one file each in migrations/); Kysely runs them in name order. */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001_foundation,
  '0002_groups': m0002_groups,
  '0002_pending_attribute_updates': m0002_pending_attribute_updates,
  '0003_temporary_passwords': m0003_temporary_passwords,
  '0004_user_import': m0004_user_import,
  '0005_aliases': m0005_aliases,
  '0005_username_nfc': m0005_username_nfc,
  '0005_password_history': m0005_password_history,
  '0006_import_job_leases': m0006_import_job_leases,
  '0006_identity_pools': m0006_identity_pools,
  '0006_mfa': m0006_mfa,
  '0006_devices': m0006_devices,
  '0007_spent_sessions': m0007_spent_sessions,
  '0008_lockout_decoys': m0008_lockout_decoys,
  '0009_recovery_requests': m0009_recovery_requests,
  '0010_user_pool_domains': m0010_user_pool_domains,
  '0011_oauth_admin': m0011_oauth_admin,
  '0012_oauth_grants': m0012_oauth_grants,
  '0013_hosted_sessions': m0013_hosted_sessions,
  '0015_webauthn': m0015_webauthn,
  '0016_federation': m0016_federation,
  '0017_saml': m0017_saml,
  '0020_webauthn_mfa': m0020_webauthn_mfa,
  '0021_api_surface': m0021_api_surface,
  '0022_threat_protection': m0022_threat_protection,
  '0023_rate_limits': m0023_rate_limits,
  '0024_replicas': m0024_replicas,
  '0025_threat_protection_more': m0025_threat_protection_more,
  '0026_scale': m0026_scale,
  '0027_console': m0027_console,
  '0028_console_ops': m0028_console_ops,
  '0030_sync': m0030_sync,
  '0031_sync_extras': m0031_sync_extras,
  '0032_inline_attributes': m0032_inline_attributes,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date. Safe to run on every start and from several nodes at once. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Runs the migrations up to and including `name` (tests of a migration against data written before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

export { sql };

/**
 * The administrative operations on user pools and app clients that the API actions
 * (actions/CreateUserPool.ts …) and the `cognate` command (cli.ts) share, so both apply the same
 * rules: CreateUserPool's checks, a pool stored together with its first signing key, a client
 * checked against its pool's schema.
 */
import type { Cognate } from './cognate.js';
import { assertMfaConfigurable } from './mfa.js';
import { checkCustomSenders } from '../triggers/custom-senders.js';
import { checkAttributePermissions, type AppClient, type ClientInput } from './app-clients.js';
import { assertNoImportRunning } from './import-jobs.js';
import { checkOAuthSettings } from './oauth/client-settings.js';
import type { CreateInput, SchemaAttribute, UserPool } from './user-pools.js';
import { assertPoolTierFeatures } from './user-auth-factors.js';
import { assertThreatProtectionTier } from './threat-protection/risk-configuration.js';
import { forgetReplicas, replicasOf, type Replica } from './replicas/replicas.js';
import { errors } from '../errors.js';

/**
 * CreateUserPool: checks the settings (settingsFromInput, the MFA and custom-sender rules), then
 * stores the pool and its first signing key in one transaction, so no pool exists without a key.
 * `options.id`: a fixed pool ID (a seed file's or an imported pool's; devflow/), else a new one.
 */
export async function createUserPool(cognate: Pick<Cognate, 'config' | 'clock' | 'store' | 'pools' | 'keys'>, input: CreateInput, options: { id?: string } = {}): Promise<UserPool> {
  assertMfaConfigurable(input);
  checkIssuerConfiguration(input, []);
  checkCustomSenders(cognate.config, input.LambdaConfig);
  const now = cognate.clock.now();
  const pool = cognate.pools.build(input, now, options.id);
  assertPoolTierFeatures(cognate, pool.settings.UserPoolTier, pool.settings.Policies.SignInPolicy?.AllowedFirstAuthFactors);
  assertThreatProtectionTier(cognate, pool.settings.UserPoolTier, pool.settings.UserPoolAddOns);
  const key = await cognate.keys.generate(pool.id, now);
  await cognate.store.transaction(async (trx) => {
    await cognate.pools.insert(trx, pool);
    await cognate.keys.add(trx, key);
  });
  return pool;
}

/**
 * IssuerConfiguration names its Type; a replicated pool keeps the multi-Region issuer (UPDATED):
 * its secondaries' tokens must verify under one issuer (docs/replicas.md).
 */
function checkIssuerConfiguration(input: Partial<CreateInput>, replicas: readonly Replica[]): void {
  const issuer = input.IssuerConfiguration;
  if (issuer === undefined) return;
  if (issuer.Type === undefined) throw errors.invalidParameter('IssuerConfiguration.Type is required: ORIGINAL or UPDATED.');
  if (issuer.Type === 'ORIGINAL' && replicas.length > 0) {
    throw errors.invalidParameter(`The user pool has replicas in ${replicas.map((r) => r.region).join(', ')}: it must keep the multi-Region issuer (UPDATED) while it has any.`);
  }
}

/** UpdateUserPool: the same MFA and custom-sender rules as CreateUserPool, against the pool as it is. */
export async function updateUserPool(cognate: Pick<Cognate, 'config' | 'clock' | 'pools' | 'store'>, input: Partial<CreateInput> & { UserPoolId: string }): Promise<UserPool> {
  const previous = await cognate.pools.get(input.UserPoolId);
  assertMfaConfigurable(input, previous);
  checkIssuerConfiguration(input, await replicasOf(cognate, previous.id));
  assertPoolTierFeatures(cognate, input.UserPoolTier ?? previous.settings.UserPoolTier, (input.Policies?.SignInPolicy ?? previous.settings.Policies.SignInPolicy)?.AllowedFirstAuthFactors);
  assertThreatProtectionTier(cognate, input.UserPoolTier ?? previous.settings.UserPoolTier, input.UserPoolAddOns ?? previous.settings.UserPoolAddOns);
  checkCustomSenders(cognate.config, input.LambdaConfig);
  return cognate.pools.update(input.UserPoolId, input, cognate.clock.now());
}

/**
 * AddCustomAttributes: refused while an import job of the pool runs (it checks its rows against
 * the schema it started with), then added by compare-and-set (UserPools.addCustomAttributes).
 */
export async function addCustomAttributes(cognate: Pick<Cognate, 'clock' | 'pools' | 'store'>, poolId: string, attributes: readonly Partial<SchemaAttribute>[]): Promise<UserPool> {
  await assertNoImportRunning(cognate, poolId);
  return cognate.pools.addCustomAttributes(poolId, attributes, cognate.clock.now());
}

/** DeleteUserPool: the pool with everything in it; its keys leave this node's memory at once. */
export async function deleteUserPool(cognate: Pick<Cognate, 'pools' | 'keys' | 'store'>, poolId: string): Promise<void> {
  await cognate.pools.delete(poolId);
  cognate.keys.forget(poolId);
  forgetReplicas(cognate, poolId);
}

/**
 * CreateUserPoolClient: the pool must exist, the client's attribute permissions fit its schema, and
 * its OAuth settings pass Cognito's checks (oauth/client-settings.ts). `options.id`: a fixed client
 * ID (a seed file's or an imported client's; devflow/), else a new one.
 */
export async function createAppClient(cognate: Pick<Cognate, 'clock' | 'pools' | 'clients' | 'store'>, input: ClientInput & { UserPoolId: string }, options: { id?: string } = {}): Promise<AppClient> {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkAttributePermissions(pool, input, 'creating');
  await checkOAuthSettings(cognate, pool, input, input.GenerateSecret === true || input.ClientSecret !== undefined);
  return cognate.clients.create(pool.id, input, cognate.clock.now(), options.id);
}

/** UpdateUserPoolClient: as CreateUserPoolClient's checks, for a client of the pool. */
export async function updateAppClient(cognate: Pick<Cognate, 'clock' | 'pools' | 'clients' | 'store'>, input: ClientInput & { UserPoolId: string; ClientId: string }): Promise<AppClient> {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkAttributePermissions(pool, input, 'updating');
  const client = await cognate.clients.get(pool.id, input.ClientId);
  await checkOAuthSettings(cognate, pool, input, client.secret !== undefined);
  return cognate.clients.update(pool.id, input.ClientId, input, cognate.clock.now());
}

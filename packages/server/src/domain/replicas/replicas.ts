/**
 * User-pool replicas (CreateUserPoolReplica, DeleteUserPoolReplica, ListUserPoolReplicas,
 * UpdateUserPoolReplica) as a self-hosted deployment means them (docs/replicas.md): a pool's
 * primary region is its ID's prefix; a secondary is another region the same database serves the
 * pool in, under the rules of Cognito's multi-Region replication (serving-region.ts). There is one
 * user directory and one configuration, so nothing is copied: a secondary is a row naming its
 * region, status and tags.
 *
 * Cognito's rules kept here: a new secondary starts INACTIVE; a pool has at most one secondary
 * (LimitExceededException); replication needs the multi-Region issuer (IssuerConfiguration.Type
 * UPDATED); only an INACTIVE secondary can be deleted; the primary is always PRIMARY and ACTIVE.
 */
import { CognitoError, errors } from '../../errors.js';
import * as replicaStore from '../../store/user-pool-replicas.js';
import type { UserPoolReplicaRow } from '../../store/user-pool-replicas.js';
import type { Store } from '../../store/db.js';
import { ACCOUNT_ID } from '../account.js';
import { TtlCache } from '../cache.js';
import type { Ports } from '../cognate.js';
import { CONFIG_CACHE_MS, checkUserPoolTags, type UserPool } from '../user-pools.js';

export type ReplicaStatus = 'ACTIVE' | 'INACTIVE';

/** A pool's secondary. */
export interface Replica {
  region: string;
  status: ReplicaStatus;
  tags: Record<string, string>;
}

/** UserPoolReplicaType, as the four actions answer it. */
export interface UserPoolReplicaType {
  RegionName: string;
  Status: 'ACTIVE' | 'INACTIVE' | 'DELETING';
  Role: 'PRIMARY' | 'SECONDARY';
  UserPoolArn: string;
}

/** Cognito allows one secondary per user directory (developer guide, "Limitations of multi-Region replication"). */
export const MAX_SECONDARIES = 1;

/** A region name as the pool IDs and the --region option spell them. */
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** The pool's primary region: its ID's prefix. */
export function primaryRegion(poolId: string): string {
  return poolId.slice(0, poolId.indexOf('_'));
}

/** The pool's ARN in `region` (the primary's, or a replica's). */
export function userPoolArnIn(poolId: string, region: string): string {
  return `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:userpool/${poolId}`;
}

function rowToReplica(row: UserPoolReplicaRow): Replica {
  return { region: row.region, status: row.status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE', tags: JSON.parse(row.tags) as Record<string, string> };
}

/**
 * Each store's cache of pools' secondaries, read on every user-pools API call that names a pool
 * (serving-region.ts): a change through this node is seen at once, one made on another node within
 * CONFIG_CACHE_MS, the bound of every pool setting.
 */
const caches = new WeakMap<Store, TtlCache<Replica[]>>();

function cacheOf(store: Store): TtlCache<Replica[]> {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new TtlCache<Replica[]>(CONFIG_CACHE_MS)));
  return cache;
}

/** The pool's secondaries (none for most pools), cached. */
export async function replicasOf(cognate: Ports<'store'>, poolId: string): Promise<Replica[]> {
  return cacheOf(cognate.store).get(poolId, async () => (await replicaStore.listReplicaRows(cognate.store.db, poolId)).map(rowToReplica));
}

/** The secondaries of several pools (ListUserPools' page), read at once. */
export async function replicasOfPools(cognate: Ports<'store'>, poolIds: readonly string[]): Promise<Map<string, Replica[]>> {
  const out = new Map<string, Replica[]>(poolIds.map((id) => [id, []]));
  for (const row of await replicaStore.listReplicaRowsOfPools(cognate.store.db, poolIds)) out.get(row.pool_id)?.push(rowToReplica(row));
  return out;
}

/** Whether a pool is served as `region`: everywhere while it has no secondary, else in its primary and secondary regions. */
export function servedIn(poolId: string, replicas: readonly Replica[], region: string): boolean {
  return replicas.length === 0 || region === primaryRegion(poolId) || replicas.some((r) => r.region === region);
}

function primaryType(poolId: string): UserPoolReplicaType {
  const region = primaryRegion(poolId);
  return { RegionName: region, Status: 'ACTIVE', Role: 'PRIMARY', UserPoolArn: userPoolArnIn(poolId, region) };
}

function secondaryType(poolId: string, replica: Pick<Replica, 'region'>, status: UserPoolReplicaType['Status']): UserPoolReplicaType {
  return { RegionName: replica.region, Status: status, Role: 'SECONDARY', UserPoolArn: userPoolArnIn(poolId, replica.region) };
}

function checkRegionName(region: string): void {
  if (!REGION.test(region)) throw errors.invalidParameter(`Invalid RegionName: ${region.slice(0, 32)} is not a region name.`);
}

const replicaNotFound = (poolId: string, region: string) => errors.resourceNotFound(`Replica of user pool ${poolId} in region ${region} does not exist.`);

/** Whether the pool issues multi-Region (UPDATED) issuer tokens. */
export function hasMultiRegionIssuer(pool: UserPool): boolean {
  return pool.settings.IssuerConfiguration?.Type === 'UPDATED';
}

/** CreateUserPoolReplica: a new INACTIVE secondary in `RegionName`. */
export async function createUserPoolReplica(
  cognate: Ports<'store' | 'pools' | 'clock' | 'config'>,
  input: { UserPoolId: string; RegionName: string; UserPoolTags?: Record<string, string> },
): Promise<UserPoolReplicaType> {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkRegionName(input.RegionName);
  if (input.RegionName === primaryRegion(pool.id)) throw errors.invalidParameter(`User pool ${pool.id} is already in region ${input.RegionName}: a replica must be in another region.`);
  // Cognito: multi-Region replication needs the Essentials or Plus feature plan.
  if (cognate.config.tierGating && pool.settings.UserPoolTier === 'LITE') {
    throw new CognitoError('FeatureUnavailableInTierException', 'Multi-Region replication is not available in the LITE feature plan; use ESSENTIALS or PLUS.');
  }
  // Tokens must keep verifying whichever region issued them: Cognito asks for the multi-Region issuer first.
  if (!hasMultiRegionIssuer(pool)) {
    throw new CognitoError('OperationNotEnabledException', `User pool ${pool.id} must use the multi-Region issuer (IssuerConfiguration Type UPDATED) before it can be replicated.`);
  }
  const tags = input.UserPoolTags ?? {};
  checkUserPoolTags(tags);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    if (!(await replicaStore.lockPoolForReplicas(trx, pool.id))) throw errors.resourceNotFound(`User pool ${pool.id} does not exist.`);
    const existing = await replicaStore.listReplicaRows(trx, pool.id);
    if (existing.some((r) => r.region === input.RegionName)) throw errors.invalidParameter(`User pool ${pool.id} already has a replica in region ${input.RegionName}.`);
    if (existing.length >= MAX_SECONDARIES) throw errors.limitExceeded(`User pool ${pool.id} already has a replica: a user pool can have at most ${MAX_SECONDARIES} secondary replica.`);
    await replicaStore.insertReplicaRow(trx, { pool_id: pool.id, region: input.RegionName, status: 'INACTIVE', tags: JSON.stringify(tags), created_at: now, updated_at: now });
  });
  cacheOf(cognate.store).delete(pool.id);
  return secondaryType(pool.id, { region: input.RegionName }, 'INACTIVE');
}

/** DeleteUserPoolReplica: removes an INACTIVE secondary at once (its answer says DELETING, as Cognito's does while it works). */
export async function deleteUserPoolReplica(cognate: Ports<'store' | 'pools'>, input: { UserPoolId: string; RegionName: string }): Promise<UserPoolReplicaType> {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkRegionName(input.RegionName);
  if (input.RegionName === primaryRegion(pool.id)) throw errors.invalidParameter(`The primary region ${input.RegionName} of user pool ${pool.id} can't be deleted as a replica; delete the user pool instead.`);
  const replica = (await replicaStore.listReplicaRows(cognate.store.db, pool.id)).find((r) => r.region === input.RegionName);
  if (!replica) throw replicaNotFound(pool.id, input.RegionName);
  if (!(await replicaStore.deleteReplicaRow(cognate.store.db, pool.id, input.RegionName, 'INACTIVE'))) {
    throw errors.invalidParameter(`The replica of user pool ${pool.id} in region ${input.RegionName} is ACTIVE: only an INACTIVE replica can be deleted; deactivate it first.`);
  }
  cacheOf(cognate.store).delete(pool.id);
  return secondaryType(pool.id, replica, 'DELETING');
}

/** UpdateUserPoolReplica: activates or deactivates a secondary (the primary's status can't change). */
export async function updateUserPoolReplica(cognate: Ports<'store' | 'pools' | 'clock'>, input: { UserPoolId: string; RegionName: string; Status: ReplicaStatus }): Promise<UserPoolReplicaType> {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkRegionName(input.RegionName);
  if (input.RegionName === primaryRegion(pool.id)) throw errors.invalidParameter(`Region ${input.RegionName} is the primary of user pool ${pool.id}: only a secondary replica's status can change.`);
  if (!(await replicaStore.updateReplicaStatus(cognate.store.db, pool.id, input.RegionName, input.Status, cognate.clock.now()))) throw replicaNotFound(pool.id, input.RegionName);
  cacheOf(cognate.store).delete(pool.id);
  return secondaryType(pool.id, { region: input.RegionName }, input.Status);
}

/** ListUserPoolReplicas: the primary (PRIMARY, ACTIVE), then the secondaries; never more than a page. */
export async function listUserPoolReplicas(cognate: Ports<'store' | 'pools'>, poolId: string): Promise<UserPoolReplicaType[]> {
  const pool = await cognate.pools.get(poolId);
  const rows = await replicaStore.listReplicaRows(cognate.store.db, pool.id);
  return [primaryType(pool.id), ...rows.map((row) => secondaryType(pool.id, row, rowToReplica(row).status))];
}

/** The replica of `poolId` in `region`, read fresh (tags are changed by compare-and-set on it). */
export async function findReplica(cognate: Ports<'store'>, poolId: string, region: string): Promise<Replica | undefined> {
  const row = (await replicaStore.listReplicaRows(cognate.store.db, poolId)).find((r) => r.region === region);
  return row ? rowToReplica(row) : undefined;
}

/** Rewrites a replica's tags with `change(current)` (compare-and-set, so concurrent tag calls can't lose each other's keys). */
export async function changeReplicaTags(cognate: Ports<'store' | 'clock'>, poolId: string, region: string, change: (tags: Record<string, string>) => Record<string, string>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const row = (await replicaStore.listReplicaRows(cognate.store.db, poolId)).find((r) => r.region === region);
    if (!row) throw errors.resourceNotFound(`User pool ${poolId} does not exist.`);
    const next = change(JSON.parse(row.tags) as Record<string, string>);
    if (await replicaStore.updateReplicaTags(cognate.store.db, poolId, region, JSON.stringify(next), row.tags, cognate.clock.now())) break;
    if (attempt >= 10) throw new CognitoError('ConcurrentModificationException', 'The user pool was modified concurrently; try again.');
  }
  cacheOf(cognate.store).delete(poolId);
}

/** Forgets what this node cached about the pool's replicas (DeleteUserPool). */
export function forgetReplicas(cognate: Ports<'store'>, poolId: string): void {
  cacheOf(cognate.store).delete(poolId);
}

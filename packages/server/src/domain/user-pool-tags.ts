/**
 * Tags of user pools (TagResource, UntagResource, ListTagsForResource): the same tags as
 * CreateUserPool's and UpdateUserPool's `UserPoolTags` and DescribeUserPool's, kept in the pool's
 * settings and changed by compare-and-set, so concurrent tag calls can't lose each other's keys.
 * A pool is named by its ARN, `arn:aws:cognito-idp:<region>:<account>:userpool/<id>`, as
 * DescribeUserPool's `Arn` gives it (actions/shapes.ts); a replica's ARN names its region, and its
 * tags are its own (CreateUserPoolReplica's `UserPoolTags`).
 */
import { errors } from '../errors.js';
import { ACCOUNT_ID } from './account.js';
import type { Ports } from './cognate.js';
import { checkUserPoolTags, type UserPool } from './user-pools.js';
import { changeReplicaTags, findReplica } from './replicas/replicas.js';

const USER_POOL_ARN = /^arn:([\w-]+):cognito-idp:([a-z0-9-]+):([0-9]{12}):userpool\/(([\w-]+)_[0-9a-zA-Z]+)$/;

export function userPoolArn(pool: UserPool): string {
  const region = pool.id.slice(0, pool.id.indexOf('_'));
  return `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:userpool/${pool.id}`;
}

/** What a user-pool ARN names: the pool, and the secondary replica when the ARN is in a replica's region. */
export interface TaggedResource {
  pool: UserPool;
  replicaRegion?: string;
}

/**
 * The pool (or replica: docs/replicas.md) an ARN names. Something that isn't a user-pool ARN is an
 * InvalidParameterException; a user-pool ARN of another account or partition, of a region that is
 * neither the pool's primary nor one of its replicas', or of a pool that doesn't exist, is
 * Cognito's ResourceNotFoundException.
 */
export async function resourceOfArn(cognate: Ports<'pools' | 'store'>, arn: string): Promise<TaggedResource> {
  const m = USER_POOL_ARN.exec(arn);
  if (!m) throw errors.invalidParameter(`Invalid ARN: ${arn.slice(0, 256)} is not a user pool ARN.`);
  const [, partition, region, account, poolId, poolRegion] = m;
  const notFound = () => errors.resourceNotFound(`User pool ${poolId} does not exist.`);
  if (partition !== 'aws' || account !== ACCOUNT_ID) throw notFound();
  const pool = await cognate.pools.find(poolId!);
  if (!pool) throw notFound();
  if (region === poolRegion) return { pool };
  if (!(await findReplica(cognate, pool.id, region!))) throw notFound();
  return { pool, replicaRegion: region! };
}

/** TagResource: adds or replaces the given keys; the result must still be within Cognito's limits. */
export async function tagUserPool(cognate: Ports<'pools' | 'clock' | 'store'>, arn: string, tags: Record<string, string>): Promise<void> {
  const { pool, replicaRegion } = await resourceOfArn(cognate, arn);
  checkUserPoolTags(tags);
  const merge = (current: Record<string, string>) => {
    const merged = { ...current, ...tags };
    checkUserPoolTags(merged);
    return merged;
  };
  if (replicaRegion) return changeReplicaTags(cognate, pool.id, replicaRegion, merge);
  await cognate.pools.changeSettings(pool.id, (settings) => ({ ...settings, UserPoolTags: merge(settings.UserPoolTags ?? {}) }), cognate.clock.now());
}

/** UntagResource: removes the given keys; a key the pool doesn't have is no error (as Cognito). */
export async function untagUserPool(cognate: Ports<'pools' | 'clock' | 'store'>, arn: string, keys: readonly string[]): Promise<void> {
  const { pool, replicaRegion } = await resourceOfArn(cognate, arn);
  const remove = (current: Record<string, string>) => {
    const left = { ...current };
    for (const key of keys) delete left[key];
    return left;
  };
  if (replicaRegion) return changeReplicaTags(cognate, pool.id, replicaRegion, remove);
  await cognate.pools.changeSettings(pool.id, (settings) => ({ ...settings, UserPoolTags: remove(settings.UserPoolTags ?? {}) }), cognate.clock.now());
}

/** ListTagsForResource: the pool's (or the replica's) tags (an empty map when it has none). */
export async function listUserPoolTags(cognate: Ports<'pools' | 'store'>, arn: string): Promise<Record<string, string>> {
  const { pool, replicaRegion } = await resourceOfArn(cognate, arn);
  if (replicaRegion) return { ...((await findReplica(cognate, pool.id, replicaRegion))?.tags ?? {}) };
  return { ...(pool.settings.UserPoolTags ?? {}) };
}

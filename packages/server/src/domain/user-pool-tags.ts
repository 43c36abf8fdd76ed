/**
 * Tags of user pools (TagResource, UntagResource, ListTagsForResource): the same tags as
 * CreateUserPool's and UpdateUserPool's `UserPoolTags` and DescribeUserPool's, kept in the pool's
 * settings and changed by compare-and-set, so concurrent tag calls can't lose each other's keys.
 * A pool is named by its ARN, `arn:aws:cognito-idp:<region>:<account>:userpool/<id>`, as
 * DescribeUserPool's `Arn` gives it (actions/shapes.ts).
 */
import { errors } from '../errors.js';
import { ACCOUNT_ID } from './account.js';
import type { Ports } from './cognate.js';
import { checkUserPoolTags, type UserPool } from './user-pools.js';

const USER_POOL_ARN = /^arn:([\w-]+):cognito-idp:([a-z0-9-]+):([0-9]{12}):userpool\/(([\w-]+)_[0-9a-zA-Z]+)$/;

export function userPoolArn(pool: UserPool): string {
  const region = pool.id.slice(0, pool.id.indexOf('_'));
  return `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:userpool/${pool.id}`;
}

/**
 * The pool an ARN names. Something that isn't a user-pool ARN is an InvalidParameterException; a
 * user-pool ARN of another account, region or partition, or of a pool that doesn't exist, is
 * Cognito's ResourceNotFoundException.
 */
export async function poolOfArn(cognate: Ports<'pools'>, arn: string): Promise<UserPool> {
  const m = USER_POOL_ARN.exec(arn);
  if (!m) throw errors.invalidParameter(`Invalid ARN: ${arn.slice(0, 256)} is not a user pool ARN.`);
  const [, partition, region, account, poolId, poolRegion] = m;
  const notFound = () => errors.resourceNotFound(`User pool ${poolId} does not exist.`);
  if (partition !== 'aws' || account !== ACCOUNT_ID || region !== poolRegion) throw notFound();
  const pool = await cognate.pools.find(poolId!);
  if (!pool) throw notFound();
  return pool;
}

/** TagResource: adds or replaces the given keys; the result must still be within Cognito's limits. */
export async function tagUserPool(cognate: Ports<'pools' | 'clock'>, arn: string, tags: Record<string, string>): Promise<void> {
  const pool = await poolOfArn(cognate, arn);
  checkUserPoolTags(tags);
  await cognate.pools.changeSettings(pool.id, (settings) => {
    const merged = { ...(settings.UserPoolTags ?? {}), ...tags };
    checkUserPoolTags(merged);
    return { ...settings, UserPoolTags: merged };
  }, cognate.clock.now());
}

/** UntagResource: removes the given keys; a key the pool doesn't have is no error (as Cognito). */
export async function untagUserPool(cognate: Ports<'pools' | 'clock'>, arn: string, keys: readonly string[]): Promise<void> {
  const pool = await poolOfArn(cognate, arn);
  await cognate.pools.changeSettings(pool.id, (settings) => {
    const left = { ...(settings.UserPoolTags ?? {}) };
    for (const key of keys) delete left[key];
    return { ...settings, UserPoolTags: left };
  }, cognate.clock.now());
}

/** ListTagsForResource: the pool's tags (an empty map when it has none). */
export async function listUserPoolTags(cognate: Ports<'pools'>, arn: string): Promise<Record<string, string>> {
  const pool = await poolOfArn(cognate, arn);
  return { ...(pool.settings.UserPoolTags ?? {}) };
}

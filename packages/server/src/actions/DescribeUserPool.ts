import { action } from './action.js';
import { userPoolType } from './shapes.js';
import { poolDomainFields } from '../domain/user-pool-domains.js';

export default action(async (cognate, input: { UserPoolId: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  return { UserPool: { ...userPoolType(pool, await cognate.pools.countUsers(pool.id)), ...(await poolDomainFields(cognate, pool.id)) } };
});

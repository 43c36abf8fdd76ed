import { action } from './action.js';
import { userPoolType } from './shapes.js';
import { poolDomainFields } from '../domain/user-pool-domains.js';
import { replicasOf } from '../domain/replicas/replicas.js';

export default action(async (cognate, input: { UserPoolId: string }, request) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  // Served as a secondary's region, the pool is that replica: its ARN and its tags (docs/replicas.md).
  const replica = request.region === undefined ? undefined : (await replicasOf(cognate, pool.id)).find((r) => r.region === request.region);
  return { UserPool: { ...userPoolType(pool, await cognate.pools.countUsers(pool.id), replica), ...(await poolDomainFields(cognate, pool.id)) } };
});

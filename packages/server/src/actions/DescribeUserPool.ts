import { action } from './action.js';
import { userPoolType } from './shapes.js';

export default action(async (cognate, input: { UserPoolId: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  return { UserPool: userPoolType(pool, await cognate.pools.countUsers(pool.id)) };
});

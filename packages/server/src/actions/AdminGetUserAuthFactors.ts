import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { userAuthFactors } from '../domain/user-auth-factors.js';

/** AdminGetUserAuthFactors: GetUserAuthFactors for any user of the pool, by name. */
export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const user = await adminUser(cognate, pool, input.Username);
  return userAuthFactors(cognate, pool, user);
});

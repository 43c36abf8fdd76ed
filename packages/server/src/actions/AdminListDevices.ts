import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { listDevices } from '../domain/devices.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; Limit?: number; PaginationToken?: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const user = await adminUser(cognate, pool, input.Username);
  return listDevices(cognate, pool, user, input.Limit, input.PaginationToken);
});

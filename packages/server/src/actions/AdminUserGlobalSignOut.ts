import { action } from './action.js';
import { adminUser, adminUserGlobalSignOut } from '../domain/admin-users.js';
import { unrememberAll } from '../domain/devices.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  await adminUserGlobalSignOut(cognate, input);
  // Remembered devices no longer skip MFA after a global sign-out (security.md P25).
  const pool = await cognate.pools.get(input.UserPoolId);
  await unrememberAll(cognate, (await adminUser(cognate, pool, input.Username)).sub);
  return {};
});

import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { forgetDevice } from '../domain/devices.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; DeviceKey: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  await forgetDevice(cognate, await adminUser(cognate, pool, input.Username), input.DeviceKey);
  return {};
});

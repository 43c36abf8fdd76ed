import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { updateDeviceStatus } from '../domain/devices.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; DeviceKey: string; DeviceRememberedStatus?: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  await updateDeviceStatus(cognate, await adminUser(cognate, pool, input.Username), input.DeviceKey, input.DeviceRememberedStatus);
  return {};
});

import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { deviceType, userDevice } from '../domain/devices.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; DeviceKey: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const user = await adminUser(cognate, pool, input.Username);
  return { Device: deviceType(await userDevice(cognate, user, input.DeviceKey)) };
});

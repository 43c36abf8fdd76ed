import { action } from './action.js';
import { updateDeviceStatus } from '../domain/devices.js';

export default action(async (cognate, input: { AccessToken: string; DeviceKey: string; DeviceRememberedStatus?: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await updateDeviceStatus(cognate, user, input.DeviceKey, input.DeviceRememberedStatus);
  return {};
});

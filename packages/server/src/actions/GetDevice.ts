import { action } from './action.js';
import { deviceType, requireAccessToken, userDevice } from '../domain/devices.js';

export default action(async (cognate, input: { AccessToken?: string; DeviceKey: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(requireAccessToken(input.AccessToken));
  return { Device: deviceType(await userDevice(cognate, user, input.DeviceKey)) };
});

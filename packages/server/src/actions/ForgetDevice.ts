import { action } from './action.js';
import { forgetDevice, requireAccessToken } from '../domain/devices.js';

export default action(async (cognate, input: { AccessToken?: string; DeviceKey: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(requireAccessToken(input.AccessToken));
  await forgetDevice(cognate, user, input.DeviceKey);
  return {};
});

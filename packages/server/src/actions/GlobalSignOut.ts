import { action } from './action.js';
import { unrememberAll } from '../domain/devices.js';

export default action(async (cognate, input: { AccessToken: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await cognate.tokens.revokeAllForUser(user.sub);
  await unrememberAll(cognate, user.sub);
  return {};
});

import { action } from './action.js';
import { listDevices } from '../domain/devices.js';

export default action(async (cognate, input: { AccessToken: string; Limit?: number; PaginationToken?: string }) => {
  const { pool, user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  return listDevices(cognate, pool, user, input.Limit, input.PaginationToken);
});

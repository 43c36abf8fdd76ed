import { action } from './action.js';
import { userPoolClientType } from './shapes.js';

export default action(async (cognate, input: { UserPoolId: string; ClientId: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  return { UserPoolClient: userPoolClientType(await cognate.clients.get(pool.id, input.ClientId)) };
});

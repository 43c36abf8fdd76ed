import { action } from './action.js';
import { userPoolClientType } from './shapes.js';

export default action(async (cognate, input: any) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.update(pool.id, input.ClientId, input, cognate.clock.now());
  return { UserPoolClient: userPoolClientType(client) };
});

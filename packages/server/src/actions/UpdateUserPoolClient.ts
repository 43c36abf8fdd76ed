import { action } from './action.js';
import { userPoolClientType } from './shapes.js';
import { checkAttributePermissions } from '../domain/app-clients.js';

export default action(async (cognate, input: any) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkAttributePermissions(pool, input, 'updating');
  const client = await cognate.clients.update(pool.id, input.ClientId, input, cognate.clock.now());
  return { UserPoolClient: userPoolClientType(client) };
});

import { action } from './action.js';
import { userPoolClientType } from './shapes.js';
import { checkAttributePermissions } from '../domain/app-clients.js';

export default action(async (cognate, input: { UserPoolId: string; ClientName: string } & Record<string, any>) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  checkAttributePermissions(pool, input as { ReadAttributes?: string[]; WriteAttributes?: string[] }, 'creating');
  const client = await cognate.clients.create(pool.id, input, cognate.clock.now());
  return { UserPoolClient: userPoolClientType(client) };
});

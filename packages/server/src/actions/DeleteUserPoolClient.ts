import { action } from './action.js';

export default action(async (cognate, input: { UserPoolId: string; ClientId: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  await cognate.clients.delete(pool.id, input.ClientId, cognate.clock.now());
  return {};
});

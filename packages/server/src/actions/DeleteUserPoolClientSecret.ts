import { action } from './action.js';

export default action(async (cognate, input: { UserPoolId: string; ClientId: string; ClientSecretId: string }) => {
  await cognate.pools.get(input.UserPoolId);
  await cognate.clients.deleteSecret(input.UserPoolId, input.ClientId, input.ClientSecretId);
  return {};
});

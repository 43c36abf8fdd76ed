import { action } from './action.js';

/** Ids and creation dates only, never the values; at most two, so one page without a NextToken (as Cognito). */
export default action(async (cognate, input: { UserPoolId: string; ClientId: string; NextToken?: string }) => {
  await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.get(input.UserPoolId, input.ClientId);
  return { ClientSecrets: client.secrets.map((s) => ({ ClientSecretId: s.id, ClientSecretCreateDate: s.created / 1000 })) };
});

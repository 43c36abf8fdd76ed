import { action } from './action.js';

/** The value comes back only when Cognate generated it, as Cognito does: a caller's own secret is theirs already. */
export default action(async (cognate, input: { UserPoolId: string; ClientId: string; ClientSecret?: string }) => {
  await cognate.pools.get(input.UserPoolId);
  const added = await cognate.clients.addSecret(input.UserPoolId, input.ClientId, input.ClientSecret, cognate.clock.now());
  return {
    ClientSecretDescriptor: {
      ClientSecretId: added.id,
      ...(input.ClientSecret === undefined ? { ClientSecretValue: added.value } : {}),
      ClientSecretCreateDate: added.created / 1000,
    },
  };
});

import { action } from '../action.js';

export default action(async (cognate, input: { IdentityPoolId: string }) => {
  await cognate.identity.pools.delete(input.IdentityPoolId);
  return {};
});

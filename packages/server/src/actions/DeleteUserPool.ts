import { action } from './action.js';

export default action(async (cognate, input: { UserPoolId: string }) => {
  await cognate.pools.delete(input.UserPoolId);
  cognate.keys.forget(input.UserPoolId);
  return {};
});

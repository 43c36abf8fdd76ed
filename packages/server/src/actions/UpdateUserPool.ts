import { action } from './action.js';

export default action(async (cognate, input: any) => {
  await cognate.pools.update(input.UserPoolId, input, cognate.clock.now());
  return {};
});

import { action } from './action.js';
import { assertMfaConfigurable } from '../domain/mfa.js';

export default action(async (cognate, input: any) => {
  assertMfaConfigurable(input, await cognate.pools.get(input.UserPoolId));
  await cognate.pools.update(input.UserPoolId, input, cognate.clock.now());
  return {};
});

import { action } from './action.js';
import { assertMfaConfigurable } from '../domain/mfa.js';
import { checkCustomSenders } from '../triggers/custom-senders.js';

export default action(async (cognate, input: any) => {
  assertMfaConfigurable(input, await cognate.pools.get(input.UserPoolId));
  checkCustomSenders(cognate.config, input.LambdaConfig);
  await cognate.pools.update(input.UserPoolId, input, cognate.clock.now());
  return {};
});

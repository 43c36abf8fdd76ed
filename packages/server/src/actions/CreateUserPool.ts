import { action } from './action.js';
import { userPoolType } from './shapes.js';
import { assertMfaConfigurable } from '../domain/mfa.js';
import { checkCustomSenders } from '../triggers/custom-senders.js';

export default action(async (cognate, input: { PoolName: string } & Record<string, any>) => {
  assertMfaConfigurable(input);
  checkCustomSenders(cognate.config, input.LambdaConfig);
  const now = cognate.clock.now();
  const pool = await cognate.pools.create(input, now);
  await cognate.keys.create(pool.id, now);
  return { UserPool: userPoolType(pool, 0) };
});

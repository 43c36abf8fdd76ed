import { action } from '../action.js';

export default action(async (cognate, input: { ResourceArn: string; Tags: Record<string, string> }) => {
  await cognate.identity.pools.tag(input.ResourceArn, input.Tags, cognate.clock.now());
  return {};
});

import { action } from '../action.js';

export default action(async (cognate, input: { ResourceArn: string; TagKeys: string[] }) => {
  await cognate.identity.pools.untag(input.ResourceArn, input.TagKeys, cognate.clock.now());
  return {};
});

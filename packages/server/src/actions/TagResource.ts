import { action } from './action.js';
import { tagUserPool } from '../domain/user-pool-tags.js';

export default action(async (cognate, input: { ResourceArn: string; Tags: Record<string, string> }) => {
  await tagUserPool(cognate, input.ResourceArn, input.Tags);
  return {};
});

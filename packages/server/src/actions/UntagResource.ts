import { action } from './action.js';
import { untagUserPool } from '../domain/user-pool-tags.js';

export default action(async (cognate, input: { ResourceArn: string; TagKeys: string[] }) => {
  await untagUserPool(cognate, input.ResourceArn, input.TagKeys);
  return {};
});

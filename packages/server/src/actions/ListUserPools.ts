import { action, pageToken } from './action.js';
import { userPoolDescriptionType } from './shapes.js';

export default action(async (cognate, input: { MaxResults: number; NextToken?: string }) => {
  const after = pageToken.decode(input.NextToken, /^[\w-]+_[0-9a-zA-Z]+$/);
  const page = await cognate.pools.list(input.MaxResults, after);
  const next = pageToken.encode(page.next);
  return { UserPools: page.pools.map(userPoolDescriptionType), ...(next ? { NextToken: next } : {}) };
});

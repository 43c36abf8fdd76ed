import { action, pageToken } from '../action.js';

export default action(async (cognate, input: { MaxResults: number; NextToken?: string }) => {
  const after = pageToken.decode(input.NextToken, /^[\w-]+:[0-9a-f-]+$/);
  const page = await cognate.identity.pools.list(input.MaxResults, after);
  const next = pageToken.encode(page.next);
  return { IdentityPools: page.pools.map((p) => ({ IdentityPoolId: p.id, IdentityPoolName: p.name })), ...(next ? { NextToken: next } : {}) };
});

import { action, pageToken } from './action.js';

export default action(async (cognate, input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const after = pageToken.decode(input.NextToken, /^[\w+]+$/);
  const page = await cognate.clients.list(pool.id, input.MaxResults ?? 60, after);
  const next = pageToken.encode(page.next);
  return {
    UserPoolClients: page.clients.map((c) => ({ ClientId: c.id, UserPoolId: c.poolId, ClientName: c.name })),
    ...(next ? { NextToken: next } : {}),
  };
});

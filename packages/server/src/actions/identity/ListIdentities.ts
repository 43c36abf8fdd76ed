import { action, pageToken } from '../action.js';
import { epochSeconds } from '../../ports.js';

export default action(async (cognate, input: { IdentityPoolId: string; MaxResults: number; NextToken?: string; HideDisabled?: boolean }) => {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const after = pageToken.decode(input.NextToken, /^[\w-]+:[0-9a-f-]+$/);
  const page = await cognate.identity.identities.list(pool.id, input.MaxResults, after);
  const next = pageToken.encode(page.next);
  return {
    IdentityPoolId: pool.id,
    Identities: page.identities.map((i) => ({
      IdentityId: i.id,
      Logins: [...new Set(i.logins.map((l) => l.provider))],
      CreationDate: epochSeconds(i.createdAt),
      LastModifiedDate: epochSeconds(i.updatedAt),
    })),
    ...(next ? { NextToken: next } : {}),
  };
});

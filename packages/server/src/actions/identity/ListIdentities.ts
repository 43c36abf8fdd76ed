import { action, pageToken } from '../action.js';
import { epochSeconds } from '../../ports.js';

export default action(async (cognate, input: { IdentityPoolId: string; MaxResults: number; NextToken?: string; HideDisabled?: boolean }) => {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const after = pageToken.decode(input.NextToken, /^[\w-]+:[0-9a-f-]+$/);
  const page = await cognate.identity.identities.list(pool.id, input.MaxResults, after);
  // HideDisabled: an identity is disabled when it can no longer get credentials — every login was
  // unlinked (UnlinkIdentity / UnlinkDeveloperIdentity) in a pool that refuses unauthenticated
  // identities. The filter applies within the page, so a page may be shorter than MaxResults while
  // NextToken still continues the listing (as Cognito's own pages can be).
  const hide = input.HideDisabled === true && !pool.settings.AllowUnauthenticatedIdentities;
  const identities = hide ? page.identities.filter((i) => i.logins.length > 0) : page.identities;
  const next = pageToken.encode(page.next);
  return {
    IdentityPoolId: pool.id,
    Identities: identities.map((i) => ({
      IdentityId: i.id,
      Logins: [...new Set(i.logins.map((l) => l.provider))],
      CreationDate: epochSeconds(i.createdAt),
      LastModifiedDate: epochSeconds(i.updatedAt),
    })),
    ...(next ? { NextToken: next } : {}),
  };
});

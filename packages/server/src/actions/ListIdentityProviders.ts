import { action, pageToken } from './action.js';
import { listIdentityProvidersPage } from '../domain/federation/provider-admin.js';

export default action(async (cognate, input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) => {
  // The token is the last name of the page (ProviderNameType's characters, up to 32 of them).
  const after = pageToken.decode(input.NextToken, /^[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]{1,32}$/u);
  const page = await listIdentityProvidersPage(cognate, { UserPoolId: input.UserPoolId, ...(input.MaxResults !== undefined ? { MaxResults: input.MaxResults } : {}), after });
  const next = pageToken.encode(page.next);
  return {
    Providers: page.providers.map((p) => ({ ProviderName: p.name, ProviderType: p.type, LastModifiedDate: p.lastModified / 1000, CreationDate: p.created / 1000 })),
    ...(next ? { NextToken: next } : {}),
  };
});

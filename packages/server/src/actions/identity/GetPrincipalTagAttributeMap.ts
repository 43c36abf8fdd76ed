import { action } from '../action.js';

export default action(async (cognate, input: { IdentityPoolId: string; IdentityProviderName: string }) => {
  const map = await cognate.identity.pools.getPrincipalTags(input.IdentityPoolId, input.IdentityProviderName);
  return { IdentityPoolId: input.IdentityPoolId, IdentityProviderName: input.IdentityProviderName, UseDefaults: map.UseDefaults, PrincipalTags: map.PrincipalTags };
});

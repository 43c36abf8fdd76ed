import { action } from '../action.js';

export default action(async (cognate, input: { IdentityPoolId: string; IdentityProviderName: string; UseDefaults?: boolean; PrincipalTags?: Record<string, string> }) => {
  const map = await cognate.identity.pools.setPrincipalTags(input.IdentityPoolId, input.IdentityProviderName, input.UseDefaults, input.PrincipalTags, cognate.clock.now());
  return { IdentityPoolId: input.IdentityPoolId, IdentityProviderName: input.IdentityProviderName, UseDefaults: map.UseDefaults, PrincipalTags: map.PrincipalTags };
});

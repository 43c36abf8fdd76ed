import { action } from '../action.js';
import type { RoleMapping } from '../../identity/identity-pools.js';

export default action(async (cognate, input: { IdentityPoolId: string; Roles: Record<string, string>; RoleMappings?: Record<string, RoleMapping> }) => {
  await cognate.identity.pools.setRoles(input.IdentityPoolId, input.Roles, input.RoleMappings, cognate.clock.now());
  return {};
});

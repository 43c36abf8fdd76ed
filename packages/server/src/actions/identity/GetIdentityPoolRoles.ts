import { action } from '../action.js';

export default action(async (cognate, input: { IdentityPoolId: string }) => {
  const pool = await cognate.identity.pools.get(input.IdentityPoolId);
  const { Roles, RoleMappings } = pool.roles;
  return { IdentityPoolId: pool.id, Roles, ...(Object.keys(RoleMappings).length > 0 ? { RoleMappings } : {}) };
});

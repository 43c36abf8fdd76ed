import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  await cognate.identity.roles.deletePolicy(params.required('RoleName'), params.required('PolicyName'), cognate.clock.now());
  return undefined;
});

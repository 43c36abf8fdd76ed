import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  await cognate.identity.roles.putPolicy(params.required('RoleName'), params.required('PolicyName'), params.required('PolicyDocument'), cognate.clock.now());
  return undefined;
});

import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  await cognate.identity.roles.updateTrust(params.required('RoleName'), params.required('PolicyDocument'), cognate.clock.now());
  return undefined;
});

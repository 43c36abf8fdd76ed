import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  await cognate.identity.roles.delete(params.required('RoleName'));
  return undefined;
});

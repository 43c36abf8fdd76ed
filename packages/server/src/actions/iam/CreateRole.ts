import { iamAction } from '../query-action.js';
import { roleType } from './shapes.js';

export default iamAction(async (cognate, params) => {
  const role = await cognate.identity.roles.create(
    { name: params.required('RoleName'), path: params.get('Path') ?? '/', trust: params.required('AssumeRolePolicyDocument') },
    cognate.clock.now(),
  );
  return { Role: roleType(role) };
});

import { iamAction } from '../query-action.js';
import { policyDocumentType } from './shapes.js';

export default iamAction(async (cognate, params) => {
  const roleName = params.required('RoleName');
  const policyName = params.required('PolicyName');
  const document = await cognate.identity.roles.getPolicy(roleName, policyName);
  return { RoleName: roleName, PolicyName: policyName, PolicyDocument: policyDocumentType(document) };
});

import { iamAction } from '../query-action.js';
import { roleType } from './shapes.js';

export default iamAction(async (cognate, params) => ({ Role: roleType(await cognate.identity.roles.getByName(params.required('RoleName'))) }));

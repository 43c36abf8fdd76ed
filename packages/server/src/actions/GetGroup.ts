import { action } from './action.js';
import { groupType } from './shapes.js';
import { getGroup } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; GroupName: string }) => ({ Group: groupType(await getGroup(cognate, input.UserPoolId, input.GroupName)) }));

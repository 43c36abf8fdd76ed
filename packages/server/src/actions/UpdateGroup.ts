import { action } from './action.js';
import { groupType } from './shapes.js';
import { updateGroup, type GroupInput } from '../domain/groups.js';

export default action(async (cognate, input: GroupInput) => ({ Group: groupType(await updateGroup(cognate, input)) }));

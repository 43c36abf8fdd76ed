import { action } from './action.js';
import { groupType } from './shapes.js';
import { createGroup, type GroupInput } from '../domain/groups.js';

export default action(async (cognate, input: GroupInput) => ({ Group: groupType(await createGroup(cognate, input)) }));

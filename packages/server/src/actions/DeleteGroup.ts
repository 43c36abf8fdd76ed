import { action } from './action.js';
import { deleteGroup } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; GroupName: string }) => {
  await deleteGroup(cognate, input);
  return {};
});

import { action } from './action.js';
import { addUserToGroup } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; GroupName: string }) => {
  await addUserToGroup(cognate, input);
  return {};
});

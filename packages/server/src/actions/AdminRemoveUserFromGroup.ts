import { action } from './action.js';
import { removeUserFromGroup } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; GroupName: string }) => {
  await removeUserFromGroup(cognate, input);
  return {};
});

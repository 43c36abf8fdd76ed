import { action } from './action.js';
import { adminEnableUser } from '../domain/admin-users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  await adminEnableUser(cognate, input);
  return {};
});

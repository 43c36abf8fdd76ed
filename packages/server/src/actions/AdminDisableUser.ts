import { action } from './action.js';
import { adminDisableUser } from '../domain/admin-users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  await adminDisableUser(cognate, input);
  return {};
});

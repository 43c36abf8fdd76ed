import { action } from './action.js';
import { adminUserGlobalSignOut } from '../domain/admin-users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  await adminUserGlobalSignOut(cognate, input);
  return {};
});

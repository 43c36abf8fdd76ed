import { action } from './action.js';
import { adminDeleteUser } from '../domain/admin-users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  await adminDeleteUser(cognate, input);
  return {};
});

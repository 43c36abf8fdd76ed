import { action } from './action.js';
import { adminSetUserPassword } from '../domain/admin-user-passwords.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; Password: string; Permanent?: boolean }) => {
  await adminSetUserPassword(cognate, input);
  return {};
});

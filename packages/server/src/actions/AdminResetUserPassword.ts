import { action } from './action.js';
import { adminResetUserPassword } from '../domain/admin-user-passwords.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; ClientMetadata?: Record<string, string> }) => {
  await adminResetUserPassword(cognate, input);
  return {};
});

import { action } from './action.js';
import { adminConfirmSignUp } from '../domain/admin-users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; ClientMetadata?: Record<string, string> }) => {
  await adminConfirmSignUp(cognate, input);
  return {};
});

import { action } from './action.js';
import { adminUserGlobalSignOut } from '../domain/admin-users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  // Revokes the tokens and un-remembers the devices in one transaction (domain/sign-in/sign-out.ts).
  await adminUserGlobalSignOut(cognate, input);
  return {};
});

import { action } from './action.js';
import { adminDeleteUserAttributes } from '../domain/admin-user-attributes.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; UserAttributeNames: string[] }) => {
  await adminDeleteUserAttributes(cognate, input);
  return {};
});

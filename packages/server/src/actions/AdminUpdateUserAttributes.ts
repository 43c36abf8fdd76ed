import { action } from './action.js';
import { adminUpdateUserAttributes } from '../domain/admin-user-attributes.js';
import type { AttributeType } from '../domain/users.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; UserAttributes: AttributeType[]; ClientMetadata?: Record<string, string> }) => {
  await adminUpdateUserAttributes(cognate, input);
  return {};
});

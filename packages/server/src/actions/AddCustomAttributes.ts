import { action } from './action.js';
import { addCustomAttributes } from '../domain/pool-admin.js';
import type { SchemaAttribute } from '../domain/user-pools.js';

export default action(async (cognate, input: { UserPoolId: string; CustomAttributes: Partial<SchemaAttribute>[] }) => {
  await addCustomAttributes(cognate, input.UserPoolId, input.CustomAttributes);
  return {};
});

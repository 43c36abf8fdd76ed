import { action } from './action.js';
import { assertNoImportRunning } from '../domain/import-jobs.js';
import type { SchemaAttribute } from '../domain/user-pools.js';

export default action(async (cognate, input: { UserPoolId: string; CustomAttributes: Partial<SchemaAttribute>[] }) => {
  await assertNoImportRunning(cognate, input.UserPoolId);
  await cognate.pools.addCustomAttributes(input.UserPoolId, input.CustomAttributes, cognate.clock.now());
  return {};
});

import { action } from './action.js';
import { deleteUserPool } from '../domain/pool-admin.js';

export default action(async (cognate, input: { UserPoolId: string }) => {
  await deleteUserPool(cognate, input.UserPoolId);
  return {};
});

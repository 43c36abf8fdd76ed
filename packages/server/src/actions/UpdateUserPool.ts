import { action } from './action.js';
import { updateUserPool } from '../domain/pool-admin.js';

export default action(async (cognate, input: any) => {
  await updateUserPool(cognate, input);
  return {};
});

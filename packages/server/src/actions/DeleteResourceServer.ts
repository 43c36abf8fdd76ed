import { action } from './action.js';
import { deleteResourceServer } from '../domain/oauth/resource-servers.js';

export default action(async (cognate, input: { UserPoolId: string; Identifier: string }) => {
  await deleteResourceServer(cognate, input);
  return {};
});

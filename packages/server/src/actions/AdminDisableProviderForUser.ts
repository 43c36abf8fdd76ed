import { action } from './action.js';
import { adminDisableProviderForUser, type ProviderUser } from '../domain/federation/links.js';

export default action(async (cognate, input: { UserPoolId: string; User: ProviderUser }) => {
  await adminDisableProviderForUser(cognate, input);
  return {};
});

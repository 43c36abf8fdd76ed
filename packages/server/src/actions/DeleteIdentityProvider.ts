import { action } from './action.js';
import { deleteIdentityProvider } from '../domain/federation/provider-admin.js';

export default action(async (cognate, input: { UserPoolId: string; ProviderName: string }) => {
  await deleteIdentityProvider(cognate, input);
  return {};
});

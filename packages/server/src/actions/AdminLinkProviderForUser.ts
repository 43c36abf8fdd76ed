import { action } from './action.js';
import { adminLinkProviderForUser, type ProviderUser } from '../domain/federation/links.js';

export default action(async (cognate, input: { UserPoolId: string; DestinationUser: ProviderUser; SourceUser: ProviderUser }) => {
  await adminLinkProviderForUser(cognate, input);
  return {};
});

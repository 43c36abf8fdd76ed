import { action } from '../action.js';
import { unlinkDeveloperIdentity } from '../../identity/federation.js';

export default action(async (cognate, input: { IdentityId: string; IdentityPoolId: string; DeveloperProviderName: string; DeveloperUserIdentifier: string }) => {
  await unlinkDeveloperIdentity(cognate, input);
  return {};
});

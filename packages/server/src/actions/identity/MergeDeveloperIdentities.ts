import { action } from '../action.js';
import { mergeDeveloperIdentities } from '../../identity/federation.js';

export default action(
  async (cognate, input: { SourceUserIdentifier: string; DestinationUserIdentifier: string; DeveloperProviderName: string; IdentityPoolId: string }) =>
    mergeDeveloperIdentities(cognate, input),
);

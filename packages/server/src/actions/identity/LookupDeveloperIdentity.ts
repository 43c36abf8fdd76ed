import { action } from '../action.js';
import { lookupDeveloperIdentity } from '../../identity/federation.js';

export default action(
  async (cognate, input: { IdentityPoolId: string; IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string }) =>
    lookupDeveloperIdentity(cognate, input),
);

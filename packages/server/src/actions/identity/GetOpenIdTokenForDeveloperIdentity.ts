import { action } from '../action.js';
import { getOpenIdTokenForDeveloperIdentity } from '../../identity/federation.js';

export default action(
  async (cognate, input: { IdentityPoolId: string; IdentityId?: string; Logins: Record<string, string>; PrincipalTags?: Record<string, string>; TokenDuration?: number }) =>
    getOpenIdTokenForDeveloperIdentity(cognate, input),
);

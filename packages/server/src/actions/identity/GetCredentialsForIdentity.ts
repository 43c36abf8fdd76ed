import { action } from '../action.js';
import { getCredentialsForIdentity } from '../../identity/federation.js';

export default action(async (cognate, input: { IdentityId: string; Logins?: Record<string, string>; CustomRoleArn?: string }) => getCredentialsForIdentity(cognate, input));

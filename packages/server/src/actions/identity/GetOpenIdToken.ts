import { action } from '../action.js';
import { getOpenIdToken } from '../../identity/federation.js';

export default action(async (cognate, input: { IdentityId: string; Logins?: Record<string, string> }) => getOpenIdToken(cognate, input));

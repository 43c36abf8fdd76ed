import { action } from '../action.js';
import { getId } from '../../identity/federation.js';

export default action(async (cognate, input: { IdentityPoolId: string; AccountId?: string; Logins?: Record<string, string> }) => ({ IdentityId: await getId(cognate, input) }));

import { syncAction } from '../action.js';
import { identityUsage } from '../usage.js';
import { targetOf } from '../target.js';

interface Input { IdentityPoolId: string; IdentityId: string }

export default syncAction({
  callers: 'identity',
  handle: async (cognate, input: Input, { caller }) => ({ IdentityUsage: await identityUsage(cognate, targetOf(caller, input)) }),
});

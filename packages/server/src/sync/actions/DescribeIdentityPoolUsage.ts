import { syncAction } from '../action.js';
import { identityPoolUsage } from '../usage.js';

interface Input { IdentityPoolId: string }

export default syncAction({
  callers: 'developer',
  handle: async (cognate, input: Input) => ({ IdentityPoolUsage: await identityPoolUsage(cognate, input.IdentityPoolId) }),
});

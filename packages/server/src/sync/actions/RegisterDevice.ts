import { syncAction } from '../action.js';
import { registerDevice } from '../push.js';

interface Input { IdentityPoolId: string; IdentityId: string; Platform: string; Token: string }

export default syncAction({
  callers: 'identity',
  handle: (cognate, input: Input, { caller }) => registerDevice(cognate, caller, input),
});

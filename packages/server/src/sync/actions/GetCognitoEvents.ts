import { syncAction } from '../action.js';
import { getCognitoEvents } from '../events.js';

interface Input { IdentityPoolId: string }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input, { caller }) => getCognitoEvents(cognate, caller, input),
});

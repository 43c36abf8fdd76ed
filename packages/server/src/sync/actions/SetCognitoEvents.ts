import { syncAction } from '../action.js';
import { setCognitoEvents } from '../events.js';

interface Input { IdentityPoolId: string; Events: unknown }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input, { caller }) => setCognitoEvents(cognate, caller, input),
});

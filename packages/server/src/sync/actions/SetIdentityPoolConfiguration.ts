import { syncAction } from '../action.js';
import { setIdentityPoolConfiguration } from '../push-configuration.js';

interface Input { IdentityPoolId: string; PushSync?: unknown; CognitoStreams?: unknown }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input, { caller }) => setIdentityPoolConfiguration(cognate, caller, input),
});

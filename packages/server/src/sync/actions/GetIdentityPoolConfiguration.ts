import { syncAction } from '../action.js';
import { getIdentityPoolConfiguration } from '../push-configuration.js';

interface Input { IdentityPoolId: string }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input, { caller }) => getIdentityPoolConfiguration(cognate, caller, input),
});

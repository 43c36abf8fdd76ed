import { syncAction } from '../action.js';
import { listIdentityPoolUsage } from '../usage.js';

interface Input { NextToken?: string; MaxResults?: number }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input) => listIdentityPoolUsage(cognate, input.MaxResults, input.NextToken),
});

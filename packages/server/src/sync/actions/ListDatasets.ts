import { syncAction } from '../action.js';
import { listDatasets } from '../datasets.js';
import { targetOf } from '../target.js';

interface Input { IdentityPoolId: string; IdentityId: string; NextToken?: string; MaxResults?: number }

export default syncAction({
  callers: 'identity',
  handle: (cognate, input: Input, { caller }) => listDatasets(cognate, targetOf(caller, input), input.MaxResults, input.NextToken),
});

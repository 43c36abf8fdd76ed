import { syncAction } from '../action.js';
import { bulkPublish } from '../streams-bulk.js';
import { poolDatasets } from '../streams-source.js';

interface Input { IdentityPoolId: string }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input, { caller }) => bulkPublish(cognate, poolDatasets, caller, input),
});

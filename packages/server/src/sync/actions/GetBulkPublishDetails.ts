import { syncAction } from '../action.js';
import { getBulkPublishDetails } from '../streams-bulk.js';
import { poolDatasets } from '../streams-source.js';

interface Input { IdentityPoolId: string }

export default syncAction({
  callers: 'developer',
  handle: (cognate, input: Input, { caller }) => getBulkPublishDetails(cognate, poolDatasets, caller, input),
});

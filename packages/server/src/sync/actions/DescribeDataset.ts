import { syncAction } from '../action.js';
import { describeDataset } from '../datasets.js';
import { targetOf } from '../target.js';

interface Input { IdentityPoolId: string; IdentityId: string; DatasetName: string }

export default syncAction({
  callers: 'identity',
  handle: async (cognate, input: Input, { caller }) => ({ Dataset: await describeDataset(cognate, targetOf(caller, input), input.DatasetName) }),
});

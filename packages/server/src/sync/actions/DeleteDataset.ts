import { syncAction } from '../action.js';
import { deleteDataset } from '../datasets.js';
import { targetOf } from '../target.js';

interface Input { IdentityPoolId: string; IdentityId: string; DatasetName: string }

export default syncAction({
  callers: 'identity',
  handle: async (cognate, input: Input, { caller }) => ({ Dataset: await deleteDataset(cognate, targetOf(caller, input), input.DatasetName) }),
});

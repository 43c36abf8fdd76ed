import { syncAction } from '../action.js';
import { subscribeToDataset } from '../push.js';

interface Input { IdentityPoolId: string; IdentityId: string; DatasetName: string; DeviceId: string }

export default syncAction({
  callers: 'identity',
  handle: (cognate, input: Input, { caller }) => subscribeToDataset(cognate, caller, input),
});

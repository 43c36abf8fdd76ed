import { syncAction } from '../action.js';
import { updateRecords, type RecordPatchIn } from '../datasets.js';
import { targetOf } from '../target.js';

interface Input { IdentityPoolId: string; IdentityId: string; DatasetName: string; SyncSessionToken: string; RecordPatches?: RecordPatchIn[]; DeviceId?: string }

export default syncAction({
  callers: 'identity',
  handle: (cognate, input: Input, { caller }) =>
    updateRecords(cognate, targetOf(caller, input), { name: input.DatasetName, patches: input.RecordPatches ?? [], syncSessionToken: input.SyncSessionToken, ...(input.DeviceId !== undefined ? { deviceId: input.DeviceId } : {}) }),
});

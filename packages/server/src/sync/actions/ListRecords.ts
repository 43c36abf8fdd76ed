import { syncAction } from '../action.js';
import { listRecords } from '../datasets.js';
import { targetOf } from '../target.js';

interface Input { IdentityPoolId: string; IdentityId: string; DatasetName: string; LastSyncCount?: number; NextToken?: string; MaxResults?: number; SyncSessionToken?: string }

export default syncAction({
  callers: 'identity',
  handle: (cognate, input: Input, { caller }) =>
    listRecords(cognate, targetOf(caller, input), {
      name: input.DatasetName,
      ...(input.LastSyncCount !== undefined ? { lastSyncCount: input.LastSyncCount } : {}),
      ...(input.NextToken !== undefined ? { nextToken: input.NextToken } : {}),
      ...(input.MaxResults !== undefined ? { maxResults: input.MaxResults } : {}),
      ...(input.SyncSessionToken !== undefined ? { syncSessionToken: input.SyncSessionToken } : {}),
    }),
});

/**
 * The Cognito Sync registry: operation name → action module, one line each (README.md: "How to add
 * an action"). Operations of the model without a line here answer UnsupportedOperationException.
 */
import type { SyncAction } from '../action.js';
import DeleteDataset from './DeleteDataset.js';
import DescribeDataset from './DescribeDataset.js';
import DescribeIdentityPoolUsage from './DescribeIdentityPoolUsage.js';
import DescribeIdentityUsage from './DescribeIdentityUsage.js';
import ListDatasets from './ListDatasets.js';
import ListIdentityPoolUsage from './ListIdentityPoolUsage.js';
import ListRecords from './ListRecords.js';
import UpdateRecords from './UpdateRecords.js';

export const syncActions: Readonly<Record<string, SyncAction>> = {
  DeleteDataset,
  DescribeDataset,
  DescribeIdentityPoolUsage,
  DescribeIdentityUsage,
  ListDatasets,
  ListIdentityPoolUsage,
  ListRecords,
  UpdateRecords,
};

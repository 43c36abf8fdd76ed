/**
 * The Cognito Sync registry: operation name → action module, one line each (README.md: "How to add
 * an action"). Operations of the model without a line here answer UnsupportedOperationException.
 */
import type { SyncAction } from '../action.js';
import DeleteDataset from './DeleteDataset.js';
import DescribeDataset from './DescribeDataset.js';
import ListDatasets from './ListDatasets.js';
import ListRecords from './ListRecords.js';
import UpdateRecords from './UpdateRecords.js';

export const syncActions: Readonly<Record<string, SyncAction>> = {
  DeleteDataset,
  DescribeDataset,
  ListDatasets,
  ListRecords,
  UpdateRecords,
};

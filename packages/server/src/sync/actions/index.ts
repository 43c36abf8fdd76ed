/**
 * The Cognito Sync registry: operation name → action module, one line each (README.md: "How to add
 * an action"). Operations of the model without a line here answer UnsupportedOperationException.
 */
import type { SyncAction } from '../action.js';
import BulkPublish from './BulkPublish.js';
import DeleteDataset from './DeleteDataset.js';
import DescribeDataset from './DescribeDataset.js';
import DescribeIdentityPoolUsage from './DescribeIdentityPoolUsage.js';
import DescribeIdentityUsage from './DescribeIdentityUsage.js';
import GetBulkPublishDetails from './GetBulkPublishDetails.js';
import GetCognitoEvents from './GetCognitoEvents.js';
import GetIdentityPoolConfiguration from './GetIdentityPoolConfiguration.js';
import ListDatasets from './ListDatasets.js';
import ListIdentityPoolUsage from './ListIdentityPoolUsage.js';
import ListRecords from './ListRecords.js';
import RegisterDevice from './RegisterDevice.js';
import SetCognitoEvents from './SetCognitoEvents.js';
import SetIdentityPoolConfiguration from './SetIdentityPoolConfiguration.js';
import SubscribeToDataset from './SubscribeToDataset.js';
import UnsubscribeFromDataset from './UnsubscribeFromDataset.js';
import UpdateRecords from './UpdateRecords.js';

export const syncActions: Readonly<Record<string, SyncAction>> = {
  BulkPublish,
  DeleteDataset,
  DescribeDataset,
  DescribeIdentityPoolUsage,
  DescribeIdentityUsage,
  GetBulkPublishDetails,
  GetCognitoEvents,
  GetIdentityPoolConfiguration,
  ListDatasets,
  ListIdentityPoolUsage,
  ListRecords,
  RegisterDevice,
  SetCognitoEvents,
  SetIdentityPoolConfiguration,
  SubscribeToDataset,
  UnsubscribeFromDataset,
  UpdateRecords,
};

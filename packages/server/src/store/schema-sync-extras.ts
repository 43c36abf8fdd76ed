/**
 * Tables of Cognito Sync's push sync, streams, bulk publish and events (migration 0031_sync_extras;
 * src/sync/push*.ts, streams*.ts, events*.ts).
 */

/** An identity pool's Sync configuration: SetIdentityPoolConfiguration and SetCognitoEvents. */
export interface SyncPoolSettingsTable {
  identity_pool_id: string;
  /** PushSync.ApplicationArns, a JSON array of SNS platform-application ARNs; null: push sync off */
  push_application_arns: string | null;
  push_role_arn: string | null;
  /** CognitoStreams */
  stream_name: string | null;
  stream_role_arn: string | null;
  /** 'ENABLED' | 'DISABLED' | null (never set) */
  streaming_status: string | null;
  /** SetCognitoEvents: a JSON object of event type → Lambda ARN (only SyncTrigger exists) */
  events: string;
  updated_at: number;
}

/** RegisterDevice: one row per (identity, platform, push token). */
export interface SyncDevicesTable {
  /** the DeviceId answered to the device */
  id: string;
  identity_pool_id: string;
  identity_id: string;
  /** 'APNS' | 'APNS_SANDBOX' | 'GCM' | 'ADM' */
  platform: string;
  /** SHA-256 (hex) of the token: finds a device registering again without storing the token in clear */
  token_hash: string;
  /** the push token, sealed (aad `sync-device:<id>`): only the delivery to the operator's webhook opens it */
  token_sealed: string;
  created_at: number;
  updated_at: number;
}

/** SubscribeToDataset: a device told when a dataset of its identity changes. */
export interface SyncSubscriptionsTable {
  device_id: string;
  identity_id: string;
  dataset_name: string;
  created_at: number;
}

/** BulkPublish: the last run of an identity pool (GetBulkPublishDetails). */
export interface SyncBulkPublishTable {
  identity_pool_id: string;
  /** this run's ID: a node writes the row only while the run it holds is still the pool's */
  run_id: string;
  /** 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED' (no row: NOT_STARTED) */
  status: string;
  started_at: number;
  completed_at: number | null;
  failure_message: string | null;
  /** while IN_PROGRESS: the running node renews it; once it lapses the run was lost (FAILED) */
  lease_until: number;
  /** the last (identity, dataset) published, `<identityId>/<datasetName>`, so paging resumes after it */
  cursor: string | null;
}

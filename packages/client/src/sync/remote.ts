/**
 * Cognito Sync's REST API as the SyncManager uses it (restJson1, routes and shapes from the
 * service model `cognito-sync-2014-06-30`): ListRecords (all pages), UpdateRecords, ListDatasets,
 * DescribeDataset, DeleteDataset. Every request is SigV4-signed (service `cognito-sync`) with the
 * identity's credentials. Internal: not exported from the package.
 */
import { MobileClientError } from '../errors.js';
import type { FetchLike } from '../internal/transport.js';
import type { AWSCredentials } from '../types.js';
import { signRequest, uriEncode } from './sigv4.js';

/** A record as the service returns it (timestamps are restJson1's epoch seconds). */
export interface WireRecord {
  Key?: string;
  Value?: string;
  SyncCount?: number;
  LastModifiedDate?: number;
  LastModifiedBy?: string;
  DeviceLastModifiedDate?: number;
}

export interface WireDataset {
  IdentityId?: string;
  DatasetName?: string;
  CreationDate?: number;
  LastModifiedDate?: number;
  LastModifiedBy?: string;
  DataStorage?: number;
  NumRecords?: number;
}

export interface RecordPatch {
  Op: 'replace' | 'remove';
  Key: string;
  Value?: string;
  SyncCount: number;
  DeviceLastModifiedDate?: number;
}

/** What ListRecords says, its pages put together. */
export interface DatasetUpdates {
  records: WireRecord[];
  datasetSyncCount: number;
  datasetExists: boolean;
  datasetDeletedAfterRequestedSyncCount: boolean;
  mergedDatasetNames: string[];
  syncSessionToken: string;
}

export interface RemoteOptions {
  fetch: FetchLike;
  /** Base URL, no trailing slash. */
  endpoint: string;
  region: string;
  identityPoolId: string;
  now: () => number;
  credentials: () => Promise<AWSCredentials>;
  deviceId?: string;
}

/** How many pages of ListRecords / ListDatasets one call follows before giving up on a server that never stops. */
const MAX_PAGES = 1000;

export class SyncRemote {
  constructor(private readonly options: RemoteOptions) {}

  /** ListRecords from `lastSyncCount`, every page; the session token is the one UpdateRecords needs. */
  async listUpdates(identityId: string, datasetName: string, lastSyncCount: number): Promise<DatasetUpdates> {
    const records: WireRecord[] = [];
    let token: string | undefined;
    let sessionToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, string> = { lastSyncCount: String(lastSyncCount) };
      if (token) query.nextToken = token;
      if (sessionToken) query.syncSessionToken = sessionToken;
      const out = await this.call<{
        Records?: WireRecord[];
        NextToken?: string;
        DatasetSyncCount?: number;
        DatasetExists?: boolean;
        DatasetDeletedAfterRequestedSyncCount?: boolean;
        MergedDatasetNames?: string[];
        SyncSessionToken?: string;
      }>('ListRecords', 'GET', `${this.datasetPath(identityId, datasetName)}/records`, query);
      records.push(...(out.Records ?? []));
      sessionToken ??= out.SyncSessionToken;
      if (!out.NextToken) {
        if (!sessionToken) throw new MobileClientError('unknown', 'ListRecords returned no SyncSessionToken.');
        return {
          records,
          datasetSyncCount: out.DatasetSyncCount ?? lastSyncCount,
          datasetExists: out.DatasetExists ?? records.length > 0,
          datasetDeletedAfterRequestedSyncCount: out.DatasetDeletedAfterRequestedSyncCount === true,
          mergedDatasetNames: out.MergedDatasetNames ?? [],
          syncSessionToken: sessionToken,
        };
      }
      token = out.NextToken;
    }
    throw new MobileClientError('unknown', `ListRecords returned more than ${MAX_PAGES} pages.`);
  }

  /** UpdateRecords: the patches, each with the record's last known SyncCount; a stale one is `resourceConflict`. */
  async updateRecords(identityId: string, datasetName: string, patches: RecordPatch[], syncSessionToken: string): Promise<WireRecord[]> {
    const body: Record<string, unknown> = { RecordPatches: patches, SyncSessionToken: syncSessionToken };
    if (this.options.deviceId) body.DeviceId = this.options.deviceId;
    const out = await this.call<{ Records?: WireRecord[] }>('UpdateRecords', 'POST', this.datasetPath(identityId, datasetName), {}, body);
    return out.Records ?? [];
  }

  async listDatasets(identityId: string): Promise<WireDataset[]> {
    const datasets: WireDataset[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.call<{ Datasets?: WireDataset[]; NextToken?: string }>('ListDatasets', 'GET', `${this.identityPath(identityId)}/datasets`, token ? { nextToken: token } : {});
      datasets.push(...(out.Datasets ?? []));
      if (!out.NextToken) return datasets;
      token = out.NextToken;
    }
    throw new MobileClientError('unknown', `ListDatasets returned more than ${MAX_PAGES} pages.`);
  }

  async describeDataset(identityId: string, datasetName: string): Promise<WireDataset | undefined> {
    try {
      return (await this.call<{ Dataset?: WireDataset }>('DescribeDataset', 'GET', this.datasetPath(identityId, datasetName))).Dataset;
    } catch (e) {
      if (e instanceof MobileClientError && e.code === 'resourceNotFound') return undefined;
      throw e;
    }
  }

  /** DeleteDataset; a dataset the server does not have is already deleted. */
  async deleteDataset(identityId: string, datasetName: string): Promise<void> {
    try {
      await this.call('DeleteDataset', 'DELETE', this.datasetPath(identityId, datasetName));
    } catch (e) {
      if (e instanceof MobileClientError && e.code === 'resourceNotFound') return;
      throw e;
    }
  }

  private identityPath(identityId: string): string {
    return `/identitypools/${uriEncode(this.options.identityPoolId)}/identities/${uriEncode(identityId)}`;
  }

  private datasetPath(identityId: string, datasetName: string): string {
    return `${this.identityPath(identityId)}/datasets/${uriEncode(datasetName)}`;
  }

  private async call<T>(action: string, method: string, path: string, query: Record<string, string> = {}, body?: object): Promise<T> {
    const search = Object.entries(query)
      .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
      .join('&');
    const url = `${this.options.endpoint}${path}${search ? `?${search}` : ''}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    const credentials = await this.options.credentials();
    const headers = await signRequest(
      { method, url, headers: { 'x-amz-user-agent': 'cognate-client/0.1.0', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: text },
      credentials,
      { region: this.options.region, service: 'cognito-sync', now: this.options.now() },
    );
    let res: Awaited<ReturnType<FetchLike>>;
    let answer: string;
    try {
      // A GET or DELETE must carry no body at all (fetch refuses even an empty one), which
      // FetchLike's type, written for awsJson's POSTs, does not express.
      const init = (body === undefined ? { method, headers } : { method, headers, body: text }) as Parameters<FetchLike>[1];
      res = await this.options.fetch(url, init);
      answer = await res.text();
    } catch (cause) {
      throw new MobileClientError('network', `Could not reach ${this.options.endpoint}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    let parsed: Record<string, unknown> = {};
    try {
      parsed = answer ? (JSON.parse(answer) as Record<string, unknown>) : {};
    } catch {
      if (res.status < 300) throw new MobileClientError('unknown', `${action}: the server answered with something that is not JSON`, { status: res.status });
    }
    if (res.status >= 300) {
      // restJson1: the x-amzn-ErrorType header first, then the body (as the AWS SDK reads it).
      const type = res.headers.get('x-amzn-errortype') || (typeof parsed.__type === 'string' && parsed.__type) || (typeof parsed.code === 'string' && parsed.code) || '';
      const message = (typeof parsed.message === 'string' && parsed.message) || (typeof parsed.Message === 'string' && parsed.Message) || '';
      if (!type) throw new MobileClientError(res.status >= 500 ? 'internalError' : 'unknown', message || `${action} failed with HTTP ${res.status}`, { status: res.status });
      throw MobileClientError.fromService(type, message, res.status);
    }
    return parsed as T;
  }
}

/**
 * Where Cognito Sync is: Cognate serves it at the identity pool's endpoint; against AWS it is
 * `cognito-sync.<region>.amazonaws.com`.
 */
export function syncEndpoint(identityPoolEndpoint: string, region: string): string {
  const url = new URL(identityPoolEndpoint);
  const aws = /^cognito-identity(\.[a-z0-9-]+\.amazonaws\.com(\.cn)?)$/i.exec(url.hostname);
  if (aws) return `https://cognito-sync${aws[1]}`;
  if (url.hostname === 'cognito-identity.amazonaws.com') return `https://cognito-sync.${region}.amazonaws.com`;
  return identityPoolEndpoint.replace(/\/+$/, '');
}

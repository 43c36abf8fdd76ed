/**
 * Usage: DescribeIdentityUsage (one identity's datasets and bytes), DescribeIdentityPoolUsage and
 * ListIdentityPoolUsage (per identity pool: bytes of live datasets, sync sessions — one per
 * UpdateRecords — and the last change). Dates in epoch seconds.
 */
import type { Cognate } from '../domain/cognate.js';
import * as syncStore from '../store/sync.js';
import { pageSize, requireIdentity, seconds, syncPageToken, type SyncTarget } from './datasets.js';
import { syncErrors } from './errors.js';

type Ports = Pick<Cognate, 'store' | 'identity'>;

export async function identityUsage(cognate: Ports, target: SyncTarget) {
  await requireIdentity(cognate, target);
  const u = await syncStore.identityUsage(cognate.store.db, target.identityId);
  return {
    IdentityId: target.identityId,
    IdentityPoolId: target.poolId,
    DatasetCount: u.datasets,
    DataStorage: u.storage,
    ...(u.lastModified !== null ? { LastModifiedDate: seconds(u.lastModified) } : {}),
  };
}

function poolUsageOut(poolId: string, u: { storage: number; sessions: number; lastModified: number | null }) {
  return { IdentityPoolId: poolId, SyncSessionsCount: u.sessions, DataStorage: u.storage, ...(u.lastModified !== null ? { LastModifiedDate: seconds(u.lastModified) } : {}) };
}

export async function identityPoolUsage(cognate: Ports, poolId: string) {
  if (!(await cognate.identity.pools.find(poolId))) throw syncErrors.notFound(`IdentityPool '${poolId}' not found.`);
  const usage = await syncStore.poolUsage(cognate.store.db, [poolId]);
  return poolUsageOut(poolId, usage.get(poolId)!);
}

/** Every identity pool's usage, in pool ID order, a page at a time (at most 60 a page, as Cognito). */
export async function listIdentityPoolUsage(cognate: Ports, maxResults?: number, nextToken?: string) {
  const limit = Math.min(pageSize(maxResults), 60);
  const after = syncPageToken.decode(nextToken, (v): v is string => typeof v === 'string' && v.length <= 55);
  const ids = await syncStore.identityPoolIds(cognate.store.db, limit + 1, after);
  const page = ids.slice(0, limit);
  const usage = await syncStore.poolUsage(cognate.store.db, page);
  return {
    IdentityPoolUsages: page.map((id) => poolUsageOut(id, usage.get(id)!)),
    MaxResults: limit,
    Count: page.length,
    ...(ids.length > limit ? { NextToken: syncPageToken.encode(page[page.length - 1]) } : {}),
  };
}

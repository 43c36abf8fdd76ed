/**
 * BulkPublish / GetBulkPublishDetails: every existing dataset of an identity pool published to its
 * stream, one stream record each (streams.ts; operation `replace`, every live record), as Cognito
 * does for data written before streams were configured. Developer credentials only.
 *
 * - The pool's CognitoStreams must be ENABLED (with a destination this server can deliver to).
 * - One run at a time: another BulkPublish while one is IN_PROGRESS is DuplicateRequestException.
 * - One successful run per 24 hours: AlreadyStreamedException until 24 h after the last one completed.
 *
 * The run is asynchronous: BulkPublish answers once the run is recorded IN_PROGRESS; the node then
 * pages through the datasets, queueing each page's records in the outbox and advancing the run's
 * cursor in the same transaction, under a lease it renews. If the node dies, the lease lapses and
 * the next BulkPublish or GetBulkPublishDetails of that pool takes the run over from its cursor, so
 * a run always ends SUCCEEDED or FAILED.
 */
import type { Ports } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import { newId } from '../domain/ids.js';
import type { Executor } from '../store/db.js';
import { isTransientStoreError } from '../store/faults.js';
import * as syncStore from '../store/sync-extras.js';
import type { SyncBulkPublishRow } from '../store/sync-extras.js';
import { requireDeveloper, requirePool, syncInvalidParameter, type SyncCaller } from './push-caller.js';
import { enabledStream, queueStreamRecord, type StreamedChange } from './streams.js';

export const BULK_PUBLISH_INTERVAL_MS = 24 * 60 * 60 * 1000;
const LEASE_MS = 30_000;
const PAGE = 100;

/** The datasets of a pool in a stable order, a page at a time, after a cursor (sync-server's store). */
export type DatasetPager = (db: Executor, identityPoolId: string, after: string | null, limit: number) => Promise<{ datasets: StreamedChange[]; next: string | null }>;

type BulkPorts = Ports<'store' | 'clock' | 'config' | 'outbox' | 'log'>;

export interface BulkPublishDetails {
  IdentityPoolId: string;
  BulkPublishStatus: 'NOT_STARTED' | 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';
  /** epoch seconds, as the wire's timestamps */
  BulkPublishStartTime?: number;
  BulkPublishCompleteTime?: number;
  FailureMessage?: string;
}

/** Runs one page after another until the pool is done, the lease is lost, or an error ends it. */
async function run(cognate: BulkPorts, pager: DatasetPager, row: SyncBulkPublishRow): Promise<void> {
  const poolId = row.identity_pool_id;
  let cursor = row.cursor;
  try {
    for (;;) {
      const done = await cognate.store.transaction(async (tx) => {
        const destination = await enabledStream(cognate, tx, poolId);
        if (!destination) throw new Error('Cognito Streams were disabled during the bulk publish.');
        const page = await pager(tx, poolId, cursor, PAGE);
        // The cursor moves with the page's records in one transaction, and only while this run holds it.
        if (!(await syncStore.advanceBulkPublish(tx, poolId, row.run_id, page.next, cognate.clock.now() + LEASE_MS))) return true;
        for (const change of page.datasets) await queueStreamRecord(cognate, tx, { ...change, operation: 'replace' }, destination);
        cursor = page.next;
        if (page.next === null) await syncStore.finishBulkPublish(tx, poolId, row.run_id, 'SUCCEEDED', cognate.clock.now(), null);
        return page.next === null;
      });
      cognate.outbox.kick();
      if (done) return;
    }
  } catch (err) {
    if (isTransientStoreError(err)) {
      // The database is away: the lease lapses and the run is taken over from its cursor later.
      cognate.log.warn({ identityPoolId: poolId }, 'bulk publish paused: the database is unavailable');
      return;
    }
    const message = (err instanceof Error ? err.message : 'The bulk publish failed.').slice(0, 500);
    cognate.log.warn({ identityPoolId: poolId, error: message }, 'bulk publish failed');
    await syncStore.finishBulkPublish(cognate.store.db, poolId, row.run_id, 'FAILED', cognate.clock.now(), message).catch(() => undefined);
  }
}

/** Takes over the pool's run if its node died (lease lapsed), and continues it here in the background. */
async function resumeIfLapsed(cognate: BulkPorts, pager: DatasetPager, identityPoolId: string): Promise<void> {
  const row = await syncStore.findBulkPublish(cognate.store.db, identityPoolId);
  const now = cognate.clock.now();
  if (!row || row.status !== 'IN_PROGRESS' || row.lease_until >= now) return;
  if (!(await syncStore.claimLapsedBulkPublish(cognate.store.db, identityPoolId, row.run_id, row.lease_until, now + LEASE_MS))) return;
  void run(cognate, pager, { ...row, lease_until: now + LEASE_MS });
}

/** BulkPublish: records the run IN_PROGRESS and starts it in the background. */
export async function bulkPublish(cognate: BulkPorts, pager: DatasetPager, caller: SyncCaller, input: { IdentityPoolId: string }): Promise<{ IdentityPoolId: string }> {
  requireDeveloper(caller);
  await resumeIfLapsed(cognate, pager, input.IdentityPoolId);
  const row = await cognate.store.transaction(async (tx) => {
    await requirePool(tx, input.IdentityPoolId);
    if (!(await enabledStream(cognate, tx, input.IdentityPoolId))) throw syncInvalidParameter(`Cognito Streams are not enabled for identity pool '${input.IdentityPoolId}'.`);
    const now = cognate.clock.now();
    const last = await syncStore.findBulkPublish(tx, input.IdentityPoolId);
    if (last?.status === 'IN_PROGRESS') throw new CognitoError('DuplicateRequestException', 'A bulk publish is already in progress for this identity pool.');
    if (last?.status === 'SUCCEEDED' && last.completed_at !== null && now - last.completed_at < BULK_PUBLISH_INTERVAL_MS) {
      throw new CognitoError('AlreadyStreamedException', 'A bulk publish of this identity pool completed successfully less than 24 hours ago.');
    }
    const started: SyncBulkPublishRow = { identity_pool_id: input.IdentityPoolId, run_id: newId(), status: 'IN_PROGRESS', started_at: now, completed_at: null, failure_message: null, lease_until: now + LEASE_MS, cursor: null };
    // Conditional on what was read: of a burst of BulkPublish calls, one starts the run.
    if (!(await syncStore.startBulkPublish(tx, started, last))) throw new CognitoError('DuplicateRequestException', 'A bulk publish is already in progress for this identity pool.');
    return started;
  });
  // After the answer is on its way, so the caller sees IN_PROGRESS first.
  setImmediate(() => void run(cognate, pager, row));
  return { IdentityPoolId: input.IdentityPoolId };
}

/** GetBulkPublishDetails. */
export async function getBulkPublishDetails(cognate: BulkPorts, pager: DatasetPager, caller: SyncCaller, input: { IdentityPoolId: string }): Promise<BulkPublishDetails> {
  requireDeveloper(caller);
  await requirePool(cognate.store.db, input.IdentityPoolId);
  await resumeIfLapsed(cognate, pager, input.IdentityPoolId);
  const row = await syncStore.findBulkPublish(cognate.store.db, input.IdentityPoolId);
  if (!row) return { IdentityPoolId: input.IdentityPoolId, BulkPublishStatus: 'NOT_STARTED' };
  return {
    IdentityPoolId: input.IdentityPoolId,
    BulkPublishStatus: row.status as BulkPublishDetails['BulkPublishStatus'],
    BulkPublishStartTime: row.started_at / 1000,
    ...(row.completed_at !== null ? { BulkPublishCompleteTime: row.completed_at / 1000 } : {}),
    ...(row.failure_message ? { FailureMessage: row.failure_message } : {}),
  };
}

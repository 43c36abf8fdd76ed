/**
 * The trigger-invocation log (triggers/invocations.ts): rows written in batches, read newest first
 * per pool, and pruned so the table stays small whatever the traffic.
 */
import type { Executor } from './db.js';
import type { TriggerInvocationsTable } from './schema.js';

export type TriggerInvocationRow = TriggerInvocationsTable;

/** Writes a batch of invocations in one statement. */
export async function insertInvocations(db: Executor, rows: readonly TriggerInvocationRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('trigger_invocations').values([...rows]).execute();
}

export interface InvocationQuery {
  poolId: string;
  /** only failures (every outcome but 'ok') */
  failuresOnly?: boolean;
  /** only this function */
  functionArn?: string;
  limit: number;
}

/** A pool's newest invocations first (ties by id, so the order is total). */
export async function recentInvocations(db: Executor, q: InvocationQuery): Promise<TriggerInvocationRow[]> {
  let query = db.selectFrom('trigger_invocations').selectAll().where('pool_id', '=', q.poolId);
  if (q.failuresOnly) query = query.where('outcome', '!=', 'ok');
  if (q.functionArn !== undefined) query = query.where('function_arn', '=', q.functionArn);
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

/** Per function of a pool: how many runs the log holds, how many failed, and the last run and failure. */
export async function invocationSummary(db: Executor, poolId: string): Promise<{ function_arn: string; runs: number; failures: number; last_at: number; last_failure_at: number | null }[]> {
  const rows = await db
    .selectFrom('trigger_invocations')
    .select((eb) => [
      'function_arn',
      eb.fn.countAll<number | string>().as('runs'),
      eb.fn.sum<number | string>(eb.case().when('outcome', '!=', 'ok').then(1).else(0).end()).as('failures'),
      eb.fn.max<number | string>('started_at').as('last_at'),
      eb.fn.max<number | string | null>(eb.case().when('outcome', '!=', 'ok').then(eb.ref('started_at')).else(null).end()).as('last_failure_at'),
    ])
    .where('pool_id', '=', poolId)
    .groupBy('function_arn')
    .execute();
  return rows.map((r) => ({
    function_arn: r.function_arn,
    runs: Number(r.runs),
    failures: Number(r.failures ?? 0),
    last_at: Number(r.last_at),
    last_failure_at: r.last_failure_at === null || r.last_failure_at === undefined ? null : Number(r.last_failure_at),
  }));
}

/**
 * Keeps the newest `keep` rows of a pool and deletes the rest; returns how many went. The
 * subquery walks the (pool_id, started_at) index from the newest end.
 */
export async function pruneInvocationsOfPool(db: Executor, poolId: string, keep: number): Promise<number> {
  const cutoff = await db
    .selectFrom('trigger_invocations')
    .select(['started_at', 'id'])
    .where('pool_id', '=', poolId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .offset(keep - 1)
    .limit(1)
    .executeTakeFirst();
  if (!cutoff) return 0;
  const result = await db
    .deleteFrom('trigger_invocations')
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or([eb('started_at', '<', cutoff.started_at), eb.and([eb('started_at', '=', cutoff.started_at), eb('id', '<', cutoff.id)])]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every row older than `before` (epoch ms), of whatever pool: deleted pools' rows age out here. */
export async function pruneInvocationsBefore(db: Executor, before: number): Promise<number> {
  const result = await db.deleteFrom('trigger_invocations').where('started_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The outbox repository: messages waiting for (or done with) delivery, their content sealed. A
 * message is inserted in the caller's transaction; delivery claims a message by a conditional
 * update, so of several nodes one wins it.
 */
import type { Executor } from './db.js';
import type { OutboxTable } from './schema.js';

export type OutboxRow = OutboxTable;

export async function insertMessage(db: Executor, row: OutboxRow): Promise<void> {
  await db.insertInto('outbox').values(row).execute();
}

/** Messages neither delivered nor failed whose next attempt is due, the longest waiting first. */
export async function dueMessages(db: Executor, now: number, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('delivered_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}

/**
 * Claims an undelivered message for an attempt: counts it and holds the message until `leaseUntil`,
 * if nobody made an attempt since the caller read it (`attempts`). Returns whether the caller won it.
 */
export async function claimMessage(db: Executor, id: string, attempts: number, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ next_attempt_at: leaseUntil, attempts: attempts + 1 })
    .where('id', '=', id)
    .where('attempts', '=', attempts)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** `delivered_by` is varchar(32): a longer transport name (`sms-webhook(<origin>)`) is cut, never refused after the message went out. */
const DELIVERED_BY_MAX = 32;

export async function markDelivered(db: Executor, id: string, at: number, by: string): Promise<void> {
  await db.updateTable('outbox').set({ delivered_at: at, delivered_by: by.slice(0, DELIVERED_BY_MAX), last_error: null }).where('id', '=', id).execute();
}

/** Records a failed attempt: the next one at `nextAttemptAt`, or none when `failedAt` is given. */
export async function markAttemptFailed(db: Executor, id: string, failure: { error: string; nextAttemptAt?: number; failedAt?: number }): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      last_error: failure.error,
      ...(failure.nextAttemptAt !== undefined ? { next_attempt_at: failure.nextAttemptAt } : {}),
      ...(failure.failedAt !== undefined ? { failed_at: failure.failedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** The newest messages, of one pool or of all. */
export async function recentMessages(db: Executor, limit: number, poolId?: string): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').limit(limit);
  if (poolId) q = q.where('pool_id', '=', poolId);
  return q.execute();
}

/**
 * The console's outbox search (messaging/outbox-search.ts): messages by pool, recipient, kind,
 * channel and time, newest first, a page at a time by a keyset (created_at, id). A recipient is
 * an exact value or a prefix as a range in code-point order (`collate "C"` on PostgreSQL), so
 * `%` and `_` are plain characters. Bodies stay sealed here: the caller opens the page it shows.
 */
import { sql } from 'kysely';
import type { Dialect, Executor } from './db.js';
import type { OutboxRow } from './outbox.js';

export type OutboxSearchRow = OutboxRow;

export interface OutboxSearch {
  poolId?: string;
  /** exact recipient, or a prefix range [from, to) (`to` undefined: no upper bound) */
  recipient?: { exact: string } | { from: string; to: string | undefined };
  kind?: string;
  channel?: string;
  /** created_at bounds, epoch ms: from inclusive, to exclusive */
  from?: number;
  to?: number;
  /** the last row of the previous page */
  after?: { createdAt: number; id: string };
  limit: number;
}

export async function searchMessages(db: Executor, dialect: Dialect, s: OutboxSearch): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (s.poolId !== undefined) q = q.where('pool_id', '=', s.poolId);
  if (s.kind !== undefined) q = q.where('kind', '=', s.kind);
  if (s.channel !== undefined) q = q.where('channel', '=', s.channel);
  if (s.from !== undefined) q = q.where('created_at', '>=', s.from);
  if (s.to !== undefined) q = q.where('created_at', '<', s.to);
  const r = s.recipient;
  if (r && 'exact' in r) q = q.where('destination', '=', r.exact);
  else if (r) {
    const column = dialect === 'postgres' ? sql<string>`(destination collate "C")` : sql<string>`destination`;
    q = q.where(column, '>=', r.from);
    if (r.to !== undefined) q = q.where(column, '<', r.to);
  }
  const after = s.after;
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(s.limit).execute();
}

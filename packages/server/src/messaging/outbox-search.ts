/**
 * Searching the development outbox for the console: the codes and invitations Cognate queued,
 * found by pool, recipient (exact, or a prefix ending in `*`), kind (`SignUp`, `ForgotPassword` …),
 * channel and time, newest first, a page at a time. The page token is sealed and bound to the
 * query (domain/page-tokens.ts), so it can't be edited into another position or reused for another
 * search. Bodies are sealed at rest (`outbox:<id>`); only the page being shown is opened. Bodies are
 * not searchable: they are never in the clear in the database.
 */
import { errors } from '../errors.js';
import type { Ports } from '../domain/cognate.js';
import { prefixSuccessor } from '../domain/list-users.js';
import { openPageToken, sealPageToken } from '../domain/page-tokens.js';
import * as searchStore from '../store/outbox-search.js';
import type { MessageContent, StoredMessage } from './outbox.js';

export interface OutboxQuery {
  poolId?: unknown;
  /** an exact address or number, or a prefix ending in `*` */
  recipient?: unknown;
  kind?: unknown;
  channel?: unknown;
  /** epoch ms, inclusive */
  from?: unknown;
  /** epoch ms, exclusive */
  to?: unknown;
  limit?: unknown;
  nextToken?: unknown;
}

export interface OutboxPage {
  messages: StoredMessage[];
  nextToken?: string;
}

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

/** An optional text member: absent or empty is "any", otherwise a string within `max` characters. */
function text(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw errors.invalidParameter(`${name} must be a string.`);
  const v = value.trim();
  if (v === '') return undefined;
  if (v.length > max) throw errors.invalidParameter(`${name} must be at most ${max} characters.`);
  return v;
}

function time(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw errors.invalidParameter(`${name} must be a time in epoch milliseconds.`);
  return n;
}

function limitOf(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_LIMIT;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw errors.invalidParameter(`limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  return n;
}

/** Opens a stored message's content for display; a body sealed under another master key says so. */
function opened(cognate: Ports<'secrets'>, row: searchStore.OutboxSearchRow): StoredMessage {
  const raw = cognate.secrets.atRest.openString(row.content_sealed, `outbox:${row.id}`);
  let content: MessageContent = { text: '(sealed with another key)' };
  if (raw) {
    try {
      content = JSON.parse(raw.toString('utf8')) as MessageContent;
    } catch {
      content = { text: '(unreadable)' };
    }
  }
  // A custom sender's request holds the code for the sender function; the page shows the message, not that.
  const { customSender: _sender, ...shown } = content;
  return {
    id: row.id,
    poolId: row.pool_id,
    channel: row.channel as StoredMessage['channel'],
    to: row.destination,
    kind: row.kind,
    ...shown,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    deliveredBy: row.delivered_by,
    attempts: row.attempts,
    lastError: row.last_error,
    failedAt: row.failed_at === null ? null : Number(row.failed_at),
  };
}

/**
 * One page of the outbox for a query. Bad members are InvalidParameterException; a token from
 * another query, edited, or expired is "Invalid pagination token.".
 */
export async function searchOutbox(cognate: Ports<'clock' | 'secrets' | 'store'>, query: OutboxQuery): Promise<OutboxPage> {
  const q = query ?? {};
  const poolId = text(q.poolId, 'poolId', 55);
  const recipientText = text(q.recipient, 'recipient', 320);
  const kind = text(q.kind, 'kind', 64);
  const channel = text(q.channel, 'channel', 8);
  if (channel !== undefined && !['email', 'sms', 'webhook'].includes(channel)) throw errors.invalidParameter('channel must be email, sms or webhook.');
  const from = time(q.from, 'from');
  const to = time(q.to, 'to');
  const limit = limitOf(q.limit);
  let recipient: searchStore.OutboxSearch['recipient'];
  if (recipientText !== undefined) {
    if (recipientText.endsWith('*')) {
      const prefix = recipientText.slice(0, -1);
      if (prefix !== '') recipient = { from: prefix, to: prefixSuccessor(prefix) };
    } else recipient = { exact: recipientText };
  }
  const scope = ['console-outbox', JSON.stringify([poolId ?? null, recipientText ?? null, kind ?? null, channel ?? null, from ?? null, to ?? null])];
  let after: { createdAt: number; id: string } | undefined;
  if (q.nextToken !== undefined && q.nextToken !== null && q.nextToken !== '') {
    if (typeof q.nextToken !== 'string' || q.nextToken.length > 2048) throw errors.invalidParameter('Invalid pagination token.');
    let cursor;
    try {
      cursor = openPageToken(cognate, scope, q.nextToken, ['number', 'string']);
    } catch {
      throw errors.invalidParameter('Invalid pagination token.');
    }
    after = { createdAt: cursor[0] as number, id: cursor[1] as string };
  }
  const rows = await searchStore.searchMessages(cognate.store.db, cognate.store.dialect, {
    ...(poolId !== undefined ? { poolId } : {}),
    ...(recipient ? { recipient } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...(channel !== undefined ? { channel } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(after ? { after } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    messages: page.map((row) => opened(cognate, row)),
    ...(rows.length > limit && last ? { nextToken: sealPageToken(cognate, scope, [Number(last.created_at), last.id]) } : {}),
  };
}

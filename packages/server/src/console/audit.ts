/**
 * The console's audit trail: every change made in the console, who made it, when, on what, and
 * how it ended (`ok` or the error's name), in the `console_audit` table; read back, newest first,
 * a page at a time (pages/audit.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Cognate } from '../domain/cognate.js';
import { insertConsoleAudit, listConsoleAudit, type ConsoleAuditRow } from '../store/console.js';

export interface AuditEntry {
  /** The session's principal (`user:<name>`, `key:<access key id>`), or the name tried at a failed sign-in. */
  actor: string;
  /** What was done: the API operation's name (`CreateUserPool`), or a console event (`ConsoleSignIn`). */
  action: string;
  /** What it was done to, most general first: `us-east-1_abc/users/alice`. */
  target: string;
  outcome: string;
  /** The non-secret parts of the input. */
  detail?: Record<string, unknown>;
}

/** Field names whose values never reach the audit trail. */
const SECRET_FIELD = /password|secret|code|token|session/i;

/** A copy of `value` with secret-looking fields replaced by `"(hidden)"`, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '(hidden)' : withoutSecrets(v);
  return out;
}

let lastMs = 0;
let seq = 0;
/**
 * An audit row's id: sortable in the order this process wrote its rows (milliseconds of the real
 * clock, then a counter), then random, so rows written in the same instant of the domain's clock
 * (or a test's stopped one) still read back in the order they happened, and two nodes never collide.
 */
function auditId(): string {
  const ms = Math.max(Date.now(), lastMs);
  seq = ms === lastMs ? seq + 1 : 0;
  lastMs = ms;
  return `${ms.toString(36).padStart(9, '0')}${seq.toString(36).padStart(5, '0')}-${randomBytes(8).toString('hex')}`;
}

/** Writes one audit row (its detail without secrets, at most 8 KiB of JSON). */
export async function recordAudit(cognate: Cognate, entry: AuditEntry): Promise<void> {
  let detail = JSON.stringify(withoutSecrets(entry.detail ?? {}));
  if (detail.length > 8192) detail = JSON.stringify({ truncated: detail.slice(0, 8000) });
  await insertConsoleAudit(cognate.store.db, {
    id: auditId(),
    at: cognate.clock.now(),
    actor: entry.actor.slice(0, 256),
    action: entry.action.slice(0, 64),
    target: entry.target.slice(0, 1024),
    outcome: entry.outcome.slice(0, 128),
    detail,
  });
}

export type AuditRow = ConsoleAuditRow;

/** Opaque cursor of an audit page: `<at>.<id>` of the last row shown. */
export function auditCursor(row: AuditRow): string {
  return `${row.at}.${row.id}`;
}

function parseCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  const m = cursor ? /^(\d{1,16})\.([0-9a-z]{14}-[0-9a-f]{16})$/.exec(cursor) : null;
  return m ? { at: Number(m[1]), id: m[2]! } : undefined;
}

/** One page of the audit trail (newest first), after `cursor`, optionally only targets under `targetPrefix`. */
export async function readAudit(cognate: Cognate, opts: { limit?: number; cursor?: string | undefined; targetPrefix?: string | undefined }): Promise<{ rows: AuditRow[]; next?: string }> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const page = await listConsoleAudit(cognate.store.db, { limit, before: parseCursor(opts.cursor), targetPrefix: opts.targetPrefix || undefined });
  const last = page.rows.at(-1);
  return { rows: page.rows, ...(page.more && last ? { next: auditCursor(last) } : {}) };
}

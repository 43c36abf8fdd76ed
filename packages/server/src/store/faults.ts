/**
 * One place that says which database errors mean "the database is unreachable for now" (an
 * outage: connection refused or lost, the server shutting down or starting up, a connect timeout)
 * or "the database is busy" (SQLite's lock wait ran out). Both are the service's fault and pass:
 * the protocol adapters answer them with a retryable 503 instead of a 500, and the background
 * workers try again later instead of failing their work for good.
 */

/** Node socket errors that mean the connection could not be made or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/**
 * PostgreSQL SQLSTATEs of class 57 that mean the server went away or is not ready:
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 57P05 idle_session_timeout.
 * Class 08 (connection exception) is matched as a class. See
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const OPERATOR_CODES = new Set(['57P01', '57P02', '57P03', '57P05']);
/** node-pg's own messages for a lost or never-made connection (it sets no code on them). */
const LOST_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Connection ended|not queryable|Query read timeout/i;

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `e` says the database can't be reached right now; the same request may work later. */
export function isConnectionLoss(e: unknown): boolean {
  if (e === null || typeof e !== 'object') return false;
  const code = codeOf(e);
  if (code !== undefined && (SOCKET_CODES.has(code) || OPERATOR_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (e instanceof Error && LOST_MESSAGES.test(e.message)) return true;
  // AggregateError (a host name with several addresses, all refused) and wrapped causes.
  const nested = (e as { errors?: unknown; cause?: unknown });
  if (Array.isArray(nested.errors) && nested.errors.length > 0 && nested.errors.every(isConnectionLoss)) return true;
  return nested.cause !== undefined && nested.cause !== e && isConnectionLoss(nested.cause);
}

/**
 * True when the database is too contended to finish the work now: SQLite gave up waiting for a lock
 * (busy_timeout ran out), or PostgreSQL still found a deadlock or a serialization conflict after
 * Store.transaction() had retried it (SQLSTATE 40P01, 40001). Nothing was written; try again shortly.
 */
export function isBusy(e: unknown): boolean {
  const code = codeOf(e);
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (code?.startsWith('SQLITE_BUSY_') ?? false) || code === '40P01' || code === '40001';
}

/** An outage or a busy database: the answer is a retryable 503, not a 500. */
export function isTransientStoreError(e: unknown): boolean {
  return isConnectionLoss(e) || isBusy(e);
}

/**
 * The admin console's repository (console/README.md): its users, its sessions, the sign-in attempt
 * counters and the audit trail. Nothing here belongs to a user pool.
 */
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { ConsoleAuditTable, ConsoleUsersTable } from './schema-console.js';

export type ConsoleUserRow = ConsoleUsersTable;
export type ConsoleAuditRow = ConsoleAuditTable;

/** Adds a console user; false when the name is taken. */
export async function insertConsoleUser(db: Executor, row: ConsoleUserRow): Promise<boolean> {
  const result = await db.insertInto('console_users').values(row).onConflict((oc) => oc.column('username').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findConsoleUser(db: Executor, username: string): Promise<ConsoleUserRow | undefined> {
  const row = await db.selectFrom('console_users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && { ...row, totp_last_step: row.totp_last_step === null ? null : Number(row.totp_last_step), created_at: Number(row.created_at) };
}

/**
 * Spends a TOTP step: true only if `step` is later than the last one spent, in one statement, so
 * two sign-ins racing with the same code can't both win.
 */
export async function spendConsoleTotpStep(db: Executor, username: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('console_users')
    .set({ totp_last_step: step })
    .where('username', '=', username)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a console user and every session they have (run in a transaction); false when there is no such user. */
export async function deleteConsoleUserAndSessions(db: Executor, username: string): Promise<boolean> {
  await db.deleteFrom('console_sessions').where('principal', '=', `user:${username}`).execute();
  const result = await db.deleteFrom('console_users').where('username', '=', username).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function listConsoleUsers(db: Executor): Promise<{ username: string; created_at: number }[]> {
  const rows = await db.selectFrom('console_users').select(['username', 'created_at']).orderBy('username').limit(1000).execute();
  return rows.map((r) => ({ username: r.username, created_at: Number(r.created_at) }));
}

/**
 * Counts one attempt for `keyHash` before its secret is checked (so a burst can't outrun the
 * count): the count restarts at 1 when the last failure is older than `windowMs`. Returns the count
 * including this attempt.
 */
export async function reserveConsoleAttempt(db: Executor, keyHash: string, now: number, windowMs: number): Promise<number> {
  const row = await db
    .insertInto('console_sign_in_attempts')
    .values({ key_hash: keyHash, failed_attempts: 1, last_failed_at: now })
    .onConflict((oc) =>
      oc.column('key_hash').doUpdateSet({
        failed_attempts: sql<number>`case when console_sign_in_attempts.last_failed_at < ${now - windowMs} then 1 else console_sign_in_attempts.failed_attempts + 1 end`,
        last_failed_at: now,
      }),
    )
    .returning('failed_attempts')
    .executeTakeFirstOrThrow();
  return Number(row.failed_attempts);
}

/** Forgets the attempts of a name that signed in. */
export async function clearConsoleAttempts(db: Executor, keyHash: string): Promise<void> {
  await db.deleteFrom('console_sign_in_attempts').where('key_hash', '=', keyHash).execute();
}

export async function insertConsoleSession(db: Executor, row: { id_hash: string; principal: string; created_at: number; last_seen_at: number; expires_at: number }): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute();
}

/**
 * The live session with this hash, its idle time renewed: one statement that matches only a session
 * within both its absolute end and `idleMs` of its last request. Renewals closer together than
 * `touchEveryMs` are skipped (fewer writes), so the idle bound is kept within that much.
 */
export async function touchConsoleSession(db: Executor, idHash: string, now: number, idleMs: number, touchEveryMs: number): Promise<{ principal: string; created_at: number } | undefined> {
  const row = await db
    .selectFrom('console_sessions')
    .select(['principal', 'created_at', 'last_seen_at'])
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .executeTakeFirst();
  if (!row) return undefined;
  if (now - Number(row.last_seen_at) >= touchEveryMs) await db.updateTable('console_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return { principal: row.principal, created_at: Number(row.created_at) };
}

export async function deleteConsoleSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

/** Removes sessions past their absolute end or idle for longer than `idleMs`. */
export async function deleteExpiredConsoleSessions(db: Executor, now: number, idleMs: number): Promise<void> {
  await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
    .execute();
}

export async function insertConsoleAudit(db: Executor, row: ConsoleAuditRow): Promise<void> {
  await db.insertInto('console_audit').values(row).execute();
}

/**
 * A page of the audit trail, newest first, after the cursor `(at, id)` of the previous page's last
 * row; optionally only rows whose target starts with `targetPrefix`. One more row than `limit` is
 * read to tell whether another page follows.
 */
export async function listConsoleAudit(
  db: Executor,
  opts: { limit: number; before?: { at: number; id: string } | undefined; targetPrefix?: string | undefined },
): Promise<{ rows: ConsoleAuditRow[]; more: boolean }> {
  let q = db.selectFrom('console_audit').selectAll();
  const before = opts.before;
  if (before) q = q.where((eb) => eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]));
  // An exact prefix on both databases (LIKE differs: SQLite ignores ASCII case and has no default escape).
  const prefix = opts.targetPrefix;
  if (prefix) q = q.where(sql<string>`substr(target, 1, ${sql.lit([...prefix].length)})`, '=', prefix);
  const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(opts.limit + 1).execute();
  return { rows: rows.slice(0, opts.limit).map((r) => ({ ...r, at: Number(r.at) })), more: rows.length > opts.limit };
}

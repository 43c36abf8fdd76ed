/**
 * The import jobs repository: `user_import_jobs` rows (CreateUserImportJob … StartUserImportJob,
 * the uploaded CSV, the lease of the node running a job and its progress), and the rows a user
 * import writes (users with their attributes and sign-in aliases, in multi-row batches).
 *
 * Every statement that changes a running job is conditional on the lease the caller holds (or on
 * the status it expects), and says whether it applied: the domain decides what that means.
 */
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { SignInAliasesTable, UserAttributesTable, UserImportJobsTable, UsersTable } from './schema.js';
import { encodeAttributes } from './users.js';
import { dialectOf } from './compiled.js';

export type ImportJobRecord = UserImportJobsTable;
/** A job's row without its CSV (which can be 100 MB): whether one was uploaded instead. */
export type ImportJobRow = Omit<UserImportJobsTable, 'csv'> & { has_csv: number };

const JOB_COLUMNS = [
  'id', 'pool_id', 'name', 'status', 'cloudwatch_logs_role_arn', 'password_hashing_algorithm', 'created_at', 'started_at', 'completed_at',
  'imported_users', 'skipped_users', 'failed_users', 'completion_message', 'lease_until', 'rows_done',
] as const;
const hasCsv = sql<number>`case when csv is null then 0 else 1 end`.as('has_csv');

/** Statuses of a job some node runs or should run. */
const ACTIVE = ['Pending', 'InProgress', 'Stopping'];

const applied = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

export async function insertImportJob(db: Executor, row: ImportJobRecord): Promise<void> {
  await db.insertInto('user_import_jobs').values(row).execute();
}

/** A job of a pool, without its CSV. */
export async function findImportJobRow(db: Executor, poolId: string, jobId: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom('user_import_jobs').select([...JOB_COLUMNS, hasCsv]).where('id', '=', jobId).where('pool_id', '=', poolId).executeTakeFirst();
}

/** A job with its CSV, whatever its pool (for the node that runs it). */
export async function findImportJobRecord(db: Executor, jobId: string): Promise<ImportJobRecord | undefined> {
  return db.selectFrom('user_import_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
}

export async function importJobStatus(db: Executor, jobId: string): Promise<string | undefined> {
  return (await db.selectFrom('user_import_jobs').select('status').where('id', '=', jobId).executeTakeFirst())?.status;
}

/**
 * A pool's jobs, newest first (then by ID, descending), after the `before` cursor; `limit + 1` of
 * them so the caller sees whether there is a next page.
 */
export async function listImportJobRows(db: Executor, poolId: string, limit: number, before?: { createdAt: number; id: string }): Promise<ImportJobRow[]> {
  let q = db.selectFrom('user_import_jobs').select([...JOB_COLUMNS, hasCsv]).where('pool_id', '=', poolId);
  if (before) {
    const { createdAt, id } = before;
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

/** The ID of a job of the pool that is running (or about to), if any. */
export async function activeImportJobOfPool(db: Executor, poolId: string): Promise<string | undefined> {
  return (await db.selectFrom('user_import_jobs').select('id').where('pool_id', '=', poolId).where('status', 'in', ACTIVE).executeTakeFirst())?.id;
}

/** Created → Expired, dropping the CSV (if it is still Created). */
export async function expireImportJob(db: Executor, jobId: string, message: string): Promise<void> {
  await db.updateTable('user_import_jobs').set({ status: 'Expired', csv: null, completion_message: message }).where('id', '=', jobId).where('status', '=', 'Created').execute();
}

/** Keeps the uploaded CSV, if the job is still Created; returns whether it did. */
export async function storeImportCsv(db: Executor, jobId: string, csv: string): Promise<boolean> {
  return applied(await db.updateTable('user_import_jobs').set({ csv }).where('id', '=', jobId).where('status', '=', 'Created').executeTakeFirst());
}

/** Created → Pending (StartUserImportJob); returns whether it applied. */
export async function markImportJobPending(db: Executor, jobId: string, now: number): Promise<boolean> {
  return applied(await db.updateTable('user_import_jobs').set({ status: 'Pending', started_at: now }).where('id', '=', jobId).where('status', '=', 'Created').executeTakeFirst());
}

/** Pending or InProgress → Stopping (StopUserImportJob); returns whether it applied. */
export async function markImportJobStopping(db: Executor, jobId: string): Promise<boolean> {
  return applied(await db.updateTable('user_import_jobs').set({ status: 'Stopping' }).where('id', '=', jobId).where('status', 'in', ['Pending', 'InProgress']).executeTakeFirst());
}

/** Pending → InProgress. */
export async function markImportJobInProgress(db: Executor, jobId: string): Promise<void> {
  await db.updateTable('user_import_jobs').set({ status: 'InProgress' }).where('id', '=', jobId).where('status', '=', 'Pending').execute();
}

/** IDs of the active jobs no node holds (no lease, or a lapsed one). */
export async function abandonedImportJobIds(db: Executor, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('user_import_jobs')
    .select('id')
    .where('status', 'in', ACTIVE)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .execute();
  return rows.map((r) => r.id);
}

/** Takes an active job's lease until `lease` if no node holds it; returns whether this caller got it. */
export async function claimImportJob(db: Executor, jobId: string, lease: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('user_import_jobs')
    .set({ lease_until: lease })
    .where('id', '=', jobId)
    .where('status', 'in', ACTIVE)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return applied(result);
}

/** Gives the lease back, if the caller still holds it. */
export async function releaseImportJobLease(db: Executor, jobId: string, lease: number): Promise<void> {
  await db.updateTable('user_import_jobs').set({ lease_until: null }).where('id', '=', jobId).where('lease_until', '=', lease).execute();
}

/** Records progress and moves the lease to `renewed`, if the caller still holds `lease`; returns whether it does. */
export async function advanceImportJob(
  db: Executor,
  jobId: string,
  lease: number,
  renewed: number,
  progress: { rowsDone: number; imported: number; failed: number },
): Promise<boolean> {
  const result = await db
    .updateTable('user_import_jobs')
    .set({ rows_done: progress.rowsDone, imported_users: progress.imported, failed_users: progress.failed, lease_until: renewed })
    .where('id', '=', jobId)
    .where('lease_until', '=', lease)
    .executeTakeFirst();
  return applied(result);
}

/** Ends a job (dropping its CSV and lease), if the caller still holds `lease`. */
export async function finishImportJob(
  db: Executor,
  jobId: string,
  lease: number,
  end: { status: string; message: string; imported: number; skipped: number; failed: number; now: number },
): Promise<void> {
  await db
    .updateTable('user_import_jobs')
    .set({
      status: end.status,
      completion_message: end.message,
      imported_users: end.imported,
      skipped_users: end.skipped,
      failed_users: end.failed,
      completed_at: end.now,
      csv: null,
      lease_until: null,
    })
    .where('id', '=', jobId)
    .where('lease_until', '=', lease)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// The rows a user import writes

/** Which of these username keys users of the pool hold. */
export async function takenUsernameKeys(db: Executor, poolId: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('username_key').where('pool_id', '=', poolId).where('username_key', 'in', [...keys]).execute();
  return new Set(rows.map((r) => r.username_key));
}

/** Which of these alias value keys users of the pool hold, as `name \0 value_key`. */
export async function heldAliasKeys(db: Executor, poolId: string, valueKeys: readonly string[]): Promise<Set<string>> {
  if (valueKeys.length === 0) return new Set();
  const rows = await db.selectFrom('sign_in_aliases').select(['name', 'value_key']).where('pool_id', '=', poolId).where('value_key', 'in', [...valueKeys]).execute();
  return new Set(rows.map((r) => `${r.name}\0${r.value_key}`));
}

/** Attribute and alias rows per multi-row insert (each row is a handful of parameters). */
const ROWS_PER_INSERT = 1000;

/**
 * Inserts imported users with their attributes and sign-in aliases, in multi-row statements; run
 * it in a transaction. A username or alias someone else holds fails it (a unique violation).
 */
export async function insertImportedUsers(
  db: Executor,
  rows: { users: readonly UsersTable[]; attributes: readonly UserAttributesTable[]; aliases: readonly SignInAliasesTable[] },
): Promise<void> {
  const pairs = new Map<string, Array<[string, string]>>();
  for (const a of rows.attributes) {
    const list = pairs.get(a.user_id);
    if (list) list.push([a.name, a.value]);
    else pairs.set(a.user_id, [[a.name, a.value]]);
  }
  // Each user row carries its copy of the attributes (schema.ts `attributes`), as the writes of store/users.ts keep it.
  const users = rows.users.map((u) => ({ ...u, attributes: encodeAttributes(pairs.get(u.id) ?? []) }));
  if (users.length > 0) await db.insertInto('users').values(users).execute();
  for (let j = 0; j < rows.attributes.length; j += ROWS_PER_INSERT) await db.insertInto('user_attributes').values(rows.attributes.slice(j, j + ROWS_PER_INSERT)).execute();
  for (let j = 0; j < rows.aliases.length; j += ROWS_PER_INSERT) await db.insertInto('sign_in_aliases').values(rows.aliases.slice(j, j + ROWS_PER_INSERT)).execute();
}

/**
 * After a large import on PostgreSQL: ANALYZE the tables it filled. The planner's statistics are
 * otherwise those of the last automatic ANALYZE, which may have seen the tables before the import
 * (autovacuum follows a committed import a minute or more later). Plans made meanwhile, and kept by
 * each connection's prepared statements, can take a pool of a million users for one of a few rows:
 * ListUsers at a million users timed out that way. ANALYZE samples (about 30,000 rows a table), so
 * it costs about a second at any size, and it invalidates the cached plans. SQLite keeps no
 * statistics (Cognate never runs ANALYZE there); its planner goes by the indexes alone.
 */
export async function refreshPlannerStatistics(db: Executor): Promise<void> {
  if (dialectOf(db) === 'postgres') await sql`analyze users, user_attributes, sign_in_aliases`.execute(db);
}


/**
 * Cognito's CSV import jobs: GetCSVHeader, CreateUserImportJob, DescribeUserImportJob,
 * ListUserImportJobs, StartUserImportJob and StopUserImportJob, with the upload to the job's
 * PreSignedUrl served by Cognate itself (`PUT /import-jobs/<jobId>?token=…`, protocol/import-upload.ts).
 *
 * As Cognito does ("Importing users into user pools from a CSV file"): the CSV has every column
 * GetCSVHeader lists; each user needs a verified value of one of the pool's auto-verified attributes;
 * users arrive in RESET_REQUIRED without a password, and sign-in answers PasswordResetRequiredException
 * (NotAuthorizedException where PreventUserExistenceErrors is on) until ForgotPassword and
 * ConfirmForgotPassword set one. A bad row fails that user only (FailedUsers); the rest are imported.
 * A job not started within a day of its creation expires. Rows a job didn't reach because it was
 * stopped are SkippedUsers.
 *
 * PasswordHashingAlgorithm (BCRYPT, SCRYPT, ARGON2ID, PBKDF2_SHA256) is recent in the API model and
 * its CSV format isn't documented where we could read it; Cognate records it and then accepts a
 * `password_hash` column whose hashes must be of that algorithm (imported-passwords.ts): such users
 * are CONFIRMED and keep their password, those without a hash are RESET_REQUIRED.
 *
 * The job runs in the background, in batches, each its own transaction, checking between batches
 * whether it was asked to stop. The node running it holds a lease on it, renewed with every batch
 * in the batch's transaction along with how many rows are done; when a node dies (or shuts down)
 * mid-job, another node's sweep takes the job over and resumes after the last committed batch.
 * A database outage pauses the job on its node, which takes it up again once the database answers
 * ({@link resumeAfterOutage}).
 */
import { CognitoError, errors } from '../errors.js';
import type { Executor, Store } from '../store/db.js';
import * as jobStore from '../store/import-jobs.js';
import type { ImportJobRecord, ImportJobRow } from '../store/import-jobs.js';
import type { Cognate, Ports } from './cognate.js';
import { randomString } from './ids.js';
import { hashSupport, type PasswordHashingAlgorithm } from './imported-passwords.js';
import { openPageToken, sealPageToken } from './page-tokens.js';
import { BATCH, checkRows, csvHeader, csvRows, DuplicateTracker, ImportFileError, insertUsers, type ImportMode, type ImportRow, type PreparedUser, type Rejection } from './user-import.js';
import { isUniqueViolation } from '../store/constraints.js';
import { isTransientStoreError } from '../store/faults.js';

export type ImportJobStatus = 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Expired' | 'Stopped' | 'Failed' | 'Succeeded';

export interface ImportJob {
  id: string;
  poolId: string;
  name: string;
  status: ImportJobStatus;
  cloudWatchLogsRoleArn: string;
  passwordHashingAlgorithm: PasswordHashingAlgorithm | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  importedUsers: number;
  skippedUsers: number;
  failedUsers: number;
  completionMessage: string | null;
  /** Where to PUT the CSV (until the job expires). */
  preSignedUrl: string;
}

type JobRow = ImportJobRow;

/** A job not started within this long after its creation expires (Cognito: "24-48 hours"). */
export const JOB_EXPIRY_MS = 24 * 60 * 60 * 1000;
/** Cognito's limits for one CSV file. */
export const MAX_CSV_BYTES = 100 * 1024 * 1024;
export const MAX_CSV_USERS = 500_000;

const UPLOAD_AAD = 'user-import-upload';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const MESSAGES = {
  succeeded: 'Import Job Completed Successfully.',
  allFailed: 'Too many users have failed or been skipped during the import.',
  stopped: 'The import job was stopped.',
  expired: 'The import job expired before it was started.',
  internal: 'The import job failed: an internal error occurred.',
};

const notFound = (jobId: string) => errors.resourceNotFound(`Import job ${jobId} does not exist.`);
const precondition = (message: string) => new CognitoError('PreconditionNotMetException', message);

function presignedUrl(cognate: Ports<'config' | 'secrets'>, row: JobRow): string {
  const token = cognate.secrets.sessions.sealJson({ j: row.id, p: row.pool_id }, UPLOAD_AAD, row.created_at + JOB_EXPIRY_MS);
  return `${cognate.config.publicUrl}/import-jobs/${row.id}?token=${encodeURIComponent(token)}`;
}

function toJob(cognate: Ports<'config' | 'secrets'>, row: JobRow): ImportJob {
  return {
    id: row.id,
    poolId: row.pool_id,
    name: row.name,
    status: row.status as ImportJobStatus,
    cloudWatchLogsRoleArn: row.cloudwatch_logs_role_arn,
    passwordHashingAlgorithm: row.password_hashing_algorithm as PasswordHashingAlgorithm | null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    importedUsers: row.imported_users,
    skippedUsers: row.skipped_users,
    failedUsers: row.failed_users,
    completionMessage: row.completion_message,
    preSignedUrl: presignedUrl(cognate, row),
  };
}

/** A job row, with a Created job past its time marked Expired (and its CSV dropped) first. */
async function loadJob(cognate: Ports<'clock' | 'store'>, poolId: string, jobId: string): Promise<JobRow> {
  const row = await jobStore.findImportJobRow(cognate.store.db, poolId, jobId);
  if (!row) throw notFound(jobId);
  return expireIfDue(cognate, row);
}

async function expireIfDue(cognate: Ports<'clock' | 'store'>, row: JobRow): Promise<JobRow> {
  const now = cognate.clock.now();
  if (row.status !== 'Created' || now < row.created_at + JOB_EXPIRY_MS) return row;
  await jobStore.expireImportJob(cognate.store.db, row.id, MESSAGES.expired);
  return { ...row, status: 'Expired', has_csv: 0, completion_message: MESSAGES.expired };
}

// ---------------------------------------------------------------------------------------------
// The actions

/**
 * Refuses a schema change while an import job of the pool is running: the job checked its rows
 * against the schema it started with (AddCustomAttributes → UserImportInProgressException).
 */
export async function assertNoImportRunning(cognate: Pick<Cognate, 'store'>, poolId: string): Promise<void> {
  const running = await jobStore.activeImportJobOfPool(cognate.store.db, poolId);
  if (running) throw new CognitoError('UserImportInProgressException', `User import job ${running} is in progress for this user pool; try again when it has finished.`);
}

export async function getCsvHeader(cognate: Ports<'pools'>, poolId: string): Promise<{ poolId: string; header: string[] }> {
  const pool = await cognate.pools.get(poolId);
  return { poolId: pool.id, header: csvHeader(pool) };
}

export async function createImportJob(
  cognate: Ports<'clock' | 'config' | 'pools' | 'secrets' | 'store'>,
  input: { UserPoolId: string; JobName: string; CloudWatchLogsRoleArn: string; PasswordHashingAlgorithm?: PasswordHashingAlgorithm },
): Promise<ImportJob> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const row: ImportJobRecord = {
    id: `import-${randomString(ALNUM, 10)}`,
    pool_id: pool.id,
    name: input.JobName,
    status: 'Created',
    lease_until: null,
    rows_done: 0,
    cloudwatch_logs_role_arn: input.CloudWatchLogsRoleArn,
    password_hashing_algorithm: input.PasswordHashingAlgorithm ?? null,
    csv: null,
    created_at: cognate.clock.now(),
    started_at: null,
    completed_at: null,
    imported_users: 0,
    skipped_users: 0,
    failed_users: 0,
    completion_message: null,
  };
  await jobStore.insertImportJob(cognate.store.db, row);
  const { csv: _none, ...meta } = row;
  return toJob(cognate, { ...meta, has_csv: 0 });
}

export async function describeImportJob(cognate: Ports<'clock' | 'config' | 'pools' | 'secrets' | 'store'>, poolId: string, jobId: string): Promise<ImportJob> {
  await cognate.pools.get(poolId);
  return toJob(cognate, await loadJob(cognate, poolId, jobId));
}

/** ListUserImportJobs: newest first, MaxResults (1–60) a page. */
export async function listImportJobs(cognate: Ports<'clock' | 'config' | 'pools' | 'secrets' | 'store'>, input: { UserPoolId: string; MaxResults: number; PaginationToken?: string }): Promise<{ jobs: ImportJob[]; paginationToken?: string }> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const scope = ['ListUserImportJobs', pool.id];
  let before: { createdAt: number; id: string } | undefined;
  if (input.PaginationToken !== undefined) {
    const [createdAt, id] = openPageToken(cognate, scope, input.PaginationToken, ['number', 'string']) as [number, string];
    before = { createdAt, id };
  }
  const rows = await jobStore.listImportJobRows(cognate.store.db, pool.id, input.MaxResults, before);
  const page = await Promise.all(rows.slice(0, input.MaxResults).map((r) => expireIfDue(cognate, r)));
  const jobs = page.map((r) => toJob(cognate, r));
  const last = page[page.length - 1];
  return rows.length > input.MaxResults && last ? { jobs, paginationToken: sealPageToken(cognate, scope, [last.created_at, last.id]) } : { jobs };
}

export async function startImportJob(cognate: Ports<'clock' | 'config' | 'log' | 'pools' | 'secrets' | 'store'>, poolId: string, jobId: string): Promise<ImportJob> {
  const pool = await cognate.pools.get(poolId);
  const row = await loadJob(cognate, pool.id, jobId);
  if (row.status !== 'Created') throw precondition(`Import job ${jobId} can't be started: its status is ${row.status}.`);
  if (!row.has_csv) throw precondition(`No CSV file has been uploaded to the PreSignedUrl of import job ${jobId}.`);
  // "If the user pool has no auto-verified attributes, the import job will not start": imported
  // users could never receive the code that sets their password.
  if ((pool.settings.AutoVerifiedAttributes ?? []).length === 0) throw precondition('The user pool has no auto-verified attributes (AutoVerifiedAttributes); imported users could not reset their passwords.');
  const now = cognate.clock.now();
  if (!(await jobStore.markImportJobPending(cognate.store.db, row.id, now))) throw precondition(`Import job ${jobId} can't be started: it was started or stopped meanwhile.`);
  track(cognate, runJob(cognate, row.id));
  return toJob(cognate, { ...row, status: 'Pending', started_at: now });
}

export async function stopImportJob(cognate: Ports<'clock' | 'config' | 'pools' | 'secrets' | 'store'>, poolId: string, jobId: string): Promise<ImportJob> {
  await cognate.pools.get(poolId);
  const row = await loadJob(cognate, poolId, jobId);
  if (row.status !== 'Pending' && row.status !== 'InProgress') throw precondition(`Import job ${jobId} can't be stopped: its status is ${row.status}.`);
  if (!(await jobStore.markImportJobStopping(cognate.store.db, row.id))) return toJob(cognate, await loadJob(cognate, poolId, jobId));
  return toJob(cognate, { ...row, status: 'Stopping' });
}

// ---------------------------------------------------------------------------------------------
// The upload

/** Why an upload was refused; protocol/import-upload.ts answers each as S3 would. */
export type UploadRefusal =
  /** The token is missing, forged, expired or for another job. */
  | 'invalid-token'
  /** The job (or its pool) was deleted. */
  | 'job-gone'
  /** The job has been started, stopped or has expired: it takes no file any more. */
  | 'closed'
  /** The file is not UTF-8 text, or holds NUL characters. */
  | 'unreadable';

export type UploadOutcome = { ok: true } | { ok: false; reason: UploadRefusal; message: string };

const refused = (reason: UploadRefusal, message: string): UploadOutcome => ({ ok: false, reason, message });

/**
 * Takes the CSV PUT to a job's PreSignedUrl. The token is sealed to the job and lasts until the job
 * expires; a job takes uploads (the last one wins) until it is started.
 */
export async function acceptUpload(cognate: Ports<'clock' | 'secrets' | 'store'>, jobId: string, token: string | undefined, body: Uint8Array): Promise<UploadOutcome> {
  const now = cognate.clock.now();
  const claims = token ? cognate.secrets.sessions.openJson<{ j?: unknown; p?: unknown }>(token, UPLOAD_AAD, now) : null;
  if (!claims || claims.j !== jobId || typeof claims.p !== 'string') return refused('invalid-token', 'The upload URL is invalid or has expired.');
  const row = await jobStore.findImportJobRow(cognate.store.db, claims.p, jobId);
  if (!row) return refused('job-gone', 'The import job no longer exists.');
  const current = await expireIfDue(cognate, row);
  if (current.status !== 'Created') return refused('closed', `The import job takes no upload: its status is ${current.status}.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return refused('unreadable', 'The CSV file is not UTF-8 text.');
  }
  if (text.includes('\u0000')) return refused('unreadable', 'The CSV file contains NUL characters.');
  if (!(await jobStore.storeImportCsv(cognate.store.db, jobId, text))) return refused('closed', 'The import job takes no upload: it has been started.');
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Running a job

/**
 * How long a node holds a job it runs without renewing its lease. It renews after every batch (a
 * batch takes well under a second), so only a node that died or hung lets a lease lapse.
 */
export const JOB_LEASE_MS = 60_000;

/** Jobs running on this node, per store, so closing the node can wait for them. */
const running = new WeakMap<Store, { closing: boolean; jobs: Set<Promise<void>> }>();

function track(cognate: Ports<'log' | 'store'>, job: Promise<void>): void {
  let entry = running.get(cognate.store);
  if (!entry) running.set(cognate.store, (entry = { closing: false, jobs: new Set() }));
  // runJob's claim runs before its own try: a database outage there must be a log line and a
  // later sweep, not an unhandled rejection that ends the process.
  const settled = job.catch((e: unknown) => cognate.log.warn({ err: e }, 'user import job not taken: the database is unavailable'));
  entry.jobs.add(settled);
  void settled.finally(() => entry.jobs.delete(settled));
}

/**
 * Asks this node's jobs to pause after their current batch, releasing their leases, and waits for
 * them (on shutdown). A paused job stays InProgress and resumes on the next node that sweeps.
 */
export async function drainImportJobs(store: Store): Promise<void> {
  const entry = running.get(store);
  if (!entry) return;
  entry.closing = true;
  await Promise.allSettled([...entry.jobs]);
}

/**
 * Takes over the jobs no node holds: Pending, InProgress or Stopping ones whose lease lapsed or was
 * released. Every server node runs this on start, and the holder of the runner lease
 * (domain/runner-lease.ts) every half lease.
 */
export async function resumeAbandonedImportJobs(cognate: Ports<'clock' | 'log' | 'pools' | 'store'>): Promise<void> {
  if (running.get(cognate.store)?.closing) return;
  const now = cognate.clock.now();
  const abandoned = await jobStore.abandonedImportJobIds(cognate.store.db, now);
  for (const id of abandoned) track(cognate, runJob(cognate, id));
}

/** How often a node whose job met an outage tries to give back its lease and take the job up again. */
const OUTAGE_RETRY_MS = 1000;

/**
 * A job of this node met an outage: it gives its lease back as soon as the database answers (every
 * OUTAGE_RETRY_MS while the lease lasts) and then runs the job again, which resumes after the last
 * committed batch. Without this the job would wait for its lease to lapse and the next sweep, up to
 * a minute and a half. A node that closes meanwhile leaves it to the sweepers.
 */
function resumeAfterOutage(cognate: Ports<'clock' | 'log' | 'pools' | 'store'>, jobId: string, lease: number): void {
  const later = (fn: () => void) => setTimeout(fn, OUTAGE_RETRY_MS).unref();
  const attempt = () => {
    if (running.get(cognate.store)?.closing || cognate.clock.now() >= lease) return;
    jobStore
      .releaseImportJobLease(cognate.store.db, jobId, lease)
      .then(
        () => later(() => {
          if (!running.get(cognate.store)?.closing) track(cognate, runJob(cognate, jobId));
        }),
        () => later(attempt),
      );
  };
  attempt();
}

/**
 * Runs {@link resumeAbandonedImportJobs} now and then every half lease until the node closes — the
 * periodic sweeps only while `sweeps()` says this worker is the runner (domain/runner-lease.ts; by
 * default it always is). Returns the function that stops it and the sweep, for a runner taking over.
 */
export function startImportJobSweeper(cognate: Ports<'clock' | 'log' | 'pools' | 'store'>, sweeps: () => boolean = () => true): { stop: () => void; sweep: () => void } {
  const sweep = () =>
    void resumeAbandonedImportJobs(cognate).catch((e: unknown) =>
      isTransientStoreError(e) ? cognate.log.warn({ err: e }, 'import job sweep skipped: the database is unavailable') : cognate.log.error({ err: e }, 'import job sweep failed'),
    );
  const timer = setInterval(() => {
    if (sweeps()) sweep();
  }, JOB_LEASE_MS / 2);
  timer.unref();
  sweep();
  return { stop: () => clearInterval(timer), sweep };
}

async function finish(cognate: Ports<'clock' | 'store'>, jobId: string, lease: number, set: { status: ImportJobStatus; message: string; imported: number; skipped: number; failed: number }): Promise<void> {
  await jobStore.finishImportJob(cognate.store.db, jobId, lease, { ...set, now: cognate.clock.now() });
}

/** Thrown inside a batch's transaction when this node no longer holds the job: rolls the batch back. */
class LostLease extends Error {}

interface Progress {
  rowsDone: number;
  imported: number;
  failed: number;
}

/**
 * Records progress and renews the lease, in the caller's transaction, if this node still holds the
 * job (`lease`); returns the new lease. The batch and the progress commit together, so a node that
 * takes the job over later resumes exactly after the last committed batch.
 */
async function advance(trx: Executor, cognate: Ports<'clock'>, jobId: string, lease: number, progress: Progress): Promise<number> {
  const renewed = Math.max(cognate.clock.now() + JOB_LEASE_MS, lease + 1);
  if (!(await jobStore.advanceImportJob(trx, jobId, lease, renewed, progress))) throw new LostLease();
  return renewed;
}

/**
 * Inserts a batch and records the progress in one transaction; if another writer took a name
 * meanwhile, user by user, then the progress. Returns the users it could not insert and the lease.
 */
async function insertBatch(
  cognate: Ports<'store'>,
  pool: Awaited<ReturnType<Cognate['pools']['get']>>,
  users: PreparedUser[],
  now: number,
  commit: (trx: Executor, lost: number) => Promise<number>,
): Promise<{ lost: Rejection[]; lease: number }> {
  try {
    const lease = await cognate.store.transaction(async (trx) => {
      if (users.length > 0) await insertUsers(trx, pool, users, now);
      return commit(trx, 0);
    });
    return { lost: [], lease };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
  const lost: Rejection[] = [];
  for (const user of users) {
    try {
      await cognate.store.transaction((trx) => insertUsers(trx, pool, [user], now));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      lost.push({ line: user.line, reason: 'a user with this username or sign-in alias already exists in the pool' });
    }
  }
  const lease = await cognate.store.transaction((trx) => commit(trx, lost.length));
  return { lost, lease };
}

/**
 * Takes the job if no node holds it, and runs (or resumes, or finishes stopping) it. Does nothing
 * when another node holds it or it has ended.
 */
async function runJob(cognate: Ports<'clock' | 'log' | 'pools' | 'store'>, jobId: string): Promise<void> {
  // Let the StartUserImportJob response go out first.
  await new Promise((resolve) => setImmediate(resolve));
  const log = cognate.log.child({ importJob: jobId });
  const db = cognate.store.db;
  let lease = cognate.clock.now() + JOB_LEASE_MS;
  if (!(await jobStore.claimImportJob(db, jobId, lease, cognate.clock.now()))) return;
  const row = await jobStore.findImportJobRecord(db, jobId);
  if (!row) return;
  const resumed = row.status === 'InProgress';
  const progress: Progress = { rowsDone: row.rows_done, imported: row.imported_users, failed: row.failed_users };
  const counts = () => ({ imported: progress.imported, failed: progress.failed });
  try {
    const pool = await cognate.pools.find(row.pool_id);
    if (!pool) return;
    const mode: ImportMode = { kind: 'job', ...(row.password_hashing_algorithm ? { algorithm: row.password_hashing_algorithm as PasswordHashingAlgorithm } : {}) };
    let parsed: { rows: ImportRow[]; rejected: Rejection[] };
    try {
      parsed = csvRows(row.csv ?? '', pool, mode);
      if (parsed.rows.length + parsed.rejected.length > MAX_CSV_USERS) throw new ImportFileError(`the file has more than ${MAX_CSV_USERS} users`);
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      log.warn({ reason: e.message }, 'user import job: the CSV file was refused');
      await finish(cognate, jobId, lease, { status: 'Failed', message: `The CSV file was refused: ${e.message}`.slice(0, 512), ...counts(), skipped: 0 });
      return;
    }
    const total = parsed.rows.length + parsed.rejected.length;
    const report = (rejections: readonly Rejection[]) => {
      for (const r of rejections) log.warn({ line: r.line, reason: r.reason }, 'user import job: user not imported');
      progress.failed += rejections.length;
    };
    if (row.status === 'Stopping') {
      // Stopped before it began, or its node died while stopping it.
      if (progress.rowsDone === 0) report(parsed.rejected);
      await finish(cognate, jobId, lease, { status: 'Stopped', message: MESSAGES.stopped, ...counts(), skipped: parsed.rows.length - progress.rowsDone });
      return;
    }
    if (resumed) {
      log.info({ rowsDone: progress.rowsDone }, 'user import job resumed');
    } else {
      // Rows refused as the file was read count once, when the job begins.
      report(parsed.rejected);
      lease = await cognate.store.transaction(async (trx) => {
        await jobStore.markImportJobInProgress(trx, jobId);
        return advance(trx, cognate, jobId, lease, progress);
      });
    }
    const support = await hashSupport();
    const duplicates = new DuplicateTracker();
    const now = cognate.clock.now();
    for (let i = progress.rowsDone; i < parsed.rows.length; i += BATCH) {
      // SQLite answers synchronously: without this, a job would hold the event loop (and every
      // request to this node) until it ends.
      await new Promise((resolve) => setImmediate(resolve));
      if (running.get(cognate.store)?.closing) {
        // This node is shutting down: let the job go, to resume on the next node that sweeps.
        await jobStore.releaseImportJobLease(db, jobId, lease);
        log.info({ rowsDone: i }, 'user import job paused: the node is shutting down');
        return;
      }
      if ((await jobStore.importJobStatus(db, jobId)) === 'Stopping') {
        await finish(cognate, jobId, lease, { status: 'Stopped', message: MESSAGES.stopped, ...counts(), skipped: parsed.rows.length - i });
        return;
      }
      const slice = parsed.rows.slice(i, i + BATCH);
      const checked = await checkRows(cognate, pool, slice, { mode, support, duplicates, now });
      const batch = await insertBatch(cognate, pool, checked.users, now, (trx, lost) =>
        advance(trx, cognate, jobId, lease, {
          rowsDone: i + slice.length,
          imported: progress.imported + checked.users.length - lost,
          failed: progress.failed + checked.rejected.length + lost,
        }),
      );
      lease = batch.lease;
      report(checked.rejected);
      report(batch.lost);
      progress.imported += checked.users.length - batch.lost.length;
      progress.rowsDone = i + slice.length;
    }
    const allFailed = progress.imported === 0 && total > 0;
    await finish(cognate, jobId, lease, { status: allFailed ? 'Failed' : 'Succeeded', message: allFailed ? MESSAGES.allFailed : MESSAGES.succeeded, ...counts(), skipped: 0 });
    if (progress.imported > 0) await jobStore.refreshPlannerStatistics(db);
    log.info({ ...counts() }, 'user import job finished');
  } catch (e) {
    if (e instanceof LostLease) {
      log.warn('user import job taken over by another node (this node lost its lease)');
      return;
    }
    if (isTransientStoreError(e)) {
      // The database is down or busy: the job is not at fault. It keeps its status and progress
      // (each batch commits with it), and once its lease lapses the sweeper on this or another
      // node resumes it where it stopped.
      log.warn({ err: e, rowsDone: progress.rowsDone }, 'user import job paused: the database is unavailable');
      resumeAfterOutage(cognate, jobId, lease);
      return;
    }
    log.error({ err: e }, 'user import job failed');
    try {
      await finish(cognate, jobId, lease, { status: 'Failed', message: MESSAGES.internal, ...counts(), skipped: 0 });
    } catch {
      /* the database is gone; the job stays as it was, for another node to resume */
    }
  }
}

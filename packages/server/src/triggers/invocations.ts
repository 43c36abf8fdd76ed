/**
 * The trigger-invocation log behind the console's triggers page: which ARN runs where, and each
 * pool's last invocations and failures. Kept cheap, because triggers run on the request path:
 *
 * - {@link TriggerFunctions.onInvocation} hands each finished run to {@link TriggerInvocations.record},
 *   which only pushes a small record onto an in-memory buffer (bounded: under a flood the oldest
 *   unwritten records are dropped and counted, never the request slowed);
 * - a timer writes the buffer in one INSERT per second at most, off the request path, then prunes
 *   each touched pool to its newest {@link KEEP_PER_POOL} rows and, now and then, everything older
 *   than {@link MAX_AGE_MS};
 * - the event is never kept (it carries attributes, and UserMigration's a password), only the
 *   pool, trigger source, ARN, target kind, start, duration, outcome and the failure's message —
 *   cut to 500 characters, with URLs stripped of credentials, query and fragment.
 *
 * A database outage loses the batch in hand (logged), never a request.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/db.js';
import { newId } from '../domain/ids.js';
import * as invocationStore from '../store/trigger-invocations.js';
import type { TriggerInvocationRow } from '../store/trigger-invocations.js';
import { FunctionError, InvocationError, parseTarget, UnreadableAnswer, type FunctionRun } from './functions.js';
import { triggerArn, type TriggerName } from './triggers.js';
import type { UserPool } from '../domain/user-pools.js';

/** Rows kept per pool: the page shows the newest; older ones only cost space. */
export const KEEP_PER_POOL = 500;
/** Rows older than this go whatever their pool (a deleted pool's rows too). */
export const MAX_AGE_MS = 7 * 86_400_000;
/** Records waiting for the next write at most; beyond it the oldest are dropped. */
export const BUFFER_MAX = 2000;
const FLUSH_MS = 1000;
const ERROR_MAX = 500;

export type InvocationOutcome = 'ok' | 'function-error' | 'no-answer' | 'unreadable' | 'error';

/** One invocation as the console shows it. */
export interface TriggerInvocation {
  id: string;
  poolId: string;
  triggerSource: string;
  functionArn: string;
  target: 'module' | 'webhook' | 'lambda';
  startedAt: number;
  durationMs: number;
  outcome: InvocationOutcome;
  error: string | null;
}

/** Where an ARN runs, in words safe to show: a webhook's URL without credentials, query or fragment. */
export interface TargetDescription {
  kind: 'module' | 'webhook' | 'lambda';
  /** the module's file URL, the webhook's origin and path, or the Lambda endpoint (or "AWS Lambda in <region>") */
  where: string;
  /** whether `--triggers` names the ARN (otherwise it goes to the Lambda API) */
  configured: boolean;
}

/** A URL with its userinfo, query and fragment removed (they may carry tokens). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'file:') return u.href.replace(/[?#].*$/, '');
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** Scrubs URLs inside a message the same way, and cuts it to 500 characters. */
export function safeMessage(message: string): string {
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (m) => safeUrl(m)).slice(0, ERROR_MAX);
}

/** Where `arn` runs under this configuration. */
export function describeTarget(config: Pick<Config, 'triggers' | 'lambdaEndpoint' | 'region'>, arn: string): TargetDescription {
  const spec = Object.hasOwn(config.triggers, arn) ? config.triggers[arn] : undefined;
  const lambda = (): TargetDescription => {
    const region = arn.split(':')[3] || config.region;
    return { kind: 'lambda', where: config.lambdaEndpoint ? `Lambda API at ${safeUrl(config.lambdaEndpoint)}` : `AWS Lambda in ${region}`, configured: spec !== undefined };
  };
  if (spec === undefined) return lambda();
  let target;
  try {
    target = parseTarget(spec);
  } catch {
    return { kind: 'lambda', where: '(unreadable --triggers entry)', configured: true };
  }
  if (target.kind === 'lambda') return lambda();
  return { kind: target.kind, where: safeUrl(target.url), configured: true };
}

function outcomeOf(error: unknown): { outcome: InvocationOutcome; message: string | null } {
  if (error === undefined) return { outcome: 'ok', message: null };
  const message = error instanceof Error ? error.message : 'failed';
  if (error instanceof FunctionError) return { outcome: 'function-error', message };
  if (error instanceof InvocationError) return { outcome: 'no-answer', message };
  if (error instanceof UnreadableAnswer) return { outcome: 'unreadable', message };
  // Anything else is our own fault, not the function's: its message stays in the server log.
  return { outcome: 'error', message: 'the invocation failed inside Cognate' };
}

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

export class TriggerInvocations {
  private buffer: TriggerInvocationRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastAgePrune = 0;
  /** Records dropped because the buffer was full (shown on the page: the log is then incomplete). */
  dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'triggers' | 'lambdaEndpoint' | 'region'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Takes one finished run (from TriggerFunctions.onInvocation). Synchronous and cheap. */
  record(run: FunctionRun): void {
    const event = run.event as { userPoolId?: unknown; triggerSource?: unknown };
    const poolId = str(event.userPoolId, 55);
    if (!poolId) return;
    const { outcome, message } = outcomeOf(run.error);
    if (this.buffer.length >= BUFFER_MAX) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push({
      id: newId(),
      pool_id: poolId,
      trigger_source: str(event.triggerSource, 64) || 'unknown',
      function_arn: run.arn.slice(0, 2048),
      target: run.target,
      started_at: run.startedAt,
      duration_ms: Math.max(0, Math.min(2_147_483_647, run.durationMs)),
      outcome,
      error: message === null ? null : safeMessage(message),
    });
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is buffered now (and prunes); resolves when written. Concurrent calls queue. */
  async flush(): Promise<void> {
    const previous = this.writing;
    const work = (async () => {
      await previous;
      const batch = this.buffer;
      if (batch.length === 0) return;
      this.buffer = [];
      try {
        await invocationStore.insertInvocations(this.store.db, batch);
        for (const poolId of new Set(batch.map((r) => r.pool_id))) await invocationStore.pruneInvocationsOfPool(this.store.db, poolId, KEEP_PER_POOL);
        const now = this.clock.now();
        if (now - this.lastAgePrune > 3_600_000) {
          this.lastAgePrune = now;
          await invocationStore.pruneInvocationsBefore(this.store.db, now - MAX_AGE_MS);
        }
      } catch (err) {
        this.log.warn({ err, lost: batch.length }, 'trigger invocations could not be recorded');
      }
    })();
    this.writing = work;
    return work;
  }

  /** A pool's newest invocations (after writing what is buffered, so the page is current). */
  async recent(poolId: string, opts: { failuresOnly?: boolean; functionArn?: string; limit?: number } = {}): Promise<TriggerInvocation[]> {
    await this.flush();
    const limit = Math.max(1, Math.min(200, Math.trunc(opts.limit ?? 50) || 50));
    const rows = await invocationStore.recentInvocations(this.store.db, { poolId, limit, ...(opts.failuresOnly ? { failuresOnly: true } : {}), ...(opts.functionArn !== undefined ? { functionArn: opts.functionArn } : {}) });
    return rows.map((r) => ({
      id: r.id,
      poolId: r.pool_id,
      triggerSource: r.trigger_source,
      functionArn: r.function_arn,
      target: r.target as TriggerInvocation['target'],
      startedAt: Number(r.started_at),
      durationMs: Number(r.duration_ms),
      outcome: r.outcome as InvocationOutcome,
      error: r.error,
    }));
  }

  /** Per function of a pool: runs and failures the log holds, last run, last failure. */
  async summary(poolId: string): Promise<{ functionArn: string; runs: number; failures: number; lastAt: number; lastFailureAt: number | null }[]> {
    await this.flush();
    return (await invocationStore.invocationSummary(this.store.db, poolId)).map((r) => ({ functionArn: r.function_arn, runs: r.runs, failures: r.failures, lastAt: r.last_at, lastFailureAt: r.last_failure_at }));
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

const TRIGGER_NAMES: readonly TriggerName[] = [
  'PreSignUp', 'PostConfirmation', 'PreAuthentication', 'PostAuthentication', 'DefineAuthChallenge', 'CreateAuthChallenge',
  'VerifyAuthChallengeResponse', 'PreTokenGeneration', 'CustomMessage', 'UserMigration', 'CustomEmailSender', 'CustomSMSSender', 'InboundFederation',
];

/** The pool's triggers: each one its LambdaConfig names, with its ARN and where that runs. */
export function poolTriggers(pool: UserPool, config: Pick<Config, 'triggers' | 'lambdaEndpoint' | 'region'>): { trigger: TriggerName; arn: string; target: TargetDescription }[] {
  const out: { trigger: TriggerName; arn: string; target: TargetDescription }[] = [];
  for (const trigger of TRIGGER_NAMES) {
    const arn = triggerArn(pool, trigger);
    if (arn) out.push({ trigger, arn, target: describeTarget(config, arn) });
  }
  return out;
}

/**
 * One runner across workers and nodes (issue 16). Background work that polls the database — the
 * outbox's sweep for due messages and retries, the import-job sweep for abandoned jobs — runs on
 * the one worker (of all the workers of all the nodes on one database) that holds a lease row in
 * the database, not on "the first process": a worker that dies lets its lease lapse and another
 * takes it over; a worker that shuts down gives it back at once.
 *
 * The lease is an economy, not what makes the work safe: each message and each job is still claimed
 * by its own conditional update (messaging/outbox.ts, domain/import-jobs.ts), so two runners at
 * once (clocks of two nodes disagreeing about a lapse, a runner paused past its lease) deliver
 * nothing twice. Every worker still delivers the messages its own requests queue (the outbox kick
 * after a commit) and sweeps once when it starts, so a restarted node resumes what it left at once.
 *
 * Lease times are the wall clock (`Date.now()`), not the injected business clock: they are compared
 * across processes. Locally a holder counts on its lease for a margin less than it asked for.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as leaseStore from '../store/leases.js';
import { isTransientStoreError } from '../store/faults.js';
import type { Ports } from './cognate.js';

/** How long a lease lasts unless renewed: a dead runner's work waits at most this plus {@link RUNNER_RENEW_MS}. */
export const RUNNER_LEASE_MS = 6000;
/** How often the holder renews, and how often the others try to take a lapsed lease. */
export const RUNNER_RENEW_MS = 2000;
/** How much sooner than the database says a holder stops counting on its lease (clock steps, slow renewals). */
const LOCAL_MARGIN_MS = 1000;

export class RunnerLease {
  /** Who holds it, as the lease row names it: host, process and a random part (two servers in one process differ). */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private heldUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private trying: Promise<void> | undefined;
  private stopped = false;

  /** `onTaken` runs when this worker becomes the runner (at start or on taking over a lapsed lease). */
  constructor(private readonly cognate: Ports<'store' | 'log'>, readonly name: string, private readonly onTaken: () => void = () => {}) {}

  /** Whether this worker is the runner now. */
  get held(): boolean {
    return !this.stopped && performance.now() < this.heldUntil;
  }

  /** Tries at once, then every {@link RUNNER_RENEW_MS}. */
  start(): void {
    this.timer = setInterval(() => void this.tryTake(), RUNNER_RENEW_MS);
    this.timer.unref();
    void this.tryTake();
  }

  /** Takes or renews the lease; resolves once the database answered (or failed to). */
  tryTake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.trying ??= this.take().finally(() => (this.trying = undefined));
    return this.trying;
  }

  private async take(): Promise<void> {
    const wasHeld = this.held;
    const asked = performance.now();
    const now = Date.now();
    try {
      const got = await leaseStore.takeLease(this.cognate.store.db, this.name, this.holder, now, now + RUNNER_LEASE_MS);
      if (this.stopped) return;
      this.heldUntil = got ? asked + RUNNER_LEASE_MS - LOCAL_MARGIN_MS : 0;
      if (got && !wasHeld) this.onTaken();
    } catch (e) {
      // An outage: keep counting on what is left of the lease; the next try renews it or not.
      if (isTransientStoreError(e)) this.cognate.log.warn({ err: e, lease: this.name }, 'runner lease not renewed: the database is unavailable');
      else this.cognate.log.error({ err: e, lease: this.name }, 'runner lease not renewed');
    }
  }

  /** Stops trying and gives the lease back (shutdown), so another worker takes it at its next try. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.trying;
    this.stopped = true;
    this.heldUntil = 0;
    // Conditional on the holder: a lease another worker has taken meanwhile stays theirs.
    await leaseStore.releaseLease(this.cognate.store.db, this.name, this.holder).catch(() => {});
  }
}

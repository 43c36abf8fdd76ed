/**
 * The request-rate limiter: per (scope, bucket) a count of the requests admitted in the current
 * second, where the scope is a user pool id (each pool has each category's full rate: one noisy pool
 * can't starve another) or '*' for the calls that name no pool (CreateUserPool, ListUserPools …).
 *
 * The hot path touches memory only: a Map look-up and an increment. The nodes and workers sharing
 * the database share the budget through it in the background: every SYNC_MS (250 ms) a node writes
 * its counts of the current second if it admitted anything (one upsert; absolute values, one row
 * per node) and reads what the other nodes admitted in that second (one grouped select). So:
 * - on one node the bound is exact: at most `limit` requests per clock second per (scope, bucket);
 * - across nodes, a node learns the others' admissions at most SYNC_MS + one database round trip
 *   late, so in one second the cluster admits at most `limit` plus what the other nodes admitted in
 *   their last unshared SYNC_MS of it (docs/rate-limits.md).
 * Windows are clock seconds (fixed windows, as Cognito's quotas are "requests per second"): a burst
 * straddling a second boundary may see up to twice the rate within one second of wall time.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Clock } from '../../ports.js';
import type { Store } from '../../store/db.js';
import * as repo from '../../store/rate-limits.js';
import { CATEGORIES, isCategory, type Category } from './categories.js';

export const SYNC_MS = 250;
/** How often the provisioned rates are re-read, so a change made on another node applies here. */
const PROVISIONED_REFRESH_MS = 1000;

interface Window {
  second: number;
  /** Admitted here in `second`. */
  local: number;
  /** Admitted by the other nodes in `second`, as of the last sync. */
  remote: number;
}

export interface Bucket {
  key: string;
  limit: number;
}

export class RateLimiter {
  /** This process, as the counts table knows it. */
  readonly node = randomUUID();
  private readonly windows = new Map<string, Window>();
  /** Keys admitted to since the last sync. */
  private readonly dirty = new Set<string>();
  private provisioned = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private lastProvisionedRead = -Infinity;
  private loads = 0;
  private lastPrune = 0;
  private closed = false;

  constructor(private readonly deps: { store: Store; clock: Clock; log: Logger }) {}

  /** Reads the provisioned rates (at start, so a restart keeps them from the first request). */
  async load(): Promise<void> {
    // Of overlapping reads, only the one started last applies: an older read finishing late can't
    // undo a rate this node has just set (setRate).
    const generation = ++this.loads;
    const provisioned = new Map<string, number>();
    for (const row of await repo.listProvisioned(this.deps.store.db)) if (isCategory(row.category)) provisioned.set(row.category, row.value);
    if (generation !== this.loads) return;
    this.provisioned = provisioned;
    this.lastProvisionedRead = performance.now();
  }

  /** The rate (requests per second) each user pool gets in `category` now. */
  rate(category: Category): number {
    return this.provisioned.get(category) ?? CATEGORIES[category].free;
  }

  /** Applies a provisioned rate, already stored, at once on this node (other nodes read it within a second). */
  setRate(category: Category, value: number): void {
    this.loads++;
    this.provisioned = new Map(this.provisioned).set(category, value);
  }

  private window(key: string, second: number): Window {
    let w = this.windows.get(key);
    if (!w || w.second !== second) {
      w = { second, local: 0, remote: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Whether `bucket` has room for one more request in the current second (nothing is counted). */
  hasRoom(bucket: Bucket, second: number): boolean {
    const w = this.window(bucket.key, second);
    return w.local + w.remote < bucket.limit;
  }

  /** Counts one admitted request against `bucket`. */
  take(bucket: Bucket, second: number): void {
    this.window(bucket.key, second).local++;
    this.dirty.add(bucket.key);
  }

  /** The current clock second. */
  second(): number {
    return Math.floor(this.deps.clock.now() / 1000);
  }

  /** Starts the background exchange (a serving process with the limits on: server.ts). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  /** One background exchange with the database; failures are logged and the node counts alone. */
  sync(): Promise<void> {
    this.syncing ??= this.exchange()
      .catch((err: unknown) => {
        if (!this.closed) this.deps.log.warn({ err }, 'rate limits: could not share counts through the database; this node counts alone until it can');
      })
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  private async exchange(): Promise<void> {
    const db = this.deps.store.db;
    const second = this.second();
    // Windows of past seconds go first, in memory, so a database outage can't make them pile up.
    for (const [key, w] of this.windows) if (w.second < second - 1) this.windows.delete(key);
    const rows: repo.CountRow[] = [];
    for (const key of this.dirty) {
      const w = this.windows.get(key);
      if (!w || w.second < second - 1) continue;
      const cut = key.indexOf('\u0000');
      rows.push({ scope: key.slice(0, cut), bucket: key.slice(cut + 1), second: w.second, count: w.local });
    }
    this.dirty.clear();
    if (rows.length > 0) await repo.writeCounts(db, this.node, rows);
    const now = performance.now();
    if (now - this.lastProvisionedRead >= PROVISIONED_REFRESH_MS) {
      await this.load();
    }
    // Read even when idle here: a node's first request of a second must know what the others spent.
    for (const other of await repo.othersCounts(db, this.node, second)) {
      this.window(`${other.scope}\u0000${other.bucket}`, second).remote = other.count;
    }
    if (second - this.lastPrune >= 60) {
      this.lastPrune = second;
      await repo.pruneCounts(db, second - 60);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.syncing;
  }
}

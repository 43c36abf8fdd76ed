/**
 * A small time-bounded cache for configuration read on every request (user pools, app clients).
 * Writes through this node invalidate at once; a change made on another node is seen within
 * `ttlMs`, as Cognito's own configuration changes take a moment to apply everywhere. The TTL runs
 * on the monotonic clock: it is an operational bound, not business time, so test clocks don't move it.
 */
import { performance } from 'node:perf_hooks';

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const now = performance.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, at: now });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * A Map holding at most `max` entries: adding one more drops the oldest (insertion order; delete
 * and set again to mark an entry recent). For memos of pure work — compiled patterns, derived
 * keys, opened tokens — where an evicted entry is only recomputed.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

/**
 * "Metrics at a glance" for the console: the same Prometheus text `/metrics` serves (server.ts;
 * under `--workers N` the sum over the workers, cluster-metrics.ts), read back into a few figures
 * per action — requests, failures by error name, mean latency and p50/p95/p99 estimated from the
 * histogram buckets (the bucket's upper bound, as Prometheus' histogram_quantile would interpolate
 * within it: linearly) — and the process's CPU seconds, resident memory and uptime.
 *
 * Parsing the exposition text rather than reading the registry's objects is deliberate: the text
 * is what a cluster scrape answers, so the console shows what Prometheus would see.
 */

export interface ActionFigures {
  action: string;
  requests: number;
  /** requests whose outcome was not `ok`, by error name */
  failures: Record<string, number>;
  failed: number;
  meanMs: number | undefined;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
}

export interface MetricsSummary {
  requests: number;
  failed: number;
  actions: ActionFigures[];
  cpuSeconds: number | undefined;
  residentBytes: number | undefined;
  heapUsedBytes: number | undefined;
  /** seconds since the (oldest) process started, when the start time is known */
  uptimeSeconds: number | undefined;
  /** how many samples the text held (0: nothing to summarise) */
  samples: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition; lines that aren't samples are skipped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** The q-quantile (0–1) from cumulative buckets (upper bound → count), in seconds, interpolated linearly within its bucket. */
export function quantileOf(buckets: ReadonlyArray<{ le: number; count: number }>, q: number): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      // Past the last finite bound Prometheus answers that bound; so do we.
      if (!Number.isFinite(b.le)) return lowerLe;
      const inBucket = b.count - lowerCount;
      return inBucket <= 0 ? b.le : lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / inBucket;
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}

const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1e6) / 1e3);

/** Summarises `/metrics` text; `now` (epoch ms) gives the uptime. Never throws on odd text. */
export function summarizeMetrics(text: string, now: number): MetricsSummary {
  const samples = parseExposition(typeof text === 'string' ? text : '');
  const byAction = new Map<string, { requests: number; failures: Record<string, number>; sum: number; count: number; buckets: { le: number; count: number }[] }>();
  const entry = (action: string) => {
    let e = byAction.get(action);
    if (!e) byAction.set(action, (e = { requests: 0, failures: {}, sum: 0, count: 0, buckets: [] }));
    return e;
  };
  let cpuSeconds: number | undefined;
  let residentBytes: number | undefined;
  let heapUsedBytes: number | undefined;
  let startTime: number | undefined;
  for (const s of samples) {
    const action = s.labels.action;
    switch (s.name) {
      case 'cognate_requests_total': {
        if (action === undefined) break;
        const e = entry(action);
        e.requests += s.value;
        const outcome = s.labels.outcome ?? 'ok';
        if (outcome !== 'ok') e.failures[outcome] = (e.failures[outcome] ?? 0) + s.value;
        break;
      }
      case 'cognate_request_duration_seconds_bucket':
        if (action !== undefined && s.labels.le !== undefined) entry(action).buckets.push({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value });
        break;
      case 'cognate_request_duration_seconds_sum':
        if (action !== undefined) entry(action).sum += s.value;
        break;
      case 'cognate_request_duration_seconds_count':
        if (action !== undefined) entry(action).count += s.value;
        break;
      case 'cognate_process_cpu_seconds_total':
        cpuSeconds = (cpuSeconds ?? 0) + s.value;
        break;
      case 'cognate_process_resident_memory_bytes':
        residentBytes = (residentBytes ?? 0) + s.value;
        break;
      case 'cognate_nodejs_heap_size_used_bytes':
        heapUsedBytes = (heapUsedBytes ?? 0) + s.value;
        break;
      case 'cognate_process_start_time_seconds':
        // A cluster's sum leaves it out (prom-client aggregates it with 'omit'): the uptime is then unknown.
        startTime = startTime === undefined ? s.value : Math.min(startTime, s.value);
        break;
    }
  }
  const actions: ActionFigures[] = [...byAction.entries()]
    .map(([action, e]) => {
      const failed = Object.values(e.failures).reduce((a, b) => a + b, 0);
      return {
        action,
        requests: e.requests,
        failures: e.failures,
        failed,
        meanMs: e.count > 0 ? ms(e.sum / e.count) : undefined,
        p50Ms: ms(quantileOf(e.buckets, 0.5)),
        p95Ms: ms(quantileOf(e.buckets, 0.95)),
        p99Ms: ms(quantileOf(e.buckets, 0.99)),
      };
    })
    .sort((a, b) => b.requests - a.requests || a.action.localeCompare(b.action));
  const uptime = startTime !== undefined && startTime > 0 && startTime * 1000 <= now ? Math.round(now / 1000 - startTime) : undefined;
  return {
    requests: actions.reduce((a, x) => a + x.requests, 0),
    failed: actions.reduce((a, x) => a + x.failed, 0),
    actions,
    cpuSeconds,
    residentBytes,
    heapUsedBytes,
    uptimeSeconds: uptime,
    samples: samples.length,
  };
}

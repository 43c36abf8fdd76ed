/**
 * Metrics at a glance: what `/metrics` serves (under `--workers N`, the sum over the workers),
 * read back into requests, failures and latency percentiles per action and the process's CPU and
 * memory (metrics-summary.ts). The page asks the app's own `/metrics` route in process
 * (`app.request`), so it shows exactly what a Prometheus scrape would.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { summarizeMetrics } from '../../metrics-summary.js';
import { viewHandler, type ConsolePage } from '../kit.js';
import { facts, link, table } from '../ui.js';

const fmt = (ms: number | undefined) => (ms === undefined ? '' : `${ms} ms`);

export const metricsPage: ConsolePage = {
  nav: { label: 'Metrics', href: '/console/metrics', order: 70 },
  register(app, ui) {
    app.get('/console/metrics', viewHandler(ui, async (page) => {
      const res = await app.request('/metrics');
      const s = summarizeMetrics(res.ok ? await res.text() : '', page.cognate.clock.now());
      return page.render({
        title: 'Metrics',
        body: html`${facts([
          ['Requests', String(s.requests)],
          ['Failed', `${s.failed}${s.requests > 0 ? ` (${((100 * s.failed) / s.requests).toFixed(1)} %)` : ''}`],
          ['CPU time', s.cpuSeconds === undefined ? '' : `${s.cpuSeconds.toFixed(1)} s`],
          ['Resident memory', s.residentBytes === undefined ? '' : `${(s.residentBytes / 1048576).toFixed(0)} MiB`],
          ['Up for', s.uptimeSeconds === undefined ? '' : `${s.uptimeSeconds} s`],
        ])}
${table(['Action', 'Requests', 'Failed', 'Failures', 'Mean', 'p50', 'p95', 'p99'], s.actions.map((a) => [
  a.action, String(a.requests), String(a.failed), Object.entries(a.failures).map(([k, v]) => `${k} ${v}`).join(', '), fmt(a.meanMs), fmt(a.p50Ms), fmt(a.p95Ms), fmt(a.p99Ms),
]), 'Per action (percentiles estimated from the histogram buckets)')}
<p>${link('/metrics', 'The raw Prometheus text')}</p>`,
      });
    }));
  },
};

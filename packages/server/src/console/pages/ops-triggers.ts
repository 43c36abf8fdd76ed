/**
 * Triggers: for a user pool, which function each trigger names and where it runs here (a module,
 * a webhook — shown without credentials or query — or the Lambda API), then the last invocations
 * and failures from the invocation log (triggers/invocations.ts): per function its runs, failures
 * and last failure, and the newest runs (failures only, if asked). Read-only.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { poolTriggers } from '../../triggers/invocations.js';
import { viewHandler, type ConsolePage } from '../kit.js';
import { input, link, table, when } from '../ui.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

export const triggersPage: ConsolePage = {
  nav: { label: 'Triggers', href: '/console/triggers', order: 62 },
  register(app, ui) {
    app.get('/console/triggers', viewHandler(ui, async (page) => {
      const poolId = page.query('pool', 55);
      const failuresOnly = page.query('failures', 1) === '1';
      const chooser = html`<form method="get" action="/console/triggers" role="search">${input({ name: 'pool', label: 'User pool ID', type: 'search', value: poolId ?? '' })}<button type="submit" class="secondary">Show</button></form>`;
      if (!poolId) {
        const pools = await page.read<{ UserPools: { Id: string; Name: string }[] }>('ListUserPools', { MaxResults: 60 });
        return page.render({ title: 'Triggers', body: html`${chooser}${table(['User pool', 'ID'], pools.UserPools.map((p) => [link(`/console/triggers?pool=${encodeURIComponent(p.Id)}`, p.Name), p.Id]))}` });
      }
      const pool = POOL_ID.test(poolId) ? await page.cognate.pools.find(poolId) : undefined;
      if (!pool) return page.render({ title: 'Triggers', errors: [`No user pool ${poolId}.`], body: chooser }, 404);
      const log = page.cognate.triggerInvocations;
      const [configured, summary, recent] = await Promise.all([poolTriggers(pool, page.cognate.config), log.summary(pool.id), log.recent(pool.id, { failuresOnly, limit: 50 })]);
      const self = `/console/triggers?pool=${encodeURIComponent(pool.id)}`;
      return page.render({
        title: `Triggers of ${pool.name}`,
        body: html`${chooser}
<h2>Which function runs where</h2>
${table(['Trigger', 'Function ARN', 'Runs as', 'Where'], configured.map((t) => [t.trigger, html`<code>${t.arn}</code>`, t.target.kind, t.target.where]))}
<h2>Per function</h2>
${table(['Function ARN', 'Runs kept', 'Failures', 'Last run', 'Last failure'], summary.map((s) => [html`<code>${s.functionArn}</code>`, String(s.runs), String(s.failures), when(s.lastAt), s.lastFailureAt === null ? '' : when(s.lastFailureAt)]))}
<h2>${failuresOnly ? 'Last failures' : 'Last invocations'}</h2>
<p>${failuresOnly ? link(self, 'Show every invocation') : link(`${self}&failures=1`, 'Show failures only')}${log.dropped > 0 ? ` — ${log.dropped} invocation(s) were not recorded (too many at once).` : ''}</p>
${table(['Started', 'Trigger source', 'Function ARN', 'Ran as', 'Duration', 'Outcome', 'Error'], recent.map((r) => [when(r.startedAt), r.triggerSource, html`<code>${r.functionArn}</code>`, r.target, `${r.durationMs} ms`, r.outcome, r.error ?? '']))}`,
      });
    }));
  },
};

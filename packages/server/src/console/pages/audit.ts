/** `/console/audit`: the audit trail, newest first, 50 a page, optionally only one target and what is under it. */
import { html } from '../../protocol/hosted-ui/html.js';
import { readAudit } from '../audit.js';
import { viewHandler, type ConsolePage } from '../kit.js';
import { principalLabel } from '../layout.js';
import { input, pager, table, when } from '../ui.js';

export const auditPage: ConsolePage = {
  nav: { label: 'Audit trail', href: '/console/audit', order: 90 },
  register(app, ui) {
    app.get('/console/audit', viewHandler(ui, async (page) => {
      const target = page.query('target', 1024);
      const cursor = page.query('page', 100);
      const { rows, next } = await readAudit(page.cognate, { cursor, targetPrefix: target });
      return page.render({
        title: 'Audit trail',
        body: html`<form method="get" action="/console/audit" role="search">${input({ name: 'target', label: 'Target starts with', type: 'search', value: target, hint: 'A pool ID, or pool/users/name' })}<button type="submit" class="secondary">Filter</button></form>
${table(
  ['When', 'Who', 'What', 'Target', 'Outcome', 'Detail'],
  rows.map((r) => [when(r.at), principalLabel(r.actor), r.action, r.target, r.outcome, html`<code>${r.detail === '{}' ? '' : r.detail}</code>`]),
)}
${pager('/console/audit', next, { target }, !cursor)}`,
      });
    }));
  },
};

/**
 * `/console`: the overview, and the example page of README.md — one GET through `viewHandler`,
 * reading through `page.read` (the API's ListUserPools), rendered in the shell.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { viewHandler, type ConsolePage } from '../kit.js';
import { principalLabel } from '../layout.js';
import { link, table } from '../ui.js';

export const homePage: ConsolePage = {
  nav: { label: 'Overview', href: '/console', order: 10 },
  register(app, ui) {
    app.get('/console', viewHandler(ui, async (page) => {
      const pools = await page.read<{ UserPools: { Id: string; Name: string }[]; NextToken?: string }>('ListUserPools', { MaxResults: 10 });
      return page.render({
        title: 'Overview',
        body: html`<p>Signed in as ${principalLabel(page.principal)}. Server ${page.cognate.config.publicUrl}, region ${page.cognate.config.region}, database ${page.cognate.store.dialect}.</p>
<h2>User pools</h2>
${table(['Name', 'ID'], pools.UserPools.map((p) => [link(`/console/pools/${encodeURIComponent(p.Id)}`, p.Name), p.Id]))}
<p>${link('/console/pools', pools.NextToken ? 'All user pools' : 'Manage user pools')} · ${link('/console/pools/new', 'Create a user pool')} · ${link('/console/audit', 'Audit trail')}</p>`,
      });
    }));
  },
};

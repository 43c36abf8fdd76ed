/**
 * A pool's domain and the look of its hosted pages. The domain: CreateUserPoolDomain (prefix and
 * ManagedLoginVersion: 1 classic hosted UI, 2 managed login), UpdateUserPoolDomain, deletion
 * (DeleteUserPoolDomain, prefix typed out). The look, per app client: managed login's colours
 * (CreateManagedLoginBranding / UpdateManagedLoginBranding) or the classic CSS (SetUICustomization).
 *
 * The live preview is an iframe of `/console/pools/<id>/preview?client=<id>`: the hosted sign-in
 * form rendered by the hosted UI's own layout (protocol/hosted-ui/layout.ts) with the branding the
 * hosted pages would use (domain/oauth/branding.ts `brandingFor`), so it shows what `/login` shows,
 * framed by the console alone (`frame-ancestors 'self'`) and inert (`form-action 'none'`). The
 * hosted `/login` itself refuses to be framed, so a link opens it too.
 */
import { randomBytes } from 'node:crypto';
import { brandingFor } from '../../domain/oauth/branding.js';
import { renderDocument } from '../../protocol/hosted-ui/layout.js';
import { field, form as hostedForm } from '../../protocol/hosted-ui/layout.js';
import { messagesFor } from '../../protocol/hosted-ui/i18n/index.js';
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest } from '../kit.js';
import { previewHeaders } from '../security.js';
import { deleteForm, facts, form, html, input, link, select, textarea } from '../ui.js';
import { describePool, poolCrumbs, type PoolDescription } from './pools.js';

interface ClientSummary {
  ClientId: string;
  ClientName: string;
}

const HEX = /^#?([0-9a-fA-F]{6})$/;
/** `#rrggbb` → managed login's `rrggbbff`. */
const toSetting = (hex: string) => `${HEX.exec(hex)![1]!.toLowerCase()}ff`;

async function domainOf(page: ConsoleRequest, pool: PoolDescription): Promise<{ Domain: string; ManagedLoginVersion?: number; Status?: string } | undefined> {
  if (!pool.Domain) return undefined;
  const out = await page.read<{ DomainDescription: { Domain?: string; ManagedLoginVersion?: number; Status?: string } }>('DescribeUserPoolDomain', { Domain: pool.Domain });
  return out.DomainDescription.Domain ? { Domain: out.DomainDescription.Domain, ...out.DomainDescription } : undefined;
}

async function brandingOf(page: ConsoleRequest, poolId: string, clientId: string): Promise<{ ManagedLoginBrandingId: string } | undefined> {
  try {
    return (await page.read<{ ManagedLoginBranding: { ManagedLoginBrandingId: string } }>('DescribeManagedLoginBrandingByClient', { UserPoolId: poolId, ClientId: clientId })).ManagedLoginBranding;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

async function domainView(page: ConsoleRequest, pool: PoolDescription, errors: string[] = []): Promise<Response> {
  const base = consolePath('pools', pool.Id, 'domain');
  const domain = await domainOf(page, pool);
  const clients = (await page.read<{ UserPoolClients: ClientSummary[] }>('ListUserPoolClients', { UserPoolId: pool.Id, MaxResults: 60 })).UserPoolClients;
  const chosen = clients.find((c) => c.ClientId === page.query('client', 128)) ?? clients[0];
  const version = domain?.ManagedLoginVersion ?? 1;
  const hostedLogin = chosen ? `/login?client_id=${encodeURIComponent(chosen.ClientId)}&response_type=code` : undefined;
  return page.render(
    {
      title: 'Domain and branding',
      crumbs: poolCrumbs(pool),
      errors,
      body: html`<h2>Domain</h2>
${domain
  ? html`${facts([['Prefix', domain.Domain], ['Hosted pages', version >= 2 ? 'managed login (version 2)' : 'classic hosted UI (version 1)'], ['Status', domain.Status]])}
${form({ action: `${base}/version`, csrf: page.csrf, label: 'Change the hosted pages', submit: 'Save', kind: 'secondary', body: select({ name: 'version', label: 'Hosted pages', options: [['1', 'Classic hosted UI'], ['2', 'Managed login']], value: String(version) }) })}
${deleteForm({ action: `${base}/delete`, csrf: page.csrf, name: domain.Domain, what: 'this domain' })}`
  : form({
      action: base,
      csrf: page.csrf,
      label: 'Create a domain',
      submit: 'Create domain',
      body: html`${input({ name: 'prefix', label: 'Domain prefix', hint: 'Lowercase letters, numbers and hyphens', required: true })}${select({ name: 'version', label: 'Hosted pages', options: [['2', 'Managed login'], ['1', 'Classic hosted UI']], value: '2' })}`,
    })}
<h2>Branding</h2>
${chosen
  ? html`<form method="get" action="${base}" aria-label="Choose an app client">${select({ name: 'client', label: 'App client', options: clients.map((c) => [c.ClientId, c.ClientName] as const), value: chosen.ClientId })}<button type="submit" class="secondary">Show</button></form>
${version >= 2
  ? form({
      action: `${base}/branding`,
      csrf: page.csrf,
      label: 'Managed login colours',
      submit: 'Save branding',
      hidden: { client: chosen.ClientId },
      body: html`${input({ name: 'primary', label: 'Button colour (#rrggbb)', value: '#0b57d0' })}${input({ name: 'background', label: 'Page background (#rrggbb)', value: '#f4f6f8' })}`,
    })
  : form({
      action: `${base}/css`,
      csrf: page.csrf,
      label: 'Classic hosted UI CSS',
      submit: 'Save CSS',
      hidden: { client: chosen.ClientId },
      body: textarea({ name: 'css', label: 'CSS (Cognito\u2019s classes: .submitButton-customizable, .background-customizable …)', value: '' }),
    })}
<h2>Preview</h2>
<iframe class="preview" title="Preview of the hosted sign-in page" src="${consolePath('pools', pool.Id, 'preview')}?client=${encodeURIComponent(chosen.ClientId)}"></iframe>
${hostedLogin ? html`<p>${link(hostedLogin, 'Open the hosted sign-in page')} (works once the client allows OAuth and has a callback URL).</p>` : ''}`
  : html`<p>Create an app client first: ${link(consolePath('pools', pool.Id, 'clients'), 'App clients')}.</p>`}`,
    },
    errors.length ? 400 : 200,
  );
}

export const domainsPage: ConsolePage = {
  register(app, ui) {
    app.get('/console/pools/:poolId/domain', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      return pool ? domainView(page, pool) : page.notFound('There is no such user pool.');
    }));
    app.post('/console/pools/:poolId/domain', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      try {
        await page.api('CreateUserPoolDomain', { UserPoolId: pool.Id, Domain: posted.get('prefix'), ManagedLoginVersion: Number(posted.get('version')) || 1 }, `${pool.Id}/domain/${posted.get('prefix').slice(0, 64)}`);
      } catch (e) {
        return domainView(page, pool, [errorText(e)]);
      }
      return page.redirect(consolePath('pools', pool.Id, 'domain'), 'Domain created.');
    }));
    app.post('/console/pools/:poolId/domain/version', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool?.Domain) return page.notFound('This pool has no domain.');
      try {
        await page.api('UpdateUserPoolDomain', { UserPoolId: pool.Id, Domain: pool.Domain, ManagedLoginVersion: Number(posted.get('version')) || 1 }, `${pool.Id}/domain/${pool.Domain}`);
      } catch (e) {
        return domainView(page, pool, [errorText(e)]);
      }
      return page.redirect(consolePath('pools', pool.Id, 'domain'), 'Domain saved.');
    }));
    app.post('/console/pools/:poolId/domain/delete', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool?.Domain) return page.notFound('This pool has no domain.');
      if (posted.get('confirm') !== pool.Domain) return domainView(page, pool, ["Type the domain's prefix to delete it."]);
      try {
        await page.api('DeleteUserPoolDomain', { UserPoolId: pool.Id, Domain: pool.Domain }, `${pool.Id}/domain/${pool.Domain}`);
      } catch (e) {
        return domainView(page, pool, [errorText(e)]);
      }
      return page.redirect(consolePath('pools', pool.Id, 'domain'), 'Domain deleted.');
    }));
    app.post('/console/pools/:poolId/domain/branding', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const clientId = posted.get('client');
      const [primary, background] = [posted.get('primary'), posted.get('background')];
      if (!HEX.test(primary) || !HEX.test(background)) return domainView(page, pool, ['Colours are #rrggbb.']);
      const Settings = { components: { primaryButton: { lightMode: { defaults: { backgroundColor: toSetting(primary), textColor: 'ffffffff' } } }, pageBackground: { lightMode: { color: toSetting(background) } } } };
      const target = `${pool.Id}/clients/${clientId}/branding`;
      try {
        const existing = await brandingOf(page, pool.Id, clientId);
        if (existing) await page.api('UpdateManagedLoginBranding', { UserPoolId: pool.Id, ManagedLoginBrandingId: existing.ManagedLoginBrandingId, Settings }, target);
        else await page.api('CreateManagedLoginBranding', { UserPoolId: pool.Id, ClientId: clientId, Settings }, target);
      } catch (e) {
        return domainView(page, pool, [errorText(e)]);
      }
      return page.redirect(`${consolePath('pools', pool.Id, 'domain')}?client=${encodeURIComponent(clientId)}`, 'Branding saved.');
    }));
    app.post('/console/pools/:poolId/domain/css', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const clientId = posted.get('client');
      try {
        await page.api('SetUICustomization', { UserPoolId: pool.Id, ClientId: clientId, CSS: posted.get('css') }, `${pool.Id}/clients/${clientId}/branding`);
      } catch (e) {
        return domainView(page, pool, [errorText(e)]);
      }
      return page.redirect(`${consolePath('pools', pool.Id, 'domain')}?client=${encodeURIComponent(clientId)}`, 'CSS saved.');
    }));
    // The preview (see the file's comment): read-only, rendered by the hosted UI's layout.
    app.get('/console/pools/:poolId/preview', viewHandler(ui, async (page) => {
      const cognate = page.cognate;
      const pool = await cognate.pools.find(page.param('poolId'));
      const client = pool && (await cognate.clients.find(pool.id, page.query('client', 128) ?? ''));
      if (!pool || !client) return page.notFound('There is no such app client.');
      const look = await brandingFor(cognate, pool, client);
      const t = messagesFor('en');
      const nonce = randomBytes(16).toString('base64');
      const body = hostedForm({
        action: '#',
        csrf: 'preview',
        submit: t.signIn,
        body: html`${field({ name: 'username', label: t.username })}${field({ name: 'password', label: t.password, type: 'password' })}`,
      });
      const doc = renderDocument({ lang: 'en', t, nonce, branding: { css: look.css, ...(look.logo ? { logoUrl: look.logo.dataUri } : {}) } }, { title: t.signIn, body });
      return new Response(doc, { headers: previewHeaders(nonce) });
    }));
  },
};

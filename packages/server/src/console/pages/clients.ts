/**
 * App clients of a pool: the list (ListUserPoolClients), create (CreateUserPoolClient; a generated
 * secret is shown once, in the answer to the POST), a client's page (DescribeUserPoolClient) with
 * its OAuth settings (UpdateUserPoolClient, every setting the form doesn't show carried over), its
 * secrets (ListUserPoolClientSecrets) and their rotation — AddUserPoolClientSecret (shown once),
 * then DeleteUserPoolClientSecret of the old one once apps have moved — and deletion.
 */
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest, type PostedForm } from '../kit.js';
import { checkbox, checkboxes, confirmed, deleteForm, facts, form, html, input, link, pager, secretOnce, table, textarea, when, type Html } from '../ui.js';
import { describePool, poolCrumbs, type PoolDescription } from './pools.js';

interface Client {
  ClientId: string;
  ClientName: string;
  UserPoolId: string;
  ClientSecret?: string;
  CreationDate?: number;
  ExplicitAuthFlows?: string[];
  CallbackURLs?: string[];
  LogoutURLs?: string[];
  AllowedOAuthFlows?: string[];
  AllowedOAuthScopes?: string[];
  AllowedOAuthFlowsUserPoolClient?: boolean;
  SupportedIdentityProviders?: string[];
  [key: string]: unknown;
}

const FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'];
const OAUTH_FLOWS = ['code', 'implicit', 'client_credentials'];
const SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];
const UPDATABLE = ['ClientName', 'RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'TokenValidityUnits', 'ReadAttributes', 'WriteAttributes', 'ExplicitAuthFlows', 'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient', 'AnalyticsConfiguration', 'PreventUserExistenceErrors', 'EnableTokenRevocation', 'EnablePropagateAdditionalUserContextData', 'AuthSessionValidity', 'RefreshTokenRotation'];

const lines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

function oauthFields(c: Partial<Client>): Html {
  return html`<fieldset><legend>Hosted sign-in (OAuth 2.0)</legend>
${checkbox({ name: 'oauth', label: 'Use the hosted sign-in pages and OAuth flows', checked: c.AllowedOAuthFlowsUserPoolClient ?? false })}
${checkboxes('oauthFlows', 'OAuth grant types', OAUTH_FLOWS, c.AllowedOAuthFlows ?? ['code'])}
${checkboxes('scopes', 'Scopes', SCOPES, c.AllowedOAuthScopes ?? ['openid', 'email'])}
${textarea({ name: 'callbacks', label: 'Callback URLs', hint: 'One per line', value: (c.CallbackURLs ?? []).join('\n') })}
${textarea({ name: 'logouts', label: 'Sign-out URLs', hint: 'One per line', value: (c.LogoutURLs ?? []).join('\n') })}
</fieldset>`;
}

function oauthInput(f: PostedForm): Record<string, unknown> {
  const on = f.has('oauth');
  return {
    AllowedOAuthFlowsUserPoolClient: on,
    ...(on ? { AllowedOAuthFlows: f.all('oauthFlows'), AllowedOAuthScopes: f.all('scopes'), SupportedIdentityProviders: ['COGNITO'] } : {}),
    CallbackURLs: lines(f.get('callbacks')),
    LogoutURLs: lines(f.get('logouts')),
  };
}

function listView(page: ConsoleRequest, pool: PoolDescription, clients: Client[], next: string | undefined, first: boolean, extra: { errors?: string[]; created?: Client; values?: PostedForm } = {}): Response {
  const base = consolePath('pools', pool.Id, 'clients');
  return page.render(
    {
      title: 'App clients',
      crumbs: poolCrumbs(pool),
      errors: extra.errors ?? [],
      body: html`${extra.created ? html`<div class="notice" role="status"><p>App client ${extra.created.ClientName} created: ${link(`${base}/${encodeURIComponent(extra.created.ClientId)}`, extra.created.ClientId)}</p>${extra.created.ClientSecret ? secretOnce('Client secret', extra.created.ClientSecret) : ''}</div>` : ''}
${table(['Name', 'Client ID', 'Created'], clients.map((c) => [link(`${base}/${encodeURIComponent(c.ClientId)}`, c.ClientName), c.ClientId, when((c.CreationDate ?? 0) * 1000)]))}
${pager(base, next, {}, first)}
<h2>Create an app client</h2>
${form({
  action: base,
  csrf: page.csrf,
  label: 'Create an app client',
  submit: 'Create app client',
  body: html`${input({ name: 'name', label: 'Client name', required: true, value: extra.values?.get('name') })}
${checkbox({ name: 'secret', label: 'Generate a client secret (server-side apps)', checked: extra.values?.has('secret') ?? false })}
${checkboxes('flows', 'Authentication flows', FLOWS, extra.values?.all('flows') ?? ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])}
${oauthFields({})}`,
})}`,
    },
    extra.errors?.length ? 400 : 200,
  );
}

async function listClients(page: ConsoleRequest, poolId: string, token: string | undefined): Promise<{ clients: Client[]; next?: string }> {
  const out = await page.read<{ UserPoolClients: Client[]; NextToken?: string }>('ListUserPoolClients', { UserPoolId: poolId, MaxResults: 20, ...(token ? { NextToken: token } : {}) });
  return { clients: out.UserPoolClients, ...(out.NextToken ? { next: out.NextToken } : {}) };
}

async function clientView(page: ConsoleRequest, pool: PoolDescription, client: Client, extra: { errors?: string[]; newSecret?: string } = {}): Promise<Response> {
  const base = consolePath('pools', pool.Id, 'clients', client.ClientId);
  const secrets = client.ClientSecret !== undefined || extra.newSecret
    ? (await page.read<{ ClientSecrets: { ClientSecretId: string; ClientSecretCreateDate?: number }[] }>('ListUserPoolClientSecrets', { UserPoolId: pool.Id, ClientId: client.ClientId })).ClientSecrets
    : [];
  return page.render(
    {
      title: client.ClientName,
      crumbs: [...poolCrumbs(pool), ['App clients', consolePath('pools', pool.Id, 'clients')]],
      errors: extra.errors ?? [],
      body: html`${extra.newSecret ? html`<div class="notice" role="status">${secretOnce('New client secret', extra.newSecret)}</div>` : ''}
${facts([
  ['Client ID', client.ClientId],
  ['Authentication flows', (client.ExplicitAuthFlows ?? []).join(', ')],
  ['Hosted sign-in', client.AllowedOAuthFlowsUserPoolClient ? `on (${(client.AllowedOAuthFlows ?? []).join(', ')})` : 'off'],
])}
<h2>OAuth settings</h2>
${form({ action: `${base}/edit`, csrf: page.csrf, label: 'Edit OAuth settings', submit: 'Save OAuth settings', body: oauthFields(client) })}
<h2>Client secrets</h2>
${secrets.length
  ? html`${table(['Secret ID', 'Created', ''], secrets.map((s) => [s.ClientSecretId, when((s.ClientSecretCreateDate ?? 0) * 1000), secrets.length > 1 ? form({ action: `${base}/secrets/delete`, csrf: page.csrf, label: `Delete secret ${s.ClientSecretId}`, submit: 'Delete this secret', kind: 'danger', hidden: { secretId: s.ClientSecretId } }) : '']))}
<p>Rotate: add a second secret, move your apps to it, then delete the old one.</p>
${secrets.length < 2 ? form({ action: `${base}/secrets`, csrf: page.csrf, label: 'Add a client secret', submit: 'Add a new secret', kind: 'secondary' }) : ''}`
  : html`<p>This client has no secret (a public client).</p>`}
<h2>Delete</h2>
${deleteForm({ action: `${base}/delete`, csrf: page.csrf, name: client.ClientName, what: 'this app client' })}`,
    },
    extra.errors?.length ? 400 : 200,
  );
}

async function describeClient(page: ConsoleRequest, poolId: string, clientId: string): Promise<Client | undefined> {
  try {
    return (await page.read<{ UserPoolClient: Client }>('DescribeUserPoolClient', { UserPoolId: poolId, ClientId: clientId })).UserPoolClient;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException' || (e as { name?: string }).name === 'InvalidParameterException') return undefined;
    throw e;
  }
}

export const clientsPage: ConsolePage = {
  register(app, ui) {
    app.get('/console/pools/:poolId/clients', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const token = page.query('page', 2048);
      const { clients, next } = await listClients(page, pool.Id, token);
      return listView(page, pool, clients, next, !token);
    }));
    app.post('/console/pools/:poolId/clients', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const input = { UserPoolId: pool.Id, ClientName: posted.get('name'), GenerateSecret: posted.has('secret'), ExplicitAuthFlows: posted.all('flows'), PreventUserExistenceErrors: 'ENABLED', ...oauthInput(posted) };
      try {
        const created = (await page.api<{ UserPoolClient: Client }>('CreateUserPoolClient', input, `${pool.Id}/clients/new`)).UserPoolClient;
        const { clients, next } = await listClients(page, pool.Id, undefined);
        return listView(page, pool, clients, next, true, { created });
      } catch (e) {
        const { clients, next } = await listClients(page, pool.Id, undefined);
        return listView(page, pool, clients, next, true, { errors: [errorText(e)], values: posted });
      }
    }));
    app.get('/console/pools/:poolId/clients/:clientId', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      const client = pool && (await describeClient(page, pool.Id, page.param('clientId')));
      return pool && client ? clientView(page, pool, client) : page.notFound('There is no such app client.');
    }));
    app.post('/console/pools/:poolId/clients/:clientId/edit', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      const client = pool && (await describeClient(page, pool.Id, page.param('clientId')));
      if (!pool || !client) return page.notFound('There is no such app client.');
      // UpdateUserPoolClient resets what it isn't given, so every other setting is carried over.
      const update: Record<string, unknown> = { UserPoolId: pool.Id, ClientId: client.ClientId };
      for (const key of UPDATABLE) if (client[key] !== undefined) update[key] = client[key];
      if (!posted.has('oauth')) for (const key of ['AllowedOAuthFlows', 'AllowedOAuthScopes']) delete update[key];
      Object.assign(update, oauthInput(posted));
      try {
        await page.api('UpdateUserPoolClient', update, `${pool.Id}/clients/${client.ClientId}`);
      } catch (e) {
        return clientView(page, pool, client, { errors: [errorText(e)] });
      }
      return page.redirect(consolePath('pools', pool.Id, 'clients', client.ClientId), 'OAuth settings saved.');
    }));
    app.post('/console/pools/:poolId/clients/:clientId/secrets', actionHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      const client = pool && (await describeClient(page, pool.Id, page.param('clientId')));
      if (!pool || !client) return page.notFound('There is no such app client.');
      try {
        const out = await page.api<{ ClientSecretDescriptor: { ClientSecretValue?: string } }>('AddUserPoolClientSecret', { UserPoolId: pool.Id, ClientId: client.ClientId }, `${pool.Id}/clients/${client.ClientId}`);
        return clientView(page, pool, client, { newSecret: out.ClientSecretDescriptor.ClientSecretValue ?? '' });
      } catch (e) {
        return clientView(page, pool, client, { errors: [errorText(e)] });
      }
    }));
    app.post('/console/pools/:poolId/clients/:clientId/secrets/delete', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      const client = pool && (await describeClient(page, pool.Id, page.param('clientId')));
      if (!pool || !client) return page.notFound('There is no such app client.');
      try {
        await page.api('DeleteUserPoolClientSecret', { UserPoolId: pool.Id, ClientId: client.ClientId, ClientSecretId: posted.get('secretId') }, `${pool.Id}/clients/${client.ClientId}`);
      } catch (e) {
        return clientView(page, pool, client, { errors: [errorText(e)] });
      }
      return page.redirect(consolePath('pools', pool.Id, 'clients', client.ClientId), 'Client secret deleted.');
    }));
    app.post('/console/pools/:poolId/clients/:clientId/delete', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      const client = pool && (await describeClient(page, pool.Id, page.param('clientId')));
      if (!pool || !client) return page.notFound('There is no such app client.');
      if (!confirmed(posted, client.ClientName)) return clientView(page, pool, client, { errors: ["Type the client's name to delete it."] });
      try {
        await page.api('DeleteUserPoolClient', { UserPoolId: pool.Id, ClientId: client.ClientId }, `${pool.Id}/clients/${client.ClientId}`);
      } catch (e) {
        return clientView(page, pool, client, { errors: [errorText(e)] });
      }
      return page.redirect(consolePath('pools', pool.Id, 'clients'), `App client ${client.ClientName} deleted.`);
    }));
  },
};

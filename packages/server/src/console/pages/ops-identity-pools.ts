/**
 * Identity pools: list (paged), create, delete (typed confirmation), their roles and role mappings
 * (SetIdentityPoolRoles), and the policy simulator (identity/simulator.ts): would this guest, or
 * this user signing in this way, be allowed this action on this resource — which role, whether it
 * trusts the identity, and which statements decided. Changes go through the cognito-identity API
 * operations (`page.api`, audited); the simulator changes nothing.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { simulatePolicy, type SimulationResult } from '../../identity/simulator.js';
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest } from '../kit.js';
import { checkbox, confirmed, deleteForm, facts, form, input, link, pager, table, textarea } from '../ui.js';
import { jsonObject, pretty } from './ops-shared.js';

const ID = 'cognito-identity';

async function poolView(page: ConsoleRequest, poolId: string, extra: { errors?: string[]; simulation?: SimulationResult; posted?: Record<string, string> } = {}, status: 200 | 400 | 404 = 200): Promise<Response> {
  let pool: { IdentityPoolName: string; AllowUnauthenticatedIdentities: boolean; CognitoIdentityProviders?: { ProviderName: string; ClientId: string }[] };
  let roles: { Roles?: Record<string, string>; RoleMappings?: Record<string, unknown> };
  try {
    pool = await page.read('DescribeIdentityPool', { IdentityPoolId: poolId }, ID);
    roles = await page.read('GetIdentityPoolRoles', { IdentityPoolId: poolId }, ID);
  } catch (e) {
    return page.notFound(errorText(e));
  }
  const path = consolePath('identity-pools', poolId);
  const p = extra.posted ?? {};
  const sim = extra.simulation;
  const roleLink = (arn: string | undefined) => (arn ? link(consolePath('roles', arn.slice(arn.lastIndexOf('/') + 1)), arn) : '');
  return page.render(
    {
      title: pool.IdentityPoolName,
      crumbs: [['Identity pools', '/console/identity-pools']],
      ...(extra.errors ? { errors: extra.errors } : {}),
      body: html`${facts([
        ['ID', poolId],
        ['Guests allowed', pool.AllowUnauthenticatedIdentities ? 'yes' : 'no'],
        ['User pool providers', (pool.CognitoIdentityProviders ?? []).map((x) => `${x.ProviderName} (${x.ClientId})`).join(', ')],
        ['Authenticated role', roleLink(roles.Roles?.authenticated)],
        ['Unauthenticated role', roleLink(roles.Roles?.unauthenticated)],
      ])}
<h2>Roles and role mappings</h2>
${form({
  action: `${path}/roles`,
  csrf: page.csrf,
  label: 'Roles',
  submit: 'Save roles',
  body: html`${input({ name: 'authenticated', label: 'Authenticated role ARN', value: roles.Roles?.authenticated ?? '' })}
${input({ name: 'unauthenticated', label: 'Unauthenticated role ARN', value: roles.Roles?.unauthenticated ?? '' })}
${textarea({ name: 'mappings', label: 'Role mappings (JSON, as SetIdentityPoolRoles takes them)', value: roles.RoleMappings && Object.keys(roles.RoleMappings).length > 0 ? pretty(roles.RoleMappings) : '' })}`,
})}
<h2 id="simulator">Policy simulator</h2>
<p>Would an identity of this pool be allowed an action? The role is chosen, its trust checked and its policies evaluated as for real credentials. Leave the provider empty for a guest.</p>
${form({
  action: `${path}/simulate`,
  csrf: page.csrf,
  label: 'Policy simulator',
  submit: 'Simulate',
  kind: 'secondary',
  body: html`${input({ name: 'action', label: 'Action', value: p.action ?? '', hint: 'e.g. s3:GetObject', required: true })}
${input({ name: 'resource', label: 'Resource', value: p.resource ?? '', hint: 'e.g. arn:aws:s3:::bucket/key', required: true })}
${input({ name: 'provider', label: 'Login provider', value: p.provider ?? '', hint: 'cognito-idp.<region>.amazonaws.com/<userPoolId>, accounts.google.com … (empty: a guest)' })}
${input({ name: 'clientId', label: 'App client ID (user pool logins)', value: p.clientId ?? '' })}
${textarea({ name: 'claims', label: 'Token claims (JSON)', value: p.claims ?? '', hint: 'What role-mapping rules read, e.g. {"cognito:groups": ["admins"]}' })}
${input({ name: 'roleArn', label: 'Role ARN (instead of the pool\'s choice)', value: p.roleArn ?? '' })}
${input({ name: 'identityId', label: 'Identity ID', value: p.identityId ?? '', hint: 'Fills ${cognito-identity.amazonaws.com:sub}' })}
${textarea({ name: 'context', label: 'Request condition keys (JSON)', value: p.context ?? '' })}`,
})}
${sim
  ? html`<section aria-labelledby="sim-result"><h3 id="sim-result">${sim.allowed ? 'Allowed' : 'Denied'}</h3>${facts([
      ['Decision', sim.decision],
      ['Role', sim.roleArn ?? ''],
      ['Role chosen by', sim.roleChosenBy],
      ['Trust', sim.trust],
      ['Explanation', sim.explanation],
    ])}${table(['Policy', 'Statement', 'Sid', 'Effect'], sim.matched.map((m) => [m.policy, String(m.index), m.sid ?? '', m.effect]), 'Statements that applied')}</section>`
  : ''}
<h2>Delete</h2>
${deleteForm({ action: `${path}/delete`, csrf: page.csrf, name: pool.IdentityPoolName, what: 'identity pool' })}`,
    },
    status,
  );
}

export const identityPoolsPage: ConsolePage = {
  nav: { label: 'Identity pools', href: '/console/identity-pools', order: 60 },
  register(app, ui) {
    app.get('/console/identity-pools', viewHandler(ui, async (page) => {
      const cursor = page.query('page', 4096);
      const out = await page.read<{ IdentityPools: { IdentityPoolId: string; IdentityPoolName: string }[]; NextToken?: string }>('ListIdentityPools', { MaxResults: 50, ...(cursor ? { NextToken: cursor } : {}) }, ID).catch(() => ({ IdentityPools: [], NextToken: undefined }));
      return page.render({
        title: 'Identity pools',
        body: html`${table(['Name', 'ID'], out.IdentityPools.map((p) => [link(consolePath('identity-pools', p.IdentityPoolId), p.IdentityPoolName), p.IdentityPoolId]))}
${pager('/console/identity-pools', out.NextToken, {}, !cursor)}
<h2>Create an identity pool</h2>
${form({ action: '/console/identity-pools', csrf: page.csrf, label: 'Create an identity pool', submit: 'Create identity pool', body: html`${input({ name: 'name', label: 'Name', required: true })}${checkbox({ name: 'guests', label: 'Allow guests (unauthenticated identities)' })}${input({ name: 'provider', label: 'User pool app client', hint: '<userPoolId>:<clientId> (optional)' })}` })}
<p>${link('/console/roles', 'IAM roles')}</p>`,
      });
    }));

    app.post('/console/identity-pools', actionHandler(ui, async (page, posted) => {
      const provider = posted.get('provider').trim();
      const [userPoolId, clientId] = provider.split(':');
      const input: Record<string, unknown> = { IdentityPoolName: posted.get('name'), AllowUnauthenticatedIdentities: posted.has('guests') };
      if (provider) input.CognitoIdentityProviders = [{ ProviderName: `cognito-idp.${(userPoolId ?? '').split('_')[0]}.amazonaws.com/${userPoolId}`, ClientId: clientId ?? '', ServerSideTokenCheck: false }];
      try {
        const out = await page.api<{ IdentityPoolId: string }>('CreateIdentityPool', input, `identity-pools/${posted.get('name')}`, ID);
        return page.redirect(consolePath('identity-pools', out.IdentityPoolId), 'Identity pool created.');
      } catch (e) {
        return page.render({ title: 'Identity pools', errors: [errorText(e)], body: html`<p>${link('/console/identity-pools', 'Back to identity pools')}</p>` }, 400);
      }
    }));

    app.get('/console/identity-pools/:id', viewHandler(ui, (page) => poolView(page, page.param('id'))));

    app.post('/console/identity-pools/:id/roles', actionHandler(ui, async (page, posted) => {
      const id = page.param('id');
      try {
        const roles: Record<string, string> = {};
        for (const k of ['authenticated', 'unauthenticated']) if (posted.get(k).trim()) roles[k] = posted.get(k).trim();
        const mappings = jsonObject(posted.get('mappings'), 'Role mappings');
        await page.api('SetIdentityPoolRoles', { IdentityPoolId: id, Roles: roles, ...(mappings ? { RoleMappings: mappings } : {}) }, `identity-pools/${id}/roles`, ID);
      } catch (e) {
        return poolView(page, id, { errors: [errorText(e)] }, 400);
      }
      return page.redirect(consolePath('identity-pools', id), 'Roles saved.');
    }));

    app.post('/console/identity-pools/:id/simulate', actionHandler(ui, async (page, posted) => {
      const id = page.param('id');
      const fields = ['action', 'resource', 'provider', 'clientId', 'claims', 'roleArn', 'identityId', 'context'];
      const p = Object.fromEntries(fields.map((f) => [f, posted.get(f)]));
      try {
        const claims = jsonObject(p.claims!, 'Token claims');
        const simulation = await simulatePolicy(page.cognate.identity, {
          identityPoolId: id,
          action: p.action,
          resource: p.resource,
          ...(p.roleArn ? { roleArn: p.roleArn } : {}),
          ...(p.identityId ? { identityId: p.identityId } : {}),
          ...(p.provider ? { login: { provider: p.provider, ...(p.clientId ? { clientId: p.clientId } : {}), ...(claims ? { claims } : {}) } } : {}),
          context: jsonObject(p.context!, 'Request condition keys'),
        }, page.cognate.config.region);
        return poolView(page, id, { simulation, posted: p });
      } catch (e) {
        return poolView(page, id, { errors: [errorText(e)], posted: p }, 400);
      }
    }));

    app.post('/console/identity-pools/:id/delete', actionHandler(ui, async (page, posted) => {
      const id = page.param('id');
      let name: string;
      try {
        name = (await page.read<{ IdentityPoolName: string }>('DescribeIdentityPool', { IdentityPoolId: id }, ID)).IdentityPoolName;
      } catch (e) {
        return page.notFound(errorText(e));
      }
      if (!confirmed(posted, name)) return poolView(page, id, { errors: ['Type the identity pool\'s name to delete it.'] }, 400);
      try {
        await page.api('DeleteIdentityPool', { IdentityPoolId: id }, `identity-pools/${id}`, ID);
      } catch (e) {
        return poolView(page, id, { errors: [errorText(e)] }, 400);
      }
      return page.redirect('/console/identity-pools', 'Identity pool deleted.');
    }));
  },
};

/**
 * IAM roles of the built-in credentials broker (identity/iam-roles.ts): create one with its trust
 * and permission policies, look at it by name, replace its trust policy, put or delete a
 * permission policy, delete it. These are IAM calls (the query protocol), not Cognito API
 * operations, so the page calls the same domain methods the IAM actions call and records each
 * change with the audit helper (ops-shared.ts `audited`). Policies are parsed by the one parser
 * (identity/policy.ts): a malformed document is refused with its message.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest } from '../kit.js';
import { confirmed, deleteForm, facts, form, input, link, table, textarea, when } from '../ui.js';
import { audited, pretty } from './ops-shared.js';

const TRUST_HINT = 'Who may assume the role: a statement with Principal Federated cognito-identity.amazonaws.com, Action sts:AssumeRoleWithWebIdentity and a StringEquals condition on cognito-identity.amazonaws.com:aud naming the identity pool. Without one, nobody can assume the role.';

async function roleView(page: ConsoleRequest, name: string, errors?: string[], status: 200 | 400 = 200): Promise<Response> {
  const role = await page.cognate.identity.roles.findByName(name);
  if (!role) return page.notFound(`No role named ${name}.`);
  const path = consolePath('roles', name);
  return page.render(
    {
      title: `Role ${role.name}`,
      crumbs: [['Identity pools', '/console/identity-pools'], ['Roles', '/console/roles']],
      ...(errors ? { errors } : {}),
      body: html`${facts([['ARN', role.arn], ['Created', when(role.createdAt)]])}
<h2>Trust policy</h2>
${form({ action: `${path}/trust`, csrf: page.csrf, label: 'Trust policy', submit: 'Save trust policy', body: textarea({ name: 'document', label: 'Trust policy (JSON)', value: role.trust ? pretty(role.trust) : '', id: 'f-trust-document' }) })}
<h2>Permission policies</h2>
${table(['Name', 'Document', ''], Object.entries(role.policies).map(([policyName, doc]) => [
  policyName,
  html`<code>${JSON.stringify(doc)}</code>`,
  form({ action: `${path}/policies/delete`, csrf: page.csrf, label: `Delete policy ${policyName}`, submit: `Delete ${policyName}`, kind: 'danger', hidden: { policy: policyName } }),
]))}
${form({ action: `${path}/policies`, csrf: page.csrf, label: 'Put a permission policy', submit: 'Put policy', body: html`${input({ name: 'policy', label: 'Policy name', required: true })}${textarea({ name: 'document', label: 'Policy document (JSON)' })}` })}
<h2>Delete</h2>
${deleteForm({ action: `${path}/delete`, csrf: page.csrf, name: role.name, what: 'role' })}`,
    },
    status,
  );
}

export const rolesPage: ConsolePage = {
  register(app, ui) {
    app.get('/console/roles', viewHandler(ui, async (page) => {
      const name = page.query('name', 64);
      if (name) return page.redirect(consolePath('roles', name));
      return page.render({
        title: 'Roles',
        crumbs: [['Identity pools', '/console/identity-pools']],
        body: html`<form method="get" action="/console/roles" role="search">${input({ name: 'name', label: 'Role name', type: 'search', id: 'f-find-role' })}<button type="submit" class="secondary">Open</button></form>
<h2>Create a role</h2>
${form({ action: '/console/roles', csrf: page.csrf, label: 'Create a role', submit: 'Create role', body: html`${input({ name: 'name', label: 'Name', required: true })}${textarea({ name: 'trust', label: 'Trust policy (JSON)', hint: TRUST_HINT })}${input({ name: 'policy', label: 'Permission policy name' })}${textarea({ name: 'document', label: 'Permission policy (JSON)' })}` })}
<p>Roles an identity pool uses are linked from ${link('/console/identity-pools', 'its page')}.</p>`,
      });
    }));

    app.post('/console/roles', actionHandler(ui, async (page, posted) => {
      const name = posted.get('name').trim();
      const policyName = posted.get('policy').trim();
      const trust = posted.get('trust').trim();
      const document = posted.get('document').trim();
      try {
        await audited(page, 'CreateRole', `roles/${name}`, { name, trust, policyName, document }, () =>
          page.cognate.identity.roles.create({ name, ...(trust ? { trust } : {}), ...(policyName ? { policies: { [policyName]: document } } : {}) }, page.cognate.clock.now()),
        );
      } catch (e) {
        return page.render({ title: 'Roles', errors: [errorText(e)], body: html`<p>${link('/console/roles', 'Back to roles')}</p>` }, 400);
      }
      return page.redirect(consolePath('roles', name), 'Role created.');
    }));

    app.get('/console/roles/:name', viewHandler(ui, (page) => roleView(page, page.param('name'))));

    const change = (suffix: string, action: string, work: (page: ConsoleRequest, name: string, posted: { get(n: string): string }) => Promise<unknown>, notice: string) =>
      app.post(`/console/roles/:name${suffix}`, actionHandler(ui, async (page, posted) => {
        const name = page.param('name');
        try {
          await audited(page, action, `roles/${name}${posted.get('policy') ? `/${posted.get('policy')}` : ''}`, { document: posted.get('document') }, () => work(page, name, posted));
        } catch (e) {
          return roleView(page, name, [errorText(e)], 400);
        }
        return page.redirect(consolePath('roles', name), notice);
      }));
    change('/trust', 'UpdateAssumeRolePolicy', (page, name, posted) => page.cognate.identity.roles.updateTrust(name, posted.get('document'), page.cognate.clock.now()), 'Trust policy saved.');
    change('/policies', 'PutRolePolicy', (page, name, posted) => page.cognate.identity.roles.putPolicy(name, posted.get('policy'), posted.get('document'), page.cognate.clock.now()), 'Policy saved.');
    change('/policies/delete', 'DeleteRolePolicy', (page, name, posted) => page.cognate.identity.roles.deletePolicy(name, posted.get('policy'), page.cognate.clock.now()), 'Policy deleted.');

    app.post('/console/roles/:name/delete', actionHandler(ui, async (page, posted) => {
      const name = page.param('name');
      if (!confirmed(posted, name)) return roleView(page, name, ['Type the role\'s name to delete it.'], 400);
      try {
        await audited(page, 'DeleteRole', `roles/${name}`, {}, () => page.cognate.identity.roles.delete(name));
      } catch (e) {
        return roleView(page, name, [errorText(e)], 400);
      }
      return page.redirect('/console/roles', 'Role deleted.');
    }));
  },
};

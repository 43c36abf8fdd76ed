/**
 * Groups of a pool: the list (ListGroups, 25 a page), create (CreateGroup), a group's page with its
 * members (ListUsersInGroup, 25 a page), edit (UpdateGroup) and deletion with the name typed out
 * (DeleteGroup).
 */
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest, type PostedForm } from '../kit.js';
import { deleteForm, facts, form, html, input, link, pager, table } from '../ui.js';
import { describePool, poolCrumbs, type PoolDescription } from './pools.js';

interface Group {
  GroupName: string;
  Description?: string;
  Precedence?: number;
  RoleArn?: string;
  CreationDate?: number;
}

const optionalNumber = (s: string) => (s.trim() === '' ? {} : { Precedence: Number(s) });

async function listView(page: ConsoleRequest, pool: PoolDescription, extra: { errors?: string[]; values?: PostedForm } = {}): Promise<Response> {
  const base = consolePath('pools', pool.Id, 'groups');
  const token = page.query('page', 2048);
  const out = await page.read<{ Groups: Group[]; NextToken?: string }>('ListGroups', { UserPoolId: pool.Id, Limit: 25, ...(token ? { NextToken: token } : {}) });
  return page.render(
    {
      title: 'Groups',
      crumbs: poolCrumbs(pool),
      errors: extra.errors ?? [],
      body: html`${table(['Group', 'Description', 'Precedence'], out.Groups.map((g) => [link(`${base}/${encodeURIComponent(g.GroupName)}`, g.GroupName), g.Description, g.Precedence === undefined ? '' : String(g.Precedence)]))}
${pager(base, out.NextToken, {}, !token)}
<h2>Create a group</h2>
${form({
  action: base,
  csrf: page.csrf,
  label: 'Create a group',
  submit: 'Create group',
  body: html`${input({ name: 'name', label: 'Group name', required: true, value: extra.values?.get('name') })}
${input({ name: 'description', label: 'Description', value: extra.values?.get('description') })}
${input({ name: 'precedence', label: 'Precedence (lower wins)', type: 'number', value: extra.values?.get('precedence') })}
${input({ name: 'roleArn', label: 'IAM role ARN', value: extra.values?.get('roleArn') })}`,
})}`,
    },
    extra.errors?.length ? 400 : 200,
  );
}

async function getGroup(page: ConsoleRequest, poolId: string, name: string): Promise<Group | undefined> {
  try {
    return (await page.read<{ Group: Group }>('GetGroup', { UserPoolId: poolId, GroupName: name })).Group;
  } catch (e) {
    const n = (e as { name?: string }).name;
    if (n === 'ResourceNotFoundException' || n === 'InvalidParameterException') return undefined;
    throw e;
  }
}

async function groupView(page: ConsoleRequest, pool: PoolDescription, group: Group, errors: string[] = []): Promise<Response> {
  const base = consolePath('pools', pool.Id, 'groups', group.GroupName);
  const token = page.query('page', 2048);
  const members = await page.read<{ Users: { Username: string; UserStatus?: string }[]; NextToken?: string }>('ListUsersInGroup', { UserPoolId: pool.Id, GroupName: group.GroupName, Limit: 25, ...(token ? { NextToken: token } : {}) });
  return page.render(
    {
      title: group.GroupName,
      crumbs: [...poolCrumbs(pool), ['Groups', consolePath('pools', pool.Id, 'groups')]],
      errors,
      body: html`${facts([['Description', group.Description], ['Precedence', group.Precedence === undefined ? '' : String(group.Precedence)], ['IAM role', group.RoleArn]])}
<h2>Members</h2>
${table(['User', 'Status'], members.Users.map((u) => [link(consolePath('pools', pool.Id, 'users', u.Username), u.Username), u.UserStatus]))}
${pager(base, members.NextToken, {}, !token)}
<p>Add members from a user's page.</p>
<h2>Edit</h2>
${form({
  action: `${base}/edit`,
  csrf: page.csrf,
  label: 'Edit the group',
  submit: 'Save group',
  body: html`${input({ name: 'description', label: 'Description', value: group.Description })}
${input({ name: 'precedence', label: 'Precedence (lower wins)', type: 'number', value: group.Precedence })}
${input({ name: 'roleArn', label: 'IAM role ARN', value: group.RoleArn })}`,
})}
<h2>Delete</h2>
${deleteForm({ action: `${base}/delete`, csrf: page.csrf, name: group.GroupName, what: 'this group' })}`,
    },
    errors.length ? 400 : 200,
  );
}

export const groupsPage: ConsolePage = {
  register(app, ui) {
    app.get('/console/pools/:poolId/groups', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      return pool ? listView(page, pool) : page.notFound('There is no such user pool.');
    }));
    app.post('/console/pools/:poolId/groups', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const name = posted.get('name');
      const input = { UserPoolId: pool.Id, GroupName: name, ...(posted.get('description') ? { Description: posted.get('description') } : {}), ...optionalNumber(posted.get('precedence')), ...(posted.get('roleArn') ? { RoleArn: posted.get('roleArn') } : {}) };
      try {
        await page.api('CreateGroup', input, `${pool.Id}/groups/${name.slice(0, 128)}`);
      } catch (e) {
        return listView(page, pool, { errors: [errorText(e)], values: posted });
      }
      return page.redirect(consolePath('pools', pool.Id, 'groups', name), 'Group created.');
    }));
    app.get('/console/pools/:poolId/groups/:group', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      const group = pool && (await getGroup(page, pool.Id, page.param('group')));
      return pool && group ? groupView(page, pool, group) : page.notFound('There is no such group.');
    }));
    app.post('/console/pools/:poolId/groups/:group/edit', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      const group = pool && (await getGroup(page, pool.Id, page.param('group')));
      if (!pool || !group) return page.notFound('There is no such group.');
      const input = { UserPoolId: pool.Id, GroupName: group.GroupName, Description: posted.get('description'), ...optionalNumber(posted.get('precedence')), ...(posted.get('roleArn') ? { RoleArn: posted.get('roleArn') } : {}) };
      try {
        await page.api('UpdateGroup', input, `${pool.Id}/groups/${group.GroupName}`);
      } catch (e) {
        return groupView(page, pool, group, [errorText(e)]);
      }
      return page.redirect(consolePath('pools', pool.Id, 'groups', group.GroupName), 'Group saved.');
    }));
    app.post('/console/pools/:poolId/groups/:group/delete', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      const group = pool && (await getGroup(page, pool.Id, page.param('group')));
      if (!pool || !group) return page.notFound('There is no such group.');
      if (posted.get('confirm') !== group.GroupName) return groupView(page, pool, group, ["Type the group's name to delete it."]);
      try {
        await page.api('DeleteGroup', { UserPoolId: pool.Id, GroupName: group.GroupName }, `${pool.Id}/groups/${group.GroupName}`);
      } catch (e) {
        return groupView(page, pool, group, [errorText(e)]);
      }
      return page.redirect(consolePath('pools', pool.Id, 'groups'), `Group ${group.GroupName} deleted.`);
    }));
  },
};

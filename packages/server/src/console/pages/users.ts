/**
 * Users of a pool. The list is ListUsers itself — its filter (`attribute = "value"` or `^=`), 25 a
 * page by its PaginationToken — so a 100,000-user pool costs one page. Create or invite
 * (AdminCreateUser). A user's page (AdminGetUser) with every admin action as a small form, each one
 * API operation: disable/enable, reset or set the password, confirm, attributes
 * (AdminUpdateUserAttributes / AdminDeleteUserAttributes), groups (AdminAddUserToGroup /
 * AdminRemoveUserFromGroup), devices (AdminListDevices / AdminForgetDevice), MFA
 * (AdminSetUserMFAPreference), sign-out everywhere (AdminUserGlobalSignOut), deletion
 * (AdminDeleteUser, name typed out), and their auth events (AdminListUserAuthEvents).
 */
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest, type PostedForm } from '../kit.js';
import { checkbox, checkboxes, confirmed, deleteForm, facts, form, html, input, link, pager, select, table, textarea, when, type Html } from '../ui.js';
import { describePool, poolCrumbs, type PoolDescription } from './pools.js';

type Attr = { Name: string; Value?: string };
interface ListedUser {
  Username: string;
  Attributes?: Attr[];
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: number;
}
interface FullUser {
  Username: string;
  UserAttributes?: Attr[];
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: number;
  UserLastModifiedDate?: number;
  PreferredMfaSetting?: string;
  UserMFASettingList?: string[];
}

const FILTER_ATTRIBUTES = ['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub'];
/** Attributes the API manages itself: shown, never offered for editing. */
const READ_ONLY = new Set(['sub', 'identities']);

const attr = (attrs: Attr[] | undefined, name: string) => attrs?.find((a) => a.Name === name)?.Value;
const userPath = (poolId: string, username: string, ...rest: string[]) => consolePath('pools', poolId, 'users', username, ...rest);

/** The ListUsers filter of the search form, or an error for a value the filter can't hold. */
function filterOf(page: ConsoleRequest): { filter?: string; error?: string } {
  const name = page.query('attr', 64) ?? '';
  const op = page.query('op', 2) === '^=' ? '^=' : '=';
  const value = page.query('value', 256) ?? '';
  if (!value) return {};
  if (!FILTER_ATTRIBUTES.includes(name)) return { error: 'Choose an attribute to search by.' };
  if (/["\\]/.test(value)) return { error: 'The search value cannot contain " or \\.' };
  return { filter: `${name} ${op} "${value}"` };
}

function createForm(page: ConsoleRequest, pool: PoolDescription, values?: PostedForm): Html {
  return form({
    action: consolePath('pools', pool.Id, 'users'),
    csrf: page.csrf,
    label: 'Create a user',
    submit: 'Create user',
    body: html`${input({ name: 'username', label: pool.UsernameAttributes?.length ? 'User name (or the email address / phone number)' : 'User name', required: true, value: values?.get('username'), id: 'new-username' })}
${input({ name: 'email', label: 'Email address', type: 'email', value: values?.get('email'), id: 'new-email' })}
${input({ name: 'phone', label: 'Phone number (+15551234567)', type: 'tel', value: values?.get('phone'), id: 'new-phone' })}
${checkbox({ name: 'verified', label: 'Mark the email address and phone number verified', checked: values?.has('verified') ?? true })}
${input({ name: 'tempPassword', label: 'Temporary password (empty: one is generated)', type: 'password', autocomplete: 'new-password', id: 'new-temp' })}
${checkbox({ name: 'invite', label: 'Send an invitation', checked: values?.has('invite') ?? false })}`,
  });
}

async function listView(page: ConsoleRequest, pool: PoolDescription, extra: { errors?: string[]; values?: PostedForm } = {}): Promise<Response> {
  const base = consolePath('pools', pool.Id, 'users');
  const { filter, error } = filterOf(page);
  const token = page.query('page', 4096);
  const errors = [...(extra.errors ?? []), ...(error ? [error] : [])];
  let users: ListedUser[] = [];
  let next: string | undefined;
  try {
    const out = await page.read<{ Users: ListedUser[]; PaginationToken?: string }>('ListUsers', { UserPoolId: pool.Id, Limit: 25, ...(filter ? { Filter: filter } : {}), ...(token ? { PaginationToken: token } : {}) });
    users = out.Users;
    next = out.PaginationToken;
  } catch (e) {
    errors.push(errorText(e));
  }
  const params = { attr: page.query('attr', 64), op: page.query('op', 2), value: page.query('value', 256) };
  return page.render(
    {
      title: 'Users',
      crumbs: poolCrumbs(pool),
      errors,
      body: html`<form method="get" action="${base}" role="search" aria-label="Search users">
${select({ name: 'attr', label: 'Search by', options: FILTER_ATTRIBUTES, value: params.attr ?? 'username' })}
${select({ name: 'op', label: 'Match', options: [['=', 'is exactly'], ['^=', 'starts with']], value: params.op ?? '^=' })}
${input({ name: 'value', label: 'Value', type: 'search', value: params.value })}
<button type="submit" class="secondary">Search</button></form>
${table(['User name', 'Email', 'Status', 'Enabled', 'Created'], users.map((u) => [link(userPath(pool.Id, u.Username), u.Username), attr(u.Attributes, 'email'), u.UserStatus, u.Enabled === false ? 'no' : 'yes', when((u.UserCreateDate ?? 0) * 1000)]))}
${pager(base, next, params, !token)}
<h2>Create a user</h2>
${createForm(page, pool, extra.values)}`,
    },
    errors.length && extra.errors?.length ? 400 : 200,
  );
}

async function getUser(page: ConsoleRequest, poolId: string, username: string): Promise<FullUser | undefined> {
  try {
    return await page.read<FullUser>('AdminGetUser', { UserPoolId: poolId, Username: username });
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'UserNotFoundException' || name === 'ResourceNotFoundException' || name === 'InvalidParameterException') return undefined;
    throw e;
  }
}

/** A read shown on the user's page: its rows, or the API's message when the pool can't answer it. */
async function section<T>(run: () => Promise<T>): Promise<T | string> {
  try {
    return await run();
  } catch (e) {
    return errorText(e);
  }
}

async function userView(page: ConsoleRequest, pool: PoolDescription, user: FullUser, errors: string[] = []): Promise<Response> {
  const base = userPath(pool.Id, user.Username);
  const act = (action: string, submit: string, kind: 'primary' | 'secondary' | 'danger' = 'secondary', body?: Html) =>
    form({ action: `${base}/${action}`, csrf: page.csrf, label: submit, submit, kind, ...(body ? { body } : {}) });
  const [groups, allGroups, devices, events] = await Promise.all([
    section(() => page.read<{ Groups: { GroupName: string }[] }>('AdminListGroupsForUser', { UserPoolId: pool.Id, Username: user.Username, Limit: 60 })),
    section(() => page.read<{ Groups: { GroupName: string }[] }>('ListGroups', { UserPoolId: pool.Id, Limit: 60 })),
    section(() => page.read<{ Devices: { DeviceKey: string; DeviceAttributes?: Attr[]; DeviceLastAuthenticatedDate?: number }[] }>('AdminListDevices', { UserPoolId: pool.Id, Username: user.Username, Limit: 20 })),
    section(() => page.read<{ AuthEvents: { EventId: string; EventType: string; CreationDate?: number; EventResponse?: string; EventContextData?: { IpAddress?: string } }[] }>('AdminListUserAuthEvents', { UserPoolId: pool.Id, Username: user.Username, MaxResults: 10 })),
  ]);
  const editable = (user.UserAttributes ?? []).filter((a) => !READ_ONLY.has(a.Name));
  const memberOf = typeof groups === 'string' ? [] : groups.Groups.map((g) => g.GroupName);
  const mfa = user.UserMFASettingList ?? [];
  return page.render(
    {
      title: user.Username,
      crumbs: [...poolCrumbs(pool), ['Users', consolePath('pools', pool.Id, 'users')]],
      errors,
      body: html`${facts([
        ['Status', user.UserStatus],
        ['Enabled', user.Enabled === false ? 'no' : 'yes'],
        ['sub', attr(user.UserAttributes, 'sub')],
        ['Created', when((user.UserCreateDate ?? 0) * 1000)],
        ['Modified', when((user.UserLastModifiedDate ?? 0) * 1000)],
        ['MFA', mfa.length ? `${mfa.join(', ')}${user.PreferredMfaSetting ? ` (preferred ${user.PreferredMfaSetting})` : ''}` : 'none'],
      ])}
<h2>Actions</h2>
<div class="actions">
${user.Enabled === false ? act('enable', 'Enable user', 'primary') : act('disable', 'Disable user')}
${user.UserStatus === 'UNCONFIRMED' ? act('confirm', 'Confirm sign-up', 'primary') : ''}
${act('reset-password', 'Reset password')}
${act('sign-out', 'Sign out everywhere')}
</div>
${form({ action: `${base}/set-password`, csrf: page.csrf, label: 'Set a password', submit: 'Set password', kind: 'secondary', body: html`${input({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', id: 'set-password' })}${checkbox({ name: 'permanent', label: 'Permanent (otherwise the user must change it at next sign-in)' })}` })}
<h2>Attributes</h2>
${form({ action: `${base}/attributes`, csrf: page.csrf, label: 'Edit attributes', submit: 'Save attributes', body: textarea({ name: 'attributes', label: 'Attributes', hint: 'One name=value per line; remove a line to delete that attribute. sub is not editable.', value: editable.map((a) => `${a.Name}=${a.Value ?? ''}`).join('\n') }) })}
<h2>Groups</h2>
${typeof groups === 'string' ? html`<p>${groups}</p>` : table(['Group', ''], memberOf.map((g) => [link(consolePath('pools', pool.Id, 'groups', g), g), form({ action: `${base}/remove-group`, csrf: page.csrf, label: `Remove from ${g}`, submit: 'Remove', kind: 'secondary', hidden: { group: g } })]))}
${typeof allGroups !== 'string' && allGroups.Groups.some((g) => !memberOf.includes(g.GroupName))
  ? form({ action: `${base}/add-group`, csrf: page.csrf, label: 'Add to a group', submit: 'Add to group', kind: 'secondary', body: select({ name: 'group', label: 'Group', options: allGroups.Groups.map((g) => g.GroupName).filter((g) => !memberOf.includes(g)) }) })
  : ''}
<h2>MFA</h2>
${form({ action: `${base}/mfa`, csrf: page.csrf, label: 'MFA settings', submit: 'Save MFA settings', kind: 'secondary', body: html`${checkboxes('enabled', 'Enabled methods', [['SOFTWARE_TOKEN_MFA', 'Authenticator app'], ['SMS_MFA', 'Text message'], ['EMAIL_OTP', 'Email']], mfa)}${select({ name: 'preferred', label: 'Preferred method', options: [['', 'None'], ['SOFTWARE_TOKEN_MFA', 'Authenticator app'], ['SMS_MFA', 'Text message'], ['EMAIL_OTP', 'Email']], value: user.PreferredMfaSetting ?? '' })}` })}
<h2>Devices</h2>
${typeof devices === 'string' ? html`<p>${devices}</p>` : table(['Device', 'Name', 'Last sign-in', ''], devices.Devices.map((d) => [d.DeviceKey, attr(d.DeviceAttributes, 'device_name'), when((d.DeviceLastAuthenticatedDate ?? 0) * 1000), form({ action: `${base}/forget-device`, csrf: page.csrf, label: `Forget device ${d.DeviceKey}`, submit: 'Forget', kind: 'secondary', hidden: { device: d.DeviceKey } })]))}
<h2>Sign-in events</h2>
${typeof events === 'string' ? html`<p>${events}</p>` : table(['When', 'Event', 'Result', 'Address'], events.AuthEvents.map((e) => [when((e.CreationDate ?? 0) * 1000), e.EventType, e.EventResponse, e.EventContextData?.IpAddress]))}
<h2>Delete</h2>
${deleteForm({ action: `${base}/delete`, csrf: page.csrf, name: user.Username, what: 'this user' })}
<p>${link(`/console/audit?target=${encodeURIComponent(`${pool.Id}/users/${user.Username}`)}`, 'Console changes to this user')}</p>`,
    },
    errors.length ? 400 : 200,
  );
}

/** Parses `name=value` lines; later lines win. */
function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

type UserAction = (page: ConsoleRequest, pool: PoolDescription, user: FullUser, posted: PostedForm) => Promise<string | Response>;

/** Every action of the user's page: the API operation it performs, and what the notice says. */
const ACTIONS: Record<string, UserAction> = {
  async disable(page, pool, user) {
    await page.api('AdminDisableUser', { UserPoolId: pool.Id, Username: user.Username }, `${pool.Id}/users/${user.Username}`);
    return 'User disabled.';
  },
  async enable(page, pool, user) {
    await page.api('AdminEnableUser', { UserPoolId: pool.Id, Username: user.Username }, `${pool.Id}/users/${user.Username}`);
    return 'User enabled.';
  },
  async confirm(page, pool, user) {
    await page.api('AdminConfirmSignUp', { UserPoolId: pool.Id, Username: user.Username }, `${pool.Id}/users/${user.Username}`);
    return 'Sign-up confirmed.';
  },
  async 'reset-password'(page, pool, user) {
    await page.api('AdminResetUserPassword', { UserPoolId: pool.Id, Username: user.Username }, `${pool.Id}/users/${user.Username}`);
    return 'Password reset: the user gets a code to choose a new one.';
  },
  async 'set-password'(page, pool, user, posted) {
    await page.api('AdminSetUserPassword', { UserPoolId: pool.Id, Username: user.Username, Password: posted.get('password'), Permanent: posted.has('permanent') }, `${pool.Id}/users/${user.Username}`);
    return 'Password set.';
  },
  async 'sign-out'(page, pool, user) {
    await page.api('AdminUserGlobalSignOut', { UserPoolId: pool.Id, Username: user.Username }, `${pool.Id}/users/${user.Username}`);
    return 'Signed out everywhere: the refresh tokens are revoked.';
  },
  async attributes(page, pool, user, posted) {
    const wanted = parseAttributes(posted.get('attributes'));
    const current = new Map((user.UserAttributes ?? []).filter((a) => !READ_ONLY.has(a.Name)).map((a) => [a.Name, a.Value ?? '']));
    const changed = [...wanted].filter(([k, v]) => current.get(k) !== v).map(([Name, Value]) => ({ Name, Value }));
    const removed = [...current.keys()].filter((k) => !wanted.has(k));
    const target = `${pool.Id}/users/${user.Username}`;
    if (changed.length) await page.api('AdminUpdateUserAttributes', { UserPoolId: pool.Id, Username: user.Username, UserAttributes: changed }, target);
    if (removed.length) await page.api('AdminDeleteUserAttributes', { UserPoolId: pool.Id, Username: user.Username, UserAttributeNames: removed }, target);
    return changed.length || removed.length ? 'Attributes saved.' : 'Nothing changed.';
  },
  async 'add-group'(page, pool, user, posted) {
    await page.api('AdminAddUserToGroup', { UserPoolId: pool.Id, Username: user.Username, GroupName: posted.get('group') }, `${pool.Id}/users/${user.Username}`);
    return `Added to ${posted.get('group')}.`;
  },
  async 'remove-group'(page, pool, user, posted) {
    await page.api('AdminRemoveUserFromGroup', { UserPoolId: pool.Id, Username: user.Username, GroupName: posted.get('group') }, `${pool.Id}/users/${user.Username}`);
    return `Removed from ${posted.get('group')}.`;
  },
  async 'forget-device'(page, pool, user, posted) {
    await page.api('AdminForgetDevice', { UserPoolId: pool.Id, Username: user.Username, DeviceKey: posted.get('device') }, `${pool.Id}/users/${user.Username}`);
    return 'Device forgotten.';
  },
  async mfa(page, pool, user, posted) {
    const enabled = new Set(posted.all('enabled'));
    const preferred = posted.get('preferred');
    const setting = (name: string) => ({ Enabled: enabled.has(name) || preferred === name, PreferredMfa: preferred === name });
    await page.api(
      'AdminSetUserMFAPreference',
      { UserPoolId: pool.Id, Username: user.Username, SoftwareTokenMfaSettings: setting('SOFTWARE_TOKEN_MFA'), SMSMfaSettings: setting('SMS_MFA'), EmailMfaSettings: setting('EMAIL_OTP') },
      `${pool.Id}/users/${user.Username}`,
    );
    return 'MFA settings saved.';
  },
  async delete(page, pool, user, posted) {
    if (!confirmed(posted, user.Username)) return userView(page, pool, user, ["Type the user's name to delete them."]);
    await page.api('AdminDeleteUser', { UserPoolId: pool.Id, Username: user.Username }, `${pool.Id}/users/${user.Username}`);
    return page.redirect(consolePath('pools', pool.Id, 'users'), `User ${user.Username} deleted.`);
  },
};

export const usersPage: ConsolePage = {
  register(app, ui) {
    app.get('/console/pools/:poolId/users', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      return pool ? listView(page, pool) : page.notFound('There is no such user pool.');
    }));
    app.post('/console/pools/:poolId/users', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const verified = posted.has('verified') ? 'true' : 'false';
      const attributes: Attr[] = [];
      if (posted.get('email')) attributes.push({ Name: 'email', Value: posted.get('email') }, { Name: 'email_verified', Value: verified });
      if (posted.get('phone')) attributes.push({ Name: 'phone_number', Value: posted.get('phone') }, { Name: 'phone_number_verified', Value: verified });
      const invite = posted.has('invite');
      const input = {
        UserPoolId: pool.Id,
        Username: posted.get('username'),
        UserAttributes: attributes,
        ...(posted.get('tempPassword') ? { TemporaryPassword: posted.get('tempPassword') } : {}),
        ...(invite ? { DesiredDeliveryMediums: posted.get('phone') && !posted.get('email') ? ['SMS'] : ['EMAIL'] } : { MessageAction: 'SUPPRESS' }),
      };
      try {
        await page.api('AdminCreateUser', input, `${pool.Id}/users/${posted.get('username').slice(0, 128)}`);
      } catch (e) {
        return listView(page, pool, { errors: [errorText(e)], values: posted });
      }
      return page.redirect(userPath(pool.Id, posted.get('username')), invite ? 'User created and invited.' : 'User created.');
    }));
    app.get('/console/pools/:poolId/users/:username', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      const user = pool && (await getUser(page, pool.Id, page.param('username')));
      return pool && user ? userView(page, pool, user) : page.notFound('There is no such user.');
    }));
    app.post('/console/pools/:poolId/users/:username/:action', actionHandler(ui, async (page, posted) => {
      const action = Object.hasOwn(ACTIONS, page.param('action')) ? ACTIONS[page.param('action')] : undefined;
      const pool = await describePool(page, page.param('poolId'));
      const user = pool && (await getUser(page, pool.Id, page.param('username')));
      if (!action || !pool || !user) return page.notFound('There is no such user or action.');
      try {
        const out = await action(page, pool, user, posted);
        return typeof out === 'string' ? page.redirect(userPath(pool.Id, user.Username), out) : out;
      } catch (e) {
        return userView(page, pool, (await getUser(page, pool.Id, user.Username)) ?? user, [errorText(e)]);
      }
    }));
  },
};

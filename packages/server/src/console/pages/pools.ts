/**
 * User pools: the list (ListUserPools, 20 a page), the create wizard (what Cognito's asks: sign-in
 * identifiers, password policy, MFA, self-sign-up, email/SMS messages, required and custom
 * attributes — CreateUserPool, then SetUserPoolMfaConfig for the MFA methods), a pool's page
 * (DescribeUserPool, links to its clients, users, groups, domain and branding), its edit form
 * (UpdateUserPool with every setting the form doesn't show carried over from DescribeUserPool, since
 * UpdateUserPool resets what it isn't given) and deletion with the name typed out (DeleteUserPool).
 */
import { actionHandler, consolePath, errorText, viewHandler, type ConsolePage, type ConsoleRequest, type PostedForm } from '../kit.js';
import { checkbox, checkboxes, confirmed, deleteForm, facts, form, html, input, link, pager, select, table, textarea, when, type Html } from '../ui.js';

const IDENTIFIERS: readonly (readonly [string, string])[] = [
  ['username', 'User name (email and phone number can be aliases)'],
  ['email', 'Email address'],
  ['phone_number', 'Phone number'],
  ['email,phone_number', 'Email address or phone number'],
];
const STANDARD_ATTRIBUTES = ['email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'address', 'locale', 'picture'];
const CUSTOM_TYPES = new Set(['String', 'Number', 'DateTime', 'Boolean']);

export interface PoolDescription {
  Id: string;
  Name: string;
  Arn?: string;
  CreationDate?: number;
  EstimatedNumberOfUsers?: number;
  MfaConfiguration?: string;
  UsernameAttributes?: string[];
  AliasAttributes?: string[];
  AutoVerifiedAttributes?: string[];
  DeletionProtection?: string;
  Domain?: string;
  CustomDomain?: string;
  Policies?: { PasswordPolicy?: Record<string, number | boolean> };
  AdminCreateUserConfig?: { AllowAdminCreateUserOnly?: boolean };
  SchemaAttributes?: { Name: string; AttributeDataType?: string; Required?: boolean; Mutable?: boolean }[];
  [key: string]: unknown;
}

export const poolCrumbs = (pool: { Id: string; Name: string }): [string, string][] => [
  ['User pools', '/console/pools'],
  [pool.Name, consolePath('pools', pool.Id)],
];

/** DescribeUserPool, or undefined for an unknown pool (the page answers 404). */
export async function describePool(page: ConsoleRequest, poolId: string): Promise<PoolDescription | undefined> {
  try {
    return (await page.read<{ UserPool: PoolDescription }>('DescribeUserPool', { UserPoolId: poolId })).UserPool;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException' || (e as { name?: string }).name === 'InvalidParameterException') return undefined;
    throw e;
  }
}

const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

function passwordPolicyFields(p: Record<string, number | boolean> = {}): Html {
  return html`<fieldset><legend>Password policy</legend>
${input({ name: 'minLength', label: 'Minimum length', type: 'number', value: (p.MinimumLength as number | undefined) ?? 8 })}
${checkbox({ name: 'requireUpper', label: 'Require an uppercase letter', checked: p.RequireUppercase !== false })}
${checkbox({ name: 'requireLower', label: 'Require a lowercase letter', checked: p.RequireLowercase !== false })}
${checkbox({ name: 'requireNumbers', label: 'Require a number', checked: p.RequireNumbers !== false })}
${checkbox({ name: 'requireSymbols', label: 'Require a symbol', checked: p.RequireSymbols !== false })}
${input({ name: 'tempDays', label: 'Temporary passwords are valid for (days)', type: 'number', value: (p.TemporaryPasswordValidityDays as number | undefined) ?? 7 })}
</fieldset>`;
}

function passwordPolicyOf(f: PostedForm): Record<string, unknown> {
  return {
    MinimumLength: num(f.get('minLength')),
    RequireUppercase: f.has('requireUpper'),
    RequireLowercase: f.has('requireLower'),
    RequireNumbers: f.has('requireNumbers'),
    RequireSymbols: f.has('requireSymbols'),
    TemporaryPasswordValidityDays: num(f.get('tempDays')),
  };
}

function mfaFields(mfa: string | undefined, methods: readonly string[]): Html {
  return html`<fieldset><legend>Multi-factor authentication</legend>
${select({ name: 'mfa', label: 'MFA', options: [['OFF', 'Off'], ['OPTIONAL', 'Optional (each user chooses)'], ['ON', 'Required']], value: mfa ?? 'OFF' })}
${checkboxes('mfaMethods', 'Methods', [['TOTP', 'Authenticator apps (TOTP)'], ['SMS', 'Text message (SMS)'], ['EMAIL', 'Email message']], methods)}
</fieldset>`;
}

function createForm(page: ConsoleRequest, values: PostedForm | undefined): Html {
  const v = (name: string) => values?.get(name);
  return form({
    action: '/console/pools/new',
    csrf: page.csrf,
    label: 'Create a user pool',
    submit: 'Create user pool',
    body: html`${input({ name: 'name', label: 'Pool name', required: true, value: v('name'), autofocus: true })}
<fieldset><legend>Sign-in</legend>
${select({ name: 'identifiers', label: 'People sign in with', options: IDENTIFIERS, value: v('identifiers') ?? 'email' })}
${checkbox({ name: 'caseSensitive', label: 'User names are case-sensitive', checked: values?.has('caseSensitive') ?? false })}
</fieldset>
${passwordPolicyFields()}
${mfaFields(v('mfa'), values?.all('mfaMethods') ?? ['TOTP'])}
<fieldset><legend>Sign-up</legend>
${checkbox({ name: 'selfSignUp', label: 'Let people sign themselves up', checked: values ? values.has('selfSignUp') : true })}
${checkboxes('autoVerify', 'Verify by sending a code to', [['email', 'Email address'], ['phone_number', 'Phone number']], values?.all('autoVerify') ?? ['email'])}
${checkboxes('required', 'Required attributes', STANDARD_ATTRIBUTES, values?.all('required') ?? ['email'])}
${textarea({ name: 'custom', label: 'Custom attributes', hint: 'One per line: name:String, name:Number, name:DateTime or name:Boolean', value: v('custom') })}
</fieldset>
<fieldset><legend>Messages</legend>
${input({ name: 'emailSubject', label: 'Verification email subject', value: v('emailSubject') ?? 'Your verification code' })}
${textarea({ name: 'emailMessage', label: 'Verification email message', hint: 'Must contain {####}', value: v('emailMessage') ?? 'Your verification code is {####}.' })}
${textarea({ name: 'smsMessage', label: 'Verification text message', hint: 'Must contain {####}', value: v('smsMessage') ?? 'Your verification code is {####}.' })}
</fieldset>
${checkbox({ name: 'deletionProtection', label: 'Deletion protection', checked: values?.has('deletionProtection') ?? false })}`,
  });
}

/** The CreateUserPool input of the wizard's form; custom-attribute lines that don't parse are reported. */
function createInput(f: PostedForm): { input: Record<string, unknown>; errors: string[] } {
  const errors: string[] = [];
  const ids = f.get('identifiers');
  const schema: Record<string, unknown>[] = f.all('required').filter((a) => STANDARD_ATTRIBUTES.includes(a)).map((Name) => ({ Name, Required: true, Mutable: true, AttributeDataType: 'String' }));
  for (const line of f.get('custom').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const m = /^([\w-]{1,20}):(\w+)$/.exec(line);
    if (!m || !CUSTOM_TYPES.has(m[2]!)) errors.push(`Custom attribute "${line.slice(0, 60)}" is not name:String, name:Number, name:DateTime or name:Boolean.`);
    else schema.push({ Name: m[1], AttributeDataType: m[2], Mutable: true, Required: false });
  }
  const message = f.get('emailMessage');
  const input: Record<string, unknown> = {
    PoolName: f.get('name'),
    ...(ids === 'username' ? { AliasAttributes: ['email', 'phone_number', 'preferred_username'] } : { UsernameAttributes: ids.split(',').filter((x) => x === 'email' || x === 'phone_number') }),
    UsernameConfiguration: { CaseSensitive: f.has('caseSensitive') },
    Policies: { PasswordPolicy: passwordPolicyOf(f) },
    // MFA is set by SetUserPoolMfaConfig once the pool exists (CreateUserPool takes no TOTP setting), as Cognito's wizard does.
    MfaConfiguration: 'OFF',
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: !f.has('selfSignUp') },
    AutoVerifiedAttributes: f.all('autoVerify').filter((a) => a === 'email' || a === 'phone_number'),
    VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: f.get('emailSubject') || undefined, EmailMessage: message || undefined, SmsMessage: f.get('smsMessage') || undefined },
    DeletionProtection: f.has('deletionProtection') ? 'ACTIVE' : 'INACTIVE',
    ...(schema.length ? { Schema: schema } : {}),
  };
  return { input: JSON.parse(JSON.stringify(input)) as Record<string, unknown>, errors };
}

/** SetUserPoolMfaConfig's input for the form's MFA setting and methods. */
function mfaConfigInput(poolId: string, f: PostedForm): Record<string, unknown> {
  const methods = new Set(f.all('mfaMethods'));
  return {
    UserPoolId: poolId,
    MfaConfiguration: f.get('mfa') || 'OFF',
    SoftwareTokenMfaConfiguration: { Enabled: methods.has('TOTP') },
    ...(methods.has('EMAIL') ? { EmailMfaConfiguration: {} } : {}),
    ...(methods.has('SMS') ? { SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' } } } : {}),
  };
}

/** The UpdateUserPool members (model) that a description carries and the edit form doesn't change. */
const CARRIED = ['Policies', 'DeletionProtection', 'LambdaConfig', 'AutoVerifiedAttributes', 'SmsVerificationMessage', 'EmailVerificationMessage', 'EmailVerificationSubject', 'VerificationMessageTemplate', 'SmsAuthenticationMessage', 'UserAttributeUpdateSettings', 'MfaConfiguration', 'DeviceConfiguration', 'EmailConfiguration', 'SmsConfiguration', 'UserPoolTags', 'AdminCreateUserConfig', 'UserPoolAddOns', 'AccountRecoverySetting', 'UserPoolTier'];

function editForm(page: ConsoleRequest, pool: PoolDescription): Html {
  return form({
    action: consolePath('pools', pool.Id, 'edit'),
    csrf: page.csrf,
    label: 'Edit the user pool',
    submit: 'Save changes',
    body: html`${passwordPolicyFields(pool.Policies?.PasswordPolicy)}
${select({ name: 'mfa', label: 'MFA', options: [['OFF', 'Off'], ['OPTIONAL', 'Optional (each user chooses)'], ['ON', 'Required']], value: pool.MfaConfiguration ?? 'OFF', id: 'edit-mfa' })}
${checkbox({ name: 'selfSignUp', label: 'Let people sign themselves up', checked: !pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly })}
${checkboxes('autoVerify', 'Verify by sending a code to', [['email', 'Email address'], ['phone_number', 'Phone number']], pool.AutoVerifiedAttributes ?? [])}
${checkbox({ name: 'deletionProtection', label: 'Deletion protection', checked: pool.DeletionProtection === 'ACTIVE' })}`,
  });
}

function poolView(page: ConsoleRequest, pool: PoolDescription, errors: string[] = []): Response {
  const base = consolePath('pools', pool.Id);
  const attrs = (pool.SchemaAttributes ?? []).filter((a) => a.Required || a.Name.startsWith('custom:'));
  return page.render(
    {
      title: pool.Name,
      crumbs: [['User pools', '/console/pools']],
      errors,
      body: html`${facts([
        ['Pool ID', pool.Id],
        ['ARN', pool.Arn],
        ['Created', when((pool.CreationDate ?? 0) * 1000)],
        ['Estimated users', String(pool.EstimatedNumberOfUsers ?? 0)],
        ['Sign-in with', pool.UsernameAttributes?.length ? pool.UsernameAttributes.join(', ') : `user name${pool.AliasAttributes?.length ? ` (aliases: ${pool.AliasAttributes.join(', ')})` : ''}`],
        ['MFA', pool.MfaConfiguration],
        ['Self-sign-up', pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly ? 'off' : 'on'],
        ['Domain', pool.Domain ?? pool.CustomDomain],
        ['Required and custom attributes', attrs.map((a) => `${a.Name}${a.Required ? ' (required)' : ''}`).join(', ')],
      ])}
<nav aria-label="This pool"><ul class="actions">
<li>${link(`${base}/users`, 'Users')}</li><li>${link(`${base}/groups`, 'Groups')}</li><li>${link(`${base}/clients`, 'App clients')}</li><li>${link(`${base}/domain`, 'Domain and branding')}</li><li>${link(`/console/audit?target=${encodeURIComponent(pool.Id)}`, 'Audit trail')}</li>
</ul></nav>
<h2>Settings</h2>
${editForm(page, pool)}
<h2>Delete</h2>
${pool.DeletionProtection === 'ACTIVE' ? html`<p>Deletion protection is on: turn it off above first.</p>` : deleteForm({ action: `${base}/delete`, csrf: page.csrf, name: pool.Name, what: 'this user pool' })}`,
    },
    errors.length ? 400 : 200,
  );
}

export const poolsPage: ConsolePage = {
  nav: { label: 'User pools', href: '/console/pools', order: 20 },
  register(app, ui) {
    app.get('/console/pools', viewHandler(ui, async (page) => {
      const token = page.query('page', 1024);
      const out = await page.read<{ UserPools: { Id: string; Name: string; CreationDate?: number }[]; NextToken?: string }>('ListUserPools', { MaxResults: 20, ...(token ? { NextToken: token } : {}) });
      return page.render({
        title: 'User pools',
        body: html`<p>${link('/console/pools/new', 'Create a user pool')}</p>
${table(['Name', 'Pool ID', 'Created'], out.UserPools.map((p) => [link(consolePath('pools', p.Id), p.Name), p.Id, when((p.CreationDate ?? 0) * 1000)]))}
${pager('/console/pools', out.NextToken, {}, !token)}`,
      });
    }));
    app.get('/console/pools/new', viewHandler(ui, (page) => page.render({ title: 'Create a user pool', crumbs: [['User pools', '/console/pools']], body: createForm(page, undefined) })));
    app.post('/console/pools/new', actionHandler(ui, async (page, posted) => {
      const { input, errors } = createInput(posted);
      const again = (errs: string[]) => page.render({ title: 'Create a user pool', crumbs: [['User pools', '/console/pools']], errors: errs, body: createForm(page, posted) }, 400);
      if (errors.length) return again(errors);
      let poolId: string;
      try {
        poolId = (await page.api<{ UserPool: { Id: string } }>('CreateUserPool', input, `new/${posted.get('name').slice(0, 128)}`)).UserPool.Id;
      } catch (e) {
        return again([errorText(e)]);
      }
      if (posted.get('mfa') !== 'OFF' || posted.all('mfaMethods').length) {
        try {
          await page.api('SetUserPoolMfaConfig', mfaConfigInput(poolId, posted), poolId);
        } catch (e) {
          return page.redirect(consolePath('pools', poolId), `User pool created, but its MFA settings were refused: ${errorText(e)}`);
        }
      }
      return page.redirect(consolePath('pools', poolId), 'User pool created.');
    }));
    app.get('/console/pools/:poolId', viewHandler(ui, async (page) => {
      const pool = await describePool(page, page.param('poolId'));
      return pool ? poolView(page, pool) : page.notFound('There is no such user pool.');
    }));
    app.post('/console/pools/:poolId/edit', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      const update: Record<string, unknown> = { UserPoolId: pool.Id };
      for (const key of CARRIED) if (pool[key] !== undefined) update[key] = pool[key];
      update.Policies = { ...(pool.Policies ?? {}), PasswordPolicy: { ...(pool.Policies?.PasswordPolicy ?? {}), ...JSON.parse(JSON.stringify(passwordPolicyOf(posted))) } };
      update.AdminCreateUserConfig = { ...(pool.AdminCreateUserConfig ?? {}), AllowAdminCreateUserOnly: !posted.has('selfSignUp') };
      update.AutoVerifiedAttributes = posted.all('autoVerify').filter((a) => a === 'email' || a === 'phone_number');
      update.DeletionProtection = posted.has('deletionProtection') ? 'ACTIVE' : 'INACTIVE';
      try {
        await page.api('UpdateUserPool', update, pool.Id);
        const mfa = posted.get('mfa') || 'OFF';
        if (mfa !== (pool.MfaConfiguration ?? 'OFF')) {
          // The methods stay as they are; only whether MFA is off, optional or required changes.
          const { MfaConfiguration: _old, ...methods } = await page.read<Record<string, unknown>>('GetUserPoolMfaConfig', { UserPoolId: pool.Id });
          await page.api('SetUserPoolMfaConfig', { ...methods, UserPoolId: pool.Id, MfaConfiguration: mfa }, pool.Id);
        }
      } catch (e) {
        return poolView(page, pool, [errorText(e)]);
      }
      return page.redirect(consolePath('pools', pool.Id), 'Settings saved.');
    }));
    app.post('/console/pools/:poolId/delete', actionHandler(ui, async (page, posted) => {
      const pool = await describePool(page, page.param('poolId'));
      if (!pool) return page.notFound('There is no such user pool.');
      if (!confirmed(posted, pool.Name)) return poolView(page, pool, ['Type the pool\'s name to delete it.']);
      try {
        await page.api('DeleteUserPool', { UserPoolId: pool.Id }, pool.Id);
      } catch (e) {
        return poolView(page, pool, [errorText(e)]);
      }
      return page.redirect('/console/pools', `User pool ${pool.Name} deleted.`);
    }));
  },
};

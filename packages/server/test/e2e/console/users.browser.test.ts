/**
 * Users and groups in Chromium, on a pool made through the API: search by the ListUsers filter and
 * paging, create, disable/enable, confirm, reset and set the password, attributes, groups (the
 * groups pages too), MFA (the API's refusal shown), sign-out everywhere (the refresh token dies),
 * the auth events and devices sections (a confirmed device forgotten, an authenticator turned on), typed deletion. Each action checked through the API and its
 * audit row. Screenshots in test-artifacts/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListDevicesCommand,
  AssociateSoftwareTokenCommand,
  ConfirmDeviceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { readAudit } from '../../../src/console/audit.js';
import { checkConsolePage, shot, signInInBrowser, submit, watchCsp } from './browser-support.js';
import { totp } from '../../support/mfa.js';

const PASSWORD = 'Correct-Horse-9!';

describe('console: users and groups in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let violations: string[];
  let poolId = '';
  let clientId = '';
  before(async () => {
    server = await startTestServer('sqlite');
    poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'Members', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    // 30 users, so the list pages.
    for (let i = 0; i < 30; i++) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: `member${String(i).padStart(2, '0')}`, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `member${i}@example.com` }] }));
    }
    browser = await launchBrowser();
    page = await browser.newPage();
    violations = watchCsp(page);
    await signInInBrowser(page, server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const lastAudit = async () => (await readAudit(server.running.cognate, { limit: 1 })).rows[0]!;
  const userPage = (name: string) => page.goto(`${server.url}/console/pools/${poolId}/users/${encodeURIComponent(name)}`);

  it('lists users 25 a page and searches with the ListUsers filter', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/users`);
    await checkConsolePage(page, violations);
    assert.equal(await page.locator('table.list tbody tr').count(), 25);
    await shot(page, 'users');
    await page.getByRole('link', { name: 'Next page' }).click();
    assert.equal(await page.locator('table.list tbody tr').count(), 5);
    await page.goto(`${server.url}/console/pools/${poolId}/users`);
    await page.getByLabel('Search by').selectOption('email');
    await page.getByLabel('Match').selectOption('^=');
    await page.getByLabel('Value').fill('member1');
    await page.getByRole('button', { name: 'Search' }).click();
    const names = await page.locator('table.list tbody tr td:first-child').allTextContents();
    assert.deepEqual(names.sort(), ['member01', 'member10', 'member11', 'member12', 'member13', 'member14', 'member15', 'member16', 'member17', 'member18', 'member19']);
    await shot(page, 'users-search');
    await page.getByLabel('Value').fill('a"b');
    await page.getByRole('button', { name: 'Search' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /cannot contain/);
  });

  it('creates a user, disables and enables them, sets a password, edits attributes', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/users`);
    await page.getByLabel('User name', { exact: true }).fill('carol');
    await page.getByLabel('Email address', { exact: true }).fill('carol@example.com');
    await submit(page, page.getByRole('button', { name: 'Create user' }), /\/users\/carol\?notice=/);
    await checkConsolePage(page, violations);
    await shot(page, 'user');
    let user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }));
    assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal((await lastAudit()).target, `${poolId}/users/carol`);
    await submit(page, page.getByRole('button', { name: 'Disable user' }), /notice=/);
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }))).Enabled, false);
    await submit(page, page.getByRole('button', { name: 'Enable user' }), /notice=/);
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }))).Enabled, true);
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel(/Permanent/).check();
    await submit(page, page.getByRole('button', { name: 'Set password', exact: true }), /notice=/);
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }))).UserStatus, 'CONFIRMED');
    const audit = await lastAudit();
    assert.equal(audit.action, 'AdminSetUserPassword');
    assert.doesNotMatch(audit.detail, /Correct-Horse/);
    await page.getByLabel('Attributes', { exact: true }).fill('email=carol@example.com\nemail_verified=true\nname=Carol Danvers');
    await submit(page, page.getByRole('button', { name: 'Save attributes' }), /notice=/);
    user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }));
    assert.equal(user.UserAttributes?.find((a) => a.Name === 'name')?.Value, 'Carol Danvers');
    await page.getByLabel('Attributes', { exact: true }).fill('email=carol@example.com\nemail_verified=true');
    await submit(page, page.getByRole('button', { name: 'Save attributes' }), /notice=/);
    user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }));
    assert.equal(user.UserAttributes?.find((a) => a.Name === 'name'), undefined);
    assert.equal((await lastAudit()).action, 'AdminDeleteUserAttributes');
  });

  it('shows the API\'s refusal: a bad password, MFA without a TOTP device', async () => {
    await userPage('carol');
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Set password', exact: true }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Password/);
    await page.getByRole('checkbox', { name: 'Authenticator app' }).check();
    await page.getByRole('button', { name: 'Save MFA settings' }).click();
    assert.ok((await page.getByRole('alert').textContent())?.length);
    assert.notEqual((await lastAudit()).outcome, 'ok');
    await shot(page, 'user-refused');
  });

  it('confirms a self-signed-up user and resets a password', async () => {
    await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'dave', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'dave@example.com' }] }));
    await userPage('dave');
    await submit(page, page.getByRole('button', { name: 'Confirm sign-up' }), /notice=/);
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dave' }))).UserStatus, 'CONFIRMED');
    // A reset sends a code: the user needs a verified address for it.
    await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'dave', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
    await submit(page, page.getByRole('button', { name: 'Reset password', exact: true }), /notice=/);
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dave' }))).UserStatus, 'RESET_REQUIRED');
    assert.equal((await lastAudit()).action, 'AdminResetUserPassword');
  });

  it('signs a user out everywhere: their refresh token stops working', async () => {
    await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'member00', Password: PASSWORD, Permanent: true }));
    const tokens = (await server.anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'member00', PASSWORD } }))).AuthenticationResult!;
    await userPage('member00');
    assert.match((await page.locator('main').textContent()) ?? '', /Sign-in events/);
    await submit(page, page.getByRole('button', { name: 'Sign out everywhere' }), /notice=/);
    const refused = await failure(() => server.anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })));
    assert.equal(refused.name, 'NotAuthorizedException');
    assert.equal((await lastAudit()).action, 'AdminUserGlobalSignOut');
  });

  it('groups: create, add a member from the user page, edit, remove, delete', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/groups`);
    await checkConsolePage(page, violations);
    await page.getByLabel('Group name').fill('admins');
    await page.getByLabel('Precedence (lower wins)').fill('1');
    await submit(page, page.getByRole('button', { name: 'Create group' }), /\/groups\/admins\?notice=/);
    await checkConsolePage(page, violations);
    await userPage('carol');
    await page.getByLabel('Group', { exact: true }).selectOption('admins');
    await submit(page, page.getByRole('button', { name: 'Add to group' }), /notice=/);
    assert.deepEqual((await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'carol' }))).Groups!.map((g) => g.GroupName), ['admins']);
    await page.goto(`${server.url}/console/pools/${poolId}/groups/admins`);
    assert.match((await page.locator('table.list').textContent()) ?? '', /carol/);
    await page.getByLabel('Description').fill('People who run things');
    await submit(page, page.getByRole('button', { name: 'Save group' }), /notice=/);
    assert.equal((await server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group!.Description, 'People who run things');
    await shot(page, 'group');
    await userPage('carol');
    await submit(page, page.getByRole('form', { name: 'Remove from admins' }).getByRole('button'), /notice=/);
    assert.deepEqual((await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'carol' }))).Groups, []);
    await page.goto(`${server.url}/console/pools/${poolId}/groups/admins`);
    await page.getByLabel(/To delete this group/).fill('admins');
    await submit(page, page.getByRole('button', { name: 'Delete this group' }), /\/groups\?notice=/);
    assert.equal((await failure(() => server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })))).name, 'ResourceNotFoundException');
    assert.equal((await lastAudit()).action, 'DeleteGroup');
  });

  it('forgets a remembered device, and turns on the authenticator app a user has set up', async () => {
    // A pool that tracks devices and offers TOTP; erin signs in (a new device, confirmed) and sets up an authenticator.
    const devicePool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'Devices', DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } }))).UserPool!.Id!;
    await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: devicePool, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    const app = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: devicePool, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    await server.admin.send(new AdminCreateUserCommand({ UserPoolId: devicePool, Username: 'erin', MessageAction: 'SUPPRESS' }));
    await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: devicePool, Username: 'erin', Password: PASSWORD, Permanent: true }));
    const signedIn = (await server.anonymous.send(new InitiateAuthCommand({ ClientId: app, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'erin', PASSWORD } }))).AuthenticationResult!;
    const AccessToken = signedIn.AccessToken!;
    const DeviceKey = signedIn.NewDeviceMetadata!.DeviceKey!;
    await server.anonymous.send(new ConfirmDeviceCommand({ AccessToken, DeviceKey, DeviceName: 'Erin laptop', DeviceSecretVerifierConfig: { PasswordVerifier: randomBytes(384).toString('base64'), Salt: randomBytes(16).toString('base64') } }));
    const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totp(SecretCode!, server.clock.now()) }));
    const erinPage = () => page.goto(`${server.url}/console/pools/${devicePool}/users/erin`);

    await erinPage();
    await submit(page, page.getByRole('form', { name: `Forget device ${DeviceKey}` }).getByRole('button'), /notice=/);
    assert.deepEqual((await server.admin.send(new AdminListDevicesCommand({ UserPoolId: devicePool, Username: 'erin' }))).Devices, []);
    assert.deepEqual([(await lastAudit()).action, (await lastAudit()).outcome], ['AdminForgetDevice', 'ok']);

    await erinPage();
    await page.getByRole('checkbox', { name: 'Authenticator app' }).check();
    await page.getByLabel('Preferred method').selectOption('SOFTWARE_TOKEN_MFA');
    await submit(page, page.getByRole('button', { name: 'Save MFA settings' }), /notice=/);
    const erin = await server.admin.send(new AdminGetUserCommand({ UserPoolId: devicePool, Username: 'erin' }));
    assert.deepEqual([erin.UserMFASettingList, erin.PreferredMfaSetting], [['SOFTWARE_TOKEN_MFA'], 'SOFTWARE_TOKEN_MFA']);
    assert.deepEqual([(await lastAudit()).action, (await lastAudit()).outcome], ['AdminSetUserMFAPreference', 'ok']);
    await shot(page, 'user-mfa-on');
  });

  it('deletes a user only with the name typed out', async () => {
    await userPage('dave');
    await page.getByLabel(/To delete this user/).fill('dave');
    await submit(page, page.getByRole('button', { name: 'Delete this user' }), /\/users\?notice=/);
    assert.equal((await failure(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dave' })))).name, 'UserNotFoundException');
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.target], ['AdminDeleteUser', `${poolId}/users/dave`]);
  });
});

/**
 * User pools and app clients in Chromium: the create wizard, the pool's page and its edit form,
 * deletion with the name typed out; an app client with a secret shown once, its OAuth settings,
 * the two-secret rotation and its deletion. Each action is checked through the API (the AWS SDK)
 * and by its audit row. Screenshots in test-artifacts/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeUserPoolClientCommand, DescribeUserPoolCommand, GetUserPoolMfaConfigCommand, ListUserPoolClientSecretsCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { readAudit } from '../../../src/console/audit.js';
import { checkConsolePage, shot, signInInBrowser, watchCsp } from './browser-support.js';

describe('console: user pools and app clients in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let violations: string[];
  let poolId = '';
  before(async () => {
    server = await startTestServer('sqlite');
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

  it('creates a pool with the wizard: identifiers, password policy, MFA, self-sign-up, attributes', async () => {
    await page.goto(`${server.url}/console/pools`);
    await checkConsolePage(page, violations);
    await page.getByRole('link', { name: 'Create a user pool' }).first().click();
    await checkConsolePage(page, violations);
    await page.getByLabel('Pool name').fill('Shop customers');
    await page.getByLabel('People sign in with').selectOption('email');
    await page.getByLabel('Minimum length').first().fill('10');
    await page.getByLabel('Require a symbol').first().uncheck();
    await page.getByLabel('MFA', { exact: true }).selectOption('OPTIONAL');
    await page.getByRole('checkbox', { name: 'given_name' }).check();
    await page.getByLabel('Custom attributes').fill('tier:String\nvisits:Number');
    await shot(page, 'pool-create');
    await page.getByRole('button', { name: 'Create user pool' }).click();
    await page.waitForURL(/\/console\/pools\/us-east-1_/);
    assert.match((await page.getByRole('status').textContent()) ?? '', /User pool created/);
    poolId = decodeURIComponent(page.url().split('/').pop()!.split('?')[0]!);
    const pool = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    assert.equal(pool.Name, 'Shop customers');
    assert.deepEqual(pool.UsernameAttributes, ['email']);
    assert.equal(pool.Policies?.PasswordPolicy?.MinimumLength, 10);
    assert.equal(pool.Policies?.PasswordPolicy?.RequireSymbols, false);
    assert.equal(pool.MfaConfiguration, 'OPTIONAL');
    assert.ok(pool.SchemaAttributes?.some((a) => a.Name === 'given_name' && a.Required));
    assert.ok(pool.SchemaAttributes?.some((a) => a.Name === 'custom:visits' && a.AttributeDataType === 'Number'));
    const mfa = await server.admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    assert.equal(mfa.SoftwareTokenMfaConfiguration?.Enabled, true);
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.target, audit.outcome], ['SetUserPoolMfaConfig', poolId, 'ok']);
    await checkConsolePage(page, violations);
    await shot(page, 'pool');
  });

  it('refuses a bad pool with the API\'s own message and keeps what was typed', async () => {
    await page.goto(`${server.url}/console/pools/new`);
    await page.getByLabel('Pool name').fill('Bad one');
    await page.getByLabel('Minimum length').first().fill('3');
    await page.getByRole('button', { name: 'Create user pool' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /MinimumLength|minimum|length/i);
    assert.equal(await page.getByLabel('Pool name').inputValue(), 'Bad one');
    const audit = await lastAudit();
    assert.equal(audit.action, 'CreateUserPool');
    assert.notEqual(audit.outcome, 'ok');
    await shot(page, 'pool-create-refused');
  });

  it('edits the pool, keeping every setting the form does not show', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}`);
    await page.getByLabel('Minimum length').fill('12');
    await page.getByLabel('Let people sign themselves up').uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/notice=/);
    const pool = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    assert.equal(pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly, true);
    assert.equal(pool.Policies?.PasswordPolicy?.MinimumLength, 12);
    assert.deepEqual(pool.UsernameAttributes, ['email']);
    assert.ok(pool.SchemaAttributes?.some((a) => a.Name === 'custom:visits'));
    assert.equal(pool.MfaConfiguration, 'OPTIONAL');
    assert.deepEqual((await lastAudit()).action, 'UpdateUserPool');
  });

  let clientId = '';
  it('creates an app client with a secret shown once, then its OAuth settings', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/clients`);
    await checkConsolePage(page, violations);
    await page.getByLabel('Client name').fill('web-backend');
    await page.getByLabel('Generate a client secret').check();
    await page.getByRole('checkbox', { name: 'ALLOW_USER_PASSWORD_AUTH' }).check();
    await page.getByRole('button', { name: 'Create app client' }).click();
    const secret = (await page.locator('.secret-once').textContent())!.trim();
    clientId = (await page.getByRole('status').getByRole('link').textContent())!.trim();
    await shot(page, 'client-created');
    const described = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
    assert.equal(described.ClientSecret, secret);
    // Shown once: the client's page never shows it again.
    await page.goto(`${server.url}/console/pools/${poolId}/clients/${clientId}`);
    assert.doesNotMatch(await page.content(), new RegExp(secret.replace(/[+/=]/g, '.')));
    await checkConsolePage(page, violations);
    await page.getByLabel('Use the hosted sign-in pages and OAuth flows').check();
    await page.getByLabel('Callback URLs').fill('https://shop.example/callback');
    await page.getByRole('button', { name: 'Save OAuth settings' }).click();
    await page.waitForURL(/notice=/);
    const after = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
    assert.deepEqual(after.CallbackURLs, ['https://shop.example/callback']);
    assert.equal(after.AllowedOAuthFlowsUserPoolClient, true);
    assert.ok(after.ExplicitAuthFlows?.includes('ALLOW_USER_PASSWORD_AUTH'), 'the flows the form does not show are kept');
    assert.equal((await lastAudit()).action, 'UpdateUserPoolClient');
  });

  it('rotates the client secret: a second one shown once, then the old one deleted', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/clients/${clientId}`);
    await page.getByRole('button', { name: 'Add a new secret' }).click();
    const fresh = (await page.locator('.secret-once').textContent())!.trim();
    await shot(page, 'client-secret-rotated');
    let secrets = (await server.admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!;
    assert.equal(secrets.length, 2);
    const oldest = [...secrets].sort((a, b) => a.ClientSecretCreateDate!.getTime() - b.ClientSecretCreateDate!.getTime())[0]!;
    await page.goto(`${server.url}/console/pools/${poolId}/clients/${clientId}`);
    await page.getByRole('form', { name: `Delete secret ${oldest.ClientSecretId}` }).getByRole('button').click();
    await page.waitForURL(/notice=/);
    secrets = (await server.admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!;
    assert.equal(secrets.length, 1);
    assert.notEqual(secrets[0]!.ClientSecretId, oldest.ClientSecretId);
    assert.ok(fresh.length > 20);
    assert.equal((await lastAudit()).action, 'DeleteUserPoolClientSecret');
  });

  it('deletes the client and the pool only with the name typed out', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/clients/${clientId}`);
    const button = page.getByRole('button', { name: 'Delete this app client' });
    assert.equal(await button.isDisabled(), true, 'the script keeps the button off until the name matches');
    await page.getByLabel(/To delete this app client/).fill('web-backend');
    await button.click();
    await page.waitForURL(/\/clients\?notice=/);
    assert.equal((await failure(() => server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })))).name, 'ResourceNotFoundException');
    await page.goto(`${server.url}/console/pools/${poolId}`);
    await page.getByLabel(/To delete this user pool/).fill('Shop customers');
    await page.getByRole('button', { name: 'Delete this user pool' }).click();
    await page.waitForURL(/\/console\/pools\?notice=/);
    assert.match((await page.getByRole('status').textContent()) ?? '', /deleted/);
    assert.equal((await failure(() => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId })))).name, 'ResourceNotFoundException');
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.target, audit.actor], ['DeleteUserPool', poolId, `key:${server.credentials.accessKeyId}`]);
  });

  it('a typed name that does not match deletes nothing (the server checks, not the script)', async () => {
    await page.goto(`${server.url}/console/pools/new`);
    await page.getByLabel('Pool name').fill('Keep me');
    await page.getByRole('button', { name: 'Create user pool' }).click();
    await page.waitForURL(/\/console\/pools\/us-east-1_/);
    const id = decodeURIComponent(page.url().split('/').pop()!.split('?')[0]!);
    // Post the form without the script's help: enable the button and send a wrong name.
    await page.getByLabel(/To delete this user pool/).fill('Keep m');
    await page.evaluate(() => document.querySelectorAll('button.danger').forEach((b) => ((b as HTMLButtonElement).disabled = false)));
    await page.getByRole('button', { name: 'Delete this user pool' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Type the pool's name/);
    assert.equal((await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!.Name, 'Keep me');
  });
});

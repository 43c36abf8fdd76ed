/**
 * Domain and branding in Chromium: create a managed-login domain, save a client's colours
 * (CreateManagedLoginBranding, then UpdateManagedLoginBranding), see them in the preview frame
 * (rendered by the hosted UI's layout), delete the domain with its prefix typed out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeManagedLoginBrandingByClientCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { readAudit } from '../../../src/console/audit.js';
import { checkConsolePage, shot, signInInBrowser, submit, watchCsp } from './browser-support.js';

describe('console: domain and branding in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let violations: string[];
  let poolId = '';
  let clientId = '';
  before(async () => {
    server = await startTestServer('sqlite');
    poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'Branded' }))).UserPool!.Id!;
    clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    browser = await launchBrowser();
    page = await browser.newPage();
    violations = watchCsp(page);
    await signInInBrowser(page, server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a managed-login domain, saves colours twice, shows them in the preview, deletes the domain', async () => {
    await page.goto(`${server.url}/console/pools/${poolId}/domain`);
    await checkConsolePage(page, violations);
    await page.getByLabel('Domain prefix').fill('branded-shop');
    await submit(page, page.getByRole('button', { name: 'Create domain' }), /notice=/);
    assert.equal((await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.Domain, 'branded-shop');
    for (const colour of ['#5b2a86', '#1e4620']) {
      await page.getByLabel('Button colour (#rrggbb)').fill(colour);
      await submit(page, page.getByRole('button', { name: 'Save branding' }), /notice=/);
    }
    const branding = (await server.admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId }))).ManagedLoginBranding!;
    assert.match(JSON.stringify(branding.Settings), /1e4620ff/);
    const audit = (await readAudit(server.running.cognate, { limit: 1 })).rows[0]!;
    assert.deepEqual([audit.action, audit.target], ['UpdateManagedLoginBranding', `${poolId}/clients/${clientId}/branding`]);
    const frame = page.frameLocator('iframe.preview');
    await frame.locator('button').waitFor();
    const background = await frame.locator('button').evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(background, 'rgb(30, 70, 32)');
    await checkConsolePage(page, violations);
    await shot(page, 'domain-branding');
    await page.getByLabel(/To delete this domain/).fill('branded-shop');
    await submit(page, page.getByRole('button', { name: 'Delete this domain' }), /notice=/);
    assert.equal((await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.Domain, undefined);
  });

  it('the preview answers only a signed-in console and may be framed only by it', async () => {
    const res = await fetch(`${server.url}/console/pools/${poolId}/preview?client=${clientId}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const cookies = await browser.context.cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const signed = await fetch(`${server.url}/console/pools/${poolId}/preview?client=${clientId}`, { headers: { cookie } });
    assert.equal(signed.status, 200);
    assert.match(signed.headers.get('content-security-policy')!, /frame-ancestors 'self'/);
    assert.match(signed.headers.get('content-security-policy')!, /form-action 'none'/);
  });
});

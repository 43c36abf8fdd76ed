/**
 * The console's operations tools in headless Chromium, against a server whose pool runs a real
 * PreSignUp module: the triggers page (which ARN runs where, the last invocations and the failure
 * of a sign-up the function refused), the outbox search (the sign-up code, by recipient prefix),
 * signing keys (rotate; the old key retired), the token inspector (a live token accepted and
 * verified with the retired key, a forged one refused) and the metrics page. Each on a phone-sized
 * screen too. Screenshots in test-artifacts/console/ops-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AdminConfirmSignUpCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { readAudit } from '../../../src/console/audit.js';
import { checkConsolePage, shot, signInInBrowser, watchCsp } from './browser-support.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up';
const PASSWORD = 'Corr3ct-Horse!';

describe('console operations tools in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let dir: string;
  let poolId: string;
  let clientId: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cognate-ops-trigger-'));
    const file = path.join(dir, 'pre-sign-up.mjs');
    writeFileSync(file, "export const handler = async (event) => { if (event.userName.startsWith('blocked')) throw new Error('sign-ups from blocked are closed'); return event; };");
    server = await startTestServer('sqlite', { triggers: { [ARN]: pathToFileURL(file).href } });
    browser = await launchBrowser();
    poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'shop', AutoVerifiedAttributes: ['email'], LambdaConfig: { PreSignUp: ARN } }))).UserPool!.Id!;
    clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'grace', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'grace@shop.example' }] }));
    await assert.rejects(server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'blocked-bob', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bob@shop.example' }] })), /closed/);
    await server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'grace' }));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('triggers: which ARN runs where, the last invocations and the failure', async () => {
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await signInInBrowser(page, server);
    await page.getByRole('link', { name: 'Triggers' }).click();
    await page.getByRole('link', { name: 'shop' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Triggers of shop');
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /PreSignUp/);
    assert.match(text, new RegExp(ARN));
    assert.match(text, /pre-sign-up\.mjs/, 'where: the module file');
    assert.match(text, /PreSignUp_SignUp/);
    assert.match(text, /function-error/);
    assert.match(text, /sign-ups from blocked are closed/);
    await checkConsolePage(page, violations);
    await shot(page, 'ops-triggers');
    await page.getByRole('link', { name: 'Show failures only' }).click();
    assert.equal(await page.locator('table').last().locator('tbody tr').count(), 1);
    await page.close();
  });

  it('outbox: finds the sign-up code by recipient prefix and kind', async () => {
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await signInInBrowser(page, server);
    await page.goto(`${server.url}/console/outbox`);
    await page.getByLabel('User pool ID').fill(poolId);
    await page.getByLabel('Recipient').fill('grace@*');
    await page.getByLabel('Kind').fill('SignUp');
    await Promise.all([page.waitForURL(/recipient=grace/), page.getByRole('button', { name: 'Search' }).click()]);
    const rows = page.locator('table.list tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /grace@shop\.example[\s\S]*\d{6}/);
    await checkConsolePage(page, violations);
    await shot(page, 'ops-outbox');
    await page.getByLabel('Recipient').fill('nobody@*');
    await Promise.all([page.waitForURL(/recipient=nobody/), page.getByRole('button', { name: 'Search' }).click()]);
    assert.match((await page.locator('main').textContent()) ?? '', /None\./);
    await page.close();
  });

  it('signing keys and the token inspector: rotate, then a token of the old key verifies as retired; a forged one is refused', async () => {
    const tokens = (await server.anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'grace', PASSWORD } }))).AuthenticationResult!;
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await signInInBrowser(page, server);
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('link', { name: 'shop' }).click();
    const activeBefore = await page.locator('table.list tbody tr').filter({ hasText: 'active' }).locator('code').textContent();
    await Promise.all([page.waitForURL(/notice=/), page.getByRole('button', { name: 'Rotate key' }).click()]);
    assert.match((await page.getByRole('status').textContent()) ?? '', /Rotated: .+ signs now/);
    const retired = page.locator('table.list tbody tr').filter({ hasText: activeBefore! });
    assert.match((await retired.textContent()) ?? '', /retired/);
    assert.equal((await readAudit(server.running.cognate, { limit: 1 })).rows[0]!.action, 'RotateSigningKey');
    await checkConsolePage(page, violations);
    await shot(page, 'ops-signing-keys');

    await page.getByRole('link', { name: 'Token inspector' }).click();
    await page.getByLabel('Token', { exact: true }).fill(tokens.IdToken!);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await page.waitForSelector('#verdict');
    assert.equal(await page.locator('#verdict').textContent(), 'Accepted');
    const facts = (await page.locator('dl.facts').textContent()) ?? '';
    assert.match(facts, /valid: RS256 signature verified with a retired key/);
    assert.match(facts, /retired, in the JWKS until/);
    assert.match(facts, /live: the session is live/);
    assert.match((await page.locator('main').textContent()) ?? '', /grace@shop\.example/);
    await checkConsolePage(page, violations);
    await shot(page, 'ops-token-inspector');

    const [h, p, s] = tokens.AccessToken!.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    await page.getByLabel('Token', { exact: true }).fill(`${h}.${Buffer.from(JSON.stringify({ ...claims, username: 'admin' })).toString('base64url')}.${s}`);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await page.waitForSelector('#verdict');
    assert.equal(await page.locator('#verdict').textContent(), 'Refused');
    assert.match((await page.locator('main').textContent()) ?? '', /Claims \(unverified\)/);
    await shot(page, 'ops-token-inspector-forged');
    await page.close();
  });

  it('metrics at a glance, and every ops page on a phone-sized screen', async () => {
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await signInInBrowser(page, server);
    await page.getByRole('link', { name: 'Metrics' }).click();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /SignUp/);
    assert.match(text, /UserLambdaValidationException 1/);
    await checkConsolePage(page, violations);
    await shot(page, 'ops-metrics');
    await page.setViewportSize({ width: 375, height: 740 });
    for (const p of ['identity-pools', 'roles', 'triggers', 'signing-keys', 'outbox', 'token-inspector', 'metrics']) {
      await page.goto(`${server.url}/console/${p}${p === 'triggers' || p === 'signing-keys' ? `?pool=${poolId}` : ''}`);
      await checkConsolePage(page, violations).catch((e: Error) => assert.fail(`${p}: ${e.message}`));
    }
    await shot(page, 'ops-metrics-phone');
    await page.close();
  });
});

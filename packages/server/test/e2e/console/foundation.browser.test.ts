/**
 * The console's shell in headless Chromium: signing in with the keyboard, the overview, the
 * navigation, the audit trail, signing out, a console user's sign-in with a TOTP code, and the
 * same pages on a phone-sized screen. Screenshots in test-artifacts/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { totp } from '../../support/mfa.js';
import { CONSOLE_PASSWORD, consoleUser } from './support.js';
import { checkConsolePage, shot, signInInBrowser, watchCsp } from './browser-support.js';

describe('console shell in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  before(async () => {
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with the admin key pair using the keyboard, shows the overview and the audit trail, signs out', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await page.goto(`${server.url}/console/audit`);
    assert.match(page.url(), /\/console\/sign-in\?next=%2Fconsole%2Faudit$/);
    await checkConsolePage(page, violations);
    await shot(page, 'sign-in');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-username');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-accessKeyId');
    await page.keyboard.type(server.credentials.accessKeyId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(server.credentials.secretAccessKey);
    await Promise.all([page.waitForURL(/\/console\/audit$/), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('h1').textContent(), 'Audit trail');
    assert.match((await page.locator('table').textContent()) ?? '', /ConsoleSignIn/);
    await checkConsolePage(page, violations);
    await shot(page, 'audit');
    await page.getByRole('link', { name: 'Overview' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Overview');
    assert.equal(await page.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'), 'page');
    await checkConsolePage(page, violations);
    await shot(page, 'overview');
    await Promise.all([page.waitForURL(/\/console\/sign-in$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(`${server.url}/console`);
    assert.match(page.url(), /\/console\/sign-in/);
    await page.close();
  });

  it('a console user signs in with password and TOTP code; a wrong code is refused with the one answer', async () => {
    const user = await consoleUser(server, 'operator');
    await browser.context.clearCookies();
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByLabel('Name').fill('operator');
    await page.getByLabel('Password').fill(CONSOLE_PASSWORD);
    await page.getByLabel('Code from your authenticator app').fill(totp(user.totpSecret, server.clock.now() + 300_000));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /The name, password, code or key is not right/);
    await shot(page, 'sign-in-refused');
    await page.getByLabel('Password').fill(CONSOLE_PASSWORD);
    await page.getByLabel('Code from your authenticator app').fill(totp(user.totpSecret, server.clock.now()));
    await Promise.all([page.waitForURL(/\/console$/), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    assert.match((await page.locator('header').textContent()) ?? '', /operator/);
    await checkConsolePage(page, violations);
    await page.close();
  });

  it('works on a phone-sized screen: navigation above the content, nothing wider than the screen', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    const violations = watchCsp(page);
    await signInInBrowser(page, server);
    await checkConsolePage(page, violations);
    const nav = await page.locator('nav.side').boundingBox();
    const main = await page.locator('main').boundingBox();
    assert.ok(nav && main && nav.y < main.y, 'navigation above the content');
    await shot(page, 'overview-phone');
    await page.goto(`${server.url}/console/audit`);
    await checkConsolePage(page, violations);
    await shot(page, 'audit-phone');
    await page.close();
  });
});

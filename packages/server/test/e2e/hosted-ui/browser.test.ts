/**
 * The pages in headless Chromium (Debian's, through playwright-core; test/support/browser.ts) over
 * the development TLS mode, so the cookie is the real `__Host-` one: a sign-in with the keyboard
 * only (focus order, Enter submits), TOTP set-up from the QR page and a TOTP sign-in, the CSP
 * letting the page's one style through and blocking framing, and screenshots of every page kept in
 * test-artifacts/hosted-ui/. The client app's callback is a small server on localhost (Cognito
 * allows http only there), so nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateManagedLoginBrandingCommand, CreateUserPoolDomainCommand, SetUICustomizationCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, focusedId, launchBrowser, saveScreenshot, textContrasts, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { totp } from '../../support/mfa.js';
import { PASSWORD, authorizeQuery as baseQuery, newUser, oauthApp, type OAuthApp } from './support.js';

const SUITE = 'hosted-ui';
const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" rx="6" fill="#5b2a86"/><text x="80" y="26" font-size="18" text-anchor="middle" fill="#fff" font-family="sans-serif">Acme</text></svg>';
const PNG_LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('hosted UI in Chromium over TLS', { skip: browserSkip }, () => {
  let server: TestServer;
  let app: OAuthApp;
  let mfaApp: OAuthApp;
  let classic: OAuthApp;
  let managed: OAuthApp;
  let browser: TestBrowser;
  let callbackServer: Server;
  let CALLBACK: string;
  const authorizeQuery = (client: OAuthApp, extra: Record<string, string | undefined> = {}) => baseQuery(client, { redirect_uri: CALLBACK, ...extra });
  before(async () => {
    callbackServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback reached'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    CALLBACK = `http://localhost:${(callbackServer.address() as AddressInfo).port}/cb`;
    server = await startTestServer('sqlite', { tlsDev: true });
    app = await oauthApp(server, { PoolName: 'Keyboard Shop' }, { CallbackURLs: [CALLBACK] });
    await newUser(server, app.poolId, 'alice');
    await newUser(server, app.poolId, 'newbie', { temporary: true });
    mfaApp = await oauthApp(server, { PoolName: 'TOTP Shop' }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: mfaApp.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    await newUser(server, mfaApp.poolId, 'tina');
    // Branded pools: classic UI customization, and managed login (ManagedLoginVersion 2).
    const logo = Buffer.from(LOGO_SVG);
    classic = await oauthApp(server, { PoolName: 'Classic' }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: classic.poolId, Domain: 'browser-classic' }));
    await server.admin.send(new SetUICustomizationCommand({ UserPoolId: classic.poolId, ClientId: 'ALL', CSS: '.submitButton-customizable { background-color: #1e4620; }\n.banner-customizable { background-color: #e8f0e8; padding: 12px 0px 12px 0px; }\n.background-customizable { background-color: #f0f4f0; }', ImageFile: PNG_LOGO }));
    managed = await oauthApp(server, { PoolName: 'Managed' }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: managed.poolId, Domain: 'browser-managed', ManagedLoginVersion: 2 }));
    await server.admin.send(
      new CreateManagedLoginBrandingCommand({
        UserPoolId: managed.poolId,
        ClientId: managed.clientId,
        Settings: { components: { primaryButton: { lightMode: { defaults: { backgroundColor: '5b2a86ff', textColor: 'ffffffff' } } }, pageBackground: { lightMode: { color: 'f3eef8ff' } } } } as never,
        Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'SVG', Bytes: logo }],
      }),
    );
    browser = await launchBrowser({ trustCa: server.running.tls!.caCertPath!, hosts: ['localhost'] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    callbackServer?.close();
  });

  async function freshPage(): Promise<{ page: Page; violations: string[] }> {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    return { page, violations };
  }

  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');


  it('signs in with the keyboard only: focus starts in the username, Tab reaches the password, Enter submits; the cookie is __Host-, Secure, HttpOnly, SameSite=Lax', async () => {
    const { page, violations } = await freshPage();
    const { query, state } = authorizeQuery(app);
    await page.goto(`${server.url}/oauth2/authorize?${query}`);
    assert.match(page.url(), /\/login\?/);
    await saveScreenshot(page, SUITE, 'login-en');
    assert.equal(await focusedId(page, 'f-username'), 'f-username', 'the username field has focus first');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    assert.equal(await activeId(page), 'f-password');
    await page.keyboard.type('Wr0ng-Horse!!');
    await page.keyboard.press('Enter');
    await page.waitForLoadState();
    assert.match((await page.textContent('[role=alert]')) ?? '', /Incorrect username or password/);
    await saveScreenshot(page, SUITE, 'login-error');
    const measured = await textContrasts(page);
    assert.ok(measured.length >= 6, 'the text elements were measured');
    for (const { what, ratio } of measured) assert.ok(ratio >= 4.5, `contrast ${ratio.toFixed(2)} < 4.5 for ${what}`);
    assert.equal(await focusedId(page, 'f-username'), 'f-username', 'after an error, focus is back on the first field');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(`${CALLBACK}?**`), page.keyboard.press('Enter')]);
    const callback = new URL(page.url());
    assert.ok(callback.searchParams.get('code'));
    assert.equal(callback.searchParams.get('state'), state);
    const cookies = await browser.context.cookies(server.url);
    const session = cookies.find((c) => c.name === '__Host-cognate-session');
    assert.ok(session, JSON.stringify(cookies));
    assert.equal(session.secure, true);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(session.path, '/');
    assert.deepEqual(violations, [], 'no CSP violation: the one style carries its nonce and there is no script');
  });

  it('renders the pages in French and Spanish by lang, and the error page', async () => {
    const { page } = await freshPage();
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(app, { lang: 'fr' }).query}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.match((await page.textContent('h1')) ?? '', /Connexion/);
    await saveScreenshot(page, SUITE, 'login-fr');
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(app, { lang: 'es' }).query}`);
    assert.match((await page.textContent('label[for=f-password]')) ?? '', /Contraseña/);
    await saveScreenshot(page, SUITE, 'login-es');
    const bad = await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(app, { redirect_uri: 'https://evil.tld/cb' }).query}`);
    assert.equal(bad?.status(), 400);
    assert.equal(new URL(page.url()).host, new URL(server.url).host, 'no redirect to the unregistered URI');
    await saveScreenshot(page, SUITE, 'error-bad-redirect');
  });

  it('renders classic and managed-login branding (screenshots)', async () => {
    const { page, violations } = await freshPage();
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(classic).query}`);
    assert.equal(await page.$eval('button', (b) => getComputedStyle(b).backgroundColor), 'rgb(30, 70, 32)');
    await saveScreenshot(page, SUITE, 'branding-classic');
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(managed).query}`);
    assert.equal(await page.$eval('button', (b) => getComputedStyle(b).backgroundColor), 'rgb(91, 42, 134)');
    assert.ok(await page.$eval('img.logo-customizable', (img) => (img as HTMLImageElement).naturalWidth > 0), 'the SVG logo loads under the CSP');
    await saveScreenshot(page, SUITE, 'branding-managed-login');
    assert.deepEqual(violations, []);
  });

  it('refuses to be framed (frame-ancestors none, X-Frame-Options DENY)', async () => {
    const { page } = await freshPage();
    const login = `${server.url}/oauth2/authorize?${authorizeQuery(app).query}`;
    await page.route('https://framer.example/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: `<iframe id="f" src="${login.replace(/&/g, '&amp;')}"></iframe>` }));
    await page.goto('https://framer.example/');
    await page.waitForTimeout(500);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    const inner = framed ? await framed.evaluate(() => document.body?.innerHTML ?? '').catch(() => '') : '';
    assert.doesNotMatch(inner, /<form/, 'the login form did not render inside the frame');
  });

  it('new password page: keyboard only through both fields', async () => {
    const { page } = await freshPage();
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(app).query}`);
    // Typing before the page's autofocus lands loses keys (it did once, on a loaded machine).
    assert.equal(await focusedId(page, 'f-username'), 'f-username');
    await page.keyboard.type('newbie');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#f-new_password');
    await saveScreenshot(page, SUITE, 'new-password');
    assert.equal(await focusedId(page, 'f-new_password'), 'f-new_password');
    await page.keyboard.type('N3w-Password!');
    await page.keyboard.press('Tab');
    assert.equal(await activeId(page), 'f-confirm_password');
    await page.keyboard.type('N3w-Password!');
    await Promise.all([page.waitForURL(`${CALLBACK}?**`), page.keyboard.press('Enter')]);
    assert.ok(new URL(page.url()).searchParams.get('code'));
  });

  it('TOTP: set up from the QR page, then sign in with a code from the app', async () => {
    const { page, violations } = await freshPage();
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(mfaApp).query}`);
    await page.fill('#f-username', 'tina');
    await page.fill('#f-password', PASSWORD);
    await page.press('#f-password', 'Enter');
    await page.waitForSelector('img.qr');
    const qr = await page.$eval('img.qr', (img) => ({ width: (img as HTMLImageElement).naturalWidth, alt: img.getAttribute('alt') }));
    assert.ok(qr.width > 0, 'the QR code image decoded');
    assert.ok(qr.alt);
    await saveScreenshot(page, SUITE, 'mfa-setup-qr');
    const secret = (await page.textContent('#totp-secret'))!.trim();
    assert.equal(await focusedId(page, 'f-code'), 'f-code');
    await page.keyboard.type(totp(secret, server.clock.now()));
    await Promise.all([page.waitForURL(`${CALLBACK}?**`), page.keyboard.press('Enter')]);
    assert.ok(new URL(page.url()).searchParams.get('code'));

    server.clock.advance(31_000);
    const second = await freshPage();
    await second.page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(mfaApp).query}`);
    await second.page.fill('#f-username', 'tina');
    await second.page.fill('#f-password', PASSWORD);
    await second.page.press('#f-password', 'Enter');
    await second.page.waitForSelector('#f-code');
    await saveScreenshot(second.page, SUITE, 'mfa-totp');
    await second.page.keyboard.type(totp(secret, server.clock.now()));
    await Promise.all([second.page.waitForURL(`${CALLBACK}?**`), second.page.keyboard.press('Enter')]);
    assert.ok(new URL(second.page.url()).searchParams.get('code'));
    assert.deepEqual([...violations, ...second.violations], []);
  });
});

/**
 * Every hosted-UI page the other browser suites don't reach, driven in one headless Chromium
 * (test/support/browser.ts) against one server in the development TLS mode (SQLite), the way a
 * person uses them: with the keyboard (type, Tab, Enter, arrow keys), codes read from the mail that
 * reached a real SMTP receiver or the text that reached the SMS webhook.
 *
 * Pages: /forgotPassword and /confirmForgotPassword (with a wrong code), /confirmUser with a code
 * (reached by signing in unconfirmed) and "Send a new code", /signup in a CONFIRM_WITH_LINK pool
 * ("follow the link") and the link on the pool's domain (and replayed), SMS_MFA, EMAIL_OTP,
 * SELECT_MFA_TYPE, MFA set-up by email, prompt=login over a live session, /logout with logout_uri
 * (and a foreign one, and none), /error, the account pages in Spanish and French, and the 403 a
 * stale CSRF token gets (A30) — plus, for their accessibility check, the pages browser.test.ts
 * only screenshots (login in es/fr, new password with a required attribute, TOTP set-up and code).
 *
 * Each page is checked as it appears ({@link checkPage}): a screenshot in
 * test-artifacts/hosted-ui-pages/, the `lang` attribute, one h1, a label for every input, Tab
 * following the DOM order, text contrast ≥ 4.5:1, and no CSP violation in the console.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  CreateUserPoolDomainCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { BrowserContext, Page, Response as PageResponse } from 'playwright-core';
import { browserSkip, focusedId, focusOrder, launchBrowser, saveScreenshot, textContrasts, unlabelledInputs, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../../support/smtp.js';
import { totp } from '../../support/mfa.js';
import { PASSWORD, authorizeQuery as baseQuery, newUser, oauthApp, type OAuthApp } from './support.js';

const SUITE = 'hosted-ui-pages';
const NEW_PASSWORD = 'N3w-Horse-Battery!';
const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };
const LINK_TEMPLATE = { DefaultEmailOption: 'CONFIRM_WITH_LINK' as const, EmailMessageByLink: 'Please {##confirm your account##}.', EmailSubjectByLink: 'Confirm your account' };

describe('every hosted-UI page in Chromium, keyboard only, checked for accessibility', { skip: browserSkip }, () => {
  let server: TestServer;
  let smtp: SmtpReceiver;
  let chrome: TestBrowser;
  let appServer: Server;
  let gateway: Server;
  let CALLBACK: string;
  let LOGOUT: string;
  let shop: OAuthApp;
  let linkApp: OAuthApp;
  let mfa: OAuthApp;
  let emailSetup: OAuthApp;
  let totpApp: OAuthApp;
  let required: OAuthApp;
  const contexts: BrowserContext[] = [];
  const texts: { to: string; text: string }[] = [];
  const textArrived = new EventEmitter();
  const read = new Set<object>();

  const authorizeQuery = (client: OAuthApp, extra: Record<string, string | undefined> = {}) => baseQuery(client, { redirect_uri: CALLBACK, ...extra });

  before(async () => {
    // The client app (its callback and logout URLs, on localhost as Cognito allows over http) and the SMS gateway.
    appServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>App</title><p>App</p>'));
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        texts.push(JSON.parse(body) as { to: string; text: string });
        textArrived.emit('text');
        res.end('{}');
      });
    });
    await Promise.all([appServer, gateway].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    const appOrigin = `http://localhost:${(appServer.address() as AddressInfo).port}`;
    CALLBACK = `${appOrigin}/cb`;
    LOGOUT = `${appOrigin}/signed-out`;
    smtp = await startSmtpReceiver();
    server = await startTestServer('sqlite', {
      tlsDev: true,
      smtpHost: smtp.host,
      smtpPort: smtp.port,
      smtpFrom: 'auth@shop.example.com',
      smsWebhookUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`,
    });

    shop = await oauthApp(server, { PoolName: 'Pages Shop', AutoVerifiedAttributes: ['email'] }, { CallbackURLs: [CALLBACK], LogoutURLs: [LOGOUT] });
    for (const name of ['fred', 'lena', 'pierre', 'carl']) await newUser(server, shop.poolId, name, { attributes: { email: `${name}@example.com`, email_verified: 'true' } });
    await server.anonymous.send(new SignUpCommand({ ClientId: shop.clientId, Username: 'uma', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'uma@example.com' }] }));

    linkApp = await oauthApp(server, { PoolName: 'Link Shop', AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: LINK_TEMPLATE }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: linkApp.poolId, Domain: 'pages-link' }));

    mfa = await oauthApp(server, { PoolName: 'MFA Shop' }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: mfa.poolId,
        MfaConfiguration: 'OPTIONAL',
        SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG },
        EmailMfaConfiguration: { Message: 'Your sign-in code is {####}', Subject: 'Sign-in code' },
      }),
    );
    await newUser(server, mfa.poolId, 'sam', { attributes: { phone_number: '+15555550140', phone_number_verified: 'true' } });
    await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: mfa.poolId, Username: 'sam', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    await newUser(server, mfa.poolId, 'emma', { attributes: { email: 'emma@example.com', email_verified: 'true' } });
    await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: mfa.poolId, Username: 'emma', EmailMfaSettings: { Enabled: true } }));
    // Sue has both factors and prefers neither: she chooses on a page.
    await newUser(server, mfa.poolId, 'sue', { attributes: { phone_number: '+15555550141', phone_number_verified: 'true', email: 'sue@example.com', email_verified: 'true' } });
    await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: mfa.poolId, Username: 'sue', SMSMfaSettings: { Enabled: true, PreferredMfa: false }, EmailMfaSettings: { Enabled: true, PreferredMfa: false } }));

    // MFA required, by SMS or email (no authenticator app): Nora has neither a phone number nor an
    // email address, so she sets up email (MFA_SETUP with EMAIL_OTP only).
    emailSetup = await oauthApp(server, { PoolName: 'Email MFA Shop' }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: emailSetup.poolId, MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG }, EmailMfaConfiguration: { Message: 'Your sign-in code is {####}', Subject: 'Sign-in code' } }));
    await newUser(server, emailSetup.poolId, 'nora');
    totpApp = await oauthApp(server, { PoolName: 'TOTP Shop' }, { CallbackURLs: [CALLBACK] });
    await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: totpApp.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    await newUser(server, totpApp.poolId, 'tom');
    required = await oauthApp(server, { PoolName: 'Names Shop', Schema: [{ Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true }] }, { CallbackURLs: [CALLBACK] });
    await newUser(server, required.poolId, 'nina', { temporary: true });

    chrome = await launchBrowser({ trustCa: server.running.tls!.caCertPath!, hosts: ['localhost'] });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await chrome?.close();
    await server?.stop();
    await smtp?.close();
    appServer?.close();
    gateway?.close();
  });

  /** A fresh browser profile (no cookies) and a page in it, with the CSP violations its console reports. */
  async function open(): Promise<{ page: Page; violations: string[] }> {
    const context = await chrome.browser.newContext();
    context.setDefaultTimeout(5000); // every wait here is for a local server: fail fast rather than after 30 s
    contexts.push(context);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    return { page, violations };
  }

  /**
   * The checks every page gets as it appears: a screenshot, the language, one h1, labelled inputs,
   * Tab in DOM order, contrast, no CSP violation. Focus is left where the page put it.
   */
  async function checkPage(page: Page, violations: string[], name: string, lang = 'en'): Promise<void> {
    // Chromium applies autofocus when it next renders, which may come after the load event.
    if (await page.$('[autofocus]')) await focusSettled(page, await page.$eval('[autofocus]', (el) => el.id));
    await saveScreenshot(page, SUITE, name);
    assert.equal(await page.getAttribute('html', 'lang'), lang, `${name}: the lang attribute`);
    assert.equal(await page.locator('h1').count(), 1, `${name}: one h1`);
    assert.deepEqual(await unlabelledInputs(page), [], `${name}: every input has a label`);
    const { dom, tabbed } = await focusOrder(page);
    assert.ok(dom.length >= 1, `${name}: something to focus`);
    assert.deepEqual(tabbed, dom, `${name}: Tab follows the DOM order`);
    const measured = await textContrasts(page);
    assert.ok(measured.length >= 2, `${name}: text was measured`);
    for (const { what, ratio } of measured) assert.ok(ratio >= 4.5, `${name}: contrast ${ratio.toFixed(2)} < 4.5 for ${what}`);
    assert.deepEqual(violations, [], `${name}: no CSP violation`);
  }

  /** Focus is on #id (waiting briefly for autofocus, which Chromium applies at its next render). */
  async function focusSettled(page: Page, id: string): Promise<void> {
    assert.equal(await focusedId(page, id), id, `focus is on #${id}`);
  }
  const activeText = (page: Page) => page.evaluate(() => (document.activeElement?.textContent ?? '').trim());
  const h1 = async (page: Page) => ((await page.textContent('h1')) ?? '').trim();
  /** Presses `key` (Enter on a field or a focused button or link) and waits for the page it leads to. */
  async function pressAndWait(page: Page, key = 'Enter'): Promise<PageResponse | null> {
    const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
    return response;
  }
  async function typeAndTab(page: Page, ...values: string[]): Promise<void> {
    for (const [i, v] of values.entries()) {
      if (i > 0) await page.keyboard.press('Tab');
      await page.keyboard.type(v);
    }
  }

  /** The next mail to `to` not read before (the real SMTP receiver). */
  async function mailTo(to: string): Promise<ReceivedMail> {
    const mail = await smtp.waitFor((m) => m.to.includes(to) && !read.has(m));
    read.add(mail);
    return mail;
  }
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? assert.fail(`no code in: ${text}`);
  const mailedCode = async (to: string) => codeIn((await mailTo(to)).text);
  /** The code in the next text to `to` the SMS webhook received. */
  async function textedCode(to: string): Promise<string> {
    const deadline = AbortSignal.timeout(5000);
    for (;;) {
      const found = texts.find((t) => t.to === to && !read.has(t));
      if (found) {
        read.add(found);
        return codeIn(found.text);
      }
      await once(textArrived, 'text', { signal: deadline });
    }
  }

  /** From the authorize request to the login page, then username, Tab, password, Enter. */
  async function signIn(page: Page, client: OAuthApp, username: string, password = PASSWORD, extra: Record<string, string> = {}): Promise<{ state: string }> {
    const { query, state } = authorizeQuery(client, extra);
    await page.goto(`${server.url}/oauth2/authorize?${query}`);
    assert.match(page.url(), /\/login\?/);
    await focusSettled(page, 'f-username');
    await typeAndTab(page, username, password);
    await pressAndWait(page);
    return { state };
  }
  function assertAtCallback(page: Page, state?: string): void {
    const url = new URL(page.url());
    assert.equal(url.origin + url.pathname, CALLBACK, `at the callback: ${page.url()}`);
    assert.ok(url.searchParams.get('code'), 'with a code');
    if (state !== undefined) assert.equal(url.searchParams.get('state'), state);
  }

  it('forgot password: the link from /login by keyboard, the emailed code (a wrong one first) on /confirmForgotPassword, then signed in with the new password', async () => {
    const { page, violations } = await open();
    const { query, state } = authorizeQuery(shop);
    await page.goto(`${server.url}/oauth2/authorize?${query}`);
    await checkPage(page, violations, 'login');
    await focusSettled(page, 'f-username');
    await page.keyboard.press('Tab'); // password
    await page.keyboard.press('Tab'); // Sign in
    await page.keyboard.press('Tab'); // Forgot your password?
    assert.equal(await activeText(page), 'Forgot your password?');
    await pressAndWait(page);
    assert.match(page.url(), /\/forgotPassword\?/);
    assert.equal(await h1(page), 'Forgot your password?');
    await checkPage(page, violations, 'forgot-password');
    await focusSettled(page, 'f-username');
    await page.keyboard.type('fred');
    await pressAndWait(page);
    assert.equal(await h1(page), 'Reset your password');
    await checkPage(page, violations, 'confirm-forgot-password');
    await focusSettled(page, 'f-code');
    const code = await mailedCode('fred@example.com');

    await typeAndTab(page, code === '000000' ? '111111' : '000000', NEW_PASSWORD, NEW_PASSWORD);
    const wrong = await pressAndWait(page);
    assert.equal(wrong?.status(), 400);
    assert.match((await page.textContent('[role=alert]')) ?? '', /Invalid code/);
    await checkPage(page, violations, 'confirm-forgot-password-wrong-code');
    await focusSettled(page, 'f-code');
    assert.equal(await page.getAttribute('#f-code', 'aria-invalid'), 'true');

    await typeAndTab(page, code, NEW_PASSWORD, NEW_PASSWORD);
    await pressAndWait(page);
    assert.match(page.url(), /\/login\?/, 'back to sign in with the OAuth request');
    await typeAndTab(page, 'fred', NEW_PASSWORD);
    await pressAndWait(page);
    assertAtCallback(page, state);
  });

  it('/confirmUser: signing in unconfirmed leads to the code form; "Send a new code" by keyboard; the new code confirms; then sign in', async () => {
    const { page, violations } = await open();
    const first = await mailedCode('uma@example.com');
    const { state } = await signIn(page, shop, 'uma');
    assert.match(page.url(), /\/confirmUser\?.*username=uma/);
    assert.equal(await h1(page), 'Confirm your account');
    await checkPage(page, violations, 'confirm-user');
    await focusSettled(page, 'f-code');
    await page.keyboard.press('Tab'); // Confirm
    await page.keyboard.press('Tab'); // Send a new code
    assert.equal(await activeText(page), 'Send a new code');
    await pressAndWait(page);
    assert.match((await page.textContent('[role=status]')) ?? '', /We sent a new code to u\*+@e/);
    await checkPage(page, violations, 'confirm-user-code-resent');
    const second = await mailedCode('uma@example.com');
    assert.notEqual(second, first, 'a new code');
    await focusSettled(page, 'f-code');
    await page.keyboard.type(second);
    await pressAndWait(page);
    assert.match(page.url(), /\/login\?/, 'confirmed; this browser did not sign up, so it signs in');
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: shop.poolId, Username: 'uma' }))).UserStatus, 'CONFIRMED');
    await typeAndTab(page, 'uma', PASSWORD);
    await pressAndWait(page);
    assertAtCallback(page, state);
  });

  it('CONFIRM_WITH_LINK: the emailed link opened in the browser on the pool domain confirms the account; opened again, one error page', async () => {
    const { page, violations } = await open();
    // Signs up on the page, keyboard only: username, password, email.
    await page.goto(`${server.url}/signup?${authorizeQuery(linkApp).query}`);
    await checkPage(page, violations, 'signup');
    await focusSettled(page, 'f-username');
    await typeAndTab(page, 'lou', 'weak');
    await page.keyboard.press('Tab');
    await focusSettled(page, 'f-userAttributes.email');
    await page.keyboard.type('lou@example.com');
    assert.equal((await pressAndWait(page))?.status(), 400);
    assert.match((await page.textContent('[role=alert]')) ?? '', /The password does not meet the requirements\./);
    await checkPage(page, violations, 'signup-weak-password');
    await focusSettled(page, 'f-password'); // the field in error
    assert.equal(await page.inputValue('[id="f-userAttributes.email"]'), 'lou@example.com', 'what was typed is kept');
    await page.keyboard.type(PASSWORD);
    await pressAndWait(page);
    assert.equal(await h1(page), 'Confirm your account');
    assert.match((await page.textContent('main')) ?? '', /We sent a link to l\*+@e\S+\. Follow it to confirm your account\./);
    assert.equal(await page.locator('#f-code').count(), 0, 'no code field: the mail has a link');
    await checkPage(page, violations, 'confirm-user-link-sent');
    const mail = await mailTo('lou@example.com');
    // What a person clicks: the link in the mail's HTML part.
    const href = /<a\b[^>]*href="(https:\/\/[^"]+\/confirmUser\?[^"]+)"/.exec(mail.html ?? '')?.[1] ?? assert.fail(`no link in ${mail.html}`);
    const link = href.replace(/&amp;/g, '&');
    assert.match(new URL(link).hostname, /^pages-link\.auth\.us-east-1\./, 'the link is on the pool domain');
    const confirmed = await page.goto(link);
    assert.equal(confirmed?.status(), 200, `${link}: ${await page.textContent('main')}`);
    assert.equal(await h1(page), 'Your account is confirmed');
    await checkPage(page, violations, 'confirm-link');
    assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: linkApp.poolId, Username: 'lou' }))).UserStatus, 'CONFIRMED');
    const replayed = await page.goto(link);
    assert.equal(replayed?.status(), 400);
    assert.match((await page.textContent('main')) ?? '', /This confirmation link is not valid or has expired\./);
    await checkPage(page, violations, 'confirm-link-replayed');
  });

  it('SMS_MFA: the code texted through the SMS webhook, typed after a wrong one, signs in', async () => {
    const { page, violations } = await open();
    const { state } = await signIn(page, mfa, 'sam');
    assert.equal(await h1(page), 'Verify it is you');
    assert.match((await page.textContent('main')) ?? '', /\+\*+0140/);
    await checkPage(page, violations, 'mfa-sms');
    await focusSettled(page, 'f-code');
    const code = await textedCode('+15555550140');
    await page.keyboard.type(code === '000000' ? '111111' : '000000');
    const wrong = await pressAndWait(page);
    assert.equal(wrong?.status(), 400);
    await checkPage(page, violations, 'mfa-sms-wrong-code');
    await focusSettled(page, 'f-code');
    await page.keyboard.type(code);
    await pressAndWait(page);
    assertAtCallback(page, state);
  });

  it('EMAIL_OTP: the emailed code signs in', async () => {
    const { page, violations } = await open();
    const { state } = await signIn(page, mfa, 'emma');
    assert.match((await page.textContent('main')) ?? '', /e\*+@e\*+/);
    await checkPage(page, violations, 'mfa-email');
    await focusSettled(page, 'f-code');
    await page.keyboard.type(await mailedCode('emma@example.com'));
    await pressAndWait(page);
    assertAtCallback(page, state);
  });

  it('SELECT_MFA_TYPE: the factor is chosen with the arrow keys, then the emailed code signs in', async () => {
    const { page, violations } = await open();
    const { state } = await signIn(page, mfa, 'sue');
    assert.equal(await h1(page), 'Choose how to verify');
    await checkPage(page, violations, 'select-mfa');
    const options = await page.$$eval('input[type=radio]', (els) => els.map((e) => (e as HTMLInputElement).value));
    assert.deepEqual([...options].sort(), ['EMAIL_OTP', 'SMS_MFA']);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type), 'radio', 'focus starts on the choice');
    // Arrow keys move the choice within the group until email is checked; Tab reaches the button.
    for (let i = 0; i < options.length && (await page.$eval('input[type=radio]:checked', (e) => (e as HTMLInputElement).value)) !== 'EMAIL_OTP'; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.$eval('input[type=radio]:checked', (e) => (e as HTMLInputElement).value), 'EMAIL_OTP');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'BUTTON');
    await pressAndWait(page);
    assert.match((await page.textContent('main')) ?? '', /s\*+@e\*+/, 'the email code page');
    await checkPage(page, violations, 'select-mfa-then-email');
    await page.keyboard.type(await mailedCode('sue@example.com'));
    await pressAndWait(page);
    assertAtCallback(page, state);
  });

  it('prompt=login: a live session answers /oauth2/authorize at once, but with prompt=login the person signs in again', async () => {
    const { page, violations } = await open();
    await signIn(page, shop, 'lena');
    assertAtCallback(page);
    const sso = authorizeQuery(shop);
    await page.goto(`${server.url}/oauth2/authorize?${sso.query}`);
    assertAtCallback(page, sso.state);
    const again = authorizeQuery(shop, { prompt: 'login' });
    await page.goto(`${server.url}/oauth2/authorize?${again.query}`);
    assert.match(page.url(), /\/login\?.*prompt=login/);
    await checkPage(page, violations, 'login-prompt-login');
    await focusSettled(page, 'f-username');
    await typeAndTab(page, 'lena', PASSWORD);
    await pressAndWait(page);
    assertAtCallback(page, again.state);
  });

  it('A30: /logout with a registered logout_uri ends the session and lands there; a foreign logout_uri gets the error page and no redirect; without one, the signed-out page', async () => {
    const { page, violations } = await open();
    await signIn(page, shop, 'lena');
    assertAtCallback(page);
    const evil = await page.goto(`${server.url}/logout?${new URLSearchParams({ client_id: shop.clientId, logout_uri: 'https://evil.example/bye' })}`);
    assert.equal(evil?.status(), 400);
    assert.equal(new URL(page.url()).origin, server.url, 'no redirect');
    assert.match((await page.textContent('main')) ?? '', /The sign-out URL is not allowed for this client\./);
    await checkPage(page, violations, 'logout-foreign-uri');
    const sso = authorizeQuery(shop);
    await page.goto(`${server.url}/oauth2/authorize?${sso.query}`);
    assertAtCallback(page, sso.state); // still signed in

    await page.goto(`${server.url}/logout?${new URLSearchParams({ client_id: shop.clientId, logout_uri: LOGOUT })}`);
    assert.equal(page.url(), LOGOUT);
    assert.deepEqual((await page.context().cookies(server.url)).filter((c) => c.name.includes('cognate-session') && c.value), [], 'the cookie is cleared');
    await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(shop).query}`);
    assert.match(page.url(), /\/login\?/, 'signed out: the next authorize asks to sign in');

    const plain = await page.goto(`${server.url}/logout?${new URLSearchParams({ client_id: shop.clientId })}`);
    assert.equal(plain?.status(), 200);
    assert.equal(await h1(page), 'You are signed out');
    await checkPage(page, violations, 'signed-out');
  });

  it('/error shows words from its own table, never from the URL', async () => {
    const { page, violations } = await open();
    const csrf = await page.goto(`${server.url}/error?error=csrf`);
    assert.equal(csrf?.status(), 200);
    assert.match((await page.textContent('main')) ?? '', /This form has expired/);
    await checkPage(page, violations, 'error-csrf');
    await page.goto(`${server.url}/error?${new URLSearchParams({ error: 'invalid_request', error_description: 'Call 555-0100 now' })}`);
    assert.doesNotMatch((await page.textContent('body')) ?? '', /555-0100/);
    await page.goto(`${server.url}/error?error=%3Cb%3Eowned&lang=fr`);
    assert.doesNotMatch((await page.content()) ?? '', /<b>owned/);
    await checkPage(page, violations, 'error-unknown-fr', 'fr');
  });

  it('the account pages in Spanish and French: /signup, /confirmUser, /forgotPassword, /confirmForgotPassword (driven by keyboard in French)', async () => {
    const { page, violations } = await open();
    await page.goto(`${server.url}/signup?${authorizeQuery(shop, { lang: 'es' }).query}`);
    assert.equal(await h1(page), 'Regístrese con una cuenta nueva');
    await checkPage(page, violations, 'signup-es', 'es');
    await page.goto(`${server.url}/confirmUser?${authorizeQuery(shop, { lang: 'es' }).query}&username=uma`);
    assert.equal(await h1(page), 'Confirme su cuenta');
    await checkPage(page, violations, 'confirm-user-es', 'es');
    await focusSettled(page, 'f-code');
    await page.goto(`${server.url}/confirmUser?${authorizeQuery(shop, { lang: 'es' }).query}`);
    await focusSettled(page, 'f-username'); // no username given: it is asked first
    await checkPage(page, violations, 'confirm-user-no-username-es', 'es');
    await page.goto(`${server.url}/confirmForgotPassword?${authorizeQuery(shop, { lang: 'es' }).query}&username=pierre`);
    assert.equal(await h1(page), 'Restablezca su contraseña');
    await checkPage(page, violations, 'confirm-forgot-password-es', 'es');

    await page.goto(`${server.url}/forgotPassword?${authorizeQuery(shop, { lang: 'fr' }).query}`);
    assert.equal(await h1(page), 'Mot de passe oublié ?');
    await checkPage(page, violations, 'forgot-password-fr', 'fr');
    await page.keyboard.type('pierre');
    await pressAndWait(page);
    assert.equal(await h1(page), 'Réinitialisez votre mot de passe');
    await checkPage(page, violations, 'confirm-forgot-password-fr', 'fr');
    await focusSettled(page, 'f-code');
    const code = await mailedCode('pierre@example.com');
    await typeAndTab(page, code, NEW_PASSWORD, 'Different-Pa55!');
    const mismatch = await pressAndWait(page);
    assert.equal(mismatch?.status(), 400);
    await checkPage(page, violations, 'confirm-forgot-password-fr-mismatch', 'fr');
    // The code was right: it is kept, and focus goes to the first field left to fill, the new password.
    assert.equal(await page.inputValue('#f-code'), code);
    await focusSettled(page, 'f-password');
    await typeAndTab(page, NEW_PASSWORD, NEW_PASSWORD);
    await pressAndWait(page);
    assert.match(page.url(), /\/login\?.*lang=fr/, 'reset, and back to sign in, still in French');
  });

  it('MFA_SETUP by email: a user without an address gives one, then the code sent there signs in', async () => {
    const { page, violations } = await open();
    const { state } = await signIn(page, emailSetup, 'nora');
    assert.match((await page.textContent('main')) ?? '', /Enter the email address the codes should go to\./, 'the page says what the address is for');
    await focusSettled(page, 'f-email');
    await checkPage(page, violations, 'mfa-setup-email');
    await page.keyboard.type('nora@example.com');
    await pressAndWait(page);
    assert.match((await page.textContent('main')) ?? '', /n\*+@e\*+/);
    await checkPage(page, violations, 'mfa-setup-email-code');
    await focusSettled(page, 'f-code');
    await page.keyboard.type(await mailedCode('nora@example.com'));
    await pressAndWait(page);
    assertAtCallback(page, state);
  });

  it('the sign-in pages the other browser suite screenshots, checked here too: login in es and fr, new password with a required attribute, TOTP set-up (a wrong code first) and the TOTP code', async () => {
    const { page, violations } = await open();
    for (const lang of ['es', 'fr']) {
      await page.goto(`${server.url}/oauth2/authorize?${authorizeQuery(shop, { lang }).query}`);
      await checkPage(page, violations, `login-${lang}`, lang);
    }

    const { state } = await signIn(page, required, 'nina');
    assert.equal(await h1(page), 'Change your password');
    await checkPage(page, violations, 'new-password-required-attribute');
    await focusSettled(page, 'f-new_password');
    await typeAndTab(page, NEW_PASSWORD, NEW_PASSWORD, 'Nina');
    await pressAndWait(page);
    assertAtCallback(page, state);

    const second = await open();
    const tom = await signIn(second.page, totpApp, 'tom');
    assert.equal(await h1(second.page), 'Set up an authenticator app');
    await checkPage(second.page, second.violations, 'mfa-setup-totp');
    const secret = ((await second.page.textContent('#totp-secret')) ?? '').trim();
    await focusSettled(second.page, 'f-code');
    const code = totp(secret, server.clock.now());
    await second.page.keyboard.type(code === '000000' ? '111111' : '000000');
    assert.equal((await pressAndWait(second.page))?.status(), 400);
    await checkPage(second.page, second.violations, 'mfa-setup-totp-wrong-code');
    assert.equal(((await second.page.textContent('#totp-secret')) ?? '').trim(), secret, 'the same key again');
    await second.page.keyboard.type(code);
    await pressAndWait(second.page);
    assertAtCallback(second.page, tom.state);

    server.clock.advance(31_000);
    const third = await open();
    const again = await signIn(third.page, totpApp, 'tom');
    assert.equal(await h1(third.page), 'Verify it is you');
    await checkPage(third.page, third.violations, 'mfa-totp');
    await third.page.keyboard.type(totp(secret, server.clock.now()));
    await pressAndWait(third.page);
    assertAtCallback(third.page, again.state);
  });

  it('A30: a form posted with a stale CSRF token (over an hour old) gets the 403 page, in the page\'s language; going back gives a form that works', async () => {
    const { page, violations } = await open();
    const { query, state } = authorizeQuery(shop, { lang: 'fr' });
    await page.goto(`${server.url}/oauth2/authorize?${query}`);
    await focusSettled(page, 'f-username');
    server.clock.advance(3601_000);
    await typeAndTab(page, 'carl', PASSWORD);
    const refused = await pressAndWait(page);
    assert.equal(refused?.status(), 403);
    assert.match((await page.textContent('main')) ?? '', /Ce formulaire a expiré/);
    await checkPage(page, violations, 'csrf-stale-403', 'fr');
    await page.goBack();
    assert.match(page.url(), /\/login\?/);
    await focusSettled(page, 'f-username');
    // The browser may have kept what was typed: select it and type over it.
    await page.keyboard.press('Control+A');
    await typeAndTab(page, 'carl', PASSWORD);
    await pressAndWait(page);
    assertAtCallback(page, state);
  });
});

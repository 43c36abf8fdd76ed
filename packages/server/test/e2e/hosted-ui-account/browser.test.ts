/**
 * The sign-up pages in headless Chromium, over HTTPS on the pool's own domain (TLS development
 * mode, the browser trusting its CA): /login → "Sign up" → a refused weak password → the form
 * filled → the emailed code → the client's callback with a code. Screenshots of each page go to
 * test-artifacts/hosted-ui-account/. Skipped (with a warning) where Chromium or certutil is missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolDomainCommand, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { browserSkip, launchBrowser, saveScreenshot, type TestBrowser } from '../../support/browser.js';
import { CALLBACK, PASSWORD, authorizeQuery, oauthApp, type OAuthApp } from '../hosted-ui/support.js';

const SUITE = 'hosted-ui-account';

describe('hosted sign-up in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let smtp: SmtpReceiver;
  let app: OAuthApp;
  let authority: string;
  let chrome: TestBrowser;

  before(async () => {
    smtp = await startSmtpReceiver();
    server = await startTestServer('sqlite', { tlsDev: true, smtpHost: smtp.host, smtpPort: smtp.port, smtpFrom: 'auth@app.example.com' });
    app = await oauthApp(
      server,
      { AutoVerifiedAttributes: ['email'], Schema: [{ Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true }, { Name: 'team', AttributeDataType: 'String', Mutable: true }] },
      { WriteAttributes: ['email', 'given_name', 'custom:team'] },
    );
    await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: app.poolId, Domain: 'signup-shop' }));
    authority = (await server.admin.send(new DescribeUserPoolDomainCommand({ Domain: 'signup-shop' }))).DomainDescription!.CloudFrontDistribution!;
    chrome = await launchBrowser({ trustCa: server.running.tls!.caCertPath!, context: { locale: 'en-GB' } });
  });
  after(async () => {
    await chrome?.close();
    await server?.stop();
    await smtp?.close();
  });

  it('signs up through the pages on the pool domain, confirms with the emailed code and lands on the callback with a code', async () => {
    const page = await chrome.newPage();
    // The app's callback: answered here, as the app would.
    let landed: URL | undefined;
    await page.route(`${new URL(CALLBACK).origin}/**`, async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>App</title><p>Signed in</p>' });
    });
    const { query, state } = authorizeQuery(app);
    await page.goto(`https://${authority}/oauth2/authorize?${query}`);
    assert.match(page.url(), /\/login\?/);
    await page.getByRole('link', { name: 'Sign up' }).click();
    assert.match(page.url(), /\/signup\?/);
    assert.equal(await page.locator('h1').textContent(), 'Sign up with a new account');
    await saveScreenshot(page, SUITE, '1-signup');

    await page.getByLabel('Username').fill('zoe');
    await page.getByLabel('Password', { exact: true }).fill('weak');
    await page.getByLabel('Email (optional)').fill('zoe@example.com');
    await page.getByLabel('Given name').fill('Zoe');
    await page.getByLabel('team (optional)').fill('green');
    await page.getByRole('button', { name: 'Sign up' }).click();
    assert.match(await page.locator('[role=alert]').textContent() ?? '', /The password does not meet the requirements\./);
    assert.equal(await page.getByLabel('Email (optional)').inputValue(), 'zoe@example.com', 'what was typed is kept');
    await saveScreenshot(page, SUITE, '2-signup-error');

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Confirm your account');
    await saveScreenshot(page, SUITE, '3-confirm');

    const mail = await smtp.waitFor((m) => m.to.includes('zoe@example.com'));
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Confirm account' }).click();
    await page.waitForURL((url) => url.origin === new URL(CALLBACK).origin);
    assert.ok(landed);
    assert.equal(landed.searchParams.get('state'), state);
    assert.match(landed.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{20,}$/);
    await saveScreenshot(page, SUITE, '4-callback');
    const cookies = await chrome.context.cookies(`https://${authority}`);
    assert.ok(cookies.some((c) => c.name.startsWith('__Host-') && c.secure && c.httpOnly), 'the hosted session cookie is __Host-, Secure, HttpOnly');
  });
});

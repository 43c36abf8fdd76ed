/**
 * Choice-based sign-in on the hosted pages in headless Chromium (playwright-core, Debian's
 * /usr/bin/chromium) over the development TLS mode, on the pool's prefix domain
 * (https://<prefix>.auth.us-east-1.localhost:<port>, the RP ID), with a virtual authenticator
 * (Chrome DevTools Protocol `WebAuthn.addVirtualAuthenticator`): passkeys are registered through
 * the API (StartWebAuthnRegistration, `navigator.credentials.create`, CompleteWebAuthnRegistration),
 * then a person signs in on the pages: the username, the choice of factor, and the passkey page,
 * whose script calls `navigator.credentials.get` and posts the assertion; or an email code read
 * from a real SMTP receiver. The token endpoint's ID token says how (amr). The passkey page runs
 * its one script under its own CSP (no violation reported), and an assertion made with another
 * user's passkey is refused.
 */
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolDomainCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, focusOrder, focusedId, launchBrowser, saveScreenshot, textContrasts, unlabelledInputs, type TestBrowser } from '../../support/browser.js';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { mailCodes } from '../user-auth/support.js';
import { PASSWORD, authorizeQuery, newUser, oauthApp, type OAuthApp } from '../hosted-ui/support.js';

const SUITE = 'hosted-ui-passwordless';
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

for (const kind of databaseKinds) {
  describe(`hosted choice-based sign-in in Chromium with a virtual authenticator (${kind})`, { skip: browserSkip }, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let mailCode: (to: string) => Promise<string>;
    let app: OAuthApp;
    let browser: TestBrowser;
    let page: Page;
    let origin: string;
    const passkeys: Record<string, string> = {};
    let callbackServer: Server;
    /** The app's callback: a small server on localhost (Cognito allows http only there), so nothing leaves the machine. */
    let CALLBACK: string;
    const cspViolations: string[] = [];

    /** A passkey for `username`, made by Chromium and registered through the API. */
    async function registerPasskey(username: string): Promise<string> {
      const auth = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: app.poolId, ClientId: app.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
      const accessToken = auth.AuthenticationResult!.AccessToken!;
      const { CredentialCreationOptions } = await server.anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
      const created = (await page.evaluate(async (o) => {
        const P = PublicKeyCredential as unknown as { parseCreationOptionsFromJSON(o: unknown): PublicKeyCredentialCreationOptions };
        const cred = (await navigator.credentials.create({ publicKey: P.parseCreationOptionsFromJSON(o) })) as PublicKeyCredential & { toJSON(): unknown };
        return cred.toJSON();
      }, CredentialCreationOptions as unknown)) as { id: string };
      await server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: created as never }));
      return created.id;
    }

    /** The authorization code at the app's callback, redeemed at the token endpoint as the app's server would: the ID token's claims. */
    async function redeem(callbackUrl: string, verifier: string): Promise<Record<string, unknown>> {
      const code = new URL(callbackUrl).searchParams.get('code');
      assert.ok(code, `a code at the callback: ${callbackUrl}`);
      const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, code, redirect_uri: CALLBACK, code_verifier: verifier }).toString();
      const json = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/oauth2/token`, { method: 'POST', agent: server.tls!.agent, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(body);
      });
      const tokens = JSON.parse(json) as { id_token?: string };
      assert.ok(tokens.id_token, json);
      return claimsOf(tokens.id_token);
    }

    /** Opens the sign-in for the app and enters `username`: the choice page. */
    async function toChoice(username: string): Promise<{ verifier: string }> {
      // A browser without the hosted session of an earlier test (which would answer at once: SSO).
      await page.context().clearCookies();
      const { query, verifier } = authorizeQuery(app, { redirect_uri: CALLBACK });
      await page.goto(`${origin}/oauth2/authorize?${query}`);
      await page.fill('#f-username', username);
      await Promise.all([page.waitForURL(/\/login\?/), page.click('button[type=submit]')]);
      await page.waitForSelector('input[name=factor]');
      return { verifier };
    }

    before(async () => {
      callbackServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback reached'));
      await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
      CALLBACK = `http://localhost:${(callbackServer.address() as AddressInfo).port}/cb`;
      smtp = await startSmtpReceiver();
      server = await startTestServer(kind, { tlsDev: true, smtpHost: smtp.host, smtpPort: smtp.port });
      mailCode = mailCodes(smtp);
      app = await oauthApp(
        server,
        { PoolName: 'Passkey Shop', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'] } } },
        { ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], CallbackURLs: [CALLBACK] },
      );
      const prefix = `hosted-pl-${kind}`;
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: app.poolId, Domain: prefix, ManagedLoginVersion: 2 }));
      origin = `https://${prefix}.auth.us-east-1.localhost:${new URL(server.url).port}`;
      await newUser(server, app.poolId, 'pia', { attributes: { email: 'pia@example.com', email_verified: 'true' } });
      await newUser(server, app.poolId, 'pete', { attributes: { email: 'pete@example.com', email_verified: 'true' } });
      await newUser(server, app.poolId, 'pam', { attributes: { email: 'pam@example.com', email_verified: 'true' } });
      browser = await launchBrowser({ trustCa: server.running.tls!.caCertPath!, hosts: ['localhost'] });
      page = await browser.newPage();
      page.on('console', (m) => {
        if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
      await page.goto(`${origin}/error`);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      passkeys.pia = await registerPasskey('pia');
      passkeys.pete = await registerPasskey('pete');
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await smtp?.close();
      await new Promise((resolve) => callbackServer?.close(resolve));
    });

    it('passkey: the username, the choice (passkey first), the passkey page whose script gets the assertion from the authenticator and posts it; signed in at the callback with amr ["hwk"], and no CSP violation', async () => {
      const { verifier } = await toChoice('pia');
      const offered = await page.$$eval('input[name=factor]', (xs) => xs.map((x) => (x as HTMLInputElement).value));
      assert.deepEqual(offered, ['WEB_AUTHN', 'EMAIL_OTP', 'PASSWORD']);
      await saveScreenshot(page, SUITE, `${kind}-choice`);
      await page.check('input[value=WEB_AUTHN]');
      const [passkeyPage] = await Promise.all([page.waitForResponse((r) => r.url().includes('/login?') && r.request().method() === 'POST'), page.click('button[type=submit]')]);
      const csp = (await passkeyPage.allHeaders())['content-security-policy']!;
      assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|connect-src/);
      assert.match(csp, /default-src 'none'/);
      await page.waitForSelector('#passkey-options', { state: 'attached' });
      await saveScreenshot(page, SUITE, `${kind}-passkey`);
      assert.deepEqual(await unlabelledInputs(page), []);
      assert.deepEqual((await textContrasts(page)).filter((c) => c.ratio < 4.5), [], 'text contrast of at least 4.5:1');
      assert.equal(await page.$$eval('h1', (h) => h.length), 1);
      await Promise.all([page.waitForURL(`${CALLBACK}**`), page.click('button[type=submit]')]);
      const claims = await redeem(page.url(), verifier);
      assert.equal(claims['cognito:username'], 'pia');
      assert.deepEqual(claims.amr, ['hwk']);
      assert.deepEqual(cspViolations, []);
    });

    it('EMAIL_OTP in the browser, with the keyboard only: the username (autofocus, Enter), the choice (arrow key, Enter), the code from the SMTP receiver (autofocus, Enter) signs in, amr ["otp"]; Tab follows the DOM order on each page', async () => {
      await page.context().clearCookies();
      const { query, verifier } = authorizeQuery(app, { redirect_uri: CALLBACK });
      await page.goto(`${origin}/oauth2/authorize?${query}`);
      assert.equal(await focusedId(page, 'f-username'), 'f-username');
      await page.keyboard.type('pete');
      await Promise.all([page.waitForSelector('input[name=factor]'), page.keyboard.press('Enter')]);
      const choiceOrder = await focusOrder(page);
      assert.deepEqual(choiceOrder.tabbed, choiceOrder.dom);
      assert.equal(await focusedId(page, 'c-factor-0'), 'c-factor-0', 'the first factor (passkey) has focus');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.$eval('input[name=factor]:checked', (x) => (x as HTMLInputElement).value), 'EMAIL_OTP');
      await Promise.all([page.waitForSelector('#f-code'), page.keyboard.press('Enter')]);
      const codeOrder = await focusOrder(page);
      assert.deepEqual(codeOrder.tabbed, codeOrder.dom);
      assert.equal(await focusedId(page, 'f-code'), 'f-code');
      await page.keyboard.type(await mailCode('pete@example.com'));
      await saveScreenshot(page, SUITE, `${kind}-email-code`);
      await Promise.all([page.waitForURL(`${CALLBACK}**`), page.keyboard.press('Enter')]);
      const claims = await redeem(page.url(), verifier);
      assert.equal(claims['cognito:username'], 'pete');
      assert.deepEqual(claims.amr, ['otp']);
    });

    it('/passkeys/add (managed login): refused without a hosted session and for a redirect URI not registered; signed in (email code), Pam adds a passkey made by the authenticator, lands on the callback, and signs in with it next time (amr ["hwk"])', async () => {
      const addUrl = (redirectUri: string) => `${origin}/passkeys/add?${new URLSearchParams({ client_id: app.clientId, redirect_uri: redirectUri })}`;
      await page.context().clearCookies();
      const anonymous = await page.goto(addUrl(CALLBACK));
      assert.equal(anonymous!.status(), 403);
      assert.match(await page.textContent('main') ?? '', /Sign in first/);

      // Signed in with an email code, then the app sends the person to add a passkey.
      const { verifier } = await toChoice('pam');
      assert.deepEqual(await page.$$eval('input[name=factor]', (xs) => xs.map((x) => (x as HTMLInputElement).value)), ['EMAIL_OTP', 'PASSWORD'], 'no passkey yet');
      await page.check('input[value=EMAIL_OTP]');
      await Promise.all([page.waitForSelector('#f-code'), page.click('button[type=submit]')]);
      await page.fill('#f-code', await mailCode('pam@example.com'));
      await Promise.all([page.waitForURL(`${CALLBACK}**`), page.click('form button[type=submit] >> nth=0')]);
      await redeem(page.url(), verifier);
      const foreign = await page.goto(addUrl('https://evil.example.com/cb'));
      assert.equal(foreign!.status(), 400, 'only a registered callback');
      const shown = await page.goto(addUrl(CALLBACK));
      assert.equal(shown!.status(), 200);
      assert.match((await shown!.allHeaders())['content-security-policy']!, /script-src 'sha256-/);
      await saveScreenshot(page, SUITE, `${kind}-passkey-add`);
      await Promise.all([page.waitForURL(`${CALLBACK}**`), page.click('button[type=submit]')]);
      const auth = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: app.poolId, ClientId: app.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'pam', PASSWORD } }));
      const listed = (await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: auth.AuthenticationResult!.AccessToken! }))).Credentials!;
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.RelyingPartyId, new URL(origin).hostname);

      const next = await toChoice('pam');
      await page.check('input[value=WEB_AUTHN]');
      await Promise.all([page.waitForSelector('#passkey-options', { state: 'attached' }), page.click('button[type=submit]')]);
      await Promise.all([page.waitForURL(`${CALLBACK}**`), page.click('button[type=submit]')]);
      const claims = await redeem(page.url(), next.verifier);
      assert.equal(claims['cognito:username'], 'pam');
      assert.deepEqual(claims.amr, ['hwk']);
      assert.deepEqual(cspViolations, []);
    });

    it('the passkey page without its script (the form posted with no credential) is shown again with a message and nothing spent: the button then signs in; a name that matches no one, offered a passkey by the decoy list, gets a passkey page too, where the browser finds no passkey (the script says so and posts nothing)', async () => {
      const { verifier } = await toChoice('pia');
      await page.check('input[value=WEB_AUTHN]');
      await Promise.all([page.waitForSelector('#passkey-options', { state: 'attached' }), page.click('button[type=submit]')]);
      const [again] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/login?') && r.request().method() === 'POST'),
        page.evaluate(() => document.getElementById('passkey-options')!.closest('form')!.submit()),
      ]);
      assert.equal(again.status(), 400);
      await page.waitForSelector('#passkey-options', { state: 'attached' });
      assert.match(await page.textContent('[role=alert]') ?? '', /JavaScript and WebAuthn/);
      await Promise.all([page.waitForURL(`${CALLBACK}**`), page.click('button[type=submit]')]);
      assert.deepEqual((await redeem(page.url(), verifier)).amr, ['hwk']);

      // Names that match no one until one's decoy list offers a passkey (about one in three).
      let offeredPasskey = false;
      for (let i = 0; i < 12 && !offeredPasskey; i++) {
        await toChoice(`ghost-${i}`);
        offeredPasskey = (await page.$('input[value=WEB_AUTHN]')) !== null;
      }
      assert.ok(offeredPasskey, 'some name that matches no one is offered a passkey');
      await page.check('input[value=WEB_AUTHN]');
      await Promise.all([page.waitForSelector('#passkey-options', { state: 'attached' }), page.click('button[type=submit]')]);
      const before = page.url();
      await page.click('button[type=submit]');
      await page.waitForFunction(() => (document.getElementById('passkey-status')?.textContent ?? '') !== '', undefined, { timeout: 10_000 });
      assert.match(await page.textContent('#passkey-status') ?? '', /passkey was not used/);
      assert.equal(page.url(), before, 'nothing was posted');
    });

    it("an assertion made with another user's passkey (Pete's, over Pia's challenge) is refused: back to the sign-in with an error, no code at the callback", async () => {
      await toChoice('pia');
      await page.check('input[value=WEB_AUTHN]');
      await Promise.all([page.waitForSelector('#passkey-options', { state: 'attached' }), page.click('button[type=submit]')]);
      const [answered] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/login?') && r.request().method() === 'POST'),
        page.evaluate(async (peteId) => {
          const holder = document.getElementById('passkey-options')!;
          const o = JSON.parse(holder.getAttribute('data-options')!) as Record<string, unknown>;
          const P = PublicKeyCredential as unknown as { parseRequestOptionsFromJSON(o: unknown): PublicKeyCredentialRequestOptions };
          const cred = (await navigator.credentials.get({ publicKey: P.parseRequestOptionsFromJSON({ ...o, allowCredentials: [{ type: 'public-key', id: peteId }] }) })) as PublicKeyCredential & { toJSON(): unknown };
          const form = holder.closest('form')!;
          (form.elements.namedItem('credential') as HTMLInputElement).value = JSON.stringify(cred.toJSON());
          form.submit();
        }, passkeys.pete!),
      ]);
      assert.equal(answered.status(), 400);
      await page.waitForLoadState();
      assert.ok(!page.url().startsWith(CALLBACK));
      assert.match(await page.textContent('[role=alert]') ?? '', /Incorrect username or password/);
      assert.ok(await page.$('#f-username'), 'back at the username form');
    });
  });
}

/**
 * Amplify JS v6's hosted-UI sign-in in headless Chromium, against the TLS development mode on a
 * prefix domain — what an app using `signInWithRedirect` does, unchanged: the app page
 * (http://localhost:<port>, Amplify bundled by esbuild) calls signInWithRedirect → Chromium goes to
 * https://<prefix>.auth.us-east-1.localhost:<port>/oauth2/authorize (PKCE S256) → the /login page,
 * where the test types the user's name and password with the keyboard only → back to the app with a code, which Amplify's
 * OAuth listener exchanges at /oauth2/token → fetchAuthSession gives tokens (verified with
 * aws-jwt-verify) → signOut revokes the refresh token and goes through /logout back to the app,
 * and the next signInWithRedirect asks for the password again (the hosted session ended).
 *
 * The browser trusts the development CA (test/support/browser.ts); nothing ignores certificate
 * errors. Screenshots of each step go to test-artifacts/hosted-ui-amplify/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { fetchWith } from '../../support/tls.js';
import { browserSkip, launchBrowser, saveScreenshot, type TestBrowser } from '../../support/browser.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'Corr3ct-Horse!';

/** Amplify and the page script as one browser bundle. */
async function bundleApp(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(here, 'app', 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return out.outputFiles[0]!.text;
}

/** The app: every path is the same page (Amplify reads the redirect's ?code= on load), and /app.js. */
async function startApp(script: string, config: () => unknown): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    if (req.url === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>Amplify app</title></head><body><h1>Amplify app</h1>
<script>globalThis.CONFIG = ${JSON.stringify(config())};</script><script type="module" src="/app.js"></script></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

interface Session {
  idToken?: string;
  accessToken?: string;
  userSub?: string;
}

const appReady = (page: Page) => page.waitForFunction(() => typeof (globalThis as { app?: unknown }).app === 'object');
const session = (page: Page) => page.evaluate(() => (globalThis as unknown as { app: { session(): Promise<Session> } }).app.session());
const events = (page: Page) => page.evaluate(() => (globalThis as unknown as { events: string[] }).events);
/** Starts an Amplify call that navigates away (its promise never settles on this page). */
const navigateWith = (page: Page, fn: 'signInWithRedirect' | 'signOut') =>
  page.evaluate((name) => {
    void (globalThis as unknown as { app: Record<string, () => Promise<unknown>> }).app[name]!();
  }, fn);

let script: string;
if (!browserSkip) script = await bundleApp();

for (const kind of databaseKinds) {
  describe(`Amplify v6 signInWithRedirect in Chromium over the TLS development mode (${kind})`, { skip: browserSkip }, () => {
    let server: TestServer;
    let app: { server: Server; origin: string };
    let browser: TestBrowser;
    let poolId: string;
    let clientId: string;
    let domain: string;
    const username = 'amplify-redirect-user';

    before(async () => {
      server = await startTestServer(kind, { tlsDev: true });
      app = await startApp(script, () => ({
        Auth: {
          Cognito: {
            userPoolId: poolId,
            userPoolClientId: clientId,
            userPoolEndpoint: server.url,
            loginWith: { oauth: { domain, scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'], redirectSignIn: [`${app.origin}/`], redirectSignOut: [`${app.origin}/signed-out`], responseType: 'code' } },
          },
        },
      }));
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'amplify-redirect' }))).UserPool!.Id!;
      clientId = (
        await server.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'spa',
            ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['code'],
            AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
            CallbackURLs: [`${app.origin}/`],
            LogoutURLs: [`${app.origin}/signed-out`],
            SupportedIdentityProviders: ['COGNITO'],
          }),
        )
      ).UserPoolClient!.ClientId!;
      // CloudFrontDomain is host:port, exactly what Amplify's oauth.domain takes.
      domain = (await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `amplify-${kind}` }))).CloudFrontDomain!;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'amplify@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
      browser = await launchBrowser({ trustCa: server.running.tls!.caCertPath! });
    });
    after(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => (app?.server ? app.server.close(() => resolve()) : resolve()));
      await server?.stop();
    });

    it('signInWithRedirect → hosted /login → fetchAuthSession → signOut through /logout', async () => {
      const page = await browser.newPage();
      const shot = (name: string) => saveScreenshot(page, `hosted-ui-amplify-${kind}`, name);
      const oauthRequests: URL[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith('/oauth2/') || u.pathname === '/logout') oauthRequests.push(u);
      });
      await page.goto(`${app.origin}/`);
      await appReady(page);

      // signInWithRedirect: to the prefix domain's /oauth2/authorize over TLS, which shows /login.
      await navigateWith(page, 'signInWithRedirect');
      await page.waitForURL((u) => u.host === domain && u.pathname === '/login');
      const authorize = oauthRequests.find((u) => u.pathname === '/oauth2/authorize');
      assert.equal(authorize?.origin, `https://${domain}`);
      assert.equal(authorize?.searchParams.get('response_type'), 'code');
      assert.equal(authorize?.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(authorize?.searchParams.get('redirect_uri'), `${app.origin}/`);
      await shot('1-login');
      // Keyboard only, as a person without a mouse: the name field has the focus, Tab moves on in order.
      const focused = () => page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { tagName: string; getAttribute(n: string): string | null } | null } }).document.activeElement;
        return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('name') ?? el.getAttribute('type') ?? ''}` : '';
      });
      assert.equal(await focused(), 'input:username');
      await page.keyboard.type(username);
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'input:password');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'button:submit');
      await page.keyboard.press('Enter');

      // Back on the app with a code; Amplify's listener exchanges it at /oauth2/token.
      await page.waitForURL((u) => u.origin === app.origin);
      await page.waitForFunction(() => (globalThis as unknown as { events?: string[] }).events?.includes('signedIn'), undefined, { timeout: 15_000 });
      assert.ok((await events(page)).includes('signInWithRedirect'));
      assert.ok(oauthRequests.some((u) => u.href === `https://${domain}/oauth2/token`), 'the code is exchanged on the domain over TLS');
      await shot('2-signed-in');
      // Under TLS the hosted session's cookie is a __Host- cookie: Secure, HttpOnly, SameSite=Lax, host-only.
      const [cookie, ...others] = await browser.context.cookies(`https://${domain}/`);
      assert.equal(others.length, 0);
      assert.equal(cookie?.name.startsWith('__Host-'), true, cookie?.name);
      assert.deepEqual([cookie?.secure, cookie?.httpOnly, cookie?.sameSite, cookie?.path, cookie?.domain], [true, true, 'Lax', '/', domain.split(':')[0]]);

      const tokens = await session(page);
      assert.ok(tokens.idToken && tokens.accessToken, 'fetchAuthSession gives tokens');
      const jwks = await (await fetchWith(server.tls!.agent)(`${server.url}/${poolId}/.well-known/jwks.json`)).json();
      const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
      idVerifier.cacheJwks(jwks as never);
      const id = await idVerifier.verify(tokens.idToken);
      assert.equal(id['cognito:username'], username);
      assert.equal(id.email, 'amplify@example.com');
      assert.equal(id.sub, tokens.userSub);
      const accessVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId, scope: 'aws.cognito.signin.user.admin' });
      accessVerifier.cacheJwks(jwks as never);
      const access = await accessVerifier.verify(tokens.accessToken);
      assert.equal(access.username, username);
      const current = (await page.evaluate(() => (globalThis as unknown as { app: { currentUser(): Promise<{ username: string }> } }).app.currentUser())) as { username: string };
      assert.equal(current.username, username);
      const refreshToken = await page.evaluate((key) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(key), `CognitoIdentityServiceProvider.${clientId}.${username}.refreshToken`);
      assert.ok(refreshToken, 'Amplify keeps the refresh token from the code exchange');

      // signOut: RevokeToken on the API, then the domain's /logout, back to the app's sign-out URL.
      await navigateWith(page, 'signOut');
      await page.waitForURL((u) => u.origin === app.origin && u.pathname === '/signed-out');
      const logout = oauthRequests.find((u) => u.pathname === '/logout');
      assert.equal(logout?.origin, `https://${domain}`);
      assert.equal(logout?.searchParams.get('logout_uri'), `${app.origin}/signed-out`);
      await appReady(page);
      await shot('3-signed-out');
      assert.deepEqual(await browser.context.cookies(`https://${domain}/`), [], '/logout clears the session cookie');
      assert.deepEqual(await session(page), { idToken: undefined, accessToken: undefined, userSub: undefined });
      const revoked = await failure(() => server.anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } })));
      assert.equal(revoked.name, 'NotAuthorizedException');

      // The hosted session ended with /logout: signing in again asks for the password.
      await navigateWith(page, 'signInWithRedirect');
      await page.waitForURL((u) => u.host === domain && u.pathname === '/login');
      await shot('4-login-again');
    });
  });
}

/**
 * Federated sign-in in headless Chromium, the whole round trip as an app does it: an Amplify v6
 * page (bundled by esbuild) calls `signInWithRedirect({ provider: { custom: 'MyOIDC' } })` → the
 * pool's prefix domain over TLS (/oauth2/authorize?identity_provider=MyOIDC) → a real OpenID
 * Provider (`oidc-provider`, standing in for Auth0), whose login and consent pages the test fills
 * in → /oauth2/idpresponse → back to the app, whose OAuth listener redeems the code → tokens for
 * `MyOIDC_<sub>` (verified with aws-jwt-verify). The same with `{ provider: 'Google' }` against the
 * Google stand-in, and `idp_identifier` leading to the OpenID Provider.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { AdminGetUserCommand, CreateIdentityProviderCommand, DescribeIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { fetchWith } from '../../support/tls.js';
import { browserSkip, focusOrder, launchBrowser, saveScreenshot, textContrasts, unlabelledInputs, type TestBrowser } from '../../support/browser.js';
import { startOpenIdProvider, type OpenIdProvider } from './openid-provider.js';
import { GOOGLE, startStandIns, type StandIns } from './stand-ins.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OP_CLIENT = { id: 'cognate-user-pool', secret: 'op-client-secret-0123456789abcdef' };

async function bundleApp(): Promise<string> {
  const out = await build({ entryPoints: [path.join(here, 'app', 'main.ts')], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'chrome120', logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' } });
  return out.outputFiles[0]!.text;
}

/** The app: every path is the same page (Amplify reads the redirect's ?code= on load), and /app.js. */
async function startApp(script: string, config: () => unknown): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (req.url === '/favicon.ico') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><meta charset="utf-8"><title>App</title></head><body><h1>App</h1>
<script>globalThis.CONFIG = ${JSON.stringify(config())};</script><script type="module" src="/app.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

interface Session {
  idToken?: string;
  userSub?: string;
}
const appReady = (page: Page) => page.waitForFunction(() => typeof (globalThis as { app?: unknown }).app === 'object');
const session = (page: Page) => page.evaluate(() => (globalThis as unknown as { app: { session(): Promise<Session> } }).app.session());
const signedIn = (page: Page) => page.waitForFunction(() => (globalThis as unknown as { events?: string[] }).events?.includes('signedIn'), undefined, { timeout: 20_000 });
const startSignIn = (page: Page, provider: unknown) =>
  page.evaluate((p) => {
    void (globalThis as unknown as { app: { signInWithRedirect(p: unknown): Promise<unknown> } }).app.signInWithRedirect(p);
  }, provider);

let script: string;
if (!browserSkip) script = await bundleApp();

for (const kind of databaseKinds) {
  describe(`federated sign-in with Amplify signInWithRedirect in Chromium (${kind})`, { skip: browserSkip }, () => {
    let server: TestServer;
    let op: OpenIdProvider;
    let idps: StandIns;
    let app: { server: Server; origin: string };
    let browser: TestBrowser;
    let poolId: string;
    let clientId: string;
    let domain: string;
    let jwks: unknown;

    const verifiedIdToken = async (page: Page) => {
      const tokens = await session(page);
      assert.ok(tokens.idToken, 'fetchAuthSession gives tokens');
      const verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
      verifier.cacheJwks(jwks as never);
      return verifier.verify(tokens.idToken);
    };

    before(async () => {
      idps = await startStandIns();
      server = await startTestServer(kind, { tlsDev: true, socialEndpoints: idps.socialEndpoints });
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'federated' }))).UserPool!.Id!;
      domain = (await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `federated-${kind}` }))).CloudFrontDomain!;
      op = await startOpenIdProvider([
        { client_id: OP_CLIENT.id, client_secret: OP_CLIENT.secret, redirect_uris: [`https://${domain}/oauth2/idpresponse`], token_endpoint_auth_method: 'client_secret_post' },
        { client_id: `${OP_CLIENT.id}-post`, client_secret: OP_CLIENT.secret, redirect_uris: [`https://${domain}/oauth2/idpresponse`], token_endpoint_auth_method: 'client_secret_post' },
      ]);
      await server.admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'MyOIDC',
          ProviderType: 'OIDC',
          ProviderDetails: { client_id: OP_CLIENT.id, client_secret: OP_CLIENT.secret, attributes_request_method: 'GET', oidc_issuer: op.issuer, authorize_scopes: 'openid email profile' },
          AttributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name' },
          IdpIdentifiers: ['auth0.example'],
        }),
      );
      await server.admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'MyOIDCPost',
          ProviderType: 'OIDC',
          ProviderDetails: { client_id: `${OP_CLIENT.id}-post`, client_secret: OP_CLIENT.secret, attributes_request_method: 'POST', oidc_issuer: op.issuer, authorize_scopes: 'openid email' },
          AttributeMapping: { email: 'email' },
        }),
      );
      await server.admin.send(
        new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: GOOGLE.clientId, client_secret: GOOGLE.clientSecret, authorize_scopes: 'openid email profile' }, AttributeMapping: { email: 'email', name: 'name' } }),
      );
      app = await startApp(script, () => ({
        Auth: {
          Cognito: {
            userPoolId: poolId,
            userPoolClientId: clientId,
            userPoolEndpoint: server.url,
            loginWith: { oauth: { domain, scopes: ['openid', 'email', 'profile'], redirectSignIn: [`${app.origin}/`], redirectSignOut: [`${app.origin}/signed-out`], responseType: 'code' } },
          },
        },
      }));
      clientId = (
        await server.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'spa',
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['code'],
            AllowedOAuthScopes: ['openid', 'email', 'profile'],
            CallbackURLs: [`${app.origin}/`],
            LogoutURLs: [`${app.origin}/signed-out`],
            SupportedIdentityProviders: ['COGNITO', 'MyOIDC', 'MyOIDCPost', 'Google'],
          }),
        )
      ).UserPoolClient!.ClientId!;
      jwks = await (await fetchWith(server.tls!.agent)(`${server.url}/${poolId}/.well-known/jwks.json`)).json();
      browser = await launchBrowser({ trustCa: server.running.tls!.caCertPath! });
    });
    after(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => (app?.server ? app.server.close(() => resolve()) : resolve()));
      await server?.stop();
      await op?.close();
      await idps?.close();
    });

    it("signInWithRedirect({ provider: { custom: 'MyOIDC' } }) → the OpenID Provider's login and consent → idpresponse → Amplify's tokens for MyOIDC_<sub>", async () => {
      const page = await browser.newPage();
      const shot = (name: string) => saveScreenshot(page, `federation-oidc-${kind}`, name);
      await page.goto(`${app.origin}/`);
      await appReady(page);
      await startSignIn(page, { custom: 'MyOIDC' });
      await page.waitForURL((u) => u.origin === op.issuer && u.pathname.startsWith('/interaction/'));
      await shot('1-op-login');
      await page.fill('input[name="login"]', 'alice');
      await page.fill('input[name="password"]', 'anything');
      await page.click('button[type="submit"]');
      await page.waitForSelector('text=Continue');
      await page.click('button[type="submit"]');
      await page.waitForURL((u) => u.origin === app.origin);
      await signedIn(page);
      await shot('2-signed-in');
      const id = await verifiedIdToken(page);
      assert.equal(id['cognito:username'], 'MyOIDC_alice');
      assert.equal(id.email, 'alice@auth0.example');
      assert.equal(id.name, 'Person alice');
      const identities = id.identities as unknown as { providerName: string; providerType: string; userId: string }[];
      assert.deepEqual(identities.map((i) => [i.providerName, i.providerType, i.userId]), [['MyOIDC', 'OIDC', 'alice']]);
      // Created with oidc_issuer only: DescribeIdentityProvider shows the endpoints of its discovery document, as Cognito does.
      const described = (await server.admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'MyOIDC' }))).IdentityProvider!.ProviderDetails!;
      assert.deepEqual([described.authorize_url, described.token_url, described.attributes_url, described.jwks_uri], [`${op.issuer}/auth`, `${op.issuer}/token`, `${op.issuer}/me`, `${op.issuer}/jwks`]);
      await page.close();
    });

    it("signInWithRedirect({ provider: 'Google' }) → the Google stand-in → Amplify's tokens for Google_<sub>", async () => {
      const page = await browser.newPage();
      await page.goto(`${app.origin}/`);
      // The first test's Amplify session (same browser profile) is forgotten: Amplify refuses a second sign-in.
      await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
      await page.reload();
      await appReady(page);
      const visited: string[] = [];
      page.on('request', (r) => visited.push(r.url()));
      await startSignIn(page, 'Google');
      await signedIn(page).catch((err: Error) => assert.fail(`${err.message}; visited ${visited.join(' → ')}`));
      assert.ok(visited.some((u) => u.startsWith(`https://${domain}/oauth2/idpresponse?`)), visited.join(' → '));
      const id = await verifiedIdToken(page);
      assert.equal(id['cognito:username'], `Google_${GOOGLE.sub}`);
      assert.equal(id.email, GOOGLE.email);
      await page.close();
    });

    it("attributes_request_method POST: the OpenID Provider's userinfo answers our POST, its email mapped", async () => {
      const page = await browser.newPage();
      const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: `${app.origin}/`, scope: 'openid email', identity_provider: 'MyOIDCPost', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      await page.goto(`https://${domain}/oauth2/authorize?${query}`);
      // The OpenID Provider knows alice from the first test; it asks her consent for this other client.
      if (new URL(page.url()).origin === op.issuer) {
        if (await page.locator('input[name="login"]').count()) {
          await page.fill('input[name="login"]', 'alice');
          await page.fill('input[name="password"]', 'anything');
          await page.click('button[type="submit"]');
          await page.waitForSelector('text=Continue');
        }
        await page.click('button[type="submit"]');
        await page.waitForURL((u) => u.origin === app.origin);
      }
      assert.ok(new URL(page.url()).searchParams.has('code'), page.url());
      const user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'MyOIDCPost_alice' }));
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'email')?.Value, 'alice@auth0.example');
      await page.close();
    });

    it('the sign-in page: a button per provider, in Tab order, legible, labelled; Enter on "Continue with Google" signs in through Google', async () => {
      const page = await browser.newPage();
      const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: `${app.origin}/`, scope: 'openid', prompt: 'login', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      await page.goto(`https://${domain}/oauth2/authorize?${query}`);
      assert.equal(new URL(page.url()).pathname, '/login');
      await saveScreenshot(page, `federation-oidc-${kind}`, '3-login-with-providers');
      assert.deepEqual(await page.locator('a.idpButton-customizable').allTextContents(), ['Continue with MyOIDC', 'Continue with MyOIDCPost', 'Continue with Google']);
      assert.equal(await page.locator('h1').count(), 1);
      assert.deepEqual(await unlabelledInputs(page), []);
      const { dom, tabbed } = await focusOrder(page);
      assert.deepEqual(tabbed, dom, 'Tab follows the DOM order');
      for (const { what, ratio } of await textContrasts(page)) assert.ok(ratio >= 4.5, `contrast ${ratio.toFixed(2)} < 4.5 for ${what}`);
      // Keyboard only: Tab to the Google button, Enter.
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent)) === 'Continue with Google') break;
      }
      await Promise.all([page.waitForURL((u) => u.origin === app.origin), page.keyboard.press('Enter')]);
      assert.ok(new URL(page.url()).searchParams.has('code'), page.url());
      await page.close();
    });

    it('idp_identifier leads to the provider that lists it, and back with a code', async () => {
      const page = await browser.newPage();
      const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: `${app.origin}/`, scope: 'openid', idp_identifier: 'auth0.example', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      const visited: string[] = [];
      page.on('request', (r) => visited.push(r.url()));
      await page.goto(`https://${domain}/oauth2/authorize?${query}`);
      // The OpenID Provider still has the first test's session, so it answers at once: through it, and back with a code.
      const atOp = visited.find((u) => u.startsWith(`${op.issuer}/auth?`));
      assert.ok(atOp, visited.join(' → '));
      assert.equal(new URL(atOp).searchParams.get('client_id'), OP_CLIENT.id);
      assert.ok(visited.some((u) => u.startsWith(`https://${domain}/oauth2/idpresponse?`)), visited.join(' → '));
      assert.ok(new URL(page.url()).searchParams.has('code'), page.url());
      await page.close();
    });
  });
}

/**
 * The hosted UI from a web app in headless Chromium: the client (bundled by esbuild from src/)
 * runs in a page on its own origin, `signInWithHostedUI()` redirects to the running Cognate's
 * /oauth2/authorize with the pending request in sessionStorage, and the page it comes back to calls
 * `handleAuthResponse()` — for a native user, and for a federated one through a real OpenID
 * Provider (`oidc-provider`, the server's federation suites' support). Also: the answer leaves the
 * address bar, a replayed answer is refused, the provider's access_denied comes back typed, and
 * `signOut({ invalidateTokens: true })` revokes, goes through /logout and ends the hosted session.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CreateIdentityProviderCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, type TestBrowser } from '../../server/test/support/browser.js';
import { startOpenIdProvider, type OpenIdProvider } from '../../server/test/e2e/federation-oidc/openid-provider.js';
import { hostedPool, nativeUser, refreshTokenWorks, signInOnPage, type HostedPool } from './hosted-ui-support.js';
import { startTestServer, type TestServer } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OP_CLIENT = { id: 'cognate-user-pool', secret: 'op-client-secret-0123456789abcdef' };

/** What the page knows after loading (set once handleAuthResponse has run). */
interface Loaded {
  initial: string;
  handled: { state?: string; error?: string; serviceCode?: string; message?: string };
  events: string[];
  pendingInSessionStorage: number;
}

const APP = `
import { MobileClient, LocalStorage } from '/client.js';
const client = new MobileClient({ storage: new LocalStorage() });
const events = [];
client.addUserStateListener((state, info) => events.push(state + ':' + info.reason));
const initial = await client.initialize(globalThis.CONFIG);
let handled;
try {
  handled = { state: await client.handleAuthResponse() };
} catch (e) {
  handled = { error: e.code, serviceCode: e.serviceCode, message: e.message };
}
globalThis.app = {
  loaded: () => ({ initial, handled, events, pendingInSessionStorage: Object.keys(sessionStorage).filter((k) => k.startsWith('cognate.hostedui.')).length }),
  signIn: (options) => void client.signInWithHostedUI(options),
  signOut: () => void client.signOut({ invalidateTokens: true }),
  tokens: async () => { const t = await client.getTokens(); return { username: t.idToken.claims['cognito:username'], refreshToken: t.refreshToken }; },
  credentials: async () => (await client.getAWSCredentials()).accessKeyId,
};
`;

describe('the hosted UI from a web app in Chromium (redirect, handleAuthResponse)', { skip: browserSkip }, () => {
  let server: TestServer;
  let op: OpenIdProvider;
  let pool: HostedPool;
  let app: Server;
  let origin: string;
  let browser: TestBrowser;
  let page: Page;

  const loaded = async (): Promise<Loaded> => {
    await page.waitForFunction(() => typeof (globalThis as { app?: unknown }).app === 'object');
    return page.evaluate(() => (globalThis as unknown as { app: { loaded(): Loaded } }).app.loaded());
  };
  const call = <T>(name: 'signIn' | 'signOut' | 'tokens' | 'credentials', arg?: unknown) =>
    page.evaluate(([n, a]) => (globalThis as unknown as { app: Record<string, (x: unknown) => unknown> }).app[n as string]!(a), [name, arg] as const) as Promise<T>;

  before(async () => {
    const bundle = (await build({ entryPoints: [path.join(here, '..', 'src', 'index.ts')], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'chrome120', logLevel: 'silent' })).outputFiles[0]!.text;
    server = await startTestServer('sqlite');
    app = createServer((req, res) => {
      if (req.url === '/client.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      if (req.url === '/favicon.ico') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><meta charset="utf-8"><title>App</title></head><body><h1>App</h1>
<script>globalThis.CONFIG = ${JSON.stringify(pool.config)};</script><script type="module">${APP}</script></body></html>`);
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    op = await startOpenIdProvider([{ client_id: OP_CLIENT.id, client_secret: OP_CLIENT.secret, redirect_uris: [`${server.url}/oauth2/idpresponse`], token_endpoint_auth_method: 'client_secret_post' }]);
    pool = await hostedPool(server, { callback: `${origin}/callback`, signOut: `${origin}/signed-out` }, { SupportedIdentityProviders: ['COGNITO', 'MyOIDC'] }, async (poolId) => {
      await server.admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'MyOIDC',
          ProviderType: 'OIDC',
          ProviderDetails: { client_id: OP_CLIENT.id, client_secret: OP_CLIENT.secret, attributes_request_method: 'GET', oidc_issuer: op.issuer, authorize_scopes: 'openid email profile' },
          AttributeMapping: { email: 'email' },
        }),
      );
    });
    await nativeUser(server, pool.poolId, 'alice');
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await server?.stop();
    await op?.close();
  });

  it('a native user: redirect → /login → back to the app, handled; the answer leaves the address bar, a replay is refused; signOut({ invalidateTokens }) revokes and ends the hosted session', async () => {
    await page.goto(`${origin}/`);
    assert.deepEqual((await loaded()).handled, { state: 'signedOut' });
    let answer = '';
    page.on('request', (r) => {
      if (r.url().startsWith(`${origin}/callback?`)) answer = r.url();
    });
    await call('signIn', {});
    await page.waitForURL((u) => `${u.origin}${u.pathname}` === `${server.url}/login`);
    await signInOnPage(page, 'alice');
    await page.waitForURL((u) => u.origin === origin && u.pathname === '/callback');
    const back = await loaded();
    assert.deepEqual(back.handled, { state: 'signedIn' }, JSON.stringify(back));
    assert.ok(back.events.includes('signedIn:signIn'), back.events.join());
    assert.equal(back.pendingInSessionStorage, 0, 'the pending request is spent');
    assert.equal(new URL(page.url()).search, '', 'code and state left the address bar');
    assert.match(answer, /[?&]code=/);
    const { username, refreshToken } = await call<{ username: string; refreshToken: string }>('tokens');
    assert.equal(username, 'alice');
    assert.match(await call<string>('credentials'), /^ASIA/);

    // The same answer again (a leaked URL, the back button): refused, still alice's session.
    await page.goto(answer);
    const replayed = await loaded();
    assert.equal(replayed.initial, 'signedIn');
    assert.equal(replayed.handled.error, 'hostedUIStateMismatch');

    await call('signOut');
    await page.waitForURL((u) => u.origin === origin && u.pathname === '/signed-out');
    assert.equal((await loaded()).initial, 'signedOut');
    assert.equal(await refreshTokenWorks(server, pool.clientId, refreshToken), false, 'the refresh token was revoked');
    // The hosted session ended too: a new sign-in asks for the password again instead of answering at once.
    await call('signIn', {});
    await page.waitForURL((u) => u.origin === server.url);
    await page.waitForSelector('input[name="password"]');
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  it('a federated user: identityProvider MyOIDC → the OpenID Provider → back, MyOIDC_<sub> signed in with AWS credentials; the provider\'s cancel comes back as access_denied', async () => {
    await browser.context.clearCookies();
    await page.goto(`${origin}/`);
    await loaded();
    await call('signIn', { identityProvider: 'MyOIDC' });
    await page.waitForURL((u) => u.origin === op.issuer && u.pathname.startsWith('/interaction/'));
    await page.fill('input[name="login"]', 'bob');
    await page.fill('input[name="password"]', 'anything');
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=Continue');
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.origin === origin && u.pathname === '/callback');
    const back = await loaded();
    assert.deepEqual(back.handled, { state: 'signedIn' }, JSON.stringify(back));
    assert.equal((await call<{ username: string }>('tokens')).username, 'MyOIDC_bob');
    assert.match(await call<string>('credentials'), /^ASIA/);

    await browser.context.clearCookies();
    await call('signIn', { identityProvider: 'MyOIDC' });
    await page.waitForURL((u) => u.origin === op.issuer && u.pathname.startsWith('/interaction/'));
    await page.click('text=[ Cancel ]');
    await page.waitForURL((u) => u.origin === origin && u.pathname === '/callback');
    const cancelled = await loaded();
    assert.equal(cancelled.handled.error, 'oauthError', JSON.stringify(cancelled));
    assert.equal(cancelled.handled.serviceCode, 'access_denied');
    assert.equal(cancelled.initial, 'signedIn', "bob's session is untouched by the refused sign-in");
  });
});

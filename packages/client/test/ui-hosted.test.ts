/**
 * The drop-in's hosted-UI paths (headless Chromium, a running Cognate server): `hostedUIOptions`
 * alone goes straight to the hosted UI, as the seed's `showSignIn(hostedUIOptions:)`; a federated
 * button calls the client's `signInWithHostedUI` with its `identityProvider`. Both end on the
 * server's real login page, come back to the app with a code, and `handleAuthResponse()` signs the
 * user in (code + PKCE through the client).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip } from '../../server/test/support/browser.js';
import { hostedPool, nativeUser, signInOnPage, type HostedPool } from './hosted-ui-support.js';
import { open, screen, startUiHarness, type UiHarness } from './ui-support.js';

const SUITE = 'client-ui-hosted';

describe('drop-in hosted UI and federated buttons in Chromium', { skip: browserSkip }, () => {
  let h: UiHarness;
  let pool: HostedPool;
  const authorizeUrls: URL[] = [];

  before(async () => {
    h = await startUiHarness({}, 'own');
    pool = await hostedPool(h.server, { callback: `${h.origin}/app`, signOut: `${h.origin}/app` });
    await nativeUser(h.server, pool.poolId, 'hana');
    h.page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/oauth2/authorize') authorizeUrls.push(url);
    });
  });
  after(async () => {
    await h?.close();
  });

  /** Signs in on the hosted page, waits for the redirect to the app and lets the client take the code. */
  async function backAtTheApp(): Promise<{ state: string; username: string }> {
    await signInOnPage(h.page, 'hana');
    await h.page.waitForURL((url) => url.pathname === '/app' && url.searchParams.has('code'));
    await h.page.waitForFunction('window.ready === true');
    return (await h.page.evaluate((config) => (globalThis as unknown as { handle(c: unknown): Promise<unknown> }).handle(config), pool.config)) as { state: string; username: string };
  }

  it('hostedUIOptions without federated providers: straight to the hosted UI with its scopes, and back signed in', async () => {
    authorizeUrls.length = 0;
    await h.page.context().clearCookies();
    await open(h, pool.config, { hostedUIOptions: { scopes: ['openid', 'email'] } }, h.page, '');
    assert.deepEqual(await backAtTheApp(), { state: 'signedIn', username: 'hana' });
    assert.equal(authorizeUrls.length, 1);
    const authorize = authorizeUrls[0]!;
    assert.equal(authorize.searchParams.get('scope'), 'openid email');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('identity_provider'), null);
  });

  it('a federated button: signInWithHostedUI with its identityProvider (and the hostedUIOptions), the login page, back signed in', async () => {
    authorizeUrls.length = 0;
    await h.page.context().clearCookies(); // no hosted session left from the test before
    await open(h, pool.config, { federatedProviders: ['COGNITO'], hostedUIOptions: { scopes: ['openid', 'email', 'profile'] } });
    await screen(h.page, 'signIn', SUITE);
    const button = h.page.locator('cognate-sign-in #action-provider-0');
    assert.equal(await button.textContent(), 'Sign in with COGNITO');
    await button.click();
    assert.deepEqual(await backAtTheApp(), { state: 'signedIn', username: 'hana' });
    assert.equal(authorizeUrls.length, 1);
    assert.equal(authorizeUrls[0]!.searchParams.get('identity_provider'), 'COGNITO');
    assert.equal(authorizeUrls[0]!.searchParams.get('scope'), 'openid email profile');
  });
});

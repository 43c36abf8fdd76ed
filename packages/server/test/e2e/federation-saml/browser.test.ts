/**
 * SP-initiated SAML sign-in in headless Chromium (test/support/browser.ts): the app's authorize
 * request → our signed AuthnRequest by redirect → the IdP's page (on another site: 127.0.0.1)
 * posts its response cross-site to /saml2/idpresponse → the app's callback with a code, which
 * openid-client exchanges. Then the browser's hosted session answers `prompt=none` (the cookie set
 * on the cross-site POST's answer took), and `/logout` goes through the IdP's single logout. The
 * IdP's pages are on `localhost`, the server on 127.0.0.1: different sites, as in real life.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, LOGOUT } from '../hosted-ui/support.js';
import { EMAIL_ATTRIBUTE, appRequest, samlSetup, type SamlSetup } from './support.js';
import * as oidc from 'openid-client';

describe('SAML federation in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let s: SamlSetup;
  let browser: TestBrowser;
  before(async () => {
    server = await startTestServer('sqlite');
    s = await samlSetup(server);
    s.idp.user = { nameId: 'carol@corp.test', attributes: { [EMAIL_ATTRIBUTE]: ['carol@corp.test'] } };
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.idp.stop();
    await server?.stop();
  });

  /**
   * Navigates, and returns the URL at which the browser arrives at the app (`prefix`): the app's
   * pages are not served (app.example.com resolves nowhere), so the request itself is the arrival.
   */
  const arriveAt = async (page: Page, url: string, prefix: string): Promise<URL> => {
    const arrival = page.waitForRequest((r) => r.url().startsWith(prefix), { timeout: 15_000 });
    await page.goto(url).catch(() => undefined);
    return new URL((await arrival).url());
  };

  it('authorize → IdP → /saml2/idpresponse → the app\'s code; SSO with prompt=none afterwards; /logout through the IdP\'s SLO', async () => {
    const page = await browser.newPage();
    const request = await appRequest(s, 'CorpIdP');
    const callback = await arriveAt(page, request.url.toString(), CALLBACK);
    assert.ok(s.idp.authnRequests.at(-1)!.signed, 'the IdP got a signed AuthnRequest');
    const tokens = await oidc.authorizationCodeGrant(s.oidc, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
    assert.equal(tokens.claims()!['cognito:username'], 'CorpIdP_carol@corp.test');
    assert.equal(tokens.claims()!.email, 'carol@corp.test');

    // The hosted session took, though it was set in answer to the IdP's cross-site POST.
    const again = await appRequest(s, 'CorpIdP');
    again.url.searchParams.set('prompt', 'none');
    const before = s.idp.authnRequests.length;
    const sso = await arriveAt(page, again.url.toString(), CALLBACK);
    assert.ok(sso.searchParams.get('code'), `prompt=none answered from the session: ${sso}`);
    assert.equal(s.idp.authnRequests.length, before, 'no second trip to the IdP');

    await arriveAt(page, `${server.url}/logout?client_id=${s.clientId}&logout_uri=${encodeURIComponent(LOGOUT)}`, LOGOUT);
    assert.equal(s.idp.logoutRequests.at(-1)!.nameId, 'carol@corp.test', 'the IdP got our LogoutRequest');
  });
});

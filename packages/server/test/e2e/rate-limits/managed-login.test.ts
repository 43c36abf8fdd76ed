/**
 * Managed login (the hosted UI) spends the same per-pool category budgets as the API operations its
 * forms stand for, and answers a page with 429 and Retry-After past them (docs/rate-limits.md):
 * the forgotten-password form (UserAccountRecovery, 30/s) and the federation answer endpoint
 * (UserFederation, 25/s), refused before its single-use state is looked at. The clock is held
 * still, so every request falls in one clock second.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { FormClient, authorizeQuery, oauthApp, type OAuthApp } from '../hosted-ui/support.js';

for (const kind of databaseKinds) {
  describe(`request-rate limits on managed login (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let app: OAuthApp;
    let other: OAuthApp;

    before(async () => {
      server = await startTestServer(kind, { rateLimits: true });
      app = await oauthApp(server);
      other = await oauthApp(server);
      server.clock.advance(1000);
    });
    after(() => server?.stop());

    it('the forgotten-password form: past 30 posts in a second, 429 with Retry-After; another pool is unaffected', async () => {
      const browser = new FormClient(server.url);
      const page = await browser.get(`/forgotPassword?${authorizeQuery(app).query}`);
      assert.equal(page.status, 200);
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) statuses.push((await browser.submit(page, { username: `nobody-${i}` })).status);
      assert.ok(statuses.slice(0, 30).every((s) => s !== 429), statuses.join(','));
      assert.deepEqual(statuses.slice(30), [429, 429]);
      const limited = await browser.submit(page, { username: 'nobody' });
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.match(limited.body, /Attempt limit exceeded/);

      const elsewhere = new FormClient(server.url);
      const otherPage = await elsewhere.get(`/forgotPassword?${authorizeQuery(other).query}`);
      assert.notEqual((await elsewhere.submit(otherPage, { username: 'nobody' })).status, 429);
    });

    it('the federation answer endpoint: past 25 in a second, 429 before the state is looked up', async () => {
      const browser = new FormClient(server.url);
      const statuses: number[] = [];
      for (let i = 0; i < 27; i++) statuses.push((await browser.get(`/oauth2/idpresponse?code=x&state=${app.poolId}.unknown-${i}`)).status);
      assert.deepEqual(statuses.slice(0, 25), Array(25).fill(400), 'an unknown federation request: the error page');
      assert.deepEqual(statuses.slice(25), [429, 429]);
      assert.equal((await browser.get(`/oauth2/idpresponse?code=x&state=${other.poolId}.unknown`)).status, 400, 'another pool is unaffected');
    });
  });
}

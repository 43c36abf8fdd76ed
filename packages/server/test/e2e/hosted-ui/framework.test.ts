/**
 * The hosted UI's page framework, on a page that needs no client: security headers (CSP without
 * script and with frame-ancestors 'none', X-Frame-Options, no-store), language choice (lang, then
 * ui_locales, then Accept-Language), the browser cookie's flags, and text from the URL never
 * reaching the page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { FormClient } from './support.js';

for (const kind of databaseKinds) {
  describe(`hosted UI framework (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });

    it('P22/RFC 9700 §4.16: pages forbid framing and script, and are not cached', async () => {
      const res = await new FormClient(server.url).get('/error');
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /script-src|unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.doesNotMatch(res.body, /<script/i);
      const nonce = /style nonce="([^"]+)"/.exec(res.body)?.[1];
      assert.ok(nonce && csp.includes(`'nonce-${nonce}'`), 'the one style element carries the CSP nonce');
    });

    it('chooses the language by lang, then ui_locales, then Accept-Language', async () => {
      const client = new FormClient(server.url);
      const lang = async (query: string, acceptLanguage?: string) => /<html lang="([^"]+)"/.exec((await client.get(`/error${query}`, acceptLanguage ? { 'accept-language': acceptLanguage } : {})).body)?.[1];
      assert.equal(await lang(''), 'en');
      assert.equal(await lang('', 'fr-CA,fr;q=0.9,en;q=0.5'), 'fr');
      assert.equal(await lang('', 'de, es;q=0.8, en;q=0.3'), 'es');
      assert.equal(await lang('?ui_locales=de%20es-MX', 'fr'), 'es');
      assert.equal(await lang('?lang=fr&ui_locales=es', 'es'), 'fr');
      assert.equal(await lang('?lang=xx', 'zz'), 'en');
      assert.match((await client.get('/error?lang=es')).body, /Algo ha fallado/);
    });

    it('P22: the browser cookie is HttpOnly, SameSite=Lax, Path=/ with at least 128 random bits (plain HTTP: no __Host- prefix, no Secure)', async () => {
      const res = await new FormClient(server.url).get('/error');
      const cookie = res.headers.getSetCookie()[0] ?? '';
      const [, value] = /^cognate-session=([^;]+)/.exec(cookie) ?? [];
      assert.ok(value && Buffer.from(value, 'base64url').length >= 16, cookie);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /Domain=/i);
      assert.doesNotMatch(cookie, /Secure/);
    });

    it('A27: a form POST over 64 KB is refused before it is read; a POST to a page path never reaches the API', async () => {
      const big = await fetch(`${server.url}/login?client_id=x`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=${'a'.repeat(70_000)}` });
      assert.equal(big.status, 413);
      const small = await fetch(`${server.url}/login?client_id=x`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a' });
      assert.equal(small.status, 403, 'a form without a CSRF token: the page answered, not the query protocol');
      assert.match(small.headers.get('content-type') ?? '', /text\/html/);
    });

    it('the error page shows only its own messages, never text from the URL', async () => {
      const res = await new FormClient(server.url).get('/error?error=%3Cscript%3Ealert(1)%3C/script%3E&error_description=Call%20555-0100');
      assert.doesNotMatch(res.body, /script>alert|555-0100/);
      assert.match(res.body, /Something went wrong/);
    });
  });

  describe(`hosted UI behind TLS (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind, { publicUrl: 'https://auth.example.test' });
    });
    after(async () => {
      await server?.stop();
    });

    it('P22: under TLS the cookie is __Host-cognate-session; Secure; HttpOnly; SameSite=Lax; Path=/', async () => {
      const res = await new FormClient(server.url).get('/error');
      const cookie = res.headers.getSetCookie()[0] ?? '';
      assert.match(cookie, /^__Host-cognate-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    });
  });
}

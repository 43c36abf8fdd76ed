/**
 * The forgotten-password pages: /forgotPassword sends a code (ForgotPassword's domain function),
 * /confirmForgotPassword sets the new password and goes back to /login, where the new password
 * signs in. Under PreventUserExistenceErrors ENABLED an unknown name sees the same pages as a known
 * one (P01); the code-guess limit is the API's; CSRF on both forms (A30); bad input is a page error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { CALLBACK, FormClient, PASSWORD, authorizeQuery, formsOf, newUser, oauthApp, redirectParams, signInThroughPages, type OAuthApp, type PageResponse } from '../hosted-ui/support.js';

const NEW_PASSWORD = 'N3w-Passw0rd!';
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

/** A page without what differs per request or per name: CSRF tokens, nonces, the masked destination, the name itself. */
const shape = (body: string, name: string) =>
  body
    .replace(/name="_csrf" value="[^"]*"/g, '')
    .replace(/nonce="[^"]*"/g, '')
    .replace(/[^\s>]\*\*\*@[^\s<]\*\*\*|\+\*+\d{4}/g, 'DEST')
    .replaceAll(name, 'NAME');

for (const kind of databaseKinds) {
  describe(`hosted forgot password (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let app: OAuthApp;
    let legacy: OAuthApp;

    before(async () => {
      smtp = await startSmtpReceiver();
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smtpFrom: 'auth@app.example.com' });
      app = await oauthApp(server, { AutoVerifiedAttributes: ['email'] });
      legacy = await oauthApp(server, { AutoVerifiedAttributes: ['email'] }, { PreventUserExistenceErrors: 'LEGACY' });
      for (const name of ['alice', 'bruno', 'chen', 'dana']) await newUser(server, app.poolId, name, { attributes: { email: `${name}@example.com`, email_verified: 'true' } });
      await newUser(server, legacy.poolId, 'lee', { attributes: { email: 'lee@example.com', email_verified: 'true' } });
    });
    after(async () => {
      await server?.stop();
      await smtp?.close();
    });

    async function forgotPage(browser: FormClient, target: OAuthApp, extra: Record<string, string> = {}, auth = authorizeQuery(target, extra)) {
      const login = await browser.follow(`/oauth2/authorize?${auth.query}`);
      const href = /href="(\/forgotPassword\?[^"]+)"/.exec(login.body)?.[1];
      assert.ok(href, 'the login page links to /forgotPassword');
      const page = await browser.get(href.replace(/&amp;/g, '&'));
      assert.equal(page.status, 200);
      return { page, auth };
    }

    it('forgot → code by email → new password → back to /login, where the new password signs in and ends at the callback', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await forgotPage(browser, app);
      const reset = await browser.submit(page, { username: 'alice' });
      assert.equal(reset.status, 200, reset.body.slice(0, 400));
      assert.match(reset.body, /We sent a code to a\*\*\*@e\*\*\*/);
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('alice@example.com'))).text)!;
      const done = await browser.submit(reset, { code, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      assert.equal(done.status, 302, done.body.slice(0, 400));
      assert.match(done.location ?? '', /^\/login\?/);
      assert.deepEqual(Object.fromEntries(new URLSearchParams(done.location!.slice('/login?'.length))), Object.fromEntries(new URLSearchParams(auth.query)));
      const old = await signInThroughPages(new FormClient(server.url), authorizeQuery(app).query, 'alice', PASSWORD);
      assert.equal(old.status, 400);
      const signedIn = await signInThroughPages(browser, auth.query, 'alice', NEW_PASSWORD);
      assert.equal(signedIn.status, 302);
      assert.ok(signedIn.location?.startsWith(CALLBACK));
      assert.equal(redirectParams(signedIn.location).get('state'), auth.state);
      // The code was single use.
      const fresh = await browser.get(`/confirmForgotPassword?${auth.query}&username=alice`);
      const again = await browser.submit(fresh, { code, password: 'An0ther-Pass!', confirm_password: 'An0ther-Pass!' });
      assert.equal(again.status, 400);
    });

    it('P01: under PreventUserExistenceErrors ENABLED an unknown name sees the same pages as a known one (request, then a wrong code)', async () => {
      const pages: Record<string, { sent: PageResponse; wrong: PageResponse }> = {};
      const auth = authorizeQuery(app);
      for (const name of ['bruno', 'nobody-at-all']) {
        const browser = new FormClient(server.url);
        const { page } = await forgotPage(browser, app, {}, auth);
        const sent = await browser.submit(page, { username: name });
        const wrong = await browser.submit(sent, { code: '000000', password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
        pages[name] = { sent, wrong };
      }
      const known = pages.bruno!;
      const unknown = pages['nobody-at-all']!;
      assert.equal(known.sent.status, unknown.sent.status);
      assert.equal(shape(known.sent.body, 'bruno'), shape(unknown.sent.body, 'nobody-at-all'));
      assert.equal(known.wrong.status, 400);
      assert.equal(unknown.wrong.status, 400);
      assert.equal(shape(known.wrong.body, 'bruno'), shape(unknown.wrong.body, 'nobody-at-all'));
      assert.match(unknown.wrong.body, /Invalid code received for user\./);
    });

    it('LEGACY: an unknown name is told so on the page', async () => {
      const browser = new FormClient(server.url);
      const { page } = await forgotPage(browser, legacy);
      const res = await browser.submit(page, { username: 'nobody-at-all' });
      assert.equal(res.status, 400);
      assert.match(res.body, /User does not exist\./);
    });

    it('the code-guess limit is the API\'s: after five wrong codes the right one no longer works', async () => {
      const browser = new FormClient(server.url);
      const { page } = await forgotPage(browser, app);
      let form = await browser.submit(page, { username: 'chen' });
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('chen@example.com'))).text)!;
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        form = await browser.submit(form, { code: wrong, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
        assert.equal(form.status, 400);
      }
      const right = await browser.submit(form, { code, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      assert.equal(right.status, 400);
      const signIn = await signInThroughPages(new FormClient(server.url), authorizeQuery(app).query, 'chen', PASSWORD);
      assert.equal(signIn.status, 302, 'the password is unchanged');
    });

    it('localised errors: passwords that differ, a weak password, an empty code (es)', async () => {
      const browser = new FormClient(server.url);
      const { page } = await forgotPage(browser, app, { lang: 'es' });
      assert.match(page.body, /¿Olvidó su contraseña\?/);
      const reset = await browser.submit(page, { username: 'dana' });
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('dana@example.com'))).text)!;
      const differ = await browser.submit(reset, { code, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD + 'x' });
      assert.equal(differ.status, 400);
      assert.match(differ.body, /Las contraseñas no coinciden\.|no coinciden/);
      const weak = await browser.submit(differ, { code, password: 'weak', confirm_password: 'weak' });
      assert.equal(weak.status, 400);
      assert.match(weak.body, /La contraseña no cumple los requisitos\./);
      const empty = await browser.submit(weak, { code: '', password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      assert.equal(empty.status, 400);
      assert.match(empty.body, /Código es obligatorio\.|es obligatorio\./);
      const ok = await browser.submit(empty, { code, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      assert.equal(ok.status, 302, 'the code still works after refusals that never reached it');
    });

    it('A30: both forms refuse a POST without a valid CSRF token', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await forgotPage(browser, app);
      smtp.clear();
      assert.equal((await browser.post(`${server.url}/forgotPassword?${auth.query}`, { username: 'dana' })).status, 403);
      assert.equal((await browser.post(`${server.url}/forgotPassword?${auth.query}`, { username: 'dana', _csrf: 'x'.repeat(40) })).status, 403);
      assert.equal((await browser.post(`${server.url}/confirmForgotPassword?${auth.query}`, { username: 'dana', code: '123456', password: NEW_PASSWORD, confirm_password: NEW_PASSWORD })).status, 403);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(smtp.messages.filter((m) => m.to.includes('dana@example.com')).length, 0, 'no code was sent');
      assert.equal(page.status, 200);
    });

    it('bad input: empty, huge and repeated fields, an invalid OAuth request: page errors, never a stack trace', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await forgotPage(browser, app);
      const check = (res: PageResponse, status: number) => {
        assert.equal(res.status, status, res.body.slice(0, 300));
        assert.doesNotMatch(res.body, LEAKED_INTERNALS);
      };
      check(await browser.submit(page, { username: '' }), 400);
      check(await browser.submit(page, { username: 'x'.repeat(3000) }), 400);
      const form = formsOf(page.body)[0]!;
      check(await browser.post(`${server.url}/confirmForgotPassword?${auth.query}`, { _csrf: form.fields._csrf!, username: 'y'.repeat(500), code: '9'.repeat(500), password: 'p'.repeat(1000), confirm_password: '' }), 400);
      check(await browser.get(`/forgotPassword?client_id=${app.clientId}&response_type=code&redirect_uri=https://evil.example.com/`), 400);
      check(await browser.get('/confirmForgotPassword?client_id=nope'), 400);
      check(await browser.get(`/confirmForgotPassword?${auth.query}&username=${'z'.repeat(5000)}`), 200);
    });
  });
}

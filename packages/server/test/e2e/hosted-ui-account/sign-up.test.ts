/**
 * Self sign-up on the hosted UI over plain HTTP (the hosted-core suites' form client): the form
 * the pool and client call for, the code from a real SMTP receiver, the confirmation that signs the
 * person in and ends at the client's redirect URI with a code the token endpoint redeems;
 * PreSignUp auto-confirmation; the ticket bound to the browser; the pages' errors (localised, never
 * a stack trace); CSRF on every form (A30).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminConfirmSignUpCommand, AdminGetUserCommand, CreateTermsCommand, SetUserPoolMfaConfigCommand, SignUpCommand, type CreateUserPoolCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../../support/triggers.js';
import { CALLBACK, FormClient, PASSWORD, authorizeQuery, formsOf, oauthApp, redirectParams, signInThroughPages, type OAuthApp, type PageResponse } from '../hosted-ui/support.js';

const SCHEMA: CreateUserPoolCommandInput['Schema'] = [
  { Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true },
  { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
  { Name: 'team', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '20' } },
  { Name: 'seats', AttributeDataType: 'Number', Mutable: true },
];
const WRITE = ['email', 'given_name', 'custom:team', 'custom:seats'];

/** The value of the only code in a mail. */
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

async function tokenExchange(server: TestServer, app: OAuthApp, code: string, verifier: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, code, redirect_uri: CALLBACK, code_verifier: verifier }).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const claims = (jwt: unknown) => JSON.parse(Buffer.from(String(jwt).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

for (const kind of databaseKinds) {
  describe(`hosted sign-up (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let hooks: TriggerHost;
    let app: OAuthApp;
    let adminOnly: OAuthApp;
    let autoConfirm: OAuthApp;
    let secretApp: OAuthApp;
    let emailApp: OAuthApp;
    let mfaApp: OAuthApp;
    let phoneApp: OAuthApp;

    before(async () => {
      smtp = await startSmtpReceiver();
      hooks = await TriggerHost.start();
      hooks.handlers.set('pre-sign-up', (e) => ({ ...e, response: { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false } }));
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smtpFrom: 'auth@app.example.com', triggers: { [arn('pre-sign-up')]: `${hooks.webhookUrl}/pre-sign-up` }, triggerWebhookSecret: WEBHOOK_SECRET });
      app = await oauthApp(server, { Schema: SCHEMA, AutoVerifiedAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 10, RequireNumbers: true, RequireSymbols: true, RequireUppercase: true, RequireLowercase: true } } }, { WriteAttributes: WRITE });
      adminOnly = await oauthApp(server, { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
      autoConfirm = await oauthApp(server, { AutoVerifiedAttributes: ['email'], LambdaConfig: { PreSignUp: arn('pre-sign-up') } });
      secretApp = await oauthApp(server, { AutoVerifiedAttributes: ['email'] }, { GenerateSecret: true });
      emailApp = await oauthApp(server, { UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
      mfaApp = await oauthApp(server, { AutoVerifiedAttributes: ['email'] });
      phoneApp = await oauthApp(server, { AutoVerifiedAttributes: ['phone_number'], Schema: [{ Name: 'phone_number', AttributeDataType: 'String', Required: true, Mutable: true }] });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: mfaApp.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    });
    after(async () => {
      await server?.stop();
      await smtp?.close();
      await hooks?.stop();
    });

    async function signUpPage(browser: FormClient, target: OAuthApp, extra: Record<string, string> = {}) {
      const auth = authorizeQuery(target, extra);
      const login = await browser.follow(`/oauth2/authorize?${auth.query}`);
      assert.equal(login.status, 200);
      const href = /href="(\/signup\?[^"]+)"/.exec(login.body)?.[1];
      assert.ok(href, 'the login page links to /signup');
      const page = await browser.get(href.replace(/&amp;/g, '&'));
      assert.equal(page.status, 200, page.body.slice(0, 300));
      return { page, auth };
    }

    it('signs up with required and custom attributes, confirms with the emailed code, and ends at the callback with a code /oauth2/token redeems', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await signUpPage(browser, app);
      for (const name of ['username', 'password', 'userAttributes.email', 'userAttributes.given_name', 'userAttributes.custom:team', 'userAttributes.custom:seats']) {
        assert.ok(name in formsOf(page.body)[0]!.fields, `the form asks for ${name}`);
        assert.match(page.body, new RegExp(`<label[^>]* for="f-${name.replace(/[.:]/g, '\\$&')}">`), `${name} has a label`);
      }
      assert.match(page.body, /type="email"[^>]*|name="userAttributes\.email" type="email"/);
      assert.match(page.body, /name="userAttributes\.custom:seats" type="number"/);
      assert.match(page.body, /name="userAttributes\.custom:team" type="text"[^>]*maxlength="20"/);
      assert.match(page.body, /At least 10 characters/);
      assert.match(page.body, /A special character/);
      assert.doesNotMatch(page.body, /email_verified|name="userAttributes\.sub"/);

      const confirm = await browser.submit(page, { username: 'bob', password: PASSWORD + 'x1', 'userAttributes.email': 'bob@example.com', 'userAttributes.given_name': 'Bob', 'userAttributes.custom:team': 'blue', 'userAttributes.custom:seats': '3' });
      assert.equal(confirm.status, 200, confirm.body.slice(0, 600));
      assert.match(confirm.body, /b\*\*\*@e\*\*\*/);
      const mail = await smtp.waitFor((m) => m.to.includes('bob@example.com'));
      const code = codeIn(mail.text);
      assert.ok(code, mail.text);

      const done = await browser.submit(confirm, { code });
      assert.equal(done.status, 302, done.body.slice(0, 600));
      assert.ok(done.location?.startsWith(`${CALLBACK}?`), done.location);
      const params = redirectParams(done.location);
      assert.equal(params.get('state'), auth.state);
      const tokens = await tokenExchange(server, app, params.get('code')!, auth.verifier);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
      const id = claims(tokens.json.id_token);
      assert.equal(id['cognito:username'], 'bob');
      assert.equal(id.email, 'bob@example.com');
      assert.equal(id.email_verified, true);

      const user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'bob' }));
      assert.equal(user.UserStatus, 'CONFIRMED');
      const attrs = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
      assert.equal(attrs['custom:team'], 'blue');
      assert.equal(attrs['custom:seats'], '3');
      assert.equal(attrs.given_name, 'Bob');
      // The browser holds a hosted session now: SSO without the login page.
      const again = await browser.get(`/oauth2/authorize?${authorizeQuery(app).query}`);
      assert.ok(again.location?.startsWith(CALLBACK), again.location);
    });

    it('a confirmation from another browser confirms the user but does not sign anyone in (the ticket is bound to the sign-up browser)', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, app);
      const confirm = await browser.submit(page, { username: 'carl', password: PASSWORD + 'x1', 'userAttributes.email': 'carl@example.com', 'userAttributes.given_name': 'Carl' });
      assert.equal(confirm.status, 200);
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('carl@example.com'))).text)!;
      const form = formsOf(confirm.body)[0]!;
      const thief = new FormClient(server.url);
      const thiefPage = await thief.get(new URL(form.action, server.url).pathname + new URL(form.action, server.url).search);
      const thiefForm = formsOf(thiefPage.body)[0]!;
      // The thief's own CSRF token, the sign-up browser's ticket and the right code.
      const res = await thief.post(new URL(form.action, server.url).toString(), { ...thiefForm.fields, username: 'carl', code, ticket: form.fields.ticket! });
      assert.equal(res.status, 302);
      assert.match(res.location ?? '', /^\/login\?/);
      const user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'carl' }));
      assert.equal(user.UserStatus, 'CONFIRMED');
    });

    it('a wrong code shows the page again with the error; "send a new code" mails a new one that works', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, app);
      const confirm = await browser.submit(page, { username: 'dora', password: PASSWORD + 'x1', 'userAttributes.email': 'dora@example.com', 'userAttributes.given_name': 'Dora' });
      const first = codeIn((await smtp.waitFor((m) => m.to.includes('dora@example.com'))).text)!;
      const wrong = await browser.submit(confirm, { code: first === '000000' ? '111111' : '000000' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /Invalid code received for user\.|Invalid verification code/);
      smtp.clear();
      const resent = await browser.submit(wrong, {}, 1);
      assert.equal(resent.status, 200, resent.body.slice(0, 400));
      assert.match(resent.body, /We sent a new code to d\*\*\*@e\*\*\*/);
      const second = codeIn((await smtp.waitFor((m) => m.to.includes('dora@example.com'))).text)!;
      const done = await browser.submit(resent, { code: second });
      assert.equal(done.status, 302);
      assert.ok(done.location?.startsWith(CALLBACK));
    });

    it('PreSignUp autoConfirmUser: no code page, the sign-up goes straight on to the callback with a code', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await signUpPage(browser, autoConfirm);
      const done = await browser.submit(page, { username: 'erin', password: PASSWORD, 'userAttributes.email': 'erin@example.com' });
      assert.equal(done.status, 302, done.body.slice(0, 400));
      const params = redirectParams(done.location);
      assert.equal(params.get('state'), auth.state);
      const tokens = await tokenExchange(server, autoConfirm, params.get('code')!, auth.verifier);
      assert.equal(tokens.status, 200);
      assert.equal(hooks.last('pre-sign-up').triggerSource, 'PreSignUp_SignUp');
    });

    it('a client with a secret: the pages compute SECRET_HASH (the browser never sees the secret)', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, secretApp);
      const confirm = await browser.submit(page, { username: 'fay', password: PASSWORD, 'userAttributes.email': 'fay@example.com' });
      assert.equal(confirm.status, 200, confirm.body.slice(0, 400));
      assert.doesNotMatch(confirm.body, new RegExp(secretApp.clientSecret!));
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('fay@example.com'))).text)!;
      const done = await browser.submit(confirm, { code });
      assert.equal(done.status, 302);
      assert.ok(done.location?.startsWith(CALLBACK));
    });

    it('no sign-up where the pool allows only administrators to create users: no link on /login, /signup is an error page', async () => {
      const browser = new FormClient(server.url);
      const auth = authorizeQuery(adminOnly);
      const login = await browser.follow(`/oauth2/authorize?${auth.query}`);
      assert.equal(login.status, 200);
      assert.doesNotMatch(login.body, /\/signup\?/);
      const page = await browser.get(`/signup?${auth.query}`);
      assert.equal(page.status, 400);
      assert.match(page.body, /Sign-up is not allowed/);
    });

    it('validation messages on the page, localised: missing fields, a weak password, a taken username, a bad email', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, app, { lang: 'fr' });
      const missing = await browser.submit(page, { username: '', password: '', 'userAttributes.email': '', 'userAttributes.given_name': '' });
      assert.equal(missing.status, 400);
      assert.match(missing.body, /Nom d&#39;utilisateur est obligatoire\./);
      assert.match(missing.body, /Prénom est obligatoire\./);
      assert.match(missing.body, /aria-invalid="true"/);
      const weak = await browser.submit(missing, { username: 'gus', password: 'short', 'userAttributes.email': 'gus@example.com', 'userAttributes.given_name': 'Gus' });
      assert.equal(weak.status, 400);
      assert.match(weak.body, /Le mot de passe ne respecte pas les exigences\./);
      assert.match(weak.body, /value="gus@example.com"/, 'the values given are kept');
      const badEmail = await browser.submit(weak, { username: 'gus', password: PASSWORD + 'x1', 'userAttributes.email': 'not-an-email', 'userAttributes.given_name': 'Gus' });
      assert.equal(badEmail.status, 400);
      assert.match(badEmail.body, /Saisissez une adresse e-mail valide\.|Vérifiez les valeurs saisies/);
      await server.anonymous.send(new SignUpCommand({ ClientId: app.clientId, Username: 'taken', Password: PASSWORD + 'x1', UserAttributes: [{ Name: 'email', Value: 'taken@example.com' }, { Name: 'given_name', Value: 'T' }] }));
      const en = new FormClient(server.url);
      const { page: enPage } = await signUpPage(en, app);
      const taken = await en.submit(enPage, { username: 'taken', password: PASSWORD + 'x1', 'userAttributes.email': 'bob2@example.com', 'userAttributes.given_name': 'Bob' });
      assert.equal(taken.status, 400);
      assert.match(taken.body, /An account with this username already exists\./);
      await assert.rejects(server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'gus' })), /UserNotFoundException|User does not exist/);
    });

    it('bad input: huge values, repeated and unknown fields, multipart with a file, a non-form body: page errors, never a stack trace', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, app);
      const form = formsOf(page.body)[0]!;
      const url = new URL(form.action, server.url).toString();
      const check = (res: PageResponse, statuses: number[]) => {
        assert.ok(statuses.includes(res.status), `status ${res.status}: ${res.body.slice(0, 300)}`);
        assert.doesNotMatch(res.body, LEAKED_INTERNALS);
      };
      check(await browser.post(url, { ...form.fields, username: 'u'.repeat(5000), password: 'p'.repeat(5000), 'userAttributes.email': 'e'.repeat(3000) }), [400]);
      check(await browser.post(url, { ...form.fields, username: 'hal', password: PASSWORD + 'x1', 'userAttributes.email': 'hal@example.com', 'userAttributes.given_name': 'Hal', 'userAttributes.custom:team': 't'.repeat(21) }), [400]);
      check(await browser.post(url, { ...form.fields, username: 'hal', password: PASSWORD + 'x1', 'userAttributes.email': 'hal@example.com', 'userAttributes.given_name': 'Hal', 'userAttributes.custom:seats': 'many' }), [400]);
      // Attributes the form doesn't offer are not written (sub, email_verified, custom ones not in WriteAttributes).
      const sneaky = await browser.post(url, { ...form.fields, username: 'ida', password: PASSWORD + 'x1', 'userAttributes.email': 'ida@example.com', 'userAttributes.given_name': 'Ida', 'userAttributes.email_verified': 'true', 'userAttributes.sub': 'mine' });
      check(sneaky, [200]);
      const ida = await server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'ida' }));
      const attrs = Object.fromEntries((ida.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
      assert.notEqual(attrs.email_verified, 'true');
      assert.notEqual(attrs.sub, 'mine');
      // Repeated fields: the first is kept.
      const body = new URLSearchParams(form.fields);
      body.append('username', '');
      body.append('username', 'x');
      const cookie = { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
      const repeated = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...cookie }, body: body.toString() });
      assert.equal(repeated.status, 400);
      assert.doesNotMatch(await repeated.text(), LEAKED_INTERNALS);
      // Multipart with a file where a text field goes.
      const multipart = new FormData();
      for (const [k, v] of Object.entries(form.fields)) multipart.append(k, v);
      multipart.append('username', new Blob(['x'.repeat(100)]), 'name.txt');
      const mp = await fetch(url, { method: 'POST', redirect: 'manual', headers: cookie, body: multipart });
      assert.equal(mp.status, 400);
      assert.doesNotMatch(await mp.text(), LEAKED_INTERNALS);
      // JSON where a form goes: no CSRF token can be read from it.
      const json = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', ...cookie }, body: JSON.stringify({ username: 'x' }) });
      assert.equal(json.status, 403);
      assert.doesNotMatch(await json.text(), LEAKED_INTERNALS);
      // Over the form limit.
      const huge = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...cookie }, body: `username=${'a'.repeat(100_000)}` });
      assert.equal(huge.status, 413);
      assert.match(huge.headers.get('content-type') ?? '', /^text\/html/, 'a page, for a person');
      assert.equal(huge.headers.get('connection'), 'close', 'the unread body ends the connection, and the answer says so');
      assert.doesNotMatch(await huge.text(), LEAKED_INTERNALS);
      // The next request (a fresh connection) works.
      assert.equal((await browser.get(new URL(url).pathname + new URL(url).search)).status, 200);
    });

    it('A30: /signup and both /confirmUser forms refuse a POST without a valid CSRF token, or with another browser\'s', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, app);
      const action = new URL(formsOf(page.body)[0]!.action, server.url).toString();
      const fields = { username: 'jan', password: PASSWORD + 'x1', 'userAttributes.email': 'jan@example.com', 'userAttributes.given_name': 'Jan' };
      const none = await browser.post(action, fields);
      assert.equal(none.status, 403);
      const other = new FormClient(server.url);
      const { page: otherPage } = await signUpPage(other, app);
      const foreign = await browser.post(action, { ...fields, _csrf: formsOf(otherPage.body)[0]!.fields._csrf! });
      assert.equal(foreign.status, 403);
      await assert.rejects(server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'jan' })));
      const confirm = await browser.submit(page, fields);
      assert.equal(confirm.status, 200);
      const [codeForm, resendForm] = formsOf(confirm.body);
      for (const f of [codeForm!, resendForm!]) {
        const { _csrf, ...rest } = f.fields;
        assert.ok(_csrf);
        assert.equal((await browser.post(new URL(f.action, server.url).toString(), { ...rest, code: '123456' })).status, 403);
      }
    });
    it('P01: on /confirmUser an unknown name sees the same pages as an unconfirmed user (a wrong code, then "send a new code")', async () => {
      await server.anonymous.send(new SignUpCommand({ ClientId: app.clientId, Username: 'kim', Password: PASSWORD + 'x1', UserAttributes: [{ Name: 'email', Value: 'kim@example.com' }, { Name: 'given_name', Value: 'Kim' }] }));
      const auth = authorizeQuery(app);
      const shape = (body: string, name: string) =>
        body.replace(/name="_csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '').replace(/[^\s>]\*\*\*@[^\s<]\*\*\*/g, 'DEST').replaceAll(name, 'NAME');
      const seen: Record<string, { wrong: PageResponse; resent: PageResponse }> = {};
      for (const name of ['kim', 'nobody-zzz']) {
        const browser = new FormClient(server.url);
        const page = await browser.get(`/confirmUser?${auth.query}&username=${name}`);
        assert.equal(page.status, 200);
        const wrong = await browser.submit(page, { code: '000000' });
        const resent = await browser.submit(wrong, {}, 1);
        seen[name] = { wrong, resent };
      }
      for (const step of ['wrong', 'resent'] as const) {
        assert.equal(seen.kim![step].status, seen['nobody-zzz']![step].status, step);
        assert.equal(shape(seen.kim![step].body, 'kim'), shape(seen['nobody-zzz']![step].body, 'nobody-zzz'), step);
      }
      assert.equal(seen.kim!.wrong.status, 400);
      assert.match(seen['nobody-zzz']!.resent.body, /We sent a new code to /);
    });

    it('the client\'s terms of use and privacy policy are linked on the sign-up page, in the page\'s language', async () => {
      const links = { 'cognito:default': 'https://app.example.com/terms', 'cognito:french': 'https://app.example.com/fr/conditions' };
      await server.admin.send(new CreateTermsCommand({ UserPoolId: app.poolId, ClientId: app.clientId, TermsName: 'terms-of-use', TermsSource: 'LINK', Enforcement: 'NONE', Links: links }));
      await server.admin.send(new CreateTermsCommand({ UserPoolId: app.poolId, ClientId: app.clientId, TermsName: 'privacy-policy', TermsSource: 'LINK', Enforcement: 'NONE', Links: { 'cognito:default': 'https://app.example.com/privacy' } }));
      const { page } = await signUpPage(new FormClient(server.url), app);
      assert.match(page.body, /By signing up, you agree to: <a href="https:\/\/app\.example\.com\/terms" rel="noopener noreferrer">Terms of use<\/a>, <a href="https:\/\/app\.example\.com\/privacy" rel="noopener noreferrer">Privacy policy<\/a>/);
      const { page: fr } = await signUpPage(new FormClient(server.url), app, { lang: 'fr' });
      assert.match(fr.body, /<a href="https:\/\/app\.example\.com\/fr\/conditions" rel="noopener noreferrer">Conditions d&#39;utilisation<\/a>/);
    });
    it('an unconfirmed user who signs in with the right password is sent to the code form; a wrong password stays on /login', async () => {
      await server.anonymous.send(new SignUpCommand({ ClientId: app.clientId, Username: 'lou', Password: PASSWORD + 'x1', UserAttributes: [{ Name: 'email', Value: 'lou@example.com' }, { Name: 'given_name', Value: 'Lou' }] }));
      const auth = authorizeQuery(app);
      const wrong = await signInThroughPages(new FormClient(server.url), auth.query, 'lou', 'Wr0ng-password!');
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /Incorrect username or password\./);
      const browser = new FormClient(server.url);
      const right = await signInThroughPages(browser, auth.query, 'lou', PASSWORD + 'x1');
      assert.equal(right.status, 302);
      assert.match(right.location ?? '', /^\/confirmUser\?.*&username=lou$/);
      const form = await browser.get(right.location!);
      assert.equal(form.status, 200);
      assert.match(form.body, /name="code"/);
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('lou@example.com'))).text)!;
      const done = await browser.submit(form, { code });
      assert.equal(done.status, 302);
      assert.match(done.location ?? '', /^\/login\?/, 'confirmed; signs in with the password again');
      const signedIn = await signInThroughPages(browser, auth.query, 'lou', PASSWORD + 'x1');
      assert.ok(signedIn.location?.startsWith(CALLBACK));
    });
    it('a pool that signs in with email asks for the email as the username; the user\'s username is their sub', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await signUpPage(browser, emailApp);
      assert.match(page.body, /<label[^>]* for="f-username">Email<\/label>/);
      assert.match(page.body, /name="username" type="email" autocomplete="email"/);
      assert.doesNotMatch(page.body, /name="userAttributes\.email"/);
      const confirm = await browser.submit(page, { username: 'mia@example.com', password: PASSWORD });
      assert.equal(confirm.status, 200, confirm.body.slice(0, 400));
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('mia@example.com'))).text)!;
      const done = await browser.submit(confirm, { code });
      assert.equal(done.status, 302, done.body.slice(0, 400));
      const tokens = await tokenExchange(server, emailApp, redirectParams(done.location).get('code')!, auth.verifier);
      const id = claims(tokens.json.id_token);
      assert.equal(id['cognito:username'], id.sub);
      assert.equal(id.email, 'mia@example.com');
      const notEmail = await browser.submit(await browser.get(`/signup?${authorizeQuery(emailApp).query}`), { username: 'just-a-name', password: PASSWORD });
      assert.equal(notEmail.status, 400);
      assert.doesNotMatch(notEmail.body, LEAKED_INTERNALS);
    });
    it('the sign-in after a confirmation is the pipeline\'s: a pool that requires MFA asks to set up an authenticator next, on /login', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, mfaApp);
      const confirm = await browser.submit(page, { username: 'ned', password: PASSWORD, 'userAttributes.email': 'ned@example.com' });
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('ned@example.com'))).text)!;
      const next = await browser.submit(confirm, { code });
      assert.equal(next.status, 200, next.body.slice(0, 400));
      const form = formsOf(next.body)[0]!;
      assert.equal(form.fields.challenge, 'MFA_SETUP');
      assert.match(form.action, /^\/login\?/);
      assert.match(next.body, /class="qr"/);
    });
    it('a ticket signs in only the user it was made for: confirming someone else with it confirms them and signs no one in', async () => {
      const browser = new FormClient(server.url);
      const { page } = await signUpPage(browser, app);
      const confirm = await browser.submit(page, { username: 'pat', password: PASSWORD + 'x1', 'userAttributes.email': 'pat@example.com', 'userAttributes.given_name': 'Pat' });
      const ticket = formsOf(confirm.body)[0]!.fields.ticket!;
      assert.ok(ticket);
      await server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: app.poolId, Username: 'pat' }));
      await server.anonymous.send(new SignUpCommand({ ClientId: app.clientId, Username: 'quinn', Password: PASSWORD + 'x1', UserAttributes: [{ Name: 'email', Value: 'quinn@example.com' }, { Name: 'given_name', Value: 'Q' }] }));
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('quinn@example.com'))).text)!;
      const res = await browser.submit(confirm, { username: 'quinn', code, ticket });
      assert.equal(res.status, 302);
      assert.match(res.location ?? '', /^\/login\?/);
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'quinn' }))).UserStatus, 'CONFIRMED');
    });
    it('a pool that verifies phone numbers asks for one (type tel) and sends the code by SMS', async () => {
      const browser = new FormClient(server.url);
      const { page, auth } = await signUpPage(browser, phoneApp);
      assert.match(page.body, /name="userAttributes\.phone_number" type="tel"[^>]* autocomplete="tel"/);
      const bad = await browser.submit(page, { username: 'olga', password: PASSWORD, 'userAttributes.phone_number': '555-1234' });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /Enter a phone number in the format|Check the values you entered/);
      const confirm = await browser.submit(bad, { username: 'olga', password: PASSWORD, 'userAttributes.phone_number': '+15555551234' });
      assert.equal(confirm.status, 200, confirm.body.slice(0, 400));
      assert.match(confirm.body, /We sent a code to \+\*+1234\./);
      const sms = (await server.running.cognate.outbox.recent(100, phoneApp.poolId)).filter((m) => m.channel === 'sms' && m.to === '+15555551234');
      const code = codeIn(sms.at(-1)?.text ?? '');
      assert.ok(code);
      const done = await browser.submit(confirm, { code });
      assert.equal(done.status, 302);
      assert.equal(redirectParams(done.location).get('state'), auth.state);
    });
  });
}

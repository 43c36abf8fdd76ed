/**
 * Choice-based sign-in on the hosted pages (Cognito's managed login with AllowedFirstAuthFactors
 * beyond PASSWORD and a client allowing USER_AUTH), driven over HTTP with the form client of the
 * hosted-UI suites against a running server, on SQLite and PostgreSQL: the username first, then the
 * factors USER_AUTH's SELECT_CHALLENGE offers; EMAIL_OTP with the code from a real SMTP receiver,
 * SMS_OTP with the code the SMS webhook delivered, a password chosen on the page; openid-client
 * redeems the code and the ID token's `amr` says which factor was used. The classic form stays for
 * clients without USER_AUTH. Attacks: wrong, reused and brute-forced codes, a POST without its CSRF
 * token, and a name that matches no one answered like a real user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { AdminCreateUserCommand, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { SmsGateway, mailCodes } from '../user-auth/support.js';
import { CALLBACK, FormClient, PASSWORD, assertAccessibleMarkup, formsOf, newUser, oauthApp, type OAuthApp, type PageResponse } from '../hosted-ui/support.js';

const FACTORS = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'];
const SMS = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms' };
const USER_AUTH_FLOWS = ['ALLOW_USER_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

/** The radio values of a page's choice of factor. */
const offered = (page: PageResponse) => [...page.body.matchAll(/<input type="radio"[^>]*name="factor" value="([A-Z_]+)"/g)].map((m) => m[1]);

for (const kind of databaseKinds) {
  describe(`hosted choice-based sign-in pages (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let sms: SmsGateway;
    let mailCode: (to: string) => Promise<string>;
    let app: OAuthApp;
    let classic: OAuthApp;
    let config: oidc.Configuration;

    before(async () => {
      smtp = await startSmtpReceiver();
      sms = await SmsGateway.start();
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smsWebhookUrl: sms.url });
      mailCode = mailCodes(smtp);
      app = await oauthApp(server, { PoolName: 'Passwordless Shop', Policies: { SignInPolicy: { AllowedFirstAuthFactors: FACTORS as never } }, SmsConfiguration: SMS }, { ExplicitAuthFlows: USER_AUTH_FLOWS as never });
      // The same pool's factors, but a client without USER_AUTH: the classic form.
      classic = await oauthApp(server, { PoolName: 'Classic Shop', Policies: { SignInPolicy: { AllowedFirstAuthFactors: FACTORS as never } }, SmsConfiguration: SMS });
      const every = (n: number) => ({ email: `user${n}@example.com`, email_verified: 'true', phone_number: `+1555555${String(n).padStart(4, '0')}`, phone_number_verified: 'true' });
      for (const [i, name] of ['olive', 'oscar', 'otto', 'opal', 'orla', 'omar'].entries()) await newUser(server, app.poolId, name, { attributes: every(i + 1) });
      await newUser(server, app.poolId, 'pat', { attributes: { email: 'pat@example.com', email_verified: 'false' } });
      await newUser(server, classic.poolId, 'carl');
      const metadata = (await (await fetch(`${server.url}/${app.poolId}/.well-known/openid-configuration`)).json()) as oidc.ServerMetadata;
      config = new oidc.Configuration(metadata, app.clientId, undefined, oidc.None());
      oidc.allowInsecureRequests(config);
    });
    after(async () => {
      await server?.stop();
      await smtp?.close();
      await sms?.stop();
    });

    /** An authorization request built by openid-client; the login page it leads to. */
    async function start(browser: FormClient, client: OAuthApp = app): Promise<{ login: PageResponse; verifier: string; state: string }> {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = new URL(`${server.url}/oauth2/authorize`);
      url.search = new URLSearchParams({ client_id: client.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid email', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
      const login = await browser.follow(url.pathname + url.search);
      assert.equal(login.status, 200, login.body.slice(0, 300));
      return { login, verifier, state };
    }
    /** openid-client redeems the code the pages ended with; the ID token's claims. */
    async function redeem(done: PageResponse, verifier: string, state: string) {
      assert.equal(done.status, 302, `expected the redirect to the app: ${done.body.slice(0, 400)}`);
      assert.ok(done.location!.startsWith(CALLBACK));
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state });
      return tokens.claims()!;
    }
    /** The username page submitted: the choice of factors (or the only factor's page). */
    const identify = (browser: FormClient, login: PageResponse, username: string) => browser.submit(login, { username });

    it('a client without ALLOW_USER_AUTH, or a pool whose only first factor is PASSWORD, keeps the username-and-password form (and a choice-based POST there gets that form); with both, the login page asks for the username alone', async () => {
      const passwordOnly = await oauthApp(server, { PoolName: 'Password Shop' }, { ExplicitAuthFlows: USER_AUTH_FLOWS as never });
      const plain = new FormClient(server.url);
      const plainLogin = (await start(plain, passwordOnly)).login;
      assert.deepEqual(Object.keys(formsOf(plainLogin.body)[0]!.fields).sort(), ['_csrf', 'password', 'username']);
      const sneaked = await plain.submit(plainLogin, { step: 'identify', username: 'carl' });
      assert.equal(sneaked.status, 200);
      assert.match(sneaked.body, /type="password"/, 'the password form, no USER_AUTH');
      const browser = new FormClient(server.url);
      const { login } = await start(browser, classic);
      assert.deepEqual(Object.keys(formsOf(login.body)[0]!.fields).sort(), ['_csrf', 'password', 'username']);
      const done = await browser.submit(login, { username: 'carl', password: PASSWORD });
      assert.equal(done.status, 302);
      assert.ok(done.location!.startsWith(CALLBACK));

      const other = new FormClient(server.url);
      const first = (await start(other)).login;
      const form = formsOf(first.body)[0]!;
      assert.deepEqual(Object.keys(form.fields).sort(), ['_csrf', 'step', 'username']);
      assert.equal(form.fields.step, 'identify');
      assert.doesNotMatch(first.body, /type="password"/);
    });

    it('EMAIL_OTP: the username, then the choice (email, SMS, password), then the code from the SMTP receiver signs in; the ID token says amr ["otp"], never "pwd"', async () => {
      const browser = new FormClient(server.url);
      const { login, verifier, state } = await start(browser);
      assertAccessibleMarkup(login.body);
      const choice = await identify(browser, login, 'olive');
      assert.equal(choice.status, 200);
      assertAccessibleMarkup(choice.body);
      assert.deepEqual(offered(choice), ['EMAIL_OTP', 'SMS_OTP', 'PASSWORD']);
      assert.equal(formsOf(choice.body)[0]!.fields.challenge, 'SELECT_CHALLENGE');
      const otp = await browser.submit(choice, { factor: 'EMAIL_OTP' });
      assert.equal(otp.status, 200);
      assert.match(otp.body, /u\*\*\*@e\*\*\*|\*\*\*/, 'the masked address');
      assert.equal(formsOf(otp.body)[0]!.fields.challenge, 'EMAIL_OTP');
      assertAccessibleMarkup(otp.body);
      const done = await browser.submit(otp, { code: await mailCode('user1@example.com') });
      const claims = await redeem(done, verifier, state);
      assert.equal(claims['cognito:username'], 'olive');
      assert.deepEqual(claims.amr, ['otp']);
    });

    it('SMS_OTP: the code the SMS webhook delivered signs in; amr ["otp", "sms"]', async () => {
      const browser = new FormClient(server.url);
      const { login, verifier, state } = await start(browser);
      const choice = await identify(browser, login, 'oscar');
      const otp = await browser.submit(choice, { factor: 'SMS_OTP' });
      assert.equal(formsOf(otp.body)[0]!.fields.challenge, 'SMS_OTP');
      const done = await browser.submit(otp, { code: await sms.code('+15555550002') });
      const claims = await redeem(done, verifier, state);
      assert.equal(claims['cognito:username'], 'oscar');
      assert.deepEqual(claims.amr, ['otp', 'sms']);
    });

    it('a password chosen on the choice page: a wrong one asks again under the same Session, the right one signs in with amr ["pwd"]; a user whose only factor is a password goes straight to the password page', async () => {
      const browser = new FormClient(server.url);
      const { login, verifier, state } = await start(browser);
      const choice = await identify(browser, login, 'otto');
      const passwordPage = await browser.submit(choice, { factor: 'PASSWORD' });
      assert.equal(passwordPage.status, 200);
      assert.match(passwordPage.body, /type="password"/);
      const wrong = await browser.submit(passwordPage, { password: 'Wr0ng-Horse!' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /Incorrect username or password/);
      assert.match(wrong.body, /type="password"/, 'the password page again');
      assertAccessibleMarkup(wrong.body);
      const claims = await redeem(await browser.submit(wrong, { password: PASSWORD }), verifier, state);
      assert.deepEqual(claims.amr, ['pwd']);

      // Pat's email isn't verified: a password is all Pat has, so no choice is shown.
      const other = new FormClient(server.url);
      const next = await start(other);
      const straight = await identify(other, next.login, 'pat');
      assert.equal(straight.status, 200);
      assert.deepEqual(offered(straight), []);
      assert.match(straight.body, /type="password"/);
      assert.equal(formsOf(straight.body)[0]!.fields.factor, 'PASSWORD');
      const claims2 = await redeem(await other.submit(straight, { password: PASSWORD }), next.verifier, next.state);
      assert.equal(claims2['cognito:username'], 'pat');
    });

    it('P04: a wrong code asks again; the code that signed in is refused when its form is posted again (single use), and no second code is issued for the spent choice', async () => {
      const browser = new FormClient(server.url);
      const { login, verifier, state } = await start(browser);
      const choice = await identify(browser, login, 'opal');
      const otp = await browser.submit(choice, { factor: 'EMAIL_OTP' });
      const code = await mailCode('user4@example.com');
      const wrong = await browser.submit(otp, { code: code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /Invalid code/);
      assert.equal(formsOf(wrong.body)[0]!.fields.challenge, 'EMAIL_OTP', 'the code page again');
      const done = await browser.submit(wrong, { code });
      await redeem(done, verifier, state);
      // The same form again (same Session, same code): refused, no redirect.
      const replay = await browser.submit(otp, { code });
      assert.notEqual(replay.status, 302);
      assert.doesNotMatch(replay.headers.get('location') ?? '', /code=/);
      // The choice posted again: its Session sent its one code already.
      const mails = smtp.messages.filter((m) => m.to.includes('user4@example.com')).length;
      const rechosen = await browser.submit(choice, { factor: 'EMAIL_OTP' });
      assert.notEqual(formsOf(rechosen.body)[0]?.fields.challenge, 'EMAIL_OTP', 'no new code page');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(smtp.messages.filter((m) => m.to.includes('user4@example.com')).length, mails, 'no second mail');
    });

    it('A25/P03: five wrong codes kill the code (and lock the user a while, as wrong MFA codes do), so the right one is refused next; once the lock is over, a new code (the page offers one) works', async () => {
      const browser = new FormClient(server.url);
      const { login, verifier, state } = await start(browser);
      let page = await browser.submit(await identify(browser, login, 'orla'), { factor: 'EMAIL_OTP' });
      const code = await mailCode('user5@example.com');
      const wrongCode = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        page = await browser.submit(page, { code: wrongCode });
        assert.equal(page.status, 400);
      }
      const late = await browser.submit(page, { code });
      assert.equal(late.status, 400, 'the right code after five wrong ones is refused');
      assert.match(late.body, /Invalid code/);
      // "Send a new code": the page's second form, once the lock (2^(n-5) s) is over.
      assert.ok(formsOf(late.body)[1], 'a form asking for a new code');
      server.clock.advance(60_000);
      const fresh = await browser.submit(late, {}, 1);
      assert.equal(fresh.status, 200);
      assert.equal(formsOf(fresh.body)[0]!.fields.challenge, 'EMAIL_OTP');
      const claims = await redeem(await browser.submit(fresh, { code: await mailCode('user5@example.com') }), verifier, state);
      assert.deepEqual(claims.amr, ['otp']);
    });

    it('A30: a choice-based sign-in POST without its CSRF token (or with a stale one) is refused 403 and sends no code', async () => {
      const browser = new FormClient(server.url);
      const { login } = await start(browser);
      const form = formsOf(login.body)[0]!;
      const before = smtp.messages.length;
      const bare = await browser.post(new URL(form.action, login.url).toString(), { step: 'identify', username: 'omar' });
      assert.equal(bare.status, 403);
      const choice = await identify(browser, login, 'omar');
      const choiceForm = formsOf(choice.body)[0]!;
      const { _csrf, ...noToken } = choiceForm.fields;
      const refused = await browser.post(new URL(choiceForm.action, choice.url).toString(), { ...noToken, factor: 'EMAIL_OTP' });
      assert.equal(refused.status, 403);
      const foreign = await new FormClient(server.url).post(new URL(choiceForm.action, choice.url).toString(), { ...choiceForm.fields, factor: 'EMAIL_OTP' });
      assert.equal(foreign.status, 403, "another browser's token");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(smtp.messages.length, before, 'no mail was sent');
    });

    it('A30: /passkeys/add refuses a POST without its CSRF token (403) and exists only on a managed-login domain (404 on the server\'s own URL)', async () => {
      const browser = new FormClient(server.url);
      const path = `/passkeys/add?${new URLSearchParams({ client_id: app.clientId, redirect_uri: CALLBACK })}`;
      const page = await browser.get(path);
      assert.equal(page.status, 404);
      const posted = await browser.post(path, { credential: '{"id":"x"}' });
      assert.equal(posted.status, 403);
    });

    it('P01: a name that matches no one gets the choice page a real user with the same factors gets (the decoy list the API offers it), then a code page alike; no mail is sent and every code is refused', async () => {
      const unknown = new FormClient(server.url);
      const unknownChoice = await identify(unknown, (await start(unknown)).login, 'nobody-here');
      const list = offered(unknownChoice);
      assert.ok(list.length >= 2 && list.includes('EMAIL_OTP') && list.includes('PASSWORD'), `a list a real user could have: ${list.join(',')}`);
      // A real user whose factors are exactly that list.
      const twin = `twin-${list.length}`;
      await newUser(server, app.poolId, twin, { attributes: { email: `${twin}@example.com`, email_verified: 'true', ...(list.includes('SMS_OTP') ? { phone_number: '+15555550999', phone_number_verified: 'true' } : {}) } });
      const known = new FormClient(server.url);
      const knownChoice = await identify(known, (await start(known)).login, twin);
      assert.equal(unknownChoice.status, knownChoice.status);
      assert.deepEqual(offered(unknownChoice), offered(knownChoice));
      const strip = (p: PageResponse) => p.body.replace(/value="[^"]*"/g, '').replace(/\/login\?[^"]*/g, '/login?').replace(new RegExp(`${twin}|nobody-here`, 'g'), 'NAME').replace(/nonce="[^"]*"/g, '');
      assert.equal(strip(unknownChoice), strip(knownChoice), 'the same page but for the name and the tokens');
      const before = smtp.messages.length;
      const otp = await unknown.submit(unknownChoice, { factor: 'EMAIL_OTP' });
      assert.equal(otp.status, 200);
      assert.equal(formsOf(otp.body)[0]!.fields.challenge, 'EMAIL_OTP');
      assert.match(otp.body, /\*\*\*/, 'a masked destination, as for a real user');
      const guess = await unknown.submit(otp, { code: '123456' });
      assert.equal(guess.status, 400);
      assert.match(guess.body, /Invalid code/);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(smtp.messages.length, before, 'no mail for a name that matches no one');
    });

    it('under PreventUserExistenceErrors LEGACY an unknown name is told so at the username form, as Cognito\'s LEGACY answers (UserNotFoundException)', async () => {
      const legacy = (
        await server.admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: app.poolId, ClientName: 'legacy', PreventUserExistenceErrors: 'LEGACY', ExplicitAuthFlows: USER_AUTH_FLOWS as never, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: [CALLBACK] }),
        )
      ).UserPoolClient!.ClientId!;
      const browser = new FormClient(server.url);
      const { login } = await start(browser, { poolId: app.poolId, clientId: legacy });
      const refused = await identify(browser, login, 'nobody-here');
      assert.equal(refused.status, 400);
      assert.match(refused.body, /User does not exist/);
      assert.equal(formsOf(refused.body)[0]!.fields.step, 'identify', 'the username form again');
    });

    it('a passwordless user (AdminCreateUser without a password, a verified email: one factor) goes from the username straight to the code page, and the code signs in', async () => {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: app.poolId, Username: 'nopass', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'nopass@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
      const browser = new FormClient(server.url);
      const { login, verifier, state } = await start(browser);
      const otp = await identify(browser, login, 'nopass');
      assert.equal(otp.status, 200);
      assert.deepEqual(offered(otp), []);
      assert.equal(formsOf(otp.body)[0]!.fields.challenge, 'EMAIL_OTP');
      const claims = await redeem(await browser.submit(otp, { code: await mailCode('nopass@example.com') }), verifier, state);
      assert.equal(claims['cognito:username'], 'nopass');
      assert.deepEqual(claims.amr, ['otp']);
    });
  });
}

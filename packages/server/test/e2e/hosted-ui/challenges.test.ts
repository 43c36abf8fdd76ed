/**
 * The pipeline's challenges as pages: TOTP set-up with the QR code (MFA required, nothing set up),
 * then SOFTWARE_TOKEN_MFA at the next sign-in; SMS_MFA with the code from the outbox; SELECT_MFA_TYPE;
 * NEW_PASSWORD_REQUIRED with a required attribute; wrong codes re-ask the same challenge; every
 * form has its CSRF token and the sealed Session in hidden fields.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { nextCode, totp } from '../../support/mfa.js';
import { CALLBACK, FormClient, PASSWORD, assertAccessibleMarkup, authorizeQuery, formsOf, newUser, oauthApp, redirectParams, signInThroughPages, type OAuthApp } from './support.js';

const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };

for (const kind of databaseKinds) {
  describe(`hosted sign-in challenges (${kind})`, () => {
    let server: TestServer;
    let totpApp: OAuthApp;
    let smsApp: OAuthApp;
    let plain: OAuthApp;
    let emailApp: OAuthApp;
    before(async () => {
      server = await startTestServer(kind);
      totpApp = await oauthApp(server, { PoolName: 'TOTP Shop' });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: totpApp.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      await newUser(server, totpApp.poolId, 'tina');
      smsApp = await oauthApp(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: smsApp.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }));
      await newUser(server, smsApp.poolId, 'sam', { attributes: { phone_number: '+15555550100', phone_number_verified: 'true' } });
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: smsApp.poolId, Username: 'sam', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      await newUser(server, smsApp.poolId, 'sue', { attributes: { phone_number: '+15555550101', phone_number_verified: 'true' } });
      // Sue also sets up a software token through the API, and prefers neither factor.
      const adminClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: smsApp.poolId, ClientName: 'admin', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const auth = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: smsApp.poolId, ClientId: adminClient, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'sue', PASSWORD } }));
      const accessToken = auth.AuthenticationResult!.AccessToken!;
      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
      await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!, server.clock.now()) }));
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: smsApp.poolId, Username: 'sue', SMSMfaSettings: { Enabled: true, PreferredMfa: false }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false } }));
      emailApp = await oauthApp(server);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: emailApp.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'Your sign-in code is {####}', Subject: 'Sign-in' } }));
      await newUser(server, emailApp.poolId, 'emma', { attributes: { email: 'emma@example.com', email_verified: 'true' } });
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: emailApp.poolId, Username: 'emma', EmailMfaSettings: { Enabled: true } }));
      plain = await oauthApp(server, { Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }] });
      await newUser(server, plain.poolId, 'newbie', { temporary: true, attributes: { name: 'x' } });
      await newUser(server, plain.poolId, 'newbie2', { temporary: true, attributes: { name: 'y' } });
      await newUser(server, plain.poolId, 'newbie3', { temporary: true });
    });
    after(async () => {
      await server?.stop();
    });

    it('MFA_SETUP: the page shows a QR code and the key; a wrong code asks again; the right one signs in; the next sign-in asks SOFTWARE_TOKEN_MFA', async () => {
      const browser = new FormClient(server.url);
      const setup = await signInThroughPages(browser, authorizeQuery(totpApp).query, 'tina');
      assert.equal(setup.status, 200, setup.body.slice(0, 400));
      assert.match(setup.body, /<img class="qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]+">/);
      const svg = Buffer.from(/src="data:image\/svg\+xml;base64,([^"]+)"/.exec(setup.body)![1]!, 'base64').toString('utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.doesNotMatch(svg, /<script/i);
      assertAccessibleMarkup(setup.body);
      const secret = /id="totp-secret">([A-Z2-7]+)</.exec(setup.body)?.[1];
      assert.ok(secret && secret.length >= 16, 'the key is shown for typing');
      const form = formsOf(setup.body)[0]!;
      assert.equal(form.fields.challenge, 'MFA_SETUP');
      assert.ok(form.fields._csrf && form.fields.session);

      const wrong = await browser.submit(setup, { code: '000000' === totp(secret, server.clock.now()) ? '111111' : '000000' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /Invalid code/);
      assertAccessibleMarkup(wrong.body);
      assert.equal(/id="totp-secret">([A-Z2-7]+)</.exec(wrong.body)?.[1], secret, 'the same key is shown again');
      const done = await browser.submit(wrong, { code: totp(secret, server.clock.now()) });
      assert.equal(done.status, 302, done.body.slice(0, 400));
      assert.ok(redirectParams(done.location).get('code'));

      server.clock.advance(31_000);
      const again = await signInThroughPages(new FormClient(server.url), authorizeQuery(totpApp).query, 'tina');
      assert.equal(again.status, 200);
      assert.equal(formsOf(again.body)[0]!.fields.challenge, 'SOFTWARE_TOKEN_MFA');
      assert.match(again.body, /autocomplete="one-time-code"/);
      const browser2 = new FormClient(server.url);
      const challenge = await signInThroughPages(browser2, authorizeQuery(totpApp).query, 'tina');
      const ok = await browser2.submit(challenge, { code: totp(secret, server.clock.now()) });
      assert.equal(ok.status, 302);
      assert.ok(ok.location?.startsWith(CALLBACK));
    });

    it('SMS_MFA: the code sent by SMS signs in; a wrong code re-asks with the same Session', async () => {
      const browser = new FormClient(server.url);
      const challenge = await signInThroughPages(browser, authorizeQuery(smsApp).query, 'sam');
      assert.equal(challenge.status, 200, challenge.body.slice(0, 300));
      assert.equal(formsOf(challenge.body)[0]!.fields.challenge, 'SMS_MFA');
      assert.match(challenge.body, /\+\*+0100/);
      assertAccessibleMarkup(challenge.body);
      const code = await nextCode(server, smsApp.poolId, '+15555550100');
      const wrong = await browser.submit(challenge, { code: code === '123456' ? '654321' : '123456' });
      assert.equal(wrong.status, 400);
      assert.equal(formsOf(wrong.body)[0]!.fields.session, formsOf(challenge.body)[0]!.fields.session);
      const done = await browser.submit(wrong, { code });
      assert.equal(done.status, 302);
      assert.ok(redirectParams(done.location).get('code'));
    });

    it('EMAIL_OTP: the code sent by email signs in', async () => {
      const browser = new FormClient(server.url);
      const challenge = await signInThroughPages(browser, authorizeQuery(emailApp).query, 'emma');
      assert.equal(formsOf(challenge.body)[0]!.fields.challenge, 'EMAIL_OTP');
      assert.match(challenge.body, /sent a code by email to e\*+@e\*+\. /);
      const done = await browser.submit(challenge, { code: await nextCode(server, emailApp.poolId, 'emma@example.com') });
      assert.equal(done.status, 302);
      assert.ok(redirectParams(done.location).get('code'));
    });

    it('SELECT_MFA_TYPE: a user with two factors and no preference chooses on a page', async () => {
      const browser = new FormClient(server.url);
      const page = await signInThroughPages(browser, authorizeQuery(smsApp).query, 'sue');
      assert.equal(formsOf(page.body)[0]?.fields.challenge, 'SELECT_MFA_TYPE');
      assertAccessibleMarkup(page.body);
      assert.match(page.body, /<legend>/);
      assert.match(page.body, /type="radio"[^>]*value="SMS_MFA"/);
      assert.match(page.body, /type="radio"[^>]*value="SOFTWARE_TOKEN_MFA"/);
      const next = await browser.submit(page, { mfa_type: 'SMS_MFA' });
      assert.equal(formsOf(next.body)[0]!.fields.challenge, 'SMS_MFA');
      const done = await browser.submit(next, { code: await nextCode(server, smsApp.poolId, '+15555550101') });
      assert.equal(done.status, 302);
    });

    it('NEW_PASSWORD_REQUIRED: a temporary password leads to the new-password page; mismatched or weak passwords re-ask; then a code', async () => {
      const browser = new FormClient(server.url);
      const page = await signInThroughPages(browser, authorizeQuery(plain).query, 'newbie');
      assert.equal(page.status, 200, page.body.slice(0, 300));
      assert.equal(formsOf(page.body)[0]!.fields.challenge, 'NEW_PASSWORD_REQUIRED');
      assert.match(page.body, /autocomplete="new-password"/);
      assert.match(page.body, /At least 8 characters/);
      assertAccessibleMarkup(page.body);
      const mismatch = await browser.submit(page, { new_password: 'N3w-Password!', confirm_password: 'N3w-Password?' });
      assert.equal(mismatch.status, 400);
      assert.match(mismatch.body, /do not match/);
      const weak = await browser.submit(mismatch, { new_password: 'short', confirm_password: 'short' });
      assert.equal(weak.status, 400);
      assert.match(weak.body, /Password did not conform with policy/);
      const done = await browser.submit(weak, { new_password: 'N3w-Password!', confirm_password: 'N3w-Password!' });
      assert.equal(done.status, 302, done.body.slice(0, 500));
      assert.ok(redirectParams(done.location).get('code'));
      // The new password is the password now.
      const next = await signInThroughPages(new FormClient(server.url), authorizeQuery(plain).query, 'newbie', 'N3w-Password!');
      assert.equal(next.status, 302);
      void PASSWORD;
    });

    it('NEW_PASSWORD_REQUIRED asks for the required attributes the user lacks, with a label for each', async () => {
      const browser = new FormClient(server.url);
      const page = await signInThroughPages(browser, authorizeQuery(plain).query, 'newbie3');
      assert.match(page.body, /<label class="label-customizable" for="f-userAttributes.name">name<\/label>/);
      const missing = await browser.submit(page, { new_password: 'N3w-Password!', confirm_password: 'N3w-Password!' });
      assert.equal(missing.status, 400);
      assert.match(missing.body, /name is missing/);
      const done = await browser.submit(missing, { new_password: 'N3w-Password!', confirm_password: 'N3w-Password!', 'userAttributes.name': 'Newbie Three' });
      assert.equal(done.status, 302, done.body.slice(0, 300));
    });

    it('a challenge answer with a tampered Session ends the attempt back at the login form', async () => {
      const browser = new FormClient(server.url);
      const page = await signInThroughPages(browser, authorizeQuery(plain).query, 'newbie2');
      const res = await browser.submit(page, { session: 'forged', new_password: 'N3w-Password!', confirm_password: 'N3w-Password!' });
      assert.equal(res.status, 400);
      assert.ok(formsOf(res.body)[0]!.fields.password !== undefined, 'back to the password form');
      assert.match(res.body, /session has expired/i);
    });
  });
}

/**
 * CONFIRM_WITH_LINK: a pool whose VerificationMessageTemplate.DefaultEmailOption is
 * CONFIRM_WITH_LINK mails EmailMessageByLink / EmailSubjectByLink with `{##…##}` as a link to the
 * pool's domain (`https://<domain>/confirmUser?client_id=…&user_name=…&confirmation_code=…`, as
 * Cognito's are); GET of the link confirms the user once; a replayed, wrong or foreign link gets
 * one error page (no enumeration). Without a domain, SignUp fails as Cognito's does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  CreateUserPoolDomainCommand,
  DescribeUserPoolDomainCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, failure, startTestServer, type TestServer } from '../../support/server.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../../support/triggers.js';
import { FormClient, PASSWORD, authorizeQuery, oauthApp, type OAuthApp } from '../hosted-ui/support.js';

const LINK_TEMPLATE = { DefaultEmailOption: 'CONFIRM_WITH_LINK' as const, EmailMessageByLink: 'Hello {username}, please {##Confirm here##} to finish.', EmailSubjectByLink: 'Confirm your shop account' };

const linkIn = (text: string) => {
  const found = /(https?:\/\/\S+\/confirmUser\?\S+)/.exec(text)?.[1];
  assert.ok(found, `a link in: ${text}`);
  return new URL(found);
};

for (const kind of databaseKinds) {
  describe(`CONFIRM_WITH_LINK (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let app: OAuthApp;
    let legacy: OAuthApp;
    let noDomain: OAuthApp;
    let domainBase: string;
    let hooks: TriggerHost;
    let custom: OAuthApp;

    before(async () => {
      smtp = await startSmtpReceiver();
      hooks = await TriggerHost.start();
      hooks.handlers.set('custom-message', (e) => ({ ...e, response: { emailSubject: 'Welcome aboard', emailMessage: `Hi ${e.userName}: ${e.request.linkParameter as string}`, smsMessage: null } }));
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smtpFrom: 'auth@shop.example.com', triggers: { [arn('custom-message')]: `${hooks.webhookUrl}/custom-message` }, triggerWebhookSecret: WEBHOOK_SECRET });
      app = await oauthApp(server, { AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: LINK_TEMPLATE });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: app.poolId, Domain: `shop-${kind}` }));
      const described = await server.admin.send(new DescribeUserPoolDomainCommand({ Domain: `shop-${kind}` }));
      domainBase = described.DomainDescription!.CloudFrontDistribution!;
      legacy = await oauthApp(server, { AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: LINK_TEMPLATE }, { PreventUserExistenceErrors: 'LEGACY' });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: legacy.poolId, Domain: `legacy-${kind}` }));
      custom = await oauthApp(server, { AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: LINK_TEMPLATE, LambdaConfig: { CustomMessage: arn('custom-message') } });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: custom.poolId, Domain: `custom-${kind}` }));
      noDomain = await oauthApp(server, { AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK' } });
    });
    after(async () => {
      await server?.stop();
      await smtp?.close();
      await hooks?.stop();
    });

    const signUp = (target: OAuthApp, username: string, email: string) =>
      server.anonymous.send(new SignUpCommand({ ClientId: target.clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
    /** The link's path and query, requested on the server (the pages answer on every domain of the pool and on the server's own URL). */
    const visit = (link: URL) => new FormClient(server.url).get(link.pathname + link.search);
    const status = async (target: OAuthApp, username: string) => (await server.admin.send(new AdminGetUserCommand({ UserPoolId: target.poolId, Username: username }))).UserStatus;

    it('SignUp mails EmailMessageByLink with a link to the pool domain\'s /confirmUser; following it confirms the user; a replay is refused', async () => {
      await signUp(app, 'ann', 'ann@example.com');
      const mail = await smtp.waitFor((m) => m.to.includes('ann@example.com'));
      assert.equal(mail.subject, 'Confirm your shop account');
      const link = linkIn(mail.text);
      assert.equal(link.host, domainBase, 'the link is on the pool domain');
      assert.equal(link.pathname, '/confirmUser');
      assert.deepEqual([...link.searchParams.keys()], ['client_id', 'user_name', 'confirmation_code']);
      assert.equal(link.searchParams.get('client_id'), app.clientId);
      assert.equal(link.searchParams.get('user_name'), 'ann');
      assert.match(link.searchParams.get('confirmation_code') ?? '', /^\d{6}$/);
      assert.match(mail.text, /^Hello ann, please Confirm here: /);
      assert.ok(mail.html, 'an HTML part');
      assert.match(mail.html!, /<a href="[^"]+\/confirmUser\?client_id=[^"]+&amp;user_name=ann&amp;confirmation_code=\d{6}">Confirm here<\/a>/);
      assert.equal(await status(app, 'ann'), 'UNCONFIRMED');

      const first = await visit(link);
      assert.equal(first.status, 200, first.body.slice(0, 300));
      assert.match(first.body, /Your account is confirmed/);
      assert.equal(await status(app, 'ann'), 'CONFIRMED');
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: 'ann' }))).UserAttributes?.find((a) => a.Name === 'email_verified')?.Value, 'true');

      const replay = await visit(link);
      assert.equal(replay.status, 400);
      assert.match(replay.body, /This confirmation link is not valid or has expired\./);
    });

    it('P01: a wrong code, an unknown user and an unknown client get the same error page (PreventUserExistenceErrors ENABLED and LEGACY)', async () => {
      await signUp(app, 'ben', 'ben@example.com');
      const real = linkIn((await smtp.waitFor((m) => m.to.includes('ben@example.com'))).text);
      const variant = (changes: Record<string, string>) => {
        const url = new URL(real);
        for (const [k, v] of Object.entries(changes)) url.searchParams.set(k, v);
        return url;
      };
      const code = real.searchParams.get('confirmation_code')!;
      const wrong = code === '000000' ? '111111' : '000000';
      const bodies: string[] = [];
      for (const [target, link] of [
        [app, variant({ confirmation_code: wrong })],
        [app, variant({ user_name: 'nobody-here' })],
        [app, variant({ client_id: 'nosuchclient123' })],
        [legacy, variant({ client_id: legacy.clientId, user_name: 'nobody-here' })],
        [legacy, variant({ client_id: legacy.clientId, user_name: 'ben' })],
      ] as const) {
        void target;
        const res = await visit(link);
        assert.equal(res.status, 400);
        assert.doesNotMatch(res.body, LEAKED_INTERNALS);
        bodies.push(res.body.replace(/nonce="[^"]+"/g, ''));
      }
      assert.equal(new Set(bodies).size, 1, 'one page for every failure');
      assert.equal(await status(app, 'ben'), 'UNCONFIRMED');
      // The real link still works after the wrong tries (below the guess limit).
      assert.equal((await visit(real)).status, 200);
      assert.equal(await status(app, 'ben'), 'CONFIRMED');
    });

    it('ResendConfirmationCode mails a new link; the earlier one no longer confirms', async () => {
      await signUp(app, 'cid', 'cid@example.com');
      const old = linkIn((await smtp.waitFor((m) => m.to.includes('cid@example.com'))).text);
      smtp.clear();
      await server.anonymous.send(new ResendConfirmationCodeCommand({ ClientId: app.clientId, Username: 'cid' }));
      const fresh = linkIn((await smtp.waitFor((m) => m.to.includes('cid@example.com'))).text);
      assert.notEqual(fresh.searchParams.get('confirmation_code'), old.searchParams.get('confirmation_code'));
      if (old.searchParams.get('confirmation_code') !== fresh.searchParams.get('confirmation_code')) assert.equal((await visit(old)).status, 400);
      assert.equal((await visit(fresh)).status, 200);
      assert.equal(await status(app, 'cid'), 'CONFIRMED');
    });

    it('the username is escaped in the HTML part (the template is the pool\'s markup, the name is the user\'s)', async () => {
      await signUp(app, '<i>dee</i>', 'dee@example.com');
      const mail = await smtp.waitFor((m) => m.to.includes('dee@example.com'));
      assert.match(mail.html!, /Hello &lt;i&gt;dee&lt;\/i&gt;, please <a href=/);
      assert.equal(linkIn(mail.text).searchParams.get('user_name'), '<i>dee</i>');
    });

    it('the sign-up page of a link pool says a link was sent (no code form); the link confirms and the person signs in', async () => {
      const browser = new FormClient(server.url);
      const auth = authorizeQuery(app);
      const page = await browser.get(`/signup?${auth.query}`);
      assert.equal(page.status, 200);
      const sent = await browser.submit(page, { username: 'eve', password: PASSWORD, 'userAttributes.email': 'eve@example.com' });
      assert.equal(sent.status, 200, sent.body.slice(0, 400));
      assert.match(sent.body, /We sent a link to e\*\*\*@e\*\*\*/);
      assert.doesNotMatch(sent.body, /name="code"/);
      const link = linkIn((await smtp.waitFor((m) => m.to.includes('eve@example.com'))).text);
      assert.equal((await visit(link)).status, 200);
      const login = await browser.follow(`/oauth2/authorize?${authorizeQuery(app).query}`);
      const done = await browser.submit(login, { username: 'eve', password: PASSWORD });
      assert.equal(done.status, 302);
    });

    it('without a pool domain, SignUp fails as Cognito does (InvalidParameterException) and no user is created', async () => {
      const err = await failure(() => signUp(noDomain, 'fin', 'fin@example.com'));
      assert.deepEqual(err, { name: 'InvalidParameterException', message: 'Cannot perform specific action because there does not exist a valid use pool domain associated with the user pool' });
      assert.equal((await failure(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: noDomain.poolId, Username: 'fin' })))).name, 'UserNotFoundException');
    });

    it('bad links: missing, huge and repeated parameters get the error page, never a stack trace', async () => {
      const browser = new FormClient(server.url);
      for (const q of [
        'confirmation_code=123456',
        `client_id=${app.clientId}&confirmation_code=`,
        `client_id=${app.clientId}&user_name=${'x'.repeat(5000)}&confirmation_code=123456`,
        `client_id=${app.clientId}&user_name=ann&confirmation_code=${'9'.repeat(5000)}`,
        `client_id=${app.clientId}&client_id=other&user_name=ann&user_name=bob&confirmation_code=1&confirmation_code=2`,
        `client_id=%00%ff&user_name=%E0%A4%A&confirmation_code=%`,
      ]) {
        const res = await browser.get(`/confirmUser?${q}`);
        assert.equal(res.status, 400, q);
        assert.doesNotMatch(res.body, LEAKED_INTERNALS);
      }
    });
    it('a CustomMessage function sees the link placeholder ({##Click Here##}) and its message carries the link', async () => {
      await signUp(custom, 'gil', 'gil@example.com');
      const mail = await smtp.waitFor((m) => m.to.includes('gil@example.com'));
      const event = hooks.last('custom-message');
      assert.equal(event.triggerSource, 'CustomMessage_SignUp');
      assert.equal(event.request.linkParameter, '{##Click Here##}');
      assert.equal(event.request.codeParameter, '{####}');
      assert.equal(mail.subject, 'Welcome aboard');
      assert.match(mail.text, /^Hi gil: Click Here: https?:\/\/\S+\/confirmUser\?/);
      const link = linkIn(mail.text);
      assert.equal(link.searchParams.get('client_id'), custom.clientId);
      assert.equal((await visit(link)).status, 200);
      assert.equal(await status(custom, 'gil'), 'CONFIRMED');
    });
  });
}

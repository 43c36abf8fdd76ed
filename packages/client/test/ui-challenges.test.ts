/**
 * The drop-in's remaining challenge screens in headless Chromium, against a running Cognate server
 * whose SMS webhook posts to a local gateway and whose custom-auth triggers are the developer
 * guide's modules: email MFA set up at the first sign-in of a pool that requires MFA (the address
 * typed, then the code mailed there), a code by text message as the first factor (USER_AUTH
 * SMS_OTP), and a custom challenge after SRP (CUSTOM_AUTH: the question the app picks from the public
 * parameters, a wrong answer asked again, the right one signs in; three wrong answers end the sign-in). Every screen passes axe-core.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip } from '../../server/test/support/browser.js';
import { CREATE, DEFINE, VERIFY } from '../../server/test/support/custom-challenge.js';
import { arn, TriggerHost } from '../../server/test/support/triggers.js';
import { passwordlessPool, passwordlessUser } from '../../server/test/e2e/user-auth/support.js';
import { PASSWORD, codeSentAfter, createPool, outboxIds, startSmsGateway, type SmsGateway } from './support.js';
import { alertText, open, outcome, screen, startUiHarness, type UiHarness } from './ui-support.js';

const SUITE = 'client-ui-challenges';

describe('drop-in challenge screens in Chromium', { skip: browserSkip }, () => {
  let h: UiHarness;
  let gateway: SmsGateway;
  let triggers: TriggerHost;

  before(async () => {
    gateway = await startSmsGateway();
    triggers = await TriggerHost.start();
    h = await startUiHarness({
      smsWebhookUrl: gateway.url,
      smsWebhookSecret: 'gateway-secret',
      triggers: { [arn('define')]: await triggers.module('define', DEFINE), [arn('create')]: await triggers.module('create', CREATE), [arn('verify')]: await triggers.module('verify', VERIFY) },
    });
  });
  after(async () => {
    await h?.close();
    await gateway?.close();
    await triggers?.stop();
  });

  const field = (name: string) => h.page.locator(`cognate-sign-in #field-${name}`);
  const click = (id: string) => h.page.locator(`cognate-sign-in #${id}`).click();

  /** Submits the screen and waits for the server's answer to the challenge response it sent. */
  async function answer(page: Page, value: string): Promise<void> {
    await field('answer').fill(value);
    const answered = page.waitForResponse((r) => r.request().headers()['x-amz-target']?.endsWith('.RespondToAuthChallenge') === true);
    await click('submit');
    await answered;
  }

  async function signInWithPassword(config: unknown, username: string): Promise<void> {
    await open(h, config);
    await field('username').fill(username);
    await field('password').fill(PASSWORD);
    await click('submit');
  }

  it('MFA required, TOTP and email offered, a user with no address: email is chosen, the address typed, and the code mailed there signs in', async () => {
    const pool = await createPool(h.server);
    await h.server.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, EmailMfaConfiguration: { Message: 'Your code is {####}', Subject: 'Sign-in' } }),
    );
    await h.server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'erin', MessageAction: 'SUPPRESS' }));
    await h.server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'erin', Password: PASSWORD, Permanent: true }));

    await signInWithPassword(pool.config, 'erin');
    await screen(h.page, 'choose', SUITE);
    assert.deepEqual(await h.page.locator('cognate-sign-in form button').allTextContents(), ['Authenticator app', 'Email']);
    await click('action-choose-EMAIL_OTP');
    await screen(h.page, 'emailSetup', SUITE);
    await field('email').fill('not-an-address');
    await click('submit');
    assert.equal(await alertText(h.page), 'Check what you entered: Invalid email address format.');

    const sent = await outboxIds(h.server, pool.poolId);
    await field('email').fill('erin@example.com');
    await click('submit');
    await screen(h.page, 'emailOTP', SUITE);
    assert.match((await h.page.locator('cognate-sign-in form p.muted').textContent()) ?? '', /^We sent a code to e\S*@\S+\.$/);
    await field('code').fill(await codeSentAfter(h.server, pool.poolId, 'erin@example.com', sent));
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'erin', current: 'signedIn' });

    const user = await h.server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'erin' }));
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    assert.deepEqual([attributes.email, attributes.email_verified], ['erin@example.com', 'true'], 'the address that received the code is the verified email');
    assert.deepEqual(user.UserMFASettingList, ['EMAIL_OTP']);
  });

  it('a code by text message as the first factor: the screen names the masked number, a wrong code is refused, the code from the gateway signs in', async () => {
    const pool = await passwordlessPool(h.server, ['PASSWORD', 'SMS_OTP']);
    const phone = '+15555550177';
    await passwordlessUser(h.server, pool, 'sam', { phone });
    const config = { CognitoUserPool: { Default: { PoolId: pool.poolId, AppClientId: pool.clientId, Region: 'us-east-1', Endpoint: h.server.url } }, Auth: { Default: { authenticationFlowType: 'USER_AUTH' } } };

    await open(h, config, { passwordless: ['SMS_OTP'] });
    assert.equal(await h.page.locator('cognate-sign-in #action-passwordless-SMS_OTP').textContent(), 'Text me a code');
    await field('username').fill('sam');
    await click('action-passwordless-SMS_OTP');
    await screen(h.page, 'smsOTP', SUITE);
    assert.equal(await h.page.locator('cognate-sign-in form p.muted').textContent(), 'We sent a code to +*******0177.');
    const code = await gateway.nextCode(phone);
    await field('code').fill(code === '000000' ? '111111' : '000000');
    await click('submit');
    assert.equal(await alertText(h.page), 'That code is not right. Try again.');
    await field('code').fill(code);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'sam', current: 'signedIn' });
  });

  describe('a custom challenge after SRP (CUSTOM_AUTH)', () => {
    let config: unknown;

    before(async () => {
      const pool = await createPool(
        h.server,
        {},
        undefined,
        {
          LambdaConfig: { DefineAuthChallenge: arn('define'), CreateAuthChallenge: arn('create'), VerifyAuthChallengeResponse: arn('verify') },
          Schema: [{ Name: 'colour', AttributeDataType: 'String', Mutable: true }],
        },
      );
      config = { ...(pool.config as object), Auth: { Default: { authenticationFlowType: 'CUSTOM_AUTH' } } };
      for (const username of ['cleo', 'cole']) {
        await h.server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'custom:colour', Value: 'teal' }] }));
        await h.server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
      }
    });

    it('the password is proved by SRP, then the challenge: a wrong answer is asked again, the right one signs in', async () => {
      const steps: string[] = [];
      const record = (r: { headers(): Record<string, string>; postData(): string | null }) => {
        const body = JSON.parse(r.postData() ?? '{}') as { AuthFlow?: string; ChallengeName?: string; AuthParameters?: { CHALLENGE_NAME?: string } };
        if (r.headers()['x-amz-target']?.endsWith('AuthChallenge') || r.headers()['x-amz-target']?.endsWith('.InitiateAuth')) steps.push(body.AuthFlow ? `${body.AuthFlow}:${body.AuthParameters?.CHALLENGE_NAME ?? ''}` : body.ChallengeName!);
      };
      h.page.on('request', record);
      try {
        await open(h, config, { promptFrom: 'question' });
        await field('username').fill('cleo');
        await field('password').fill(PASSWORD);
        await click('submit');
        await screen(h.page, 'customChallenge', SUITE);
        assert.equal(await h.page.locator('cognate-sign-in label[for="field-answer"]').textContent(), 'Answer');
        assert.equal(await h.page.locator('cognate-sign-in form p.muted').textContent(), 'Favourite colour?', 'customChallengePrompt shows the public parameter it picks');
        await answer(h.page, 'red');
        await screen(h.page, 'customChallenge', SUITE);
        assert.equal(await field('answer').inputValue(), '', 'the new challenge starts with an empty answer');
        await answer(h.page, 'teal');
        assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'cleo', current: 'signedIn' });
        assert.deepEqual(steps, ['CUSTOM_AUTH:SRP_A', 'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE']);
      } finally {
        h.page.off('request', record);
      }
    });

    it('without customChallengePrompt the screen shows the answer field alone', async () => {
      await signInWithPassword(config, 'cole');
      await screen(h.page, 'customChallenge', SUITE);
      assert.equal(await h.page.locator('cognate-sign-in form p.muted').count(), 0);
    });

    it('three wrong answers end the sign-in: the alert says so, no tokens are issued, and the link goes back to the sign-in screen', async () => {
      await signInWithPassword(config, 'cole');
      await screen(h.page, 'customChallenge', SUITE);
      await answer(h.page, 'red');
      await screen(h.page, 'customChallenge', SUITE);
      await answer(h.page, 'blue');
      await screen(h.page, 'customChallenge', SUITE);
      await field('answer').fill('green');
      await click('submit');
      assert.equal(await alertText(h.page), 'Incorrect username or password.');
      assert.equal(await h.page.evaluate('window.outcome'), undefined, 'the promise has not settled');
      assert.equal(await h.page.evaluate('window.client.currentUserState'), 'signedOut');
      await click('action-back');
      await screen(h.page, 'signIn', SUITE);
      assert.equal(await field('username').inputValue(), 'cole', 'the name typed is kept');
    });
  });
});

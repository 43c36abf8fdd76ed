/**
 * The drop-in sign-in (`@cognate/client/ui`) in headless Chromium against a running Cognate server,
 * used as a person would: SRP sign-in (a wrong password announced first), sign-up with a resent
 * code from the outbox, an unconfirmed user, new password required, forgot password. (Cancel,
 * keyboard, theme and languages: ui-use.test.ts.) Every screen passes axe-core with no violation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { browserSkip } from '../../server/test/support/browser.js';
import { PASSWORD, codeSentAfter, createPool, outboxIds, type TestPool } from './support.js';
import { alertText, assertAccessible, focused, open, outcome, screen, startUiHarness, type UiHarness } from './ui-support.js';

const SUITE = 'client-ui-sign-in';
const NEW_PASSWORD = 'N3w-Passw0rd!x';

describe('drop-in sign-in in Chromium', { skip: browserSkip }, () => {
  let h: UiHarness;
  let pool: TestPool;

  before(async () => {
    h = await startUiHarness();
    pool = await createPool(h.server);
  });
  after(async () => {
    await h?.close();
  });

  const field = (name: string) => h.page.locator(`cognate-sign-in #field-${name}`);
  const click = (id: string) => h.page.locator(`cognate-sign-in #${id}`).click();

  /** A confirmed user with a verified email (and the given password, permanent). */
  async function user(username: string, password = PASSWORD): Promise<string> {
    const email = `${username}@example.com`;
    await h.server.admin.send(
      new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }),
    );
    await h.server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: password, Permanent: true }));
    return email;
  }

  it('signs in with SRP: a wrong password is announced in the alert region, the right one resolves signedIn and the element goes away', async () => {
    await user('sam');
    const flows: string[] = [];
    h.page.on('request', (r) => {
      if (r.headers()['x-amz-target']?.endsWith('.InitiateAuth')) flows.push((JSON.parse(r.postData() ?? '{}') as { AuthFlow: string }).AuthFlow);
    });
    await open(h, pool.config);
    await screen(h.page, 'signIn', SUITE);
    await field('username').fill('sam');
    await field('password').fill('Wrong-Passw0rd!');
    await click('submit');
    assert.equal(await alertText(h.page), 'Incorrect username or password.');
    await assertAccessible(h.page, 'sign-in with an error');
    await field('password').fill(PASSWORD);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'sam', current: 'signedIn' });
    assert.deepEqual(flows, ['USER_SRP_AUTH', 'USER_SRP_AUTH']);
    assert.equal(await h.page.locator('cognate-sign-in').count(), 0, 'removed once signed in');
  });

  it('signs up (email and name), resends the code, refuses a wrong one, confirms with the code from the outbox and signs the new user in', async () => {
    await open(h, pool.config, { signUp: { attributes: ['email', 'name'] } });
    await click('action-signUp');
    await screen(h.page, 'signUp', SUITE);
    assert.equal(await focused(h.page), 'input#field-username', 'focus moves to the new screen');
    await field('username').fill('una');
    await field('password').fill(PASSWORD);
    await field('email').fill('una@example.com');
    await field('name').fill('Una Example');
    const beforeSignUp = await outboxIds(h.server, pool.poolId);
    await click('submit');
    await screen(h.page, 'confirmSignUp', SUITE);
    await codeSentAfter(h.server, pool.poolId, 'una@example.com', beforeSignUp);
    assert.match((await h.page.locator('cognate-sign-in form p.muted').textContent()) ?? '', /^We sent a code to \S+@\S+\.$/);

    const beforeResend = await outboxIds(h.server, pool.poolId);
    await click('action-resend');
    await h.page.locator('cognate-sign-in [role="status"]', { hasText: 'We sent a new code to' }).waitFor();
    const code = await codeSentAfter(h.server, pool.poolId, 'una@example.com', beforeResend);
    await field('code').fill(code === '000000' ? '111111' : '000000');
    await click('submit');
    assert.equal(await alertText(h.page), 'That code is not right. Try again.');
    await field('code').fill(code);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'una', current: 'signedIn' });
    const created = await h.server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'una' }));
    assert.equal(created.UserStatus, 'CONFIRMED');
    assert.equal(created.UserAttributes?.find((a) => a.Name === 'name')?.Value, 'Una Example');
  });

  it('a user invited with a temporary password chooses a new one (two different ones refused first) and is signed in', async () => {
    await h.server.admin.send(
      new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'ivy', TemporaryPassword: 'Temp-Passw0rd!', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'ivy@example.com' }] }),
    );
    await open(h, pool.config);
    await field('username').fill('ivy');
    await field('password').fill('Temp-Passw0rd!');
    await click('submit');
    await screen(h.page, 'newPassword', SUITE);
    await field('newPassword').fill(NEW_PASSWORD);
    await field('confirmPassword').fill(`${NEW_PASSWORD}?`);
    await click('submit');
    assert.equal(await alertText(h.page), 'The two passwords are not the same.');
    await field('confirmPassword').fill(NEW_PASSWORD);
    await click('submit');
    assert.equal((await outcome(h.page)).state, 'signedIn');
    assert.equal((await h.server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'ivy' }))).UserStatus, 'CONFIRMED');
  });

  it('forgot password: the code from the outbox and a new password, then the sign-in screen says so and takes the new password', async () => {
    const email = await user('fay');
    await open(h, pool.config);
    await field('username').fill('fay');
    await click('action-forgot');
    await screen(h.page, 'forgotPassword', SUITE);
    assert.equal(await field('username').inputValue(), 'fay', 'the name typed is kept');
    const sent = await outboxIds(h.server, pool.poolId);
    await click('submit');
    await screen(h.page, 'resetPassword', SUITE);
    const code = await codeSentAfter(h.server, pool.poolId, email, sent);
    await field('code').fill(code);
    await field('newPassword').fill(NEW_PASSWORD);
    await field('confirmPassword').fill(NEW_PASSWORD);
    await click('submit');
    await screen(h.page, 'signIn', SUITE);
    assert.equal(await h.page.locator('cognate-sign-in [role="status"]').textContent(), 'Your password was changed. Sign in with the new one.');
    assert.equal(await focused(h.page), 'input#field-password', 'the username is filled in: focus on the password');
    await field('password').fill(NEW_PASSWORD);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'fay', current: 'signedIn' });
  });

  it('a user who signed up but never confirmed is sent a new code at sign-in, confirms it and is signed in with the password typed', async () => {
    await h.server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'uma', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'uma@example.com' }] }));
    await open(h, pool.config);
    await field('username').fill('uma');
    await field('password').fill(PASSWORD);
    const sent = await outboxIds(h.server, pool.poolId);
    await click('submit');
    await screen(h.page, 'confirmSignUp', SUITE);
    await field('code').fill(await codeSentAfter(h.server, pool.poolId, 'uma@example.com', sent));
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'uma', current: 'signedIn' });
  });

});

/**
 * The drop-in sign-in (`@cognate/client/ui`) in headless Chromium against a running Cognate server,
 * beyond the flows (ui-sign-in.test.ts): cancel (button and Escape), keyboard only, an empty
 * field, a double submit, markup from the server, the theme's custom properties, and three
 * languages (option and browser). Every screen passes axe-core with no violation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { browserSkip } from '../../server/test/support/browser.js';
import { PASSWORD, createPool, type TestPool } from './support.js';
import { alertText, assertAccessible, focused, open, outcome, screen, startUiHarness, type UiHarness } from './ui-support.js';

const SUITE = 'client-ui-use';

describe('drop-in sign-in: cancel, keyboard, theme, languages in Chromium', { skip: browserSkip }, () => {
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

  it('cancel: the Cancel button and Escape reject with SignInCancelledError; without canCancel there is no button and Escape does nothing', async () => {
    await open(h, pool.config, { canCancel: true });
    await click('action-cancel');
    assert.deepEqual((await outcome(h.page)).error, { name: 'SignInCancelledError', code: 'signInCancelled', message: 'The user cancelled the sign-in.' });
    assert.equal(await h.page.locator('cognate-sign-in').count(), 0);

    await open(h, pool.config, { canCancel: true });
    await click('action-forgot');
    await screen(h.page, 'forgotPassword', SUITE);
    await h.page.keyboard.press('Escape');
    assert.equal((await outcome(h.page)).error?.name, 'SignInCancelledError', 'from any screen');

    await user('cal');
    await open(h, pool.config);
    assert.equal(await h.page.locator('cognate-sign-in #action-cancel').count(), 0);
    await h.page.keyboard.press('Escape');
    await field('username').fill('cal');
    await field('password').fill(PASSWORD);
    await click('submit');
    assert.equal((await outcome(h.page)).state, 'signedIn', 'Escape did not end it');
  });

  it('keyboard only: focus starts on the username, Tab follows the visual order, Enter signs in and activates links, focus lands on each new screen', async () => {
    await user('kai');
    await open(h, pool.config, { canCancel: true, passwordless: ['EMAIL_OTP'] });
    const order: string[] = [await focused(h.page)];
    for (let i = 0; i < 6; i++) {
      await h.page.keyboard.press('Tab');
      order.push(await focused(h.page));
    }
    assert.deepEqual(order, ['input#field-username', 'input#field-password', 'button#submit', 'button#action-forgot', 'button#action-signUp', 'button#action-passwordless-EMAIL_OTP', 'button#action-cancel']);
    await h.page.keyboard.press('Shift+Tab');
    await h.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(h.page), 'button#action-signUp');
    await h.page.keyboard.press('Enter');
    await screen(h.page, 'signUp', SUITE);
    assert.equal(await focused(h.page), 'input#field-username');
    for (let i = 0; i < 4; i++) await h.page.keyboard.press('Tab');
    assert.equal(await focused(h.page), 'button#action-haveAccount');
    await h.page.keyboard.press('Enter');
    await screen(h.page, 'signIn', SUITE);
    await h.page.keyboard.type('kai');
    await h.page.keyboard.press('Tab');
    await h.page.keyboard.type(PASSWORD);
    await h.page.keyboard.press('Enter');
    assert.equal((await outcome(h.page)).state, 'signedIn');
  });

  it('an empty field is named in the alert, marked aria-invalid and focused; nothing is sent', async () => {
    let sent = 0;
    h.page.on('request', (r) => void (r.headers()['x-amz-target'] && sent++));
    await open(h, pool.config);
    await field('username').fill('nobody');
    await click('submit');
    assert.equal(await alertText(h.page), 'Fill in Password.');
    assert.equal(await field('password').getAttribute('aria-invalid'), 'true');
    assert.equal(await field('password').getAttribute('aria-describedby'), 'error');
    assert.equal(await focused(h.page), 'input#field-password');
    await assertAccessible(h.page, 'a missing field');
    assert.equal(sent, 0);
  });

  it('a double submit (two clicks and a scripted submit in one go) sends one sign-in: nothing runs while a call is in flight', async () => {
    await user('dee');
    let initiated = 0;
    const count = (r: { headers(): Record<string, string> }) => void (r.headers()['x-amz-target']?.endsWith('.InitiateAuth') && initiated++);
    h.page.on('request', count);
    try {
      await open(h, pool.config);
      await field('username').fill('dee');
      await field('password').fill(PASSWORD);
      await h.page.evaluate(() => {
        const root = document.querySelector('cognate-sign-in')!.shadowRoot!;
        const submit = root.querySelector<HTMLButtonElement>('#submit')!;
        submit.click();
        submit.click();
        root.querySelector('form')!.requestSubmit();
      });
      assert.equal((await outcome(h.page)).state, 'signedIn');
      assert.equal(initiated, 1);
    } finally {
      h.page.off('request', count);
    }
  });

  it('markup in what the server sends (an error message) is shown as text, never parsed', async () => {
    await open(h, pool.config);
    const hostile = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const api = (url: URL) => url.origin === new URL(h.origin).origin && url.pathname === '/';
    await h.page.route(api, (route) =>
      route.request().headers()['x-amz-target']?.endsWith('.InitiateAuth')
        ? route.fulfill({ status: 400, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: 'InvalidParameterException', message: hostile }) })
        : route.fallback(),
    );
    try {
      await field('username').fill('<script>x</script>');
      await field('password').fill(PASSWORD);
      await click('submit');
      assert.equal(await alertText(h.page), `Check what you entered: ${hostile}`);
      assert.equal(await h.page.locator('cognate-sign-in img, cognate-sign-in b').count(), 0);
      assert.equal(await h.page.evaluate('window.pwned'), undefined);
    } finally {
      await h.page.unroute(api);
    }
  });

  it('theme: custom properties from the page, backgroundColor and the logo apply; strings follow the locale option, then the browser, else English', async () => {
    await open(h, pool.config, { backgroundColor: 'rgb(16, 32, 48)', logoImage: 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/%3E', locale: 'es-MX' });
    await h.page.addStyleTag({ content: 'cognate-sign-in { --cognate-primary: rgb(123, 44, 191); --cognate-radius: 0px; --cognate-font: monospace; }' });
    const style = await h.page.evaluate(() => {
      const host = document.querySelector('cognate-sign-in')!;
      const root = host.shadowRoot!;
      return {
        host: getComputedStyle(host).backgroundColor,
        submit: getComputedStyle(root.querySelector('#submit')!).backgroundColor,
        card: getComputedStyle(root.querySelector('.card')!).borderTopLeftRadius,
        font: getComputedStyle(root.querySelector('h2')!).fontFamily,
        logo: root.querySelector('img.logo')?.getAttribute('alt'),
        lang: root.querySelector('.card')!.getAttribute('lang'),
        title: root.querySelector('h2')!.textContent,
      };
    });
    assert.deepEqual(style, { host: 'rgb(16, 32, 48)', submit: 'rgb(123, 44, 191)', card: '0px', font: 'monospace', logo: 'Logotipo', lang: 'es', title: 'Iniciar sesión' });
    await screen(h.page, 'signIn', `${SUITE}-es`);

    const french = await h.newPage({ locale: 'fr-FR' });
    await open(h, pool.config, {}, french);
    assert.equal(await french.locator('cognate-sign-in h2').textContent(), 'Se connecter');
    await french.locator('cognate-sign-in #field-username').fill('nobody');
    await french.locator('cognate-sign-in #field-password').fill('Wrong-Passw0rd!');
    await french.locator('cognate-sign-in #submit').click();
    assert.equal(await alertText(french), "Nom d'utilisateur ou mot de passe incorrect.");
    await screen(french, 'signIn', `${SUITE}-fr`);

    const german = await h.newPage({ locale: 'de-DE' });
    await open(h, pool.config, {}, german);
    assert.equal(await german.locator('cognate-sign-in h2').textContent(), 'Sign in');
    assert.equal(await german.locator('cognate-sign-in .card').getAttribute('lang'), 'en');
  });
});

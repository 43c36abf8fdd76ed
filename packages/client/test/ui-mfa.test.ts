/**
 * MFA in the drop-in sign-in (headless Chromium, a running Cognate server whose SMS webhook posts to
 * a local gateway): a pool with MFA required sends a first sign-in to TOTP set-up — a QR code of
 * the otpauth:// URI (checked module for module against the `qrcode` package), the key as text, a
 * code computed here (RFC 6238 on the server's clock) — then the next sign-in asks for a TOTP code
 * (a wrong one refused first); with SMS enabled too, the user chooses, and the SMS code from the
 * gateway signs in. Every screen passes axe-core.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, AdminUpdateUserAttributesCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import QRCode from 'qrcode';
import { browserSkip } from '../../server/test/support/browser.js';
import { PASSWORD, advance, createPool, startSmsGateway, totp, type SmsGateway, type TestPool } from './support.js';
import { alertText, open, outcome, screen, startUiHarness, type UiHarness } from './ui-support.js';

const SUITE = 'client-ui-mfa';
const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };

describe('drop-in MFA in Chromium', { skip: browserSkip }, () => {
  let h: UiHarness;
  let gateway: SmsGateway;
  let pool: TestPool;
  let secret = '';

  before(async () => {
    gateway = await startSmsGateway();
    h = await startUiHarness({ smsWebhookUrl: gateway.url, smsWebhookSecret: 'gateway-secret' });
    pool = await createPool(h.server);
    await h.server.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG } }),
    );
    await h.server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'tom', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'tom@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
    await h.server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'tom', Password: PASSWORD, Permanent: true }));
  });
  after(async () => {
    await h?.close();
    await gateway?.close();
  });

  const field = (name: string) => h.page.locator(`cognate-sign-in #field-${name}`);
  const click = (id: string) => h.page.locator(`cognate-sign-in #${id}`).click();

  /** A TOTP code for now; the clock then moves a step on so no code is used twice. */
  function code(): string {
    const c = totp(secret, h.server.clock.now());
    advance(h.server, 30_000);
    return c;
  }

  async function signIn(): Promise<void> {
    await open(h, pool.config, { totpIssuer: 'Drop-in Shop' });
    await field('username').fill('tom');
    await field('password').fill(PASSWORD);
    await click('submit');
  }

  it('MFA required: the first sign-in sets up TOTP from a QR code of the otpauth URI and the key shown as text, and signs in', async () => {
    await signIn();
    await screen(h.page, 'totpSetup', SUITE);
    const uri = (await h.page.locator('cognate-sign-in #totp-uri').getAttribute('href'))!;
    const shown = ((await h.page.locator('cognate-sign-in #totp-secret').textContent()) ?? '').replace(/\s/g, '');
    const match = /^otpauth:\/\/totp\/Drop-in%20Shop:tom\?secret=([A-Z2-7]{32,})&issuer=Drop-in%20Shop$/.exec(uri);
    assert.ok(match, uri);
    secret = match[1]!;
    assert.equal(shown, secret, 'the key as text is the one in the URI');

    const qr = (await h.page
      .locator('cognate-sign-in svg.qr')
      .evaluate((svg) => ({ size: svg.getAttribute('data-size'), mask: svg.getAttribute('data-mask'), modules: svg.getAttribute('data-modules'), label: svg.getAttribute('aria-label'), role: svg.getAttribute('role') }))) as Record<string, string>;
    assert.deepEqual([qr.role, qr.label], ['img', 'QR code to scan with your authenticator app']);
    const reference = QRCode.create([{ data: Buffer.from(uri, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: Number(qr.mask) as QRCode.QRCodeMaskPattern });
    assert.equal(Number(qr.size), reference.modules.size);
    assert.equal(qr.modules, Array.from(reference.modules.data, (b) => (b ? '1' : '0')).join(''), 'the QR code encodes the URI');

    await field('code').fill(code());
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'tom', current: 'signedIn' });
    const user = await h.server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'tom' }));
    assert.deepEqual(user.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  });

  it('the next sign-in asks for the authenticator code: a wrong one is refused in the alert region, the right one signs in', async () => {
    assert.ok(secret, 'TOTP was set up by the previous test');
    await signIn();
    await screen(h.page, 'softwareTokenMFA', SUITE);
    assert.equal(await h.page.locator('cognate-sign-in label[for="field-code"]').textContent(), 'Code from your authenticator app');
    const right = code();
    await field('code').fill(right === '000000' ? '111111' : '000000');
    await click('submit');
    assert.equal(await alertText(h.page), 'That code is not right. Try again.');
    await field('code').fill(right);
    await click('submit');
    assert.equal((await outcome(h.page)).state, 'signedIn');
  });

  it('SMS and TOTP both enabled, neither preferred: the user chooses text message, and the code from the SMS gateway signs in', async () => {
    const phone = '+15555550142';
    await h.server.admin.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: pool.poolId, Username: 'tom', UserAttributes: [{ Name: 'phone_number', Value: phone }, { Name: 'phone_number_verified', Value: 'true' }] }),
    );
    await h.server.admin.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'tom', SMSMfaSettings: { Enabled: true, PreferredMfa: false }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false } }),
    );
    await signIn();
    await screen(h.page, 'choose', SUITE);
    assert.deepEqual(await h.page.locator('cognate-sign-in form button').allTextContents(), ['Text message', 'Authenticator app']);
    await click('action-choose-SMS_MFA');
    await screen(h.page, 'smsMFA', SUITE);
    assert.equal(await h.page.locator('cognate-sign-in form p.muted').textContent(), 'We sent a code to +*******0142.');
    await field('code').fill(await gateway.nextCode(phone));
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'tom', current: 'signedIn' });
  });
});

/**
 * Passwordless sign-in in the drop-in (headless Chromium, a running Cognate server in its TLS
 * development mode, the page on the pool's domain so it is the passkeys' relying party): a passkey
 * made by Chromium's virtual authenticator, a code by email from the outbox, the choice of first
 * factor when the preferred one is not available, the password through USER_AUTH, and the
 * federated buttons (through the client's hosted-UI sign-in). Every screen passes axe-core.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { browserSkip } from '../../server/test/support/browser.js';
import { passwordlessPool, passwordlessUser, type Pool } from '../../server/test/e2e/user-auth/support.js';
import { PASSWORD, codeSentAfter, outboxIds } from './support.js';
import { alertText, focused, open, outcome, screen, startUiHarness, type UiHarness } from './ui-support.js';

const SUITE = 'client-ui-passwordless';
const DOMAIN = 'client-ui-passwordless';

describe('drop-in passwordless sign-in in Chromium', { skip: browserSkip }, () => {
  let h: UiHarness;
  let pool: Pool;
  let config: unknown;

  before(async () => {
    h = await startUiHarness({ tlsDev: true }, (server) => `https://${DOMAIN}.auth.us-east-1.localhost:${new URL(server.url).port}`);
    pool = await passwordlessPool(h.server, ['PASSWORD', 'WEB_AUTHN', 'EMAIL_OTP']);
    await h.server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: DOMAIN }));
    config = { CognitoUserPool: { Default: { PoolId: pool.poolId, AppClientId: pool.clientId, Region: 'us-east-1', Endpoint: h.origin } }, Auth: { Default: { authenticationFlowType: 'USER_AUTH' } } };
    const cdp = await h.page.context().newCDPSession(h.page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await passwordlessUser(h.server, pool, 'pat', { email: 'pat@example.com' });
    await passwordlessUser(h.server, pool, 'olive', { email: 'olive@example.com' });
  });
  after(async () => {
    await h?.close();
  });

  const field = (name: string) => h.page.locator(`cognate-sign-in #field-${name}`);
  const click = (id: string) => h.page.locator(`cognate-sign-in #${id}`).click();
  const options = { passwordless: ['WEB_AUTHN', 'EMAIL_OTP'] };

  it('the password through USER_AUTH: the choice of first factor is answered with the password typed (PASSWORD_SRP)', async () => {
    const answers: string[] = [];
    h.page.on('request', (r) => {
      const body = JSON.parse(r.postData() ?? '{}') as { ChallengeName?: string; ChallengeResponses?: { ANSWER?: string } };
      if (r.headers()['x-amz-target']?.endsWith('.RespondToAuthChallenge')) answers.push(`${body.ChallengeName}:${body.ChallengeResponses?.ANSWER ?? ''}`);
    });
    await open(h, config, options);
    await screen(h.page, 'signIn', SUITE);
    await field('username').fill('pat');
    await field('password').fill(PASSWORD);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'pat', current: 'signedIn' });
    assert.deepEqual(answers, ['SELECT_CHALLENGE:PASSWORD_SRP', 'PASSWORD_VERIFIER:']);
  });

  it('a passkey: Chromium\'s authenticator signs the WEB_AUTHN challenge and the user is signed in; without a username the button asks for it', async () => {
    // The passkey is registered through the client, signed in with the password (the UI signs in, it does not manage passkeys).
    await open(h, config, options);
    const registered = await h.page.evaluate(async (password) => {
      const client = (globalThis as unknown as { client: { signIn(i: unknown): Promise<unknown>; passkeyOperations: { register(): Promise<{ credentialId: string }> }; signOut(): Promise<void> } }).client;
      await client.signIn({ username: 'pat', password, preferredChallenge: 'PASSWORD' });
      const passkey = await client.passkeyOperations.register();
      await client.signOut();
      return passkey.credentialId;
    }, PASSWORD);
    assert.match(registered, /^[\w-]+$/);

    await open(h, config, options);
    await click('action-passwordless-WEB_AUTHN');
    assert.equal(await alertText(h.page), 'Fill in Username.');
    assert.equal(await focused(h.page), 'input#field-username');
    await field('username').fill('pat');
    await click('action-passwordless-WEB_AUTHN');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'pat', current: 'signedIn' });
  });

  it('a code by email: the code screen names where it went, a wrong code is refused, the code from the outbox signs in', async () => {
    await open(h, config, options);
    await field('username').fill('olive');
    const sent = await outboxIds(h.server, pool.poolId);
    await click('action-passwordless-EMAIL_OTP');
    await screen(h.page, 'emailOTP', SUITE);
    assert.match((await h.page.locator('cognate-sign-in form p.muted').textContent()) ?? '', /^We sent a code to o\S*@\S+\.$/);
    const code = await codeSentAfter(h.server, pool.poolId, 'olive@example.com', sent);
    await field('code').fill(code === '000000' ? '111111' : '000000');
    await click('submit');
    assert.equal(await alertText(h.page), 'That code is not right. Try again.');
    await field('code').fill(code);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'olive', current: 'signedIn' });
  });

  it('a passkey asked of a user who has none: the choice of first factor, then the password', async () => {
    await open(h, config, options);
    await field('username').fill('olive');
    await click('action-passwordless-WEB_AUTHN');
    await screen(h.page, 'choose', SUITE);
    assert.equal(await h.page.locator('cognate-sign-in h2').textContent(), 'Choose how to sign in');
    assert.deepEqual(await h.page.locator('cognate-sign-in form button').allTextContents(), ['Password', 'Code by email']);
    await click('action-choose-PASSWORD');
    await screen(h.page, 'password', SUITE);
    await field('password').fill(PASSWORD);
    await click('submit');
    assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'olive', current: 'signedIn' });
  });

  it('sign-up through an app client with ALLOW_USER_AUTH: once confirmed, the user is signed in with the Session the confirmation gave (autoSignIn, no password sent again)', async () => {
    const calls: string[] = [];
    const record = (r: { headers(): Record<string, string>; postData(): string | null }) => {
      const target = r.headers()['x-amz-target']?.split('.')[1];
      if (!target) return;
      const body = JSON.parse(r.postData() ?? '{}') as { AuthFlow?: string; Session?: string; ChallengeName?: string };
      calls.push([target, body.AuthFlow ?? body.ChallengeName ?? '', target === 'InitiateAuth' ? String(Boolean(body.Session)) : ''].filter(Boolean).join(':'));
    };
    h.page.on('request', record);
    try {
      await open(h, config, options);
      await click('action-signUp');
      await screen(h.page, 'signUp', SUITE);
      await field('username').fill('sid');
      await field('password').fill(PASSWORD);
      await field('email').fill('sid@example.com');
      const sent = await outboxIds(h.server, pool.poolId);
      await click('submit');
      await screen(h.page, 'confirmSignUp', SUITE);
      await field('code').fill(await codeSentAfter(h.server, pool.poolId, 'sid@example.com', sent));
      await click('submit');
      assert.deepEqual(await outcome(h.page), { state: 'signedIn', username: 'sid', current: 'signedIn' });
      assert.deepEqual(calls, ['SignUp', 'ConfirmSignUp', 'InitiateAuth:USER_AUTH:true']);
    } finally {
      h.page.off('request', record);
    }
  });
});

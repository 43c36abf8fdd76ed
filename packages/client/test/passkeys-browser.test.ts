/**
 * Passkeys through the client in headless Chromium with a virtual authenticator (Chrome DevTools
 * Protocol `WebAuthn.addVirtualAuthenticator`: CTAP2, internal transport, resident keys, user
 * verification). The page is an app on the pool's relying-party ID (its prefix domain,
 * https://<prefix>.auth.us-east-1.localhost:<port>, on the server's TLS development mode) that
 * imports the client's compiled ESM (packages/client/dist, built here with `tsc -b`) and calls it
 * as an app would: the client turns StartWebAuthnRegistration's options into
 * `navigator.credentials.create`'s, the WEB_AUTHN challenge's into `navigator.credentials.get`'s,
 * and the credentials back into the JSON Cognito takes (the members Amplify v6 sends, checked on the
 * wire); Chromium makes and signs them, so origin, RP ID hash, flags and counters are the browser's own.
 *
 * Needs the Debian packages `chromium` and `libnss3-tools` (see server test/support/browser.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateUserPoolDomainCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { CDPSession, Page } from 'playwright-core';
import { browserSkip, launchBrowser, saveScreenshot, type TestBrowser } from '../../server/test/support/browser.js';
import { passwordlessPool, passwordlessUser, type Pool } from '../../server/test/e2e/user-auth/support.js';
import { PASSWORD, startTestServer, type TestServer } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, '..');
const dist = path.join(packageDir, 'dist');
const tsc = path.join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');

/** The app page: the client from /client/, one `step(name, arg)` per call the test makes, errors returned as `{ error }`. */
const APP = `<!doctype html>
<html><head><meta charset="utf-8"><title>Passkeys app</title></head>
<body><h1>Passkeys app</h1>
<script type="module">
import { MobileClient } from '/client/index.js';
const states = [];
let client;
window.step = async (name, arg) => {
  try {
    switch (name) {
      case 'init':
        client = new MobileClient();
        client.addUserStateListener((s) => states.push(s));
        return await client.initialize(arg);
      case 'signIn': return await client.signIn(arg);
      case 'selectChallenge': return await client.selectChallenge(arg);
      case 'supported': return client.passkeyOperations.supported;
      case 'register': return await client.passkeyOperations.register();
      case 'list': return await client.passkeyOperations.list();
      case 'delete': return await client.passkeyOperations.delete(arg);
      case 'factors': return await client.getUserAuthFactors();
      case 'username': return (await client.getTokens()).accessToken.claims.username;
      case 'signOut': return await client.signOut();
      case 'states': return states;
    }
    throw new Error('unknown step ' + name);
  } catch (e) {
    return { error: { code: e.code, name: e.name, message: e.message } };
  }
};
window.ready = true;
</script></body></html>`;

type Failure = { error?: { code?: string; name?: string; message?: string } };

describe('passkeys through the client in Chromium with a virtual authenticator', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let pool: Pool;
  let rpId: string;
  let origin: string;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;

  before(async () => {
    // The page imports the compiled ESM: build it (incremental, quick when up to date).
    const build = spawnSync(process.execPath, [tsc, '-b', packageDir], { encoding: 'utf8' });
    assert.equal(build.status, 0, `tsc -b packages/client failed:\n${build.stdout}${build.stderr}`);
    server = await startTestServer('sqlite', { tlsDev: true });
    pool = await passwordlessPool(server, ['PASSWORD', 'WEB_AUTHN']);
    await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: 'client-passkeys' }));
    rpId = 'client-passkeys.auth.us-east-1.localhost';
    origin = `https://${rpId}:${new URL(server.url).port}`;
    browser = await launchBrowser({ trustCa: server.running.tls!.caCertPath! });
    page = await browser.newPage();
    // The app's own pages on the RP ID's origin: the app and the client's modules; the API calls
    // go to Cognate on the same origin (Chromium's Local Network Access refuses a *.localhost
    // page's fetches to 127.0.0.1, and Cognate answers the API on any of its hosts).
    await page.route(`${origin}/app`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: APP }));
    await page.route(`${origin}/client/**`, async (route) => {
      const file = path.normalize(path.join(dist, new URL(route.request().url()).pathname.slice('/client/'.length)));
      if (!file.startsWith(dist + path.sep) || !file.endsWith('.js') || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: await readFile(file, 'utf8') });
    });
    await page.goto(`${origin}/app`);
    await page.waitForFunction('window.ready === true');
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const step = <T = unknown>(name: string, arg?: unknown) => page.evaluate(([n, a]) => (globalThis as unknown as { step(n: unknown, a: unknown): Promise<unknown> }).step(n, a), [name, arg] as const) as Promise<T>;

  it('registers a passkey Chromium makes, lists it, signs in with WEB_AUTHN (preferred, then chosen from selectChallenge), refuses a second registration on the same authenticator, deletes it', async () => {
    await passwordlessUser(server, pool, 'pat', { email: 'pat@example.com' });
    // What the page sends, as the server receives it: the credentials' JSON members (Amplify v6's set).
    const sent: Record<string, Record<string, unknown>> = {};
    page.on('request', (request) => {
      const target = request.headers()['x-amz-target']?.split('.')[1];
      if (target) sent[target] = JSON.parse(request.postData() ?? '{}') as Record<string, unknown>;
    });
    const config = { CognitoUserPool: { Default: { PoolId: pool.poolId, AppClientId: pool.clientId, Region: 'us-east-1', Endpoint: origin } }, Auth: { Default: { authenticationFlowType: 'USER_AUTH' } } };
    assert.equal(await step('init', config), 'signedOut');
    assert.equal(await step('supported'), true, 'navigator.credentials in a secure context');
    assert.equal(((await step('signIn', { username: 'pat', password: PASSWORD, preferredChallenge: 'PASSWORD' })) as { signInState: string }).signInState, 'signedIn');

    const registered = await step<{ credentialId: string } & Failure>('register');
    assert.equal(registered.error, undefined, JSON.stringify(registered.error));
    const credential = sent.CompleteWebAuthnRegistration!.Credential as { id: string; rawId: string; type: string; authenticatorAttachment: string; clientExtensionResults: unknown; response: Record<string, unknown> };
    assert.equal(typeof credential, 'object', 'Credential is a document (the object), not a string');
    assert.deepEqual(Object.keys(credential).sort(), ['authenticatorAttachment', 'clientExtensionResults', 'id', 'rawId', 'response', 'type']);
    assert.deepEqual(Object.keys(credential.response).sort(), ['attestationObject', 'authenticatorData', 'clientDataJSON', 'publicKey', 'publicKeyAlgorithm', 'transports']);
    assert.deepEqual([credential.id, credential.rawId, credential.type, credential.response.publicKeyAlgorithm], [registered.credentialId, registered.credentialId, 'public-key', -7]);
    assert.match(String(credential.response.clientDataJSON), /^[\w-]+$/, 'base64url without padding');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'), registered.credentialId, 'the credential Chromium made');
    const listed = await step<{ passkeys: { credentialId: string; relyingPartyId: string; transports: string[]; authenticatorAttachment?: string; createdAt: Date }[] }>('list');
    assert.equal(listed.passkeys.length, 1);
    assert.equal(listed.passkeys[0]!.credentialId, registered.credentialId);
    assert.equal(listed.passkeys[0]!.relyingPartyId, rpId);
    assert.deepEqual(listed.passkeys[0]!.transports, ['internal'], 'getTransports() went along');
    assert.equal(listed.passkeys[0]!.authenticatorAttachment, 'platform');
    assert.ok(listed.passkeys[0]!.createdAt instanceof Date);
    assert.deepEqual(((await step('factors')) as { factors: string[] }).factors.sort(), ['PASSWORD', 'WEB_AUTHN']);

    // excludeCredentials names the passkey this authenticator holds: Chromium refuses (InvalidStateError).
    const again = await step<Failure>('register');
    assert.equal(again.error?.code, 'webAuthnAlreadyRegistered', JSON.stringify(again));
    assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length, 1);
    await step('signOut');

    const byPasskey = await step<{ signInState: string } & Failure>('signIn', { username: 'pat', preferredChallenge: 'WEB_AUTHN' });
    assert.equal(byPasskey.signInState, 'signedIn', JSON.stringify(byPasskey));
    assert.equal(await step('username'), 'pat');
    const answer = sent.RespondToAuthChallenge as { ChallengeName: string; ChallengeResponses: { USERNAME: string; CREDENTIAL: string } };
    assert.equal(answer.ChallengeName, 'WEB_AUTHN');
    assert.equal(answer.ChallengeResponses.USERNAME, 'pat');
    const assertion = JSON.parse(answer.ChallengeResponses.CREDENTIAL) as { id: string; response: Record<string, unknown> };
    assert.equal(assertion.id, registered.credentialId);
    assert.deepEqual(Object.keys(assertion).sort(), ['authenticatorAttachment', 'clientExtensionResults', 'id', 'rawId', 'response', 'type']);
    assert.deepEqual(Object.keys(assertion.response).sort(), ['authenticatorData', 'clientDataJSON', 'signature', 'userHandle']);
    await saveScreenshot(page, 'client-passkeys', 'signed-in');
    await step('signOut');

    const offered = await step<{ signInState: string; availableChallenges: string[] }>('signIn', { username: 'pat' });
    assert.equal(offered.signInState, 'selectChallenge');
    assert.deepEqual(offered.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
    assert.equal(((await step('selectChallenge', 'WEB_AUTHN')) as { signInState: string }).signInState, 'signedIn');
    const counted = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]!;
    assert.ok(counted.signCount >= 2, `the authenticator signed twice (counter ${counted.signCount})`);

    assert.equal(await step('delete', registered.credentialId), undefined);
    assert.deepEqual(((await step('list')) as { passkeys: unknown[] }).passkeys, []);
    await step('signOut');

    // Without a passkey WEB_AUTHN is not on offer: the preference falls back to the choice.
    const fallback = await step<{ signInState: string; availableChallenges: string[] }>('signIn', { username: 'pat', preferredChallenge: 'WEB_AUTHN' });
    assert.deepEqual([fallback.signInState, fallback.availableChallenges], ['selectChallenge', ['PASSWORD', 'PASSWORD_SRP']]);
    assert.deepEqual(await step('states'), ['signedOut', 'signedIn', 'signedOut', 'signedIn', 'signedOut', 'signedIn', 'signedOut']);
  });

  it('the browser refuses a relying party the page is not on (webAuthnFailed, SecurityError) and a user who is not verified where verification is required (webAuthnCancelled, NotAllowedError); nothing is registered', async () => {
    await passwordlessUser(server, pool, 'ray', { email: 'ray@example.com' });
    const config = { CognitoUserPool: { Default: { PoolId: pool.poolId, AppClientId: pool.clientId, Region: 'us-east-1', Endpoint: origin } }, Auth: { Default: { authenticationFlowType: 'USER_AUTH' } } };
    await step('init', config);
    assert.equal(((await step('signIn', { username: 'ray', password: PASSWORD, preferredChallenge: 'PASSWORD' })) as { signInState: string }).signInState, 'signedIn');
    const before = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length;
    try {
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, WebAuthnConfiguration: { RelyingPartyId: 'app.example.com' } }));
      const elsewhere = await step<Failure>('register');
      assert.equal(elsewhere.error?.code, 'webAuthnFailed', JSON.stringify(elsewhere));
      assert.match(elsewhere.error?.message ?? '', /SecurityError/);

      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, WebAuthnConfiguration: { RelyingPartyId: rpId, UserVerification: 'required' } }));
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
      const unverified = await step<Failure>('register');
      assert.equal(unverified.error?.code, 'webAuthnCancelled', JSON.stringify(unverified));
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, WebAuthnConfiguration: { RelyingPartyId: rpId, UserVerification: 'preferred' } }));
    }
    assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length, before);
    assert.deepEqual(((await step('list')) as { passkeys: unknown[] }).passkeys, []);
  });
});

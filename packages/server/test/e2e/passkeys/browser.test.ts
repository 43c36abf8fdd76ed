/**
 * Passkeys in headless Chromium with a virtual authenticator (Chrome DevTools Protocol
 * `WebAuthn.addVirtualAuthenticator`: CTAP2, internal transport, resident keys, user verification),
 * on the TLS development mode, in a page of the pool's prefix domain
 * (https://<prefix>.auth.us-east-1.localhost:<port>), which is the RP ID: the browser itself makes
 * and signs the credentials, so origin, RP ID hash, flags and counters are Chromium's own.
 *
 * - `navigator.credentials.create` with StartWebAuthnRegistration's options, then
 *   CompleteWebAuthnRegistration; `navigator.credentials.get` with the WEB_AUTHN challenge's
 *   CREDENTIAL_REQUEST_OPTIONS, answered through RespondToAuthChallenge → tokens.
 * - Clone detection: the same private key put back into the authenticator with a lower counter
 *   (WebAuthn.addCredential) signs a valid assertion that is refused.
 * - Amplify v6 in the page: `associateWebAuthnCredential`, `listWebAuthnCredentials`,
 *   `signIn({ options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } })` and
 *   `deleteWebAuthnCredential`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolDomainCommand,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CDPSession, Page } from 'playwright-core';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { browserSkip, launchBrowser, saveScreenshot, type TestBrowser } from '../../support/browser.js';
import { claims, newPool, PASSWORD, type Pool } from '../security/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function bundleAmplify(): Promise<string> {
  const out = await build({ entryPoints: [path.join(here, 'app', 'main.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' } });
  return out.outputFiles[0]!.text;
}

/** navigator.credentials.create / get in the page, from and to the JSON forms (Chromium's own parse/toJSON). */
const createInPage = (page: Page, options: unknown) =>
  page.evaluate(async (o) => {
    const P = PublicKeyCredential as unknown as { parseCreationOptionsFromJSON(o: unknown): PublicKeyCredentialCreationOptions };
    const cred = (await navigator.credentials.create({ publicKey: P.parseCreationOptionsFromJSON(o) })) as PublicKeyCredential & { toJSON(): unknown };
    return cred.toJSON();
  }, options);
const getInPage = (page: Page, options: unknown) =>
  page.evaluate(async (o) => {
    const P = PublicKeyCredential as unknown as { parseRequestOptionsFromJSON(o: unknown): PublicKeyCredentialRequestOptions };
    const cred = (await navigator.credentials.get({ publicKey: P.parseRequestOptionsFromJSON(o) })) as PublicKeyCredential & { toJSON(): unknown };
    return cred.toJSON();
  }, options);

for (const kind of databaseKinds) {
  describe(`passkeys in Chromium with a virtual authenticator (${kind})`, { skip: browserSkip }, () => {
    let server: TestServer;
    let browser: TestBrowser;
    let pool: Pool;
    let rpId: string;
    let origin: string;
    let page: Page;
    let cdp: CDPSession;
    let authenticatorId: string;
    let amplifyBundle: string;

    before(async () => {
      server = await startTestServer(kind, { tlsDev: true });
      pool = await newPool(server, { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } } }, { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: `passkeys-${kind}` }));
      rpId = `passkeys-${kind}.auth.us-east-1.localhost`;
      origin = `https://${rpId}:${new URL(server.url).port}`;
      browser = await launchBrowser({ trustCa: server.running.tls!.caCertPath! });
      page = await browser.newPage();
      // Any page of the domain is a secure context whose origin is bound to the RP ID.
      await page.goto(`${origin}/error`);
      cdp = await page.context().newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      }));
      amplifyBundle = await bundleAmplify();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    async function newUser(name: string): Promise<string> {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: name, MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: name, Password: PASSWORD, Permanent: true }));
      const out = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD } }));
      return out.AuthenticationResult!.AccessToken!;
    }
    /** InitiateAuth USER_AUTH preferring WEB_AUTHN. */
    async function challenge(name: string): Promise<{ session: string; options: Record<string, unknown> }> {
      const out = await server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: name, PREFERRED_CHALLENGE: 'WEB_AUTHN' } }));
      assert.equal(out.ChallengeName, 'WEB_AUTHN');
      return { session: out.Session!, options: JSON.parse(out.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!) as Record<string, unknown> };
    }
    const answer = (name: string, session: string, credential: unknown) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'WEB_AUTHN' as never, Session: session, ChallengeResponses: { USERNAME: name, CREDENTIAL: JSON.stringify(credential) } }));

    it('registers a passkey made by Chromium and signs in with it; a clone with a lower counter is refused', async () => {
      const accessToken = await newUser('chromium');
      const { CredentialCreationOptions } = await server.anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }));
      const created = (await createInPage(page, CredentialCreationOptions)) as { id: string; authenticatorAttachment?: string };
      await server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: created as never }));
      const listed = (await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }))).Credentials!;
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.CredentialId, created.id);
      assert.equal(listed[0]!.RelyingPartyId, rpId);
      assert.deepEqual(listed[0]!.AuthenticatorTransports, ['internal']);

      const c = await challenge('chromium');
      const assertion = await getInPage(page, c.options);
      const out = await answer('chromium', c.session, assertion);
      assert.equal(claims(out.AuthenticationResult!.IdToken!)['cognito:username'], 'chromium');
      await saveScreenshot(page, 'passkeys', `${kind}-signed-in`);

      // Decreasing sign counter: the authenticator's key copied back with counter 0 (a clone).
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      const original = credentials.find((x) => Buffer.from(x.credentialId, 'base64').toString('base64url') === created.id)!;
      assert.ok(original.signCount > 0, 'the virtual authenticator counts');
      await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: 0 } });
      const again = await challenge('chromium');
      const cloned = await failure(async () => answer('chromium', again.session, await getInPage(page, again.options)));
      assert.equal(cloned.name, 'NotAuthorizedException');
      assert.match(cloned.message, /counter/);
      // Replayed assertion (the first one, with a fresh challenge) is refused too.
      const third = await challenge('chromium');
      assert.equal((await failure(() => answer('chromium', third.session, assertion))).name, 'NotAuthorizedException');
    });

    it('Amplify v6 in the page: associateWebAuthnCredential registers a passkey, listWebAuthnCredentials shows it, signIn with USER_AUTH + WEB_AUTHN signs in, deleteWebAuthnCredential removes it', async () => {
      await newUser('amplify');
      // The app's own page on the RP ID's origin (an app served from the pool's domain); the hosted
      // UI's pages allow no scripts' fetches (CSP), an app page has its own policy.
      await page.route(`${origin}/app`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title><h1>Passkeys app</h1>' }));
      await page.goto(`${origin}/app`);
      await page.evaluate(amplifyBundle);
      const amplify = (fn: string, ...args: unknown[]) => page.evaluate(([f, a]) => (globalThis as unknown as { amplify: Record<string, (...x: unknown[]) => Promise<unknown>> }).amplify[f as string]!(...(a as unknown[])), [fn, args] as const);
      // The endpoint is the page's own origin: Chromium's Local Network Access refuses a *.localhost
      // page's fetches to 127.0.0.1, and Cognate answers the API on any of its hosts.
      await amplify('configure', { Auth: { Cognito: { userPoolId: pool.poolId, userPoolClientId: pool.clientId, userPoolEndpoint: origin } } });
      const signedIn = (await amplify('signInWithPassword', 'amplify', PASSWORD)) as { isSignedIn: boolean };
      assert.equal(signedIn.isSignedIn, true);
      await amplify('associateWebAuthnCredential');
      const { credentials } = (await amplify('listWebAuthnCredentials')) as { credentials: { credentialId: string; relyingPartyId: string; authenticatorAttachment?: string }[] };
      assert.equal(credentials.length, 1);
      assert.equal(credentials[0]!.relyingPartyId, rpId);
      await amplify('signOut');

      // signIn with USER_AUTH preferring WEB_AUTHN: Amplify calls navigator.credentials.get and answers.
      const passkey = (await amplify('signInWithPasskey', 'amplify')) as { isSignedIn: boolean; nextStep: { signInStep: string } };
      assert.deepEqual([passkey.isSignedIn, passkey.nextStep.signInStep], [true, 'DONE']);
      const { idToken } = (await amplify('session')) as { idToken?: string };
      assert.equal(claims(idToken!)['cognito:username'], 'amplify');

      // deleteWebAuthnCredential, signed in with the passkey itself.
      await amplify('deleteWebAuthnCredential', credentials[0]!.credentialId);
      assert.deepEqual(((await amplify('listWebAuthnCredentials')) as { credentials: unknown[] }).credentials, []);
      await saveScreenshot(page, 'passkeys', `${kind}-amplify`);
    });
  });
}

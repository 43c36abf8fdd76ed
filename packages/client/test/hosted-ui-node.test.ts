/**
 * The hosted UI from Node, against a running Cognate: `signInWithHostedUI` with the loopback
 * listener of `@cognate/client/node` and headless Chromium playing the person's browser (the
 * caller-supplied `openUrl`) — the code + PKCE round trip, the tokens in the session (refresh,
 * identity-pool credentials), `signOut({ invalidateTokens: true })` through /oauth2/revoke and
 * /logout; and the attacker's cases: another `state` knocking on the listener, a replayed answer,
 * a code of another app client, a code injected with someone else's PKCE verifier, answers at
 * another address, redirect URIs the client doesn't have, error answers and a timeout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, type TestBrowser } from '../../server/test/support/browser.js';
import { startOpenIdProvider, type OpenIdProvider } from '../../server/test/e2e/federation-oidc/openid-provider.js';
import { identityPoolFor } from '../../server/test/e2e/identity/helpers.js';
import { iam } from '../../server/test/e2e/identity/sign.js';
import { loopbackRedirect } from '../src/node.js';
import { MemoryStorage, UserState, type FetchLike, type MobileClient, type UserStateInfo } from '../src/index.js';
import { hostedPool, nativeUser, refreshTokenWorks, signInOnPage, type HostedPool } from './hosted-ui-support.js';
import { advance, clientFor, failure, startTestServer, type TestServer } from './support.js';

const CALLBACK = 'http://127.0.0.1/callback';
const SIGNED_OUT = 'http://127.0.0.1/signed-out';

const b64url = (b: Buffer) => b.toString('base64url');

describe('the hosted UI from Node (loopback listener, Chromium as the browser)', { skip: browserSkip }, () => {
  let server: TestServer;
  let pool: HostedPool;
  let browser: TestBrowser;
  let page: Page;

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await hostedPool(server, { callback: CALLBACK, signOut: SIGNED_OUT });
    await nativeUser(server, pool.poolId, 'alice');
    await nativeUser(server, pool.poolId, 'mallory');
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A client whose requests to the hosted UI's endpoints are recorded (method and path). */
  const recordedClient = () => {
    const calls: string[] = [];
    const recording: FetchLike = (url, init) => {
      if (!init.headers['x-amz-target']) calls.push(`${init.method} ${new URL(url).pathname}`);
      return fetch(url, init as RequestInit);
    };
    return { client: clientFor(server, { fetch: recording }), calls };
  };

  /** Goes through the hosted UI as `username` in the shared page (a fresh sign-in: the page's hosted session is dropped first). */
  const person = (username: string, seen: string[] = []) => async (url: string) => {
    seen.push(url);
    await browser.context.clearCookies();
    await page.goto(url);
    await signInOnPage(page, username);
    await page.waitForURL((u) => u.hostname === '127.0.0.1' && u.pathname === '/callback');
  };

  // First: the provider's tokens carry real time, and a later test moves the server's clock on.
  it('Auth0-style: a generic OAuth 2.0 provider (SignInURI, TokenURI, SignOutURI) → its ID token federated into the identity pool under federationProviderName', async () => {
    // The certified oidc-provider stands in for Auth0: a native app client on the loopback redirect.
    const op: OpenIdProvider = await startOpenIdProvider([{ client_id: 'auth0-app', token_endpoint_auth_method: 'none', application_type: 'native', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], response_types: ['code'] }]);
    try {
      const created = await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: op.issuer, 'ClientIDList.member.1': 'auth0-app' }, server.clock.now());
      assert.equal(created.status, 200, created.text);
      const providerName = op.issuer.replace('http://', '');
      const identityPoolId = await identityPoolFor(server, [], { OpenIdConnectProviderARNs: [`arn:aws:iam::000000000000:oidc-provider/${providerName}`] });
      const client = clientFor(server);
      const events: string[] = [];
      client.addUserStateListener((s, info) => events.push(`${s}:${info.reason}:${info.provider}`));
      await client.initialize({
        CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } },
        Auth: { Default: { OAuth: { AppClientId: 'auth0-app', SignInURI: `${op.issuer}/auth`, TokenURI: `${op.issuer}/token`, SignOutURI: `${op.issuer}/session/end`, SignOutURIQueryParameters: { client_id: 'auth0-app' }, SignInRedirectURI: CALLBACK, Scopes: ['openid', 'email'] } } },
      });
      assert.equal((await failure(() => client.signInWithHostedUI({ openUrl: () => undefined }))).code, 'invalidParameter', 'a generic provider needs federationProviderName');
      const state = await client.signInWithHostedUI({
        federationProviderName: providerName,
        redirectReceiver: loopbackRedirect(),
        openUrl: async (url) => {
          await page.goto(url);
          await page.fill('input[name="login"]', 'carol');
          await page.fill('input[name="password"]', 'anything');
          await page.click('button[type="submit"]');
          await page.waitForSelector('text=Continue');
          await page.click('button[type="submit"]');
          await page.waitForURL((u) => u.hostname === '127.0.0.1' && u.pathname === '/callback');
        },
      });
      assert.equal(state, UserState.signedIn);
      assert.ok(events.includes(`signedIn:federatedSignIn:${providerName}`), events.join());
      const credentials = await client.getAWSCredentials();
      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.match(client.identityId ?? '', /^us-east-1:/);
      await client.signOut({ invalidateTokens: true });
      assert.equal(client.currentUserState, UserState.signedOut);
    } finally {
      await op.close();
    }
  });

  it('signs in with code + PKCE through the loopback listener; tokens refresh, give AWS credentials; signOut({ invalidateTokens }) revokes and logs out', async () => {
    const { client, calls } = recordedClient();
    const events: [string, UserStateInfo][] = [];
    client.addUserStateListener((s, info) => events.push([s, info]));
    await client.initialize(pool.config);
    const seen: string[] = [];
    const state = await client.signInWithHostedUI({ openUrl: person('alice', seen), redirectReceiver: loopbackRedirect() });
    assert.equal(state, UserState.signedIn);
    assert.deepEqual(events.at(-1)!.slice(0, 1), ['signedIn']);
    assert.equal(events.at(-1)![1].reason, 'signIn');
    assert.equal(events.at(-1)![1].username, 'alice');
    assert.equal(client.username, 'alice');

    const authorize = new URL(seen[0]!);
    assert.equal(authorize.origin + authorize.pathname, `${server.url}/oauth2/authorize`);
    const q = authorize.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), pool.clientId);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge')!, /^[\w-]{43}$/);
    assert.match(q.get('state')!, /^[\w-]{43}$/);
    assert.equal(q.get('scope'), 'openid email');
    const redirect = new URL(q.get('redirect_uri')!);
    assert.equal(redirect.hostname, '127.0.0.1');
    assert.notEqual(redirect.port, '', 'the listener put its own port in the redirect URI');
    // The listener answered once and is gone.
    await assert.rejects(fetch(`${redirect.origin}/callback?state=${q.get('state')}`));

    const tokens = await client.getTokens();
    assert.equal(tokens.idToken.claims.nonce, q.get('nonce'), "the ID token carries this request's nonce");
    assert.equal(tokens.idToken.claims.aud, pool.clientId);
    assert.equal(tokens.accessToken.claims.scope, 'openid email');
    assert.deepEqual(calls, ['POST /oauth2/token']);

    advance(server, 2 * 60 * 60_000);
    const refreshed = await client.getTokens();
    assert.notEqual(refreshed.accessToken.tokenString, tokens.accessToken.tokenString, 'expired tokens refresh with the hosted UI refresh token');
    const credentials = await client.getAWSCredentials();
    assert.match(credentials.accessKeyId, /^ASIA/);

    await client.signOut({ invalidateTokens: true });
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.deepEqual(calls, ['POST /oauth2/token', 'GET /logout', 'POST /oauth2/revoke']);
    assert.equal(await refreshTokenWorks(server, pool.clientId, tokens.refreshToken), false, 'the refresh token was revoked');
  });

  it('a knock on the listener with another state is refused and the sign-in goes on; the same answer again is refused (state single-use), and the code is not redeemed twice', async () => {
    const { client, calls } = recordedClient();
    await client.initialize(pool.config);
    let knocked: number | undefined;
    let answer = '';
    const state = await client.signInWithHostedUI({
      redirectReceiver: loopbackRedirect(),
      openUrl: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
        knocked = (await fetch(`${redirect.href}?code=forged&state=${b64url(randomBytes(32))}`)).status;
        page.on('request', (r) => {
          if (r.url().startsWith(redirect.href)) answer = r.url();
        });
        await person('alice')(url);
      },
    });
    assert.equal(knocked, 400);
    assert.equal(state, UserState.signedIn);
    const replay = await failure(() => client.handleAuthResponse(answer));
    assert.equal(replay.code, 'hostedUIStateMismatch');
    assert.deepEqual(calls, ['POST /oauth2/token'], 'the replayed answer sent nothing');
    page.removeAllListeners('request');
  });

  /** Starts a sign-in whose answer this test hands in itself (handleAuthResponse, as a React Native deep link does); resolves with the authorize URL. */
  const started = async (client: MobileClient): Promise<{ url: URL; outcome: Promise<unknown> }> => {
    let opened!: (url: URL) => void;
    const url = new Promise<URL>((resolve) => (opened = resolve));
    const outcome = client.signInWithHostedUI({ openUrl: (u) => opened(new URL(u)) });
    outcome.catch(() => undefined);
    // The listener is up and the authorize URL made once openUrl is called (later on a loaded machine).
    return { url: await Promise.race([url, outcome.then(() => assert.fail('signInWithHostedUI settled before opening the URL'))]), outcome };
  };

  /** A code for `clientId` at `redirectUri`, with this PKCE verifier, from a signed-in browser (SSO). */
  const codeFor = async (clientId: string, redirectUri: string, verifier: string, username: string): Promise<string> => {
    await browser.context.clearCookies();
    const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid', state: 'attacker', code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256' });
    let code = '';
    await page.route(`${new URL(redirectUri).origin}/**`, (route) => {
      code = new URL(route.request().url()).searchParams.get('code') ?? '';
      return route.fulfill({ status: 200, body: 'captured' });
    });
    await page.goto(`${server.url}/oauth2/authorize?${query}`);
    await signInOnPage(page, username);
    await page.waitForURL((u) => u.pathname === new URL(redirectUri).pathname);
    await page.unrouteAll();
    assert.ok(code, 'the attacker got a code');
    return code;
  };

  it("a code of another app client is refused by the token endpoint (invalid_grant): no tokens, the state spent", async () => {
    const other = (
      await server.admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'other', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'], CallbackURLs: [CALLBACK], SupportedIdentityProviders: ['COGNITO'] }),
      )
    ).UserPoolClient!.ClientId!;
    const foreignCode = await codeFor(other, 'http://127.0.0.1:1/callback', b64url(randomBytes(32)), 'mallory');
    const client = clientFor(server);
    await client.initialize(pool.config);
    const { url, outcome } = await started(client);
    const injected = `${CALLBACK}?code=${foreignCode}&state=${url.searchParams.get('state')}`;
    const refused = await failure(() => client.handleAuthResponse(injected));
    assert.deepEqual([refused.code, refused.serviceCode], ['oauthError', 'invalid_grant']);
    assert.deepEqual((await failure(() => outcome as Promise<unknown>)).code, 'oauthError', 'signInWithHostedUI rejects with it');
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.equal((await failure(() => client.handleAuthResponse(injected))).code, 'hostedUIStateMismatch');
  });

  it("a code injected into the victim's answer (the attacker's own, for this client) fails PKCE: the victim's verifier doesn't match", async () => {
    const attackerCode = await codeFor(pool.clientId, CALLBACK, b64url(randomBytes(32)), 'mallory');
    const victim = clientFor(server);
    await victim.initialize(pool.config);
    const { url } = await started(victim);
    const refused = await failure(() => victim.handleAuthResponse(`${CALLBACK}?code=${attackerCode}&state=${url.searchParams.get('state')}`));
    assert.deepEqual([refused.code, refused.serviceCode], ['oauthError', 'invalid_grant']);
    assert.equal(victim.currentUserState, UserState.signedOut, 'the victim is not signed in as mallory');
  });

  it('an answer at another address than the redirect URI is refused (and spends the state); an unknown state is refused', async () => {
    const client = clientFor(server);
    await client.initialize(pool.config);
    const { url } = await started(client);
    const state = url.searchParams.get('state')!;
    assert.equal((await failure(() => client.handleAuthResponse(`https://evil.example/callback?code=abc&state=${state}`))).code, 'hostedUIStateMismatch');
    assert.equal((await failure(() => client.handleAuthResponse(`${CALLBACK}?code=abc&state=${state}`))).code, 'hostedUIStateMismatch', 'spent');
    assert.equal((await failure(() => client.handleAuthResponse(`${CALLBACK}?code=abc&state=${b64url(randomBytes(32))}`))).code, 'hostedUIStateMismatch');
    assert.equal((await failure(() => client.handleAuthResponse(`${CALLBACK}?code=abc&state=${state}&state=${state}`))).code, 'hostedUIStateMismatch');
    assert.equal(await client.handleAuthResponse(`${CALLBACK}?other=1`), UserState.signedOut, 'nothing to handle');
  });

  it('a burst of the same answer: exactly one is handled (one token request), the others are refused', async () => {
    const { client, calls } = recordedClient();
    await client.initialize(pool.config);
    const { url } = await started(client);
    const answer = `${CALLBACK}?code=not-a-real-code&state=${url.searchParams.get('state')}`;
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => failure(() => client.handleAuthResponse(answer))));
    assert.deepEqual(outcomes.map((o) => o.code).sort(), ['hostedUIStateMismatch', 'hostedUIStateMismatch', 'hostedUIStateMismatch', 'hostedUIStateMismatch', 'hostedUIStateMismatch', 'hostedUIStateMismatch', 'hostedUIStateMismatch', 'oauthError']);
    assert.deepEqual(calls, ['POST /oauth2/token']);
  });

  it('error answers are typed: a provider the client lacks comes back as invalid_request from the server, access_denied as oauthError', async () => {
    const client = clientFor(server);
    await client.initialize(pool.config);
    const viaServer = await failure(() =>
      client.signInWithHostedUI({ identityProvider: 'NoSuchProvider', redirectReceiver: loopbackRedirect(), openUrl: (url) => page.goto(url).then(() => undefined) }),
    );
    assert.deepEqual([viaServer.code, viaServer.serviceCode], ['oauthError', 'invalid_request']);
    const { url } = await started(client);
    const denied = await failure(() => client.handleAuthResponse(`${CALLBACK}?error=access_denied&error_description=User+cancelled&state=${url.searchParams.get('state')}`));
    assert.deepEqual([denied.code, denied.serviceCode, denied.message], ['oauthError', 'access_denied', 'User cancelled']);
    assert.equal(client.currentUserState, UserState.signedOut);
  });

  it('open redirects: the hosted UI refuses a SignInRedirectURI the client lacks (error page, no redirect); signOut to a foreign SignOutRedirectURI fails and keeps the session', async () => {
    const client = clientFor(server);
    const evil = { ...pool.config, Auth: { Default: { OAuth: { ...pool.config.Auth!.Default!.OAuth!, SignInRedirectURI: 'https://evil.example/callback', SignOutRedirectURI: 'https://evil.example/out' } } } };
    await client.initialize(evil);
    const status = await new Promise<number>((resolve) => {
      // This sign-in never completes (the hosted UI sends nobody back): its promise is left behind.
      void client.signInWithHostedUI({ openUrl: async (url) => resolve((await page.goto(url))!.status()) }).catch(() => undefined);
    });
    assert.equal(status, 400);
    assert.equal(new URL(page.url()).origin, server.url, 'the browser stayed on the hosted UI');

    // The same session (one storage, the same app client) under a configuration whose SignOutRedirectURI the client lacks.
    const storage = new MemoryStorage();
    const signedIn = clientFor(server, { storage });
    await signedIn.initialize(pool.config);
    await signedIn.signInWithHostedUI({ openUrl: person('alice'), redirectReceiver: loopbackRedirect() });
    const { refreshToken } = await signedIn.getTokens();
    const foreign = clientFor(server, { storage });
    assert.equal(await foreign.initialize(evil), UserState.signedIn);
    const refused = await failure(() => foreign.signOut({ invalidateTokens: true }));
    assert.deepEqual([refused.code, refused.serviceCode], ['oauthError', 'invalid_request']);
    assert.equal(foreign.currentUserState, UserState.signedIn, 'the session is kept');
    assert.equal(await refreshTokenWorks(server, pool.clientId, refreshToken), true, 'nothing was revoked');
  });

  it('no answer within timeoutMs: hostedUITimeout, and the listener is closed', async () => {
    const client = clientFor(server);
    await client.initialize(pool.config);
    let redirect = '';
    const timedOut = await failure(() => client.signInWithHostedUI({ redirectReceiver: loopbackRedirect({ timeoutMs: 200 }), openUrl: (url) => void (redirect = new URL(url).searchParams.get('redirect_uri')!) }));
    assert.equal(timedOut.code, 'hostedUITimeout');
    await assert.rejects(fetch(redirect));
  });
});

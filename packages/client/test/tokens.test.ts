/**
 * Token management against a real Cognate server (SQLite) with an injected clock: cached tokens,
 * refresh when they expire (both refresh flows), concurrent callers sharing one refresh, a revoked
 * or expired refresh token (signedOutUserPoolsTokenInvalid, waiting for signIn or
 * releaseSignInWait), the offline rules of seed 002 with the server stopped and started again,
 * and sessions persisted by the file and Web Storage adapters.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminUserGlobalSignOutCommand } from '@aws-sdk/client-cognito-identity-provider';
import { FileStorage } from '../src/node.js';
import { LocalStorage, MemoryStorage, MobileClient, UserState, type MobileClientOptions, type UserStateInfo, type WebStorage } from '../src/index.js';
import { PASSWORD, advance, clientFor, createPool, failure, signedUpUser, startTestServer, type TestPool, type TestServer } from './support.js';

const HOUR = 60 * 60_000;

/** Resolves with the info of the next transition to `state`. */
function nextState(client: MobileClient, state: UserState): Promise<UserStateInfo> {
  return new Promise((resolve) => {
    const stop = client.addUserStateListener((s, info) => {
      if (s === state) {
        stop();
        resolve(info);
      }
    });
  });
}

/** A fetch that counts the actions it sends (by X-Amz-Target, and InitiateAuth by AuthFlow). */
function countingFetch() {
  const counts = new Map<string, number>();
  const fetchImpl: NonNullable<MobileClientOptions['fetch']> = async (url, init) => {
    let action = init.headers['x-amz-target']!.split('.')[1]!;
    if (action === 'InitiateAuth') action += `:${(JSON.parse(init.body) as { AuthFlow: string }).AuthFlow}`;
    counts.set(action, (counts.get(action) ?? 0) + 1);
    return fetch(url, init);
  };
  return { fetch: fetchImpl, count: (action: string) => counts.get(action) ?? 0 };
}

describe('MobileClient tokens, refresh, offline and storage', () => {
  let server: TestServer;
  let pool: TestPool;
  let dir: string;

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await createPool(server);
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-client-'));
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function signedIn(username: string, options: MobileClientOptions = {}) {
    const client = clientFor(server, options);
    await client.initialize(pool.config);
    await signedUpUser(server, pool, client, username);
    await client.signIn({ username, password: PASSWORD });
    return client;
  }

  it('returns cached tokens while valid and refreshes them (REFRESH_TOKEN_AUTH) once they expire, staying signedIn', async () => {
    const counter = countingFetch();
    const client = await signedIn('ann', { fetch: counter.fetch });
    const transitions: string[] = [];
    client.addUserStateListener((s) => transitions.push(s));
    const first = await client.getTokens();
    advance(server, 30 * 60_000);
    assert.equal((await client.getTokens()).accessToken.tokenString, first.accessToken.tokenString, 'still cached after 30 minutes');
    assert.equal(counter.count('InitiateAuth:REFRESH_TOKEN_AUTH'), 0);

    advance(server, 26 * 60_000); // 4 minutes left: inside the 5-minute margin
    const second = await client.getTokens();
    assert.notEqual(second.accessToken.tokenString, first.accessToken.tokenString);
    assert.equal(second.refreshToken, first.refreshToken, 'REFRESH_TOKEN_AUTH keeps the refresh token');
    assert.ok(second.expiration.getTime() > server.clock.now() + 50 * 60_000);
    assert.equal(counter.count('InitiateAuth:REFRESH_TOKEN_AUTH'), 1);
    assert.equal((await client.getTokens()).accessToken.tokenString, second.accessToken.tokenString);
    assert.deepEqual(transitions, [], 'a refresh is not a transition');
    assert.equal(client.currentUserState, UserState.signedIn);
  });

  it('concurrent getTokens() callers share one refresh', async () => {
    const counter = countingFetch();
    const client = await signedIn('cody', { fetch: counter.fetch });
    advance(server, 2 * HOUR);
    const all = await Promise.all(Array.from({ length: 6 }, () => client.getTokens()));
    assert.equal(counter.count('InitiateAuth:REFRESH_TOKEN_AUTH'), 1);
    assert.equal(new Set(all.map((t) => t.accessToken.tokenString)).size, 1);
  });

  it('short-lived tokens (5 minutes, as long as the refresh margin) are refreshed at half their life, not on every call', async () => {
    const shortPool = await createPool(server, { AccessTokenValidity: 5, IdTokenValidity: 5, TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' } });
    const counter = countingFetch();
    const client = clientFor(server, { fetch: counter.fetch });
    await client.initialize(shortPool.config);
    await signedUpUser(server, shortPool, client, 'sid');
    await client.signIn({ username: 'sid', password: PASSWORD });
    const first = await client.getTokens();
    assert.equal((await client.getTokens()).accessToken.tokenString, first.accessToken.tokenString);
    advance(server, 2 * 60_000);
    assert.equal((await client.getTokens()).accessToken.tokenString, first.accessToken.tokenString);
    assert.equal(counter.count('InitiateAuth:REFRESH_TOKEN_AUTH'), 0);
    advance(server, 60_000);
    assert.notEqual((await client.getTokens()).accessToken.tokenString, first.accessToken.tokenString);
    assert.equal(counter.count('InitiateAuth:REFRESH_TOKEN_AUTH'), 1);
  });

  it('refreshFlow GetTokensFromRefreshToken', async () => {
    const counter = countingFetch();
    const client = await signedIn('gwen', { fetch: counter.fetch, refreshFlow: 'GetTokensFromRefreshToken' });
    const first = await client.getTokens();
    advance(server, 2 * HOUR);
    const second = await client.getTokens();
    assert.notEqual(second.accessToken.tokenString, first.accessToken.tokenString);
    assert.equal(counter.count('GetTokensFromRefreshToken'), 1);
    assert.equal(counter.count('InitiateAuth:REFRESH_TOKEN_AUTH'), 0);
  });

  it('a revoked refresh token: signedOutUserPoolsTokenInvalid, getTokens waits, and a new signIn answers it', async () => {
    const client = await signedIn('rita');
    const old = await client.getTokens();
    await server.admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool.poolId, Username: 'rita' }));
    advance(server, 2 * HOUR);
    const invalid = nextState(client, UserState.signedOutUserPoolsTokenInvalid);
    const waiting = client.getTokens();
    const info = await invalid;
    assert.equal(info.reason, 'refreshTokenInvalid');
    assert.equal(info.previous, 'signedIn');
    assert.equal(info.error?.code, 'notAuthorized');
    assert.equal(client.username, 'rita', 'the username stays for the sign-in screen');
    assert.equal(client.isSignedIn, false);
    const alsoWaiting = client.getTokens();

    const signedInAgain = nextState(client, UserState.signedIn);
    assert.equal((await client.signIn({ username: 'rita', password: PASSWORD })).signInState, 'signedIn');
    assert.equal((await signedInAgain).reason, 'signIn');
    const [fresh, fresh2] = await Promise.all([waiting, alsoWaiting]);
    assert.notEqual(fresh.refreshToken, old.refreshToken);
    assert.equal(fresh2.accessToken.tokenString, fresh.accessToken.tokenString);
  });

  it('an expired refresh token, then releaseSignInWait(): the waiting call fails with unableToSignIn, the state survives a restart', async () => {
    const storage = new MemoryStorage();
    const client = await signedIn('ezra', { storage });
    advance(server, 31 * 24 * HOUR); // refresh tokens live 30 days
    const invalid = nextState(client, UserState.signedOutUserPoolsTokenInvalid);
    const waiting = failure(() => client.getTokens());
    await invalid;
    client.releaseSignInWait();
    const released = await waiting;
    assert.equal(released.code, 'unableToSignIn');
    assert.equal(client.currentUserState, UserState.signedOutUserPoolsTokenInvalid);

    const restarted = clientFor(server, { storage });
    assert.equal(await restarted.initialize(pool.config), UserState.signedOutUserPoolsTokenInvalid);
    const waitingAgain = failure(() => restarted.getTokens());
    await restarted.signOut();
    assert.equal((await waitingAgain).code, 'notSignedIn');
    assert.equal(restarted.currentUserState, UserState.signedOut);
  });

  it('offline (server stopped): never signs out; valid tokens are served, expired ones give network + invalid-token state; back online, refresh resumes', async () => {
    // The client talks to a second node on the same database, which the test stops and starts
    // again on the same port.
    let node = await startTestServer('sqlite', {}, server);
    node.clock.set(server.clock.now());
    const port = Number(new URL(node.url).port);
    const client = clientFor(server, { storage: new MemoryStorage() });
    await client.initialize({ CognitoUserPool: { Default: { ...pool.config.CognitoUserPool!.Default!, Endpoint: node.url } } });
    await signedUpUser(server, pool, client, 'olive');
    await client.signIn({ username: 'olive', password: PASSWORD });
    const seen: [UserState, UserStateInfo][] = [];
    client.addUserStateListener((s, info) => seen.push([s, info]));
    const first = await client.getTokens();
    await node.stop();
    try {
      assert.equal((await client.getTokens()).accessToken.tokenString, first.accessToken.tokenString, 'valid cached tokens, no network needed');
      advance(server, 57 * 60_000); // inside the refresh margin: the refresh fails, the still-valid tokens are served
      assert.equal((await client.getTokens()).accessToken.tokenString, first.accessToken.tokenString);
      assert.equal(seen.length, 0);

      advance(server, 5 * 60_000); // expired
      const offline = await failure(() => client.getTokens());
      assert.equal(offline.code, 'network');
      assert.equal(client.currentUserState, UserState.signedOutUserPoolsTokenInvalid);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]![1].reason, 'offline');
      assert.equal(seen[0]![1].error?.code, 'network');
      assert.equal(client.username, 'olive', 'the session is kept');
      assert.equal((await failure(() => client.getTokens())).code, 'network', 'still offline');
      assert.equal(seen.length, 1, 'no repeated notification while nothing changes');
      assert.equal((await failure(() => client.signOut({ signOutGlobally: true }))).code, 'network');
      assert.equal(client.username, 'olive', 'a global sign-out that could not reach the server keeps the session');
    } finally {
      node = await startTestServer('sqlite', { port }, server);
    }
    try {
      node.clock.set(server.clock.now());
      const back = await client.getTokens();
      assert.notEqual(back.accessToken.tokenString, first.accessToken.tokenString);
      assert.equal(client.currentUserState, UserState.signedIn);
      assert.deepEqual(seen.at(-1)?.[0], 'signedIn');
      assert.equal(seen.at(-1)?.[1].reason, 'tokensRefreshed');
    } finally {
      await node.stop();
    }
  });

  it('the file store (@cognate/client/node) keeps the session for a new client instance, 0600', async () => {
    const file = path.join(dir, 'nested', 'session.json');
    const first = await signedIn('fay', { storage: new FileStorage(file) });
    const tokens = await first.getTokens();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.match(await readFile(file, 'utf8'), /fay/);

    const second = clientFor(server, { storage: new FileStorage(file) });
    const seen: string[] = [];
    second.addUserStateListener((s, info) => seen.push(`${s}:${info.reason}`));
    assert.equal(await second.initialize(pool.config), UserState.signedIn);
    assert.deepEqual(seen, ['signedIn:initialize']);
    assert.equal(second.username, 'fay');
    assert.equal((await second.getTokens()).accessToken.tokenString, tokens.accessToken.tokenString);
    advance(server, 2 * HOUR);
    const refreshed = await second.getTokens();
    assert.notEqual(refreshed.accessToken.tokenString, tokens.accessToken.tokenString);
    assert.equal((await second.getUserAttributes()).email, 'fay@example.com');

    const third = clientFor(server, { storage: new FileStorage(file) });
    await third.initialize(pool.config);
    assert.equal((await third.getTokens()).accessToken.tokenString, refreshed.accessToken.tokenString, 'the refreshed tokens were stored');
    await third.signOut();
    const fourth = clientFor(server, { storage: new FileStorage(file) });
    assert.equal(await fourth.initialize(pool.config), UserState.signedOut);

    // Concurrent writes from one process don't lose each other; a corrupt file is no session.
    const store = new FileStorage(path.join(dir, 'many.json'));
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.setItem(`k${i}`, String(i))));
    assert.deepEqual(await Promise.all(Array.from({ length: 10 }, (_, i) => store.getItem(`k${i}`))), Array.from({ length: 10 }, (_, i) => String(i)));
    await store.removeItem('k3');
    assert.equal(await store.getItem('k3'), null);
  });

  it('LocalStorage keeps the session in a Web Storage object under its prefix; any KeyValueStorage plugs in', async () => {
    const items = new Map<string, string>();
    const webStorage: WebStorage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
    await signedIn('lena', { storage: new LocalStorage({ storage: webStorage, prefix: 'app.' }) });
    assert.deepEqual([...items.keys()], [`app.cognate.session.${pool.clientId}`]);
    const again = clientFor(server, { storage: new LocalStorage({ storage: webStorage, prefix: 'app.' }) });
    assert.equal(await again.initialize(pool.config), UserState.signedIn);
    assert.throws(() => new LocalStorage(), /localStorage/);

    // An async store, as React Native's AsyncStorage.
    const asyncItems = new Map<string, string>();
    const asyncStorage = {
      getItem: async (k: string) => asyncItems.get(k) ?? null,
      setItem: async (k: string, v: string) => void asyncItems.set(k, v),
      removeItem: async (k: string) => void asyncItems.delete(k),
    };
    await signedIn('axel', { storage: asyncStorage, storageKey: 'my-session' });
    assert.ok(asyncItems.has('my-session'));
    const restored = clientFor(server, { storage: asyncStorage, storageKey: 'my-session' });
    assert.equal(await restored.initialize(pool.config), UserState.signedIn);
    assert.equal(restored.username, 'axel');
  });

  it('getAWSCredentials without an identity pool is cognitoIdentityPoolNotConfigured; federatedSignIn too', async () => {
    const client = clientFor(server);
    await client.initialize(pool.config);
    assert.equal((await failure(() => client.getAWSCredentials())).code, 'cognitoIdentityPoolNotConfigured');
    assert.equal((await failure(() => client.federatedSignIn('accounts.google.com', 'token'))).code, 'cognitoIdentityPoolNotConfigured');
    assert.equal(client.identityId, undefined);
  });
});

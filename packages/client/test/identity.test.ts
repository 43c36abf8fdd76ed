/**
 * MobileClient's identity-pool paths against a real Cognate server: guest credentials (one
 * identity, kept in storage), authenticated credentials after signIn (the guest identity takes the
 * user-pool login), back to a new guest after signOut, one fetch for concurrent callers (counted
 * with the injected fetch), refresh before expiry (the injected clock), developer-authenticated
 * identities and an OpenID Connect provider through federatedSignIn, an expired federated token
 * (signedOutFederatedTokensInvalid, the wait, releaseSignInWait) and pools that refuse guests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { DeleteIdentitiesCommand, DescribeIdentityCommand, GetOpenIdTokenForDeveloperIdentityCommand, UpdateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { AUTH_ROLE, UNAUTH_ROLE, identityPoolFor, providerOf } from '../../server/test/e2e/identity/helpers.js';
import { iam } from '../../server/test/e2e/identity/sign.js';
import { MemoryStorage, MobileClientError, UserState, type AWSConfiguration, type AWSCredentials, type MobileClient, type MobileClientOptions, type UserStateInfo } from '../src/index.js';
import { PASSWORD, advance, clientFor, createPool, databaseKinds, entered, failure, recordingFetch, signedUpUser, startTestServer, type TestPool, type TestServer } from './support.js';

const DEV = 'login.shop.example';
const DEVELOPER_LOGIN = 'cognito-identity.amazonaws.com';

/** A local OpenID Connect provider: discovery and JWKS over HTTP, ID tokens signed with jose. */
async function startOidcProvider() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const rogue = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' };
  let issuer = '';
  const http: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/oidc/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/oidc/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.end('{}');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}/oidc`;
  return {
    issuer,
    /** An ID token for `sub`, issued at `nowMs` (the server's clock), valid for `seconds`. */
    idToken: (sub: string, nowMs: number, seconds = 3600, key: CryptoKey = privateKey) =>
      new SignJWT({ email: `${sub}@idp.example` })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setSubject(sub)
        .setAudience('my-client')
        .setIssuedAt(Math.floor(nowMs / 1000))
        .setExpirationTime(Math.floor(nowMs / 1000) + seconds)
        .sign(key),
    rogueKey: rogue.privateKey,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

for (const kind of databaseKinds) {
  describe(`MobileClient with identity pools (${kind})`, () => {
    let server: TestServer;
    let pool: TestPool;
    let oidc: Awaited<ReturnType<typeof startOidcProvider>>;
    let oidcProvider: string;
    let identityPoolId: string;
    let config: AWSConfiguration;
    let identityOnly: AWSConfiguration;

    before(async () => {
      server = await startTestServer(kind);
      oidc = await startOidcProvider();
      pool = await createPool(server);
      const created = await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: oidc.issuer, 'ClientIDList.member.1': 'my-client' }, server.clock.now());
      assert.equal(created.status, 200, created.text);
      oidcProvider = oidc.issuer.replace('http://', '');
      identityPoolId = await identityPoolFor(server, [pool], { DeveloperProviderName: DEV, OpenIdConnectProviderARNs: [`arn:aws:iam::000000000000:oidc-provider/${oidcProvider}`] });
      const identity = { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } };
      config = { ...pool.config, CredentialsProvider: identity };
      identityOnly = { CredentialsProvider: identity };
    });
    after(async () => {
      await server.stop();
      await oidc.close();
    });

    /** The role and identity the server sealed into the credentials' session token. */
    function sealed(credentials: AWSCredentials): { role: string; identityId: string; amr: string[] } {
      const session = server.running.cognate.identity.builtIn.open(credentials.sessionToken);
      assert.ok(session, 'the session token is one the server issued');
      return { role: session.r, identityId: session.i, amr: session.a };
    }

    /** A client (on the server's clock) with a recorder of its transitions and requests. */
    async function recorded(configuration = config, options: MobileClientOptions = {}) {
      const requests = recordingFetch();
      const client = clientFor(server, { fetch: requests.fetch, ...options });
      const seen: [UserState, UserStateInfo][] = [];
      client.addUserStateListener((state, info) => seen.push([state, info]));
      await client.initialize(configuration);
      return { client, seen, requests: requests.actions, states: () => seen.map(([s]) => s) };
    }


    async function logins(identityId: string): Promise<string[]> {
      return (await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: identityId }))).Logins ?? [];
    }

    const developerToken = async (user: string, seconds = 3600) =>
      server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: user }, TokenDuration: seconds }));

    it('guest: signed out, getAWSCredentials gives unauthenticated credentials for one identity, kept across calls and in a new client on the same storage', async () => {
      const storage = new MemoryStorage();
      const { client, requests, seen } = await recorded(config, { storage });
      assert.equal(client.currentUserState, UserState.signedOut, 'until the pool has shown it takes guests');
      assert.deepEqual(requests, [], 'initialize sends nothing');
      const first = await client.getAWSCredentials();
      assert.deepEqual(seen.at(-1), ['guest', { reason: 'guestCredentials', previous: 'signedOut' }]);
      assert.match(first.identityId, /^us-east-1:[0-9a-f-]{36}$/);
      assert.equal(client.identityId, first.identityId);
      assert.match(first.accessKeyId, /^ASIA/);
      assert.ok(first.secretAccessKey.length >= 40);
      assert.equal(first.expiration.getTime(), (Math.floor(server.clock.now() / 1000) + 3600) * 1000, 'an hour, from epoch seconds');
      assert.deepEqual(sealed(first), { role: UNAUTH_ROLE, identityId: first.identityId, amr: ['unauthenticated'] });
      assert.deepEqual(await logins(first.identityId), []);
      assert.deepEqual(requests, ['GetId', 'GetCredentialsForIdentity']);

      assert.deepEqual(await client.getAWSCredentials(), first, 'cached');
      assert.equal(requests.length, 2);
      client.clearCredentials();
      const again = await client.getAWSCredentials();
      assert.equal(again.identityId, first.identityId, 'the same identity');
      assert.notEqual(again.accessKeyId, first.accessKeyId, 'new credentials');
      assert.deepEqual(requests.slice(2), ['GetCredentialsForIdentity']);
      assert.equal(client.currentUserState, UserState.guest);

      const restarted = await recorded(config, { storage });
      assert.equal(restarted.client.currentUserState, UserState.guest, 'the stored guest identity: guests are allowed');
      assert.deepEqual(restarted.seen, [['guest', { reason: 'initialize', previous: 'unknown' }]]);
      assert.equal(restarted.client.identityId, first.identityId, 'read from storage');
      assert.equal((await restarted.client.getAWSCredentials()).identityId, first.identityId);
      assert.deepEqual(restarted.requests, ['GetCredentialsForIdentity']);

      // Another storage is another device: another guest.
      const elsewhere = await recorded(config);
      assert.notEqual((await elsewhere.client.getAWSCredentials()).identityId, first.identityId);
    });

    it('signIn: authenticated credentials on the guest identity, now linked to the user-pool login; signOut: a new guest; signIn again: the user’s identity', async () => {
      const { client, states } = await recorded();
      const guest = await client.getAWSCredentials();
      await signedUpUser(server, pool, client, 'alice');
      await client.signIn({ username: 'alice', password: PASSWORD });
      const sub = (await client.getTokens()).idToken.claims.sub as string;

      const signedIn = await client.getAWSCredentials();
      assert.equal(signedIn.identityId, guest.identityId, 'the guest identity takes the login');
      assert.notEqual(signedIn.accessKeyId, guest.accessKeyId);
      const s = sealed(signedIn);
      assert.equal(s.role, AUTH_ROLE);
      assert.ok(s.amr.includes(`${providerOf(pool)}:CognitoSignIn:${sub}`), 'the user-pool login');
      assert.deepEqual(await logins(signedIn.identityId), [providerOf(pool)]);
      assert.equal(client.currentUserState, UserState.signedIn);

      await client.signOut();
      assert.equal(client.currentUserState, UserState.signedOut);
      assert.equal(client.identityId, undefined, 'signOut forgets the identity, as AWSMobileClient clears its keychain');
      const nextGuest = await client.getAWSCredentials();
      assert.notEqual(nextGuest.identityId, signedIn.identityId, 'a new guest identity');
      assert.equal(sealed(nextGuest).role, UNAUTH_ROLE);
      assert.equal(client.currentUserState, UserState.guest);

      await client.signIn({ username: 'alice', password: PASSWORD });
      const back = await client.getAWSCredentials();
      assert.equal(back.identityId, signedIn.identityId, 'the login leads to the user’s identity');
      assert.equal(client.identityId, signedIn.identityId);
      assert.equal(sealed(back).role, AUTH_ROLE);
      assert.deepEqual(states(), ['signedOut', 'guest', 'signedIn', 'signedOut', 'guest', 'signedIn']);
    });

    it('concurrent getAWSCredentials calls share one fetch, signed out and signed in', async () => {
      const { client, requests } = await recorded();
      const guests = await Promise.all(Array.from({ length: 5 }, () => client.getAWSCredentials()));
      assert.deepEqual(requests, ['GetId', 'GetCredentialsForIdentity']);
      assert.equal(new Set(guests.map((c) => c.accessKeyId)).size, 1);

      await signedUpUser(server, pool, client, 'connie');
      await client.signIn({ username: 'connie', password: PASSWORD });
      requests.length = 0;
      const users = await Promise.all(Array.from({ length: 5 }, () => client.getAWSCredentials()));
      assert.deepEqual(requests, ['GetCredentialsForIdentity']);
      assert.equal(new Set(users.map((c) => c.accessKeyId)).size, 1);
      assert.equal(sealed(users[0]!).role, AUTH_ROLE);
    });

    it('a caller who signed in meanwhile does not get the guest fetch still in flight', async () => {
      // Identity-pool answers wait for `release`, so a guest fetch is still out when the user signs in.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const client = clientFor(server, {
        fetch: async (url, init) => {
          const response = await fetch(url, init);
          if (init.headers['x-amz-target']!.startsWith('AWSCognitoIdentityService.')) await gate;
          return response;
        },
      });
      await client.initialize(config);
      await signedUpUser(server, pool, client, 'racer');
      const asGuest = client.getAWSCredentials();
      await client.signIn({ username: 'racer', password: PASSWORD });
      const asUser = client.getAWSCredentials();
      release();
      assert.equal(sealed(await asGuest).role, UNAUTH_ROLE, 'asked while signed out');
      assert.equal(sealed(await asUser).role, AUTH_ROLE, 'asked while signed in');
      assert.equal((await asUser).identityId, (await asGuest).identityId, 'the guest identity took the login');
    });

    it('credentials are refreshed within the refresh margin before they expire (the injected clock), with the tokens first when they expire too', async () => {
      const { client, requests } = await recorded();
      const first = await client.getAWSCredentials();
      advance(server, 54 * 60_000);
      assert.deepEqual(await client.getAWSCredentials(), first, 'more than 5 minutes left: cached');
      advance(server, 2 * 60_000);
      const fresh = await client.getAWSCredentials();
      assert.notEqual(fresh.accessKeyId, first.accessKeyId);
      assert.equal(fresh.identityId, first.identityId);
      assert.ok(fresh.expiration > first.expiration);
      assert.deepEqual(requests, ['GetId', 'GetCredentialsForIdentity', 'GetCredentialsForIdentity']);

      await signedUpUser(server, pool, client, 'rita');
      await client.signIn({ username: 'rita', password: PASSWORD });
      const signedIn = await client.getAWSCredentials();
      requests.length = 0;
      advance(server, 56 * 60_000);
      const later = await client.getAWSCredentials();
      assert.notEqual(later.accessKeyId, signedIn.accessKeyId);
      assert.equal(later.identityId, signedIn.identityId);
      assert.deepEqual(requests, ['InitiateAuth:REFRESH_TOKEN_AUTH', 'GetCredentialsForIdentity'], 'the ID token is refreshed, then the credentials');
    });

    it('federatedSignIn with a developer-authenticated identity (GetOpenIdTokenForDeveloperIdentity) and cognitoIdentityId', async () => {
      const storage = new MemoryStorage();
      const { client, seen, requests } = await recorded(identityOnly, { storage });
      const dev = await developerToken('user-42');
      assert.equal(await client.federatedSignIn(DEVELOPER_LOGIN, dev.Token!, { cognitoIdentityId: dev.IdentityId! }), UserState.signedIn);
      assert.deepEqual(seen.at(-1), ['signedIn', { reason: 'federatedSignIn', previous: 'signedOut', provider: DEVELOPER_LOGIN }]);
      assert.deepEqual(requests, ['GetCredentialsForIdentity'], 'the identity is known: no GetId');
      assert.ok(client.isSignedIn);
      assert.equal(client.username, undefined);
      assert.equal(client.identityId, dev.IdentityId);

      const credentials = await client.getAWSCredentials();
      assert.equal(credentials.identityId, dev.IdentityId);
      assert.equal(requests.length, 1, 'federatedSignIn fetched them');
      const s = sealed(credentials);
      assert.equal(s.role, AUTH_ROLE);
      assert.ok(s.amr.includes(`${DEV}:${identityPoolId}:user-42`));

      const restarted = await recorded(identityOnly, { storage });
      assert.equal(restarted.client.currentUserState, UserState.signedIn);
      assert.equal((await restarted.client.getAWSCredentials()).identityId, dev.IdentityId);

      // Another identity's token for this identity is refused, and changes nothing.
      const other = await developerToken('user-43');
      const refused = await failure(() => client.federatedSignIn(DEVELOPER_LOGIN, other.Token!, { cognitoIdentityId: dev.IdentityId! }));
      assert.equal(refused.code, 'notAuthorized');
      assert.equal(client.identityId, dev.IdentityId);
      assert.equal(client.currentUserState, UserState.signedIn);
      assert.equal((await client.getAWSCredentials()).identityId, dev.IdentityId);

      await client.signOut();
      assert.equal(client.currentUserState, UserState.signedOut);
      const guest = await client.getAWSCredentials();
      assert.notEqual(guest.identityId, dev.IdentityId);
      assert.equal(sealed(guest).role, UNAUTH_ROLE);
    });

    it('federatedSignIn with an OpenID Connect provider: the issuer without the scheme as the login', async () => {
      const { client } = await recorded();
      const token = await oidc.idToken('oidc-user-1', server.clock.now());
      assert.equal(await client.federatedSignIn(oidcProvider, token), UserState.signedIn);
      const credentials = await client.getAWSCredentials();
      assert.deepEqual(await logins(credentials.identityId), [oidcProvider]);
      assert.equal(sealed(credentials).role, AUTH_ROLE);

      // The same subject on another device: the same identity.
      const other = await recorded();
      await other.client.federatedSignIn(oidcProvider, await oidc.idToken('oidc-user-1', server.clock.now()));
      assert.equal(other.client.identityId, credentials.identityId);

      // A token signed by someone else is refused; the state stays.
      const fresh = await recorded();
      const forged = await failure(() => fresh.client.federatedSignIn(oidcProvider, 'x' + token));
      assert.equal(forged.code, 'notAuthorized');
      const rogue = await failure(async () => fresh.client.federatedSignIn(oidcProvider, await oidc.idToken('oidc-user-2', server.clock.now(), 3600, oidc.rogueKey)));
      assert.equal(rogue.code, 'notAuthorized');
      assert.equal(fresh.client.currentUserState, UserState.signedOut);
      assert.equal(fresh.client.identityId, undefined);
      assert.equal((await failure(() => fresh.client.federatedSignIn('', token))).code, 'invalidParameter');
    });

    it('federatedSignIn while signed in to the user pool replaces that session (as AWSMobileClient); signIn afterwards replaces the federation', async () => {
      const { client, seen } = await recorded();
      await signedUpUser(server, pool, client, 'felix');
      await client.signIn({ username: 'felix', password: PASSWORD });
      const asUser = await client.getAWSCredentials();
      await client.federatedSignIn(oidcProvider, await oidc.idToken('oidc-felix', server.clock.now()));
      assert.deepEqual(seen.at(-1), ['signedIn', { reason: 'federatedSignIn', previous: 'signedIn', provider: oidcProvider }], 'listeners hear of the switch');
      assert.equal(client.username, undefined);
      assert.equal((await failure(() => client.getTokens())).code, 'notSignedIn', 'the user-pool tokens are gone');
      const federated = await client.getAWSCredentials();
      assert.notEqual(federated.identityId, asUser.identityId, 'the provider’s own identity');
      assert.deepEqual(await logins(federated.identityId), [oidcProvider]);

      await client.signIn({ username: 'felix', password: PASSWORD });
      const back = await client.getAWSCredentials();
      assert.equal(back.identityId, asUser.identityId);
      assert.equal(sealed(back).role, AUTH_ROLE);
      assert.equal(client.currentUserState, UserState.signedIn);
      assert.deepEqual(seen.at(-1), ['signedIn', { reason: 'signIn', previous: 'signedIn', username: 'felix', provider: 'userPools' }]);
    });

    it('an expired federated token: signedOutFederatedTokensInvalid, getAWSCredentials waits for a new federatedSignIn; releaseSignInWait ends the wait with an error', async () => {
      const storage = new MemoryStorage();
      const { client } = await recorded(identityOnly, { storage });
      const dev = await developerToken('user-77', 600);
      await client.federatedSignIn(DEVELOPER_LOGIN, dev.Token!, { cognitoIdentityId: dev.IdentityId! });

      // Credentials near their end, the 10-minute token long gone.
      advance(server, 56 * 60_000);
      const invalid = entered(client, UserState.signedOutFederatedTokensInvalid);
      const waiting = client.getAWSCredentials();
      const info = await invalid;
      assert.equal(info.reason, 'federatedTokensInvalid');
      assert.equal(info.provider, DEVELOPER_LOGIN);
      assert.equal(info.error?.code, 'notAuthorized');
      assert.equal(client.currentUserState, UserState.signedOutFederatedTokensInvalid);
      const alsoWaiting = client.getAWSCredentials();

      // A restart on the same storage remembers that the token was refused.
      const restarted = clientFor(server, { storage });
      assert.equal(await restarted.initialize(identityOnly), UserState.signedOutFederatedTokensInvalid);

      const renewed = await developerToken('user-77', 600);
      assert.equal(renewed.IdentityId, dev.IdentityId);
      assert.equal(await client.federatedSignIn(DEVELOPER_LOGIN, renewed.Token!, { cognitoIdentityId: renewed.IdentityId! }), UserState.signedIn);
      const [a, b] = await Promise.all([waiting, alsoWaiting]);
      assert.equal(a.identityId, dev.IdentityId);
      assert.equal(a.accessKeyId, b.accessKeyId, 'the waiters get the new sign-in’s credentials');
      assert.ok(a.expiration.getTime() > server.clock.now() + 50 * 60_000);

      // Again, and this time the user gives up.
      advance(server, 56 * 60_000);
      const invalidAgain = entered(client, UserState.signedOutFederatedTokensInvalid);
      const given = client.getAWSCredentials();
      await invalidAgain;
      client.releaseSignInWait();
      await assert.rejects(given, (e: unknown) => e instanceof MobileClientError && e.code === 'unableToSignIn');
      assert.equal(client.currentUserState, UserState.signedOutFederatedTokensInvalid, 'releasing changes no state');
      // Signing out ends later waits too, and leaves a guest.
      const later = client.getAWSCredentials();
      await client.signOut();
      await assert.rejects(later, (e: unknown) => e instanceof MobileClientError && e.code === 'notSignedIn');
      assert.equal(sealed(await client.getAWSCredentials()).role, UNAUTH_ROLE);
    });

    it('offline (server stopped): cached credentials are served until they actually expire, then network errors without a state change; back online, they are fetched again', async () => {
      // The client talks to a second node on the same database, stopped and started on the same port.
      let node = await startTestServer(kind, {}, server);
      node.clock.set(server.clock.now());
      const port = Number(new URL(node.url).port);
      const at = (url: string): AWSConfiguration => ({
        CognitoUserPool: { Default: { ...pool.config.CognitoUserPool!.Default!, Endpoint: url } },
        CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Endpoint: url } } },
      });
      const { client, seen } = await recorded(at(node.url));
      await signedUpUser(server, pool, client, 'otto');
      await client.signIn({ username: 'otto', password: PASSWORD });
      const online = await client.getAWSCredentials();
      const transitions = seen.length;
      await node.stop();
      try {
        advance(server, 56 * 60_000); // inside the 5-minute margin of tokens and credentials
        assert.deepEqual(await client.getAWSCredentials(), online, 'still valid: served from the cache');
        advance(server, 5 * 60_000); // expired
        assert.equal((await failure(() => client.getAWSCredentials())).code, 'network');
        assert.equal(client.username, 'otto', 'the session is kept');
        assert.ok(seen.slice(transitions).every(([state]) => state !== UserState.signedOut), 'nobody is signed out for being offline');
      } finally {
        node = await startTestServer(kind, { port }, server);
      }
      try {
        node.clock.set(server.clock.now());
        const back = await client.getAWSCredentials();
        assert.notEqual(back.accessKeyId, online.accessKeyId);
        assert.equal(back.identityId, online.identityId);
        assert.ok(back.expiration.getTime() > server.clock.now());
        assert.equal(client.currentUserState, UserState.signedIn);
      } finally {
        await node.stop();
      }
    });

    it('an identity the pool no longer has: the client drops it and gets a new one', async () => {
      const { client, requests } = await recorded();
      const first = await client.getAWSCredentials();
      await server.identityAdmin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [first.identityId] }));
      client.clearCredentials();
      requests.length = 0;
      const next = await client.getAWSCredentials();
      assert.notEqual(next.identityId, first.identityId);
      assert.equal(client.identityId, next.identityId);
      assert.deepEqual(requests, ['GetCredentialsForIdentity', 'GetId', 'GetCredentialsForIdentity'], 'refused (ResourceNotFoundException), then a new identity');
    });

    it('a pool without guests: getAWSCredentials signed out is a typed guestAccessNotAllowed; without an identity pool, cognitoIdentityPoolNotConfigured', async () => {
      const closed = await identityPoolFor(server, [pool], { AllowUnauthenticatedIdentities: false });
      const closedConfig: AWSConfiguration = { ...pool.config, CredentialsProvider: { CognitoIdentity: { Default: { PoolId: closed, Endpoint: server.url } } } };
      const { client, seen } = await recorded(closedConfig);
      assert.equal(client.currentUserState, UserState.signedOut, 'initialize does not claim a guest it cannot know of');
      let error: unknown;
      try {
        await client.getAWSCredentials();
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof MobileClientError);
      assert.deepEqual([error.code, error.serviceCode, error.message], ['guestAccessNotAllowed', 'NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.']);
      assert.equal(client.identityId, undefined);
      assert.deepEqual(seen, [['signedOut', { reason: 'initialize', previous: 'unknown' }]], 'no guest, before or after');

      // A pool that took guests, then stops: the stored guest says `guest` at start, until the refusal.
      const closing = await identityPoolFor(server, [pool]);
      const closingConfig: AWSConfiguration = { CredentialsProvider: { CognitoIdentity: { Default: { PoolId: closing, Endpoint: server.url } } } };
      const storage = new MemoryStorage();
      const earlier = await recorded(closingConfig, { storage });
      await earlier.client.getAWSCredentials();
      assert.equal(earlier.client.currentUserState, UserState.guest);
      await server.identityAdmin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: closing, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: false }));
      const later = await recorded(closingConfig, { storage });
      assert.equal(later.client.currentUserState, UserState.guest, 'as last seen');
      const closed2 = await failure(() => later.client.getAWSCredentials());
      assert.equal(closed2.code, 'guestAccessNotAllowed');
      assert.deepEqual(later.seen.map(([state, info]) => [state, info.reason]), [['guest', 'initialize'], ['signedOut', 'guestAccessNotAllowed']]);
      assert.equal((await recorded(closingConfig, { storage })).client.currentUserState, UserState.signedOut, 'and so after the next restart');

      // Signed in, the same pool gives credentials.
      await signedUpUser(server, pool, client, 'gail');
      await client.signIn({ username: 'gail', password: PASSWORD });
      assert.equal(sealed(await client.getAWSCredentials()).role, AUTH_ROLE);

      const userPoolOnly = clientFor(server);
      await userPoolOnly.initialize(pool.config);
      assert.equal((await failure(() => userPoolOnly.getAWSCredentials())).code, 'cognitoIdentityPoolNotConfigured');
      assert.equal((await failure(() => userPoolOnly.federatedSignIn(DEVELOPER_LOGIN, 'token'))).code, 'cognitoIdentityPoolNotConfigured');
    });
  });
}

for (const kind of databaseKinds) {
  describe(`MobileClient with identity pools, tokens issued under the server's own URL (${kind})`, () => {
    let server: TestServer;

    before(async () => {
      // Cognate's default issuer: <publicUrl>/<poolId>, so the client's login key is that URL without the scheme.
      server = await startTestServer(kind, { issuerStyle: 'public-url' });
    });
    after(() => server.stop());

    it('signIn, then getAWSCredentials: the issuer-URL login key is accepted for the user pool', async () => {
      const pool = await createPool(server);
      const identityPoolId = await identityPoolFor(server, [pool]);
      const client = clientFor(server);
      await client.initialize({ ...pool.config, CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Endpoint: server.url } } } });
      const guest = await client.getAWSCredentials();
      await signedUpUser(server, pool, client, 'ivy');
      await client.signIn({ username: 'ivy', password: PASSWORD });
      const iss = (await client.getTokens()).idToken.claims.iss as string;
      assert.equal(iss, `${server.url}/${pool.poolId}`);
      const credentials = await client.getAWSCredentials();
      assert.equal(credentials.identityId, guest.identityId);
      assert.equal(server.running.cognate.identity.builtIn.open(credentials.sessionToken)?.r, AUTH_ROLE);
      const linked = (await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: credentials.identityId }))).Logins;
      assert.equal(linked?.length, 1, 'one login, under whichever name the server keeps');
    });
  });
}

/**
 * MobileClient.federatedSignIn with the providers an app signs in with outside the user pool,
 * verified for real by a running Cognate server:
 * - SAML: a provider registered with IAM CreateSAMLProvider, SAML responses signed as an IdP would
 *   (the server suites' saml-idp.ts: xml-crypto, RSA-SHA256, exclusive c14n); the assertion's role, `customRoleArn`
 *   when it carries several (kept for later getAWSCredentials calls, across a restart, and asked
 *   for again when an expired assertion is replaced);
 * - Google (`accounts.google.com`, an OIDC issuer) and Facebook (`graph.facebook.com`'s Graph API),
 *   their verification endpoints pointed at a local server with the server's `socialEndpoints`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { DescribeIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AUTH_ROLE, identityPoolFor, trustRole } from '../../server/test/e2e/identity/helpers.js';
import { iam } from '../../server/test/e2e/identity/sign.js';
import { keyPair, metadata, PROVIDER, samlResponse, type KeyPair } from '../../server/test/e2e/identity/saml-idp.js';
import { MemoryStorage, UserState, type AWSConfiguration, type AWSCredentials, type MobileClient, type MobileClientOptions, type UserStateInfo } from '../src/index.js';
import { advance, clientFor, databaseKinds, entered, failure, recordingFetch, startTestServer, type TestServer } from './support.js';

const SAML = PROVIDER;
const ENGINEERS = 'arn:aws:iam::000000000000:role/Engineers';
const ADMINS = 'arn:aws:iam::000000000000:role/Admins';
const GOOGLE = 'accounts.google.com';
const FACEBOOK = 'graph.facebook.com';

/**
 * Google and Facebook as the server reaches them through `socialEndpoints`: Google's OpenID
 * discovery and JWKS under /google (ID tokens signed here with jose, issued as
 * https://accounts.google.com), and Facebook's Graph API /facebook/me and /facebook/app, which
 * accept access tokens starting with `fb-good` (`…-2` is another user, `…-other…` another app).
 */
async function startSocialProviders() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'g1', use: 'sig', alg: 'RS256' };
  let base = '';
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const token = url.searchParams.get('access_token') ?? '';
    if (url.pathname === '/google/.well-known/openid-configuration') return json(200, { issuer: 'https://accounts.google.com', jwks_uri: `${base}/google/jwks` });
    if (url.pathname === '/google/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/facebook/me') return token.startsWith('fb-good') ? json(200, { id: token.endsWith('2') ? '1002' : '1001' }) : json(400, { error: { message: 'Invalid OAuth access token.' } });
    if (url.pathname === '/facebook/app') return token.startsWith('fb-good') ? json(200, { id: token.includes('other') ? 'other-app' : 'fb-app' }) : json(400, { error: {} });
    json(404, {});
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    base,
    /** A Google ID token for `sub` and the app `aud`, issued at `nowMs`, valid for `seconds`. */
    googleToken: (sub: string, nowMs: number, aud = 'google-app', seconds = 3600) =>
      new SignJWT({ email: `${sub}@gmail.example` })
        .setProtectedHeader({ alg: 'RS256', kid: 'g1' })
        .setIssuer('https://accounts.google.com')
        .setSubject(sub)
        .setAudience(aud)
        .setIssuedAt(Math.floor(nowMs / 1000))
        .setExpirationTime(Math.floor(nowMs / 1000) + seconds)
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

for (const kind of databaseKinds) {
  describe(`MobileClient federatedSignIn with SAML, Google and Facebook (${kind})`, () => {
    let server: TestServer;
    let social: Awaited<ReturnType<typeof startSocialProviders>>;
    let idp: KeyPair;
    let config: AWSConfiguration;

    before(async () => {
      idp = keyPair();
      social = await startSocialProviders();
      server = await startTestServer(kind, { socialEndpoints: JSON.stringify({ [GOOGLE]: `${social.base}/google`, [FACEBOOK]: `${social.base}/facebook` }) });
      const created = await iam(server.url, server.credentials, { Action: 'CreateSAMLProvider', Name: 'CorpIdP', SAMLMetadataDocument: metadata(idp.cert) }, server.clock.now());
      assert.equal(created.status, 200, created.text);
      const identityPoolId = await identityPoolFor(server, [], { SamlProviderARNs: [SAML], SupportedLoginProviders: { [GOOGLE]: 'google-app', [FACEBOOK]: 'fb-app' } });
      // The roles a SAML assertion offers are assumed only when they trust the pool.
      for (const role of [ENGINEERS, ADMINS]) await trustRole(server, role, identityPoolId, 'authenticated');
      config = { CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } } };
    });
    after(async () => {
      await server.stop();
      await social.close();
    });

    /** The role the server sealed into the credentials' session token. */
    function roleOf(credentials: AWSCredentials): string {
      const session = server.running.cognate.identity.builtIn.open(credentials.sessionToken);
      assert.ok(session, 'the session token is one the server issued');
      return session.r;
    }

    async function recorded(options: MobileClientOptions = {}) {
      const requests = recordingFetch();
      const client = clientFor(server, { fetch: requests.fetch, ...options });
      const seen: [UserState, UserStateInfo][] = [];
      client.addUserStateListener((state, info) => seen.push([state, info]));
      await client.initialize(config);
      return { client, seen, requests: requests.actions };
    }


    const logins = async (identityId: string) => (await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: identityId }))).Logins ?? [];

    it('SAML: the provider ARN as the login, the assertion’s one role; the same NameID keeps its identity', async () => {
      const { client, seen, requests } = await recorded();
      const state = await client.federatedSignIn(SAML, samlResponse(idp, { nameId: 'jane@corp', roles: [ENGINEERS], now: server.clock.now() }));
      assert.equal(state, UserState.signedIn);
      assert.deepEqual(seen.at(-1), ['signedIn', { reason: 'federatedSignIn', previous: 'signedOut', provider: SAML }]);
      assert.deepEqual(requests, ['GetId', 'GetCredentialsForIdentity']);
      const credentials = await client.getAWSCredentials();
      assert.equal(roleOf(credentials), ENGINEERS);
      assert.equal(client.identityId, credentials.identityId);
      assert.deepEqual(await logins(credentials.identityId), [SAML]);
      assert.equal(requests.length, 2, 'the sign-in’s credentials are cached');

      const elsewhere = await recorded();
      await elsewhere.client.federatedSignIn(SAML, samlResponse(idp, { nameId: 'jane@corp', roles: [ENGINEERS], now: server.clock.now() }));
      assert.equal(elsewhere.client.identityId, credentials.identityId, 'the same user on another device');
    });

    it('SAML with several roles: federatedSignIn needs customRoleArn; it is used for every later fetch, after a restart too, and asked for again when an expired assertion is replaced', async () => {
      const storage = new MemoryStorage();
      const { client, requests } = await recorded({ storage });
      const response = samlResponse(idp, { nameId: 'max@corp', roles: [ENGINEERS, ADMINS], now: server.clock.now() });

      const ambiguous = await failure(() => client.federatedSignIn(SAML, response));
      assert.equal(ambiguous.code, 'invalidParameter');
      assert.equal(ambiguous.serviceCode, 'InvalidParameterException');
      assert.equal(client.currentUserState, UserState.signedOut, 'a refused sign-in changes nothing');
      assert.equal(client.identityId, undefined);
      const notOffered = await failure(() => client.federatedSignIn(SAML, response, { customRoleArn: 'arn:aws:iam::000000000000:role/Other' }));
      assert.equal(notOffered.code, 'notAuthorized');
      assert.equal(client.currentUserState, UserState.signedOut);

      requests.length = 0;
      assert.equal(await client.federatedSignIn(SAML, response, { customRoleArn: ADMINS }), UserState.signedIn);
      const admins = await client.getAWSCredentials();
      assert.equal(roleOf(admins), ADMINS);
      client.clearCredentials();
      const again = await client.getAWSCredentials();
      assert.notEqual(again.accessKeyId, admins.accessKeyId);
      assert.equal(roleOf(again), ADMINS, 'the role is kept with the login');
      assert.deepEqual(requests, ['GetId', 'GetCredentialsForIdentity', 'GetCredentialsForIdentity']);

      const restarted = await recorded({ storage });
      assert.equal(restarted.client.currentUserState, UserState.signedIn);
      assert.equal(roleOf(await restarted.client.getAWSCredentials()), ADMINS, 'and in storage');
      assert.deepEqual(restarted.requests, ['GetCredentialsForIdentity']);

      // An hour on, the credentials need renewing and the 5-minute assertion is long expired.
      advance(server, 56 * 60_000);
      const invalid = entered(client, UserState.signedOutFederatedTokensInvalid);
      const waiting = client.getAWSCredentials();
      const info = await invalid;
      assert.deepEqual([info.reason, info.provider, info.error?.code], ['federatedTokensInvalid', SAML, 'notAuthorized']);
      await client.federatedSignIn(SAML, samlResponse(idp, { nameId: 'max@corp', roles: [ENGINEERS, ADMINS], now: server.clock.now() }), { customRoleArn: ENGINEERS });
      const renewed = await waiting;
      assert.equal(roleOf(renewed), ENGINEERS, 'the new sign-in’s role');
      assert.equal(renewed.identityId, admins.identityId, 'the same identity');
    });

    it('Google: the ID token under accounts.google.com; a token for another app is refused and changes nothing', async () => {
      const { client, seen } = await recorded();
      const wrongApp = await failure(async () => client.federatedSignIn(GOOGLE, await social.googleToken('g-1', server.clock.now(), 'another-app')));
      assert.deepEqual([wrongApp.code, wrongApp.message], ['notAuthorized', 'Invalid login token. Incorrect token audience.']);
      assert.equal(client.currentUserState, UserState.signedOut);

      await client.federatedSignIn(GOOGLE, await social.googleToken('g-1', server.clock.now()));
      assert.deepEqual(seen.at(-1), ['signedIn', { reason: 'federatedSignIn', previous: 'signedOut', provider: GOOGLE }]);
      const credentials = await client.getAWSCredentials();
      assert.equal(roleOf(credentials), AUTH_ROLE);
      assert.deepEqual(await logins(credentials.identityId), [GOOGLE]);

      // A new token for the same user (as the app gets one when Google's expires) keeps the identity.
      await client.federatedSignIn(GOOGLE, await social.googleToken('g-1', server.clock.now()));
      assert.equal(client.identityId, credentials.identityId);
      assert.notEqual((await client.getAWSCredentials()).accessKeyId, credentials.accessKeyId, 'fresh credentials for the new token');

      await client.signOut();
      assert.equal(client.currentUserState, UserState.signedOut);
      assert.equal(client.identityId, undefined);
    });

    it('Facebook: the access token under graph.facebook.com, checked with the Graph API; switching providers switches identities', async () => {
      const { client, requests } = await recorded();
      const refused = await failure(() => client.federatedSignIn(FACEBOOK, 'fb-expired'));
      assert.equal(refused.code, 'notAuthorized');
      const otherApp = await failure(() => client.federatedSignIn(FACEBOOK, 'fb-good-other-1'));
      assert.deepEqual([otherApp.code, otherApp.message], ['notAuthorized', 'Invalid login token. Incorrect token audience.']);
      assert.equal(client.currentUserState, UserState.signedOut);

      requests.length = 0;
      await client.federatedSignIn(FACEBOOK, 'fb-good-1');
      const fb = await client.getAWSCredentials();
      assert.equal(roleOf(fb), AUTH_ROLE);
      assert.deepEqual(await logins(fb.identityId), [FACEBOOK]);
      assert.deepEqual(requests, ['GetId', 'GetCredentialsForIdentity']);

      await client.federatedSignIn(GOOGLE, await social.googleToken('g-fb-switch', server.clock.now()));
      const google = await client.getAWSCredentials();
      assert.notEqual(google.identityId, fb.identityId, 'another provider’s user is another identity');
      assert.deepEqual(await logins(google.identityId), [GOOGLE]);
      assert.deepEqual(await logins(fb.identityId), [FACEBOOK], 'nothing was merged');

      await client.federatedSignIn(FACEBOOK, 'fb-good-2');
      const second = await client.getAWSCredentials();
      assert.ok(![fb.identityId, google.identityId].includes(second.identityId), 'Facebook user 1002 is someone else again');
      assert.deepEqual(await logins(second.identityId), [FACEBOOK]);
    });
  });
}

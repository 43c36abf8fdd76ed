/**
 * `Auth.Default.OAuth`: what `initialize` accepts and the clear errors for what it doesn't (a case
 * per mistake), what signInWithHostedUI refuses before sending anything — and `cognate config`,
 * run as a real process on a running server's data folder, writing the section for a pool with a
 * domain (its flags checked against the app client), which the client then reads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateUserPoolClientCommand, CreateUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { MobileClient, type AWSConfiguration, type OAuthConfiguration } from '../src/index.js';
import { oauthConfigSection, type OAuthConfigFlags } from '../../server/src/cli-oauth-config.js';
import { hostedPool, type HostedPool } from './hosted-ui-support.js';
import { failure, startTestServer, type TestServer } from './support.js';

const POOL = { CognitoUserPool: { Default: { PoolId: 'us-east-1_AbC123', AppClientId: 'app', Endpoint: 'http://127.0.0.1:9' } } };
const OK: OAuthConfiguration = { WebDomain: 'shop.auth.us-east-1.amazoncognito.com', AppClientId: 'app', SignInRedirectURI: 'myapp://callback', SignOutRedirectURI: 'myapp://signout', Scopes: ['openid', 'email'] };
const withOAuth = (oauth: unknown): AWSConfiguration => ({ ...POOL, Auth: { Default: { OAuth: oauth as OAuthConfiguration } } });

describe('Auth.Default.OAuth in awsconfiguration.json', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'shop', /OAuth must be an object/],
    ['no AppClientId', { ...OK, AppClientId: undefined }, /AppClientId is required/],
    ['no WebDomain (and no generic endpoints)', { ...OK, WebDomain: undefined }, /WebDomain is required/],
    ['a WebDomain with a path', { ...OK, WebDomain: 'shop.example.com/oauth2' }, /without a path/],
    ['a WebDomain with another scheme', { ...OK, WebDomain: 'ftp://shop.example.com' }, /WebDomain must be a host name/],
    ['no SignInRedirectURI', { ...OK, SignInRedirectURI: undefined }, /SignInRedirectURI is required/],
    ['a relative SignInRedirectURI', { ...OK, SignInRedirectURI: '/callback' }, /SignInRedirectURI must be an absolute URL/],
    ['a SignInRedirectURI with a fragment', { ...OK, SignInRedirectURI: 'https://app.example.com/cb#x' }, /must not have a fragment/],
    ['Scopes not an array', { ...OK, Scopes: 'openid email' }, /Scopes must be a non-empty array/],
    ['an empty scope list', { ...OK, Scopes: [] }, /Scopes must be a non-empty array/],
    ['a scope with a space', { ...OK, Scopes: ['openid email'] }, /Scopes must be a non-empty array/],
    ['a null scope', { ...OK, Scopes: [null] }, /Scopes must be a non-empty array/],
    ['SignInURI without TokenURI', { ...OK, SignInURI: 'https://x.auth0.com/authorize' }, /needs both SignInURI and TokenURI/],
    ['a TokenURI that is not http(s)', { ...OK, SignInURI: 'https://x.auth0.com/authorize', TokenURI: 'javascript:alert(1)' }, /TokenURI must be an http\(s\) URL/],
    ['SignOutURIQueryParameters of numbers', { ...OK, SignOutURIQueryParameters: { returnTo: 1 } }, /SignOutURIQueryParameters must be an object of strings/],
    ['an empty AppClientSecret', { ...OK, AppClientSecret: '' }, /AppClientSecret must be a non-empty string/],
  ];
  for (const [name, oauth, message] of bad) {
    it(`refuses ${name} with invalidConfiguration`, async () => {
      const refused = await failure(() => new MobileClient().initialize(withOAuth(oauth)));
      assert.equal(refused.code, 'invalidConfiguration');
      assert.match(refused.message, message);
    });
  }

  it('accepts the seed\'s Cognito and Auth0 shapes', async () => {
    assert.equal(await new MobileClient().initialize(withOAuth(OK)), 'signedOut');
    const auth0: OAuthConfiguration = {
      AppClientId: 'auth0-id',
      WebDomain: 'you.auth0.com',
      TokenURI: 'https://you.auth0.com/oauth/token',
      SignInURI: 'https://you.auth0.com/authorize',
      SignInRedirectURI: 'com.you.app://you.auth0.com/ios/com.you.app/callback',
      SignOutURI: 'https://you.auth0.com/v2/logout',
      SignOutURIQueryParameters: { client_id: 'auth0-id', returnTo: 'com.you.app://you.auth0.com/ios/com.you.app/callback' },
      Scopes: ['openid', 'email'],
    };
    assert.equal(await new MobileClient().initialize({ CredentialsProvider: { CognitoIdentity: { Default: { PoolId: 'us-east-1:0e8c7a4b-0000-4000-8000-000000000000' } } }, Auth: { Default: { OAuth: auth0 } } }), 'signedOut');
  });

  it('signInWithHostedUI refuses, before sending anything: no OAuth section, a client other than the pool\'s, no openid, both identityProvider and idpIdentifier, protocol parameters, no openUrl in Node', async () => {
    let sent = 0;
    const client = () => new MobileClient({ fetch: async () => (sent++, { status: 500, headers: { get: () => null }, text: async () => '' }) });
    const noOAuth = client();
    await noOAuth.initialize(POOL);
    assert.equal((await failure(() => noOAuth.signInWithHostedUI({ openUrl: () => undefined }))).code, 'hostedUINotConfigured');
    const other = client();
    await other.initialize(withOAuth({ ...OK, AppClientId: 'another' }));
    assert.equal((await failure(() => other.signInWithHostedUI({ openUrl: () => undefined }))).code, 'invalidConfiguration');
    const c = client();
    await c.initialize(withOAuth(OK));
    const cases: [unknown, string][] = [
      [{ scopes: ['email'], openUrl: () => undefined }, 'invalidParameter'],
      [{ identityProvider: 'Google', idpIdentifier: 'example.com', openUrl: () => undefined }, 'invalidParameter'],
      [{ identityProvider: '', openUrl: () => undefined }, 'invalidParameter'],
      [{ signInQueryParameters: { redirect_uri: 'https://evil.example/' }, openUrl: () => undefined }, 'invalidParameter'],
      [{ signInQueryParameters: { state: 'fixed' }, openUrl: () => undefined }, 'invalidParameter'],
      [{ openUrl: 'https://example.com' }, 'invalidParameter'],
      [{ openUrl: () => undefined, redirectReceiver: { listen: () => undefined } }, 'invalidParameter'],
      [{ openUrl: () => undefined, redirectReceiver: null }, 'invalidParameter'],
      [{ federationProviderName: 'you.auth0.com', openUrl: () => undefined }, 'cognitoIdentityPoolNotConfigured'],
      [{}, 'invalidParameter'],
    ];
    for (const [options, code] of cases) assert.equal((await failure(() => c.signInWithHostedUI(options as never))).code, code, JSON.stringify(options));
    assert.equal(sent, 0);
  });
});

const CLI = fileURLToPath(new URL('../../server/src/cli.ts', import.meta.url));
const run = promisify(execFile);

describe('cognate config writes Auth.Default.OAuth', () => {
  let server: TestServer;
  let pool: HostedPool;
  const cognate = (args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, 'config', '--data-dir', server.storage.dataDir, '--public-url', server.url, ...args], { timeout: 60_000 });

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await hostedPool(server, { callback: 'http://127.0.0.1/callback', signOut: 'http://127.0.0.1/signed-out' }, { CallbackURLs: ['http://127.0.0.1/callback', 'myapp://callback'], GenerateSecret: true });
  });
  after(async () => {
    await server?.stop();
  });

  /** The section through the CLI's own body (cli-oauth-config.ts), without a process per case. */
  const section = async (clientId: string, flags: OAuthConfigFlags = {}) => {
    const notes: string[] = [];
    const app = await server.running.cognate.clients.get(pool.poolId, clientId);
    return { oauth: await oauthConfigSection(server.running.cognate, app, flags, (m) => notes.push(m)), notes };
  };

  it('for a pool with a domain: WebDomain, the client (with its secret), redirect URIs and scopes; the client reads the file the command writes', async () => {
    const none = await section(pool.clientId);
    assert.equal(none.oauth, undefined, 'no domain yet: no section');
    assert.match(none.notes.join(), /has no domain/);
    await assert.rejects(section(pool.clientId, { scopes: 'openid' }), /has no domain/);

    const domain = (await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: 'hosted-sdk' }))).CloudFrontDomain!;
    // The command itself, once, as a process.
    const doc = JSON.parse((await cognate(['--pool', pool.poolId, '--client', pool.clientId, '--sign-in-redirect-uri', 'myapp://callback', '--scopes', 'openid,email'])).stdout) as AWSConfiguration;
    const oauth = doc.Auth!.Default!.OAuth!;
    assert.equal(oauth.WebDomain, `http://${domain}`, 'over plain HTTP the scheme is kept');
    assert.equal(oauth.AppClientId, pool.clientId);
    assert.match(oauth.AppClientSecret ?? '', /^[a-z0-9]{51}$/);
    assert.equal(oauth.SignInRedirectURI, 'myapp://callback');
    assert.equal(oauth.SignOutRedirectURI, 'http://127.0.0.1/signed-out');
    assert.deepEqual(oauth.Scopes, ['openid', 'email']);
    assert.equal(await new MobileClient().initialize(doc), 'signedOut');

    const defaults = (await section(pool.clientId)).oauth!;
    assert.deepEqual([defaults.SignInRedirectURI, defaults.Scopes], ['http://127.0.0.1/callback', ['openid', 'email', 'profile']]);
  });

  it('refuses flags the app client would refuse, and a client without the code flow', async () => {
    await assert.rejects(section(pool.clientId, { signInRedirectUri: 'https://evil.example/cb' }), /not one of the client's CallbackURLs/);
    await assert.rejects(section(pool.clientId, { signOutRedirectUri: 'https://evil.example/out' }), /not one of the client's LogoutURLs/);
    await assert.rejects(section(pool.clientId, { scopes: 'openid,aws.cognito.signin.user.admin' }), /AllowedOAuthScopes.*refused: aws\.cognito\.signin\.user\.admin/);
    await assert.rejects(section(pool.clientId, { scopes: '' }), /AllowedOAuthScopes/);
    const plain = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'api-only' }))).UserPoolClient!.ClientId!;
    await assert.rejects(section(plain, { scopes: 'openid' }), /does not allow the authorization code flow/);
    assert.match((await section(plain)).notes.join(), /does not allow the authorization code flow/);
  });
});

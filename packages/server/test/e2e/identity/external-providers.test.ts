/**
 * External providers of identity pools, verified for real against a local identity provider
 * served over HTTP by this suite (jose keys and signatures): an OpenID Connect provider registered
 * with IAM CreateOpenIDConnectProvider, Google as an OIDC issuer, Facebook's Graph API and Login
 * with Amazon's tokeninfo (their endpoints pointed at the local server with socialEndpoints).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeIdentityCommand, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { AUTH_ROLE, claims, identityPoolFor } from './helpers.js';
import { iam } from './sign.js';
import { startIdp, type LocalIdp } from './oidc-idp.js';

for (const kind of databaseKinds) {
  describe(`external identity providers (${kind})`, () => {
    let server: TestServer;
    let idp: LocalIdp & { rogueKey?: CryptoKey };
    let identityPoolId: string;
    let oidcKey: string;

    before(async () => {
      idp = await startIdp();
      server = await startTestServer(kind, {
        socialEndpoints: JSON.stringify({ 'accounts.google.com': `${idp.base}/google`, 'graph.facebook.com': `${idp.base}/facebook`, 'www.amazon.com': `${idp.base}/amazon` }),
      });
      const created = await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: `${idp.base}/oidc`, 'ClientIDList.member.1': 'my-client', 'ClientIDList.member.2': 'second-client' }, server.clock.now());
      assert.equal(created.status, 200, created.text);
      oidcKey = `${idp.base.replace('http://', '')}/oidc`;
      assert.match(created.text, new RegExp(`<OpenIDConnectProviderArn>arn:aws:iam::000000000000:oidc-provider/${oidcKey}</OpenIDConnectProviderArn>`));
      identityPoolId = await identityPoolFor(server, [], {
        OpenIdConnectProviderARNs: [`arn:aws:iam::000000000000:oidc-provider/${oidcKey}`],
        SupportedLoginProviders: { 'accounts.google.com': 'google-app', 'graph.facebook.com': 'fb-app', 'www.amazon.com': 'amzn-app' },
      });
    });
    after(async () => {
      await server.stop();
      await idp.close();
    });

    it('federates an OpenID Connect provider: same identity per sub, aud and signature checked', async () => {
      const token = await idp.sign('oidc', { sub: 'oidc-user-1', aud: 'my-client' });
      const first = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [oidcKey]: token } }));
      const second = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [oidcKey]: await idp.sign('oidc', { sub: 'oidc-user-1', aud: ['second-client', 'x'] }) } }));
      assert.equal(first.IdentityId, second.IdentityId);
      const out = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: { [oidcKey]: token } }));
      assert.equal(server.running.cognate.identity.builtIn.open(out.Credentials!.SessionToken!)!.r, AUTH_ROLE);
      const openId = await server.identity.send(new GetOpenIdTokenCommand({ IdentityId: first.IdentityId, Logins: { [oidcKey]: token } }));
      assert.deepEqual(claims(openId.Token!).amr, ['authenticated', oidcKey.split('/')[0], `${oidcKey}:my-client:oidc-user-1`]);
      assert.deepEqual((await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId }))).Logins, [oidcKey]);

      const getId = async (t: string) => failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [oidcKey]: t } })));
      assert.deepEqual(await getId(await idp.sign('oidc', { sub: 'u', aud: 'someone-else' })), { name: 'NotAuthorizedException', message: 'Invalid login token. Incorrect token audience.' });
      assert.match((await getId(await idp.sign('oidc', { sub: 'u', aud: 'my-client' }, { key: idp.rogueKey! }))).message, /Couldn't verify signed token/);
      assert.match((await getId(await idp.sign('oidc', { sub: 'u', aud: 'my-client' }, { iss: 'https://evil.example.com' }))).message, /Issuer doesn't match providerName/);
      assert.match((await getId(await idp.sign('oidc', { sub: 'u', aud: 'my-client' }, { expiresIn: Math.floor(Date.now() / 1000) - 10 }))).message, /^Invalid login token\. Token expired: /);
      assert.equal((await getId('garbage')).name, 'NotAuthorizedException');
    });

    it('refuses an unregistered OIDC provider and reports an unreachable one', async () => {
      const unregistered = await identityPoolFor(server, [], { OpenIdConnectProviderARNs: ['arn:aws:iam::000000000000:oidc-provider/nobody.example.com'] });
      const e = await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: unregistered, Logins: { 'nobody.example.com': 'x.y.z' } })));
      assert.equal(e.name, 'NotAuthorizedException');
      await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: 'http://127.0.0.1:9/down', 'ClientIDList.member.1': 'c' }, server.clock.now());
      const down = await identityPoolFor(server, [], { OpenIdConnectProviderARNs: ['arn:aws:iam::000000000000:oidc-provider/127.0.0.1:9/down'] });
      const token = await idp.sign('oidc', { sub: 'u', aud: 'c' }, { iss: 'http://127.0.0.1:9/down' });
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: down, Logins: { '127.0.0.1:9/down': token } })))).name, 'ExternalServiceException');
      const dup = await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: 'http://127.0.0.1:9/down', 'ClientIDList.member.1': 'c' }, server.clock.now());
      assert.match(dup.text, /<Code>EntityAlreadyExists<\/Code>/);
      const bad = await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: 'ftp://x' }, server.clock.now());
      assert.match(bad.text, /<Code>ValidationError<\/Code>/);
      // A key the identity pool doesn't name at all.
      assert.deepEqual(await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'login.example.com': 'x' } }))), {
        name: 'NotAuthorizedException',
        message: 'Token is not from a supported provider of this identity pool.',
      });
    });

    it('federates Google (OIDC) and links it with the OIDC login on one identity', async () => {
      const google = await idp.sign('google', { sub: 'g-123', aud: 'google-app', email: 'g@example.com' }, { iss: 'https://accounts.google.com' });
      const oidc = await idp.sign('oidc', { sub: 'oidc-user-2', aud: 'my-client' });
      const both = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'accounts.google.com': google, [oidcKey]: oidc } }));
      assert.equal((await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'accounts.google.com': google } }))).IdentityId, both.IdentityId);
      assert.deepEqual([...(await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: both.IdentityId }))).Logins!].sort(), ['accounts.google.com', oidcKey].sort());
      const wrongApp = await idp.sign('google', { sub: 'g-123', aud: 'another-app' }, { iss: 'https://accounts.google.com' });
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'accounts.google.com': wrongApp } })))).message, 'Invalid login token. Incorrect token audience.');
    });

    it('federates Facebook and Login with Amazon through their token endpoints', async () => {
      const fb = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'graph.facebook.com': 'fb-good-1' } }));
      assert.equal((await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'graph.facebook.com': 'fb-good-1' } }))).IdentityId, fb.IdentityId);
      const fb2 = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'graph.facebook.com': 'fb-good-2' } }));
      assert.notEqual(fb2.IdentityId, fb.IdentityId);
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'graph.facebook.com': 'fb-bad' } })))).name, 'NotAuthorizedException');
      const otherApp = await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'graph.facebook.com': 'fb-good-other-1' } })));
      assert.equal(otherApp.message, 'Invalid login token. Incorrect token audience.');

      const amzn = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'www.amazon.com': 'amzn-good' } }));
      const creds = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: amzn.IdentityId, Logins: { 'www.amazon.com': 'amzn-good' } }));
      assert.match(creds.Credentials!.AccessKeyId!, /^ASIA/);
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'www.amazon.com': 'amzn-bad' } })))).name, 'NotAuthorizedException');
      // A social provider the pool doesn't list.
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'appleid.apple.com': 'x' } })))).name, 'NotAuthorizedException');
    });
  });
}

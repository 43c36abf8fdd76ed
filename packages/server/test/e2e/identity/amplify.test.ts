/**
 * Amplify JS v6 (`fetchAuthSession` with `identityPoolEndpoint`) against a server whose tokens use
 * the public-URL issuer: Amplify sends the logins key in the issuer form (`iss` without scheme),
 * which the identity pool must accept as the user pool's provider (protocol.md §4).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from '@aws-amplify/core';
import { fetchAuthSession, signIn, signOut } from '@aws-amplify/auth';
import { cognitoCredentialsProvider, cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { DescribeIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { PASSWORD, newPool, type Pool } from '../security/helpers.js';
import { AUTH_ROLE, UNAUTH_ROLE, adminUser, claims, identityPoolFor, providerOf, srpSignIn } from './helpers.js';

// Amplify reads the user agent from `navigator`, which Node 20 lacks (protocol.md §2).
(globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'cognate-tests' };

for (const kind of databaseKinds) {
  describe(`Amplify v6 fetchAuthSession with an identity pool (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;
    let identityPoolId: string;

    before(async () => {
      server = await startTestServer(kind, { issuerStyle: 'public-url' });
      pool = await newPool(server);
      identityPoolId = await identityPoolFor(server, [pool]);
      await adminUser(server, pool, 'amy');
      // What `aws-amplify`'s own configure does: the Cognito token and credentials providers.
      const config = {
        Auth: {
          Cognito: {
            userPoolId: pool.poolId,
            userPoolClientId: pool.clientId,
            userPoolEndpoint: server.url,
            identityPoolId,
            identityPoolEndpoint: server.url,
            allowGuestAccess: true,
          },
        },
      };
      cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth);
      Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider, credentialsProvider: cognitoCredentialsProvider } });
    });
    after(async () => {
      await signOut().catch(() => undefined);
      await server.stop();
    });

    it('accepts the issuer form of the logins key as the user pool provider', async () => {
      const token = (await srpSignIn(server, pool, 'amy')).getIdToken().getJwtToken();
      const issuerKey = (claims(token).iss as string).replace(/^https?:\/\//, '');
      assert.notEqual(issuerKey, providerOf(pool));
      const byIssuer = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [issuerKey]: token } }));
      const byName = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: token } }));
      assert.equal(byIssuer.IdentityId, byName.IdentityId, 'both key forms are the same login');
      assert.deepEqual((await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: byIssuer.IdentityId }))).Logins, [providerOf(pool)]);
    });

    it('gets guest credentials, then signed-in credentials after an SRP sign-in', async () => {
      const guest = await fetchAuthSession();
      assert.match(guest.identityId!, /^us-east-1:/);
      assert.match(guest.credentials!.accessKeyId, /^ASIA/);
      assert.equal(server.running.cognate.identity.builtIn.open(guest.credentials!.sessionToken!)!.r, UNAUTH_ROLE);

      const result = await signIn({ username: 'amy', password: PASSWORD });
      assert.equal(result.isSignedIn, true);
      const session = await fetchAuthSession();
      assert.ok(session.tokens?.idToken);
      assert.match(session.identityId!, /^us-east-1:/);
      const opened = server.running.cognate.identity.builtIn.open(session.credentials!.sessionToken!)!;
      assert.equal(opened.r, AUTH_ROLE);
      assert.equal(opened.i, session.identityId);
      assert.equal(opened.a[0], 'authenticated');
      // The same user keeps the same identity across sessions.
      const expected = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: session.tokens!.idToken!.toString() } }));
      assert.equal(session.identityId, expected.IdentityId);
      await signOut();
    });
  });
}

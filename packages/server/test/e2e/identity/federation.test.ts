/**
 * Federated identities with real clients: @aws-sdk/client-cognito-identity (GetId,
 * GetCredentialsForIdentity, GetOpenIdToken, unsigned) and fromCognitoIdentityPool from
 * @aws-sdk/credential-providers, for guests and for users signed in over SRP with
 * amazon-cognito-identity-js; user pool ID tokens verified for real, identities stable, logins
 * linked, roles from role mappings, and Cognito's errors for every bad login.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  GlobalSignOutCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { newPool, type Pool } from '../security/helpers.js';
import { AUTH_ROLE, NO_IDENTITY, UNAUTH_ROLE, adminUser, claims, identityPoolFor, providerOf, srpSignIn, trustRole } from './helpers.js';

const ADMIN_ROLE = 'arn:aws:iam::000000000000:role/Admins';
const EDITOR_ROLE = 'arn:aws:iam::000000000000:role/Editors';

for (const kind of databaseKinds) {
  describe(`federated identities (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;
    let otherPool: Pool;
    let identityPoolId: string;
    let idToken: string;

    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(server);
      otherPool = await newPool(server);
      identityPoolId = await identityPoolFor(server, [pool, otherPool]);
      await adminUser(server, pool, 'alice', [{ Name: 'email', Value: 'alice@example.com' }]);
      idToken = (await srpSignIn(server, pool, 'alice')).getIdToken().getJwtToken();
    });
    after(() => server.stop());

    it('gives guests an identity and unauthenticated-role credentials for an hour', async () => {
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }));
      assert.match(IdentityId!, /^us-east-1:[0-9a-f-]{36}$/);
      const out = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId }));
      assert.equal(out.IdentityId, IdentityId);
      assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
      assert.ok(out.Credentials!.SecretKey!.length >= 40);
      assert.ok(out.Credentials!.SessionToken!.length > 50);
      assert.equal(out.Credentials!.Expiration!.getTime() / 1000, Math.floor(server.clock.now() / 1000) + 3600, 'one hour, in epoch seconds');
      const session = server.running.cognate.identity.builtIn.open(out.Credentials!.SessionToken!)!;
      assert.equal(session.r, UNAUTH_ROLE);
      assert.equal(session.i, IdentityId);
      assert.deepEqual(session.a, ['unauthenticated']);
      const again = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }));
      assert.notEqual(again.IdentityId, IdentityId, 'each guest GetId is a new identity; clients keep theirs');
    });

    it('serves fromCognitoIdentityPool for a guest', async () => {
      const provider = fromCognitoIdentityPool({ identityPoolId, clientConfig: { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 } });
      const creds = await provider();
      assert.match(creds.accessKeyId, /^ASIA/);
      assert.ok(creds.sessionToken);
      assert.match(creds.identityId, /^us-east-1:/);
      assert.ok(creds.expiration instanceof Date);
    });

    it('refuses guests when the pool does not allow them', async () => {
      const closed = await identityPoolFor(server, [pool], { AllowUnauthenticatedIdentities: false });
      const e = await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: closed })));
      assert.deepEqual(e, { name: 'NotAuthorizedException', message: 'Unauthenticated access is not supported for this identity pool.' });
      // A guest identity made while guests were allowed gets no credentials once they are not.
      const open = await identityPoolFor(server, [pool]);
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: open }));
      await server.identityAdmin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: open, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: false }));
      server.clock.advance(3000); // past the configuration cache
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId })))).name, 'NotAuthorizedException');
    });

    it('gives the same identity to the same user pool login every time, with the authenticated role', async () => {
      const logins = { [providerOf(pool)]: idToken };
      const first = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      const second = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      assert.equal(first.IdentityId, second.IdentityId);
      // A fresh sign-in of the same user, too.
      const fresh = (await srpSignIn(server, pool, 'alice')).getIdToken().getJwtToken();
      assert.equal((await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: fresh } }))).IdentityId, first.IdentityId);

      const out = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: logins }));
      const session = server.running.cognate.identity.builtIn.open(out.Credentials!.SessionToken!)!;
      assert.equal(session.r, AUTH_ROLE);
      assert.equal(session.a[0], 'authenticated');
      assert.ok(session.a.includes(`${providerOf(pool)}:CognitoSignIn:${claims(idToken).sub}`));

      const described = await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId }));
      assert.deepEqual(described.Logins, [providerOf(pool)]);
      assert.ok(described.CreationDate instanceof Date);

      // A signed-in identity's credentials need one of its logins.
      const none = await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId })));
      assert.equal(none.name, 'NotAuthorizedException');
      assert.match(none.message, /Logins don't match/);
    });

    it('serves fromCognitoIdentityPool with a user pool ID token from an SRP sign-in', async () => {
      const provider = fromCognitoIdentityPool({
        identityPoolId,
        logins: { [providerOf(pool)]: idToken },
        clientConfig: { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 },
      });
      const creds = await provider();
      assert.match(creds.accessKeyId, /^ASIA/);
      const expected = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: idToken } }));
      assert.equal(creds.identityId, expected.IdentityId);
    });

    it('turns a guest into a signed-in identity, and links a second provider', async () => {
      await adminUser(server, pool, 'bob');
      await adminUser(server, otherPool, 'bob-elsewhere');
      const bobToken = (await srpSignIn(server, pool, 'bob')).getIdToken().getJwtToken();
      const otherToken = (await srpSignIn(server, otherPool, 'bob-elsewhere')).getIdToken().getJwtToken();
      const guest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId!;
      const signedIn = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: { [providerOf(pool)]: bobToken } }));
      assert.equal(signedIn.IdentityId, guest, 'the guest identity takes the login');
      assert.equal((await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: bobToken } }))).IdentityId, guest);

      // Both logins at once: the second is linked to the identity of the first.
      const both = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: bobToken, [providerOf(otherPool)]: otherToken } }));
      assert.equal(both.IdentityId, guest);
      assert.equal((await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(otherPool)]: otherToken } }))).IdentityId, guest);
      const described = await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: guest }));
      assert.deepEqual([...described.Logins!].sort(), [providerOf(pool), providerOf(otherPool)].sort());

      // Another guest signing in with a login that has an identity merges into it.
      const guest2 = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId!;
      const merged = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guest2, Logins: { [providerOf(pool)]: bobToken } }));
      assert.equal(merged.IdentityId, guest);
      assert.equal((await failure(() => server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: guest2 })))).name, 'ResourceNotFoundException');

      // Alice's login on Bob's identity: refused, both keep theirs.
      const conflict = await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: idToken, [providerOf(otherPool)]: otherToken } })));
      assert.equal(conflict.name, 'ResourceConflictException');
      const stolen = await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: { [providerOf(pool)]: idToken } })));
      assert.equal(stolen.name, 'NotAuthorizedException');
    });

    it('refuses tokens that are not from a configured provider, client or pool, or not ID tokens', async () => {
      const session = await srpSignIn(server, pool, 'alice');
      const getId = (logins: Record<string, string>) => failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins })));
      // A key naming a pool the identity pool does not trust.
      const strange = await newPool(server);
      const e1 = await getId({ [providerOf(strange)]: idToken });
      assert.deepEqual(e1, { name: 'NotAuthorizedException', message: 'Token is not from a supported provider of this identity pool.' });
      assert.equal((await getId({ 'accounts.google.com': idToken })).name, 'NotAuthorizedException');
      // The right key, a token from another pool.
      const e2 = await getId({ [providerOf(otherPool)]: idToken });
      assert.equal(e2.name, 'NotAuthorizedException');
      assert.match(e2.message, /^Invalid login token\. Issuer doesn't match providerName/);
      // An access token.
      const e3 = await getId({ [providerOf(pool)]: session.getAccessToken().getJwtToken() });
      assert.equal(e3.name, 'NotAuthorizedException');
      assert.match(e3.message, /Not a valid OpenId Connect identity token/);
      // A client the identity pool does not list.
      const other = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'other', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const otherClientToken = (await srpSignIn(server, { poolId: pool.poolId, clientId: other }, 'alice')).getIdToken().getJwtToken();
      const e4 = await getId({ [providerOf(pool)]: otherClientToken });
      assert.deepEqual(e4, { name: 'NotAuthorizedException', message: 'Invalid login token. Incorrect token audience.' });
      // A forged signature, garbage.
      const [h, p] = idToken.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims(idToken), sub: 'someone-else' })).toString('base64url')}.${idToken.split('.')[2]}`;
      assert.match((await getId({ [providerOf(pool)]: forged })).message, /Couldn't verify signed token/);
      assert.equal((await getId({ [providerOf(pool)]: 'not-a-jwt' })).name, 'NotAuthorizedException');
      assert.equal((await getId({ [providerOf(pool)]: `${h}.${p}.` })).name, 'NotAuthorizedException');
      // Bad input shapes.
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: 'nocolon' })))).name, 'ValidationException');
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: NO_IDENTITY })))).name, 'ResourceNotFoundException');
      const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}.example.com`, 'x']));
      assert.equal((await getId(eleven)).name, 'ValidationException');
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: NO_IDENTITY })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: 'bad' })))).name, 'ValidationException');
      assert.equal((await failure(() => server.identity.send(new GetOpenIdTokenCommand({ IdentityId: NO_IDENTITY })))).name, 'ResourceNotFoundException');
    });

    it('with ServerSideTokenCheck, refuses the tokens of signed-out and disabled users', async () => {
      const checked = await identityPoolFor(server, [], {
        CognitoIdentityProviders: [{ ProviderName: providerOf(pool), ClientId: pool.clientId, ServerSideTokenCheck: true }],
      });
      await adminUser(server, pool, 'carol');
      const session = await srpSignIn(server, pool, 'carol');
      const logins = { [providerOf(pool)]: session.getIdToken().getJwtToken() };
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: checked, Logins: logins }));
      await server.anonymous.send(new GlobalSignOutCommand({ AccessToken: session.getAccessToken().getJwtToken() }));
      const e = await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins })));
      assert.equal(e.name, 'NotAuthorizedException');
      // Without the check the (still unexpired) token is accepted, as Cognito does.
      assert.ok((await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }))).IdentityId);

      await adminUser(server, pool, 'dave');
      const dave = { [providerOf(pool)]: (await srpSignIn(server, pool, 'dave')).getIdToken().getJwtToken() };
      await server.identity.send(new GetIdCommand({ IdentityPoolId: checked, Logins: dave }));
      await server.admin.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: 'dave' }));
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: checked, Logins: dave })))).name, 'NotAuthorizedException');
    });

    it('picks roles from the token (cognito:preferred_role, cognito:roles with CustomRoleArn) and from rules', async () => {
      await server.admin.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: 'admins', RoleArn: ADMIN_ROLE, Precedence: 1 }));
      await server.admin.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: 'editors', RoleArn: EDITOR_ROLE, Precedence: 2 }));
      await adminUser(server, pool, 'erin', [{ Name: 'email', Value: 'erin@corp.example' }]);
      await server.admin.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: 'erin', GroupName: 'admins' }));
      await server.admin.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: 'erin', GroupName: 'editors' }));
      await adminUser(server, pool, 'frank', [{ Name: 'email', Value: 'frank@example.com' }]);
      const erin = { [providerOf(pool)]: (await srpSignIn(server, pool, 'erin')).getIdToken().getJwtToken() };
      const frank = { [providerOf(pool)]: (await srpSignIn(server, pool, 'frank')).getIdToken().getJwtToken() };
      const mappingKey = `${providerOf(pool)}:${pool.clientId}`;
      const roleOf = async (poolId: string, logins: Record<string, string>, custom?: string) => {
        const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
        const out = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins, CustomRoleArn: custom }));
        return server.running.cognate.identity.builtIn.open(out.Credentials!.SessionToken!)!.r;
      };

      const tokenPool = await identityPoolFor(server, [pool], {}, { [mappingKey]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } });
      for (const role of [ADMIN_ROLE, EDITOR_ROLE]) await trustRole(server, role, tokenPool, 'authenticated');
      assert.equal(await roleOf(tokenPool, erin), ADMIN_ROLE, 'cognito:preferred_role');
      assert.equal(await roleOf(tokenPool, erin, EDITOR_ROLE), EDITOR_ROLE, 'CustomRoleArn picks one of cognito:roles');
      assert.equal(await roleOf(tokenPool, frank), AUTH_ROLE, 'no group role: ambiguous → authenticated role');
      const notMine = await failure(() => roleOf(tokenPool, frank, ADMIN_ROLE));
      assert.equal(notMine.name, 'NotAuthorizedException');

      const denyPool = await identityPoolFor(server, [pool], {}, { [mappingKey]: { Type: 'Token', AmbiguousRoleResolution: 'Deny' } });
      assert.equal((await failure(() => roleOf(denyPool, frank))).name, 'NotAuthorizedException');

      const rulesPool = await identityPoolFor(server, [pool], {}, {
        [mappingKey]: {
          Type: 'Rules',
          AmbiguousRoleResolution: 'Deny',
          RulesConfiguration: { Rules: [{ Claim: 'email', MatchType: 'Contains', Value: '@corp.example', RoleARN: EDITOR_ROLE }, { Claim: 'email', MatchType: 'StartsWith', Value: 'frank', RoleARN: ADMIN_ROLE }] },
        },
      });
      for (const role of [ADMIN_ROLE, EDITOR_ROLE]) await trustRole(server, role, rulesPool, 'authenticated');
      assert.equal(await roleOf(rulesPool, erin), EDITOR_ROLE);
      assert.equal(await roleOf(rulesPool, frank), ADMIN_ROLE);
      await adminUser(server, pool, 'gina', [{ Name: 'email', Value: 'gina@example.com' }]);
      const gina = { [providerOf(pool)]: (await srpSignIn(server, pool, 'gina')).getIdToken().getJwtToken() };
      assert.equal((await failure(() => roleOf(rulesPool, gina))).name, 'NotAuthorizedException', 'no rule matches and the mapping denies');

      // No roles at all: Cognito's configuration error.
      const bare = await identityPoolFor(server, [pool]);
      await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: bare, Roles: {} }));
      const e = await failure(() => roleOf(bare, frank));
      assert.deepEqual(e, { name: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' });
    });

    it('issues OpenID tokens from the identity issuer, verifiable with the published JWKS', async () => {
      const logins = { [providerOf(pool)]: idToken };
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      const out = await server.identity.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
      assert.equal(out.IdentityId, IdentityId);
      const discovery = (await (await fetch(`${server.url}/identity/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
      assert.equal(discovery.issuer, `${server.url}/identity`);
      const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
      const { payload } = await jwtVerify(out.Token!, jwks, { issuer: discovery.issuer, audience: identityPoolId, currentDate: new Date(server.clock.now()) });
      assert.equal(payload.sub, IdentityId);
      assert.deepEqual(payload.amr, ['authenticated', 'cognito-idp.us-east-1.amazonaws.com', `${providerOf(pool)}:CognitoSignIn:${claims(idToken).sub}`]);
      assert.equal(payload.exp! - payload.iat!, 600);

      const guest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId;
      const guestToken = await server.identity.send(new GetOpenIdTokenCommand({ IdentityId: guest }));
      const verified = await jwtVerify(guestToken.Token!, jwks, { issuer: discovery.issuer, audience: identityPoolId, currentDate: new Date(server.clock.now()) });
      assert.deepEqual(verified.payload.amr, ['unauthenticated']);
      assert.equal((await failure(() => server.identity.send(new GetOpenIdTokenCommand({ IdentityId })))).name, 'NotAuthorizedException');

      // Without the basic (classic) flow, GetOpenIdToken is refused; the enhanced flow still works.
      const enhancedOnly = await identityPoolFor(server, [pool], { AllowClassicFlow: false });
      const id = (await server.identity.send(new GetIdCommand({ IdentityPoolId: enhancedOnly, Logins: logins }))).IdentityId;
      assert.deepEqual(await failure(() => server.identity.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: logins }))), {
        name: 'InvalidParameterException',
        message: 'Basic (classic) flow is not enabled, please use enhanced flow.',
      });
      assert.ok((await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: logins }))).Credentials);

      // An OpenID token is not a login of its own: only developer-authenticated ones are taken so.
      const e = await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { 'cognito-identity.amazonaws.com': out.Token! } })));
      assert.equal(e.name, 'NotAuthorizedException');
    });

    it('refuses an expired ID token with Cognito’s message', async () => {
      const exp = claims(idToken).exp as number;
      server.clock.advance(2 * 3600 * 1000);
      try {
        const e = await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(pool)]: idToken } })));
        assert.equal(e.name, 'NotAuthorizedException');
        assert.match(e.message, new RegExp(`^Invalid login token\\. Token expired: ${exp} >= \\d+$`));
      } finally {
        server.clock.advance(-2 * 3600 * 1000);
      }
    });
  });
}

/**
 * A federated sign-in after the provider's answer was verified (domain/federation/federated-sign-in.ts),
 * with the pool's real triggers (webhooks): the `<ProviderName>_<subject>` user in EXTERNAL_PROVIDER,
 * the mapping, InboundFederation, PreSignUp_ExternalProvider, PostConfirmation, PostAuthentication,
 * PreTokenGeneration, the `identities` attribute (AdminGetUser, ListUsers) and claim, the
 * `<poolId>_<ProviderName>` group in `cognito:groups`, attributes refreshed on every sign-in, and
 * security.md A24 (a federated email is never trusted as verified, and never claims a native account).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminLinkProviderForUserCommand,
  CreateIdentityProviderCommand,
  DescribeUserPoolCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CreateUserPoolClientCommand,
  GetGroupCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { findHostedSession } from '../../../src/domain/oauth/hosted-sessions.js';
import { federatedSignIn } from '../../../src/domain/federation/federated-sign-in.js';
import { findIdentityProvider } from '../../../src/domain/federation/providers.js';
import { databaseKinds } from '../../support/postgres.js';
import { failure, type TestServer } from '../../support/server.js';
import type { TriggerHost, TriggerEvent } from '../../support/triggers.js';
import { identityPoolFor, providerOf } from '../identity/helpers.js';
import { ALL_TRIGGERS, attribute, federatedPool, idpMetadata, startFederationServer } from './support.js';

for (const kind of databaseKinds) {
  describe(`federated sign-in (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    const events = (name: string, poolId: string): TriggerEvent[] => host.received(name).filter((e) => e.userPoolId === poolId);
    const getUser = (poolId: string, username: string) => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));

    before(async () => {
      ({ server, host } = await startFederationServer(kind));
    });
    after(async () => {
      await server?.stop();
      await host?.stop();
    });

    it('a first sign-in makes the <ProviderName>_<subject> user in EXTERNAL_PROVIDER, with the mapped attributes, identities and the provider group, through PreSignUp_ExternalProvider, PostConfirmation and PostAuthentication', async () => {
      const fed = await federatedPool(server, { lambda: ALL_TRIGGERS });
      const user = await fed.signIn('00u1abc', { sub: '00u1abc', email: 'Ann@Example.COM', given_name: 'Ann', family_name: 'Ignored' });
      assert.equal(user.username, 'Corp_00u1abc');
      assert.equal(user.status, 'EXTERNAL_PROVIDER');

      const got = await getUser(fed.poolId, 'Corp_00u1abc');
      assert.equal(got.UserStatus, 'EXTERNAL_PROVIDER');
      assert.equal(got.Enabled, true);
      assert.equal(attribute(got.UserAttributes, 'email'), 'Ann@example.com');
      assert.equal(attribute(got.UserAttributes, 'given_name'), 'Ann');
      assert.equal(attribute(got.UserAttributes, 'family_name'), undefined, 'only mapped attributes');
      assert.equal(attribute(got.UserAttributes, 'email_verified'), 'false', 'A24: an unmapped verified flag is false');
      const identities = JSON.parse(attribute(got.UserAttributes, 'identities')!) as Record<string, unknown>[];
      assert.deepEqual(identities.map((i) => ({ ...i, dateCreated: typeof i.dateCreated })), [{ userId: '00u1abc', providerName: 'Corp', providerType: 'OIDC', issuer: null, primary: true, dateCreated: 'number' }]);

      const listed = (await server.admin.send(new ListUsersCommand({ UserPoolId: fed.poolId }))).Users!;
      assert.deepEqual(listed.map((u) => [u.Username, u.UserStatus]), [['Corp_00u1abc', 'EXTERNAL_PROVIDER']]);
      assert.ok(attribute(listed[0]!.Attributes, 'identities'));

      const groups = (await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: fed.poolId, Username: 'Corp_00u1abc' }))).Groups!;
      assert.deepEqual(groups.map((g) => g.GroupName), [`${fed.poolId}_Corp`]);
      const group = (await server.admin.send(new GetGroupCommand({ UserPoolId: fed.poolId, GroupName: `${fed.poolId}_Corp` }))).Group!;
      assert.equal(group.Precedence, undefined);

      const [pre] = events('wh-pre-sign-up', fed.poolId);
      assert.equal(pre!.triggerSource, 'PreSignUp_ExternalProvider');
      assert.equal(pre!.userName, 'Corp_00u1abc');
      assert.equal(pre!.callerContext.clientId, fed.clientId);
      assert.deepEqual(pre!.request.userAttributes, { email: 'Ann@example.com', given_name: 'Ann', email_verified: 'false' });
      const [confirmed] = events('wh-post-confirmation', fed.poolId);
      assert.equal(confirmed!.triggerSource, 'PostConfirmation_ConfirmSignUp');
      assert.equal(confirmed!.request.userAttributes['cognito:user_status'], 'EXTERNAL_PROVIDER');
      assert.equal(events('wh-post-auth', fed.poolId)[0]!.triggerSource, 'PostAuthentication_Authentication');

      // The hosted session serves the federated user.
      const pool = await server.running.cognate.pools.get(fed.poolId);
      const client = await server.running.cognate.clients.get(fed.poolId, fed.clientId);
      const provider = (await findIdentityProvider(server.running.cognate, pool, 'Corp'))!;
      const again = await federatedSignIn(server.running.cognate, { pool, client, provider, subject: '00u1abc', claims: { email: 'ann@example.com', given_name: 'Ann' } });
      assert.equal((await findHostedSession(server.running.cognate, pool, again.secret))?.user.sub, user.sub);
    });

    it('every sign-in refreshes the mapped attributes; PreSignUp and PostConfirmation run only the first time', async () => {
      const fed = await federatedPool(server, { lambda: ALL_TRIGGERS });
      const first = await fed.signIn('u-42', { email: 'bo@example.com', given_name: 'Bo' });
      const second = await fed.signIn('u-42', { email: 'bo.new@example.com', given_name: 'Robert' });
      assert.equal(second.sub, first.sub);
      const got = await getUser(fed.poolId, 'Corp_u-42');
      assert.equal(attribute(got.UserAttributes, 'email'), 'bo.new@example.com');
      assert.equal(attribute(got.UserAttributes, 'given_name'), 'Robert');
      assert.equal(events('wh-pre-sign-up', fed.poolId).length, 1);
      assert.equal(events('wh-post-confirmation', fed.poolId).length, 1);
      assert.equal(events('wh-post-auth', fed.poolId).length, 2);
    });

    it('the ID token carries identities (string values, as Cognito\'s) and cognito:groups with the provider group; PreTokenGeneration runs', async () => {
      const fed = await federatedPool(server, { lambda: ALL_TRIGGERS });
      const user = await fed.signIn('9876', { email: 'cy@example.com' });
      const claims = await fed.idToken(user);
      assert.equal(claims['cognito:username'], 'Corp_9876');
      assert.deepEqual(claims['cognito:groups'], [`${fed.poolId}_Corp`]);
      const identities = claims.identities as Record<string, unknown>[];
      assert.equal(identities.length, 1);
      assert.deepEqual({ ...identities[0], dateCreated: undefined }, { userId: '9876', providerName: 'Corp', providerType: 'OIDC', issuer: null, primary: 'true', dateCreated: undefined });
      assert.match(identities[0]!.dateCreated as string, /^\d{13}$/);
      assert.equal(claims.email_verified, false);
      const token = events('wh-pre-token', fed.poolId).at(-1)!;
      assert.equal(token.triggerSource, 'TokenGeneration_HostedAuth');
      assert.deepEqual(token.request.groupConfiguration.groupsToOverride, [`${fed.poolId}_Corp`]);
      assert.ok(token.request.userAttributes.identities);
    });

    it('InboundFederation gets the provider attributes and its userAttributesToMap replaces them before the mapping; an empty answer keeps them', async () => {
      const fed = await federatedPool(server, { lambda: ALL_TRIGGERS });
      const described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: fed.poolId }))).UserPool!.LambdaConfig!;
      assert.deepEqual(described.InboundFederation, ALL_TRIGGERS.InboundFederation);
      host.handlers.set('wh-inbound', (e) => (e.request.attributes.idToken.email === 'keep@example.com' ? { ...e, response: { userAttributesToMap: {} } } : { ...e, response: { userAttributesToMap: { email: 'rewritten@example.com', given_name: 'Dee' } } }));
      try {
        await fed.signIn('dee', { email: 'dee@example.com', given_name: 'D', extra: ['a', 'b'] });
        const event = events('wh-inbound', fed.poolId).at(-1)!;
        assert.equal(event.triggerSource, 'InboundFederation_ExternalProvider');
        assert.equal(event.version, '1');
        assert.equal(event.userName, 'Corp_dee');
        assert.deepEqual(event.request, { providerName: 'Corp', providerType: 'OIDC', attributes: { idToken: { email: 'dee@example.com', given_name: 'D', extra: 'a,b' } } });
        assert.deepEqual(event.response, { userAttributesToMap: {} });
        const got = await getUser(fed.poolId, 'Corp_dee');
        assert.equal(attribute(got.UserAttributes, 'email'), 'rewritten@example.com');
        assert.equal(attribute(got.UserAttributes, 'given_name'), 'Dee');
        await fed.signIn('kept', { email: 'keep@example.com', given_name: 'Kay' });
        assert.equal(attribute((await getUser(fed.poolId, 'Corp_kept')).UserAttributes, 'given_name'), 'Kay');
      } finally {
        host.handlers.delete('wh-inbound');
      }
    });

    it('a failing InboundFederation or PreSignUp refuses the sign-in and writes no user; PreSignUp\'s autoVerifyEmail verifies the mapped email', async () => {
      const fed = await federatedPool(server, { lambda: ALL_TRIGGERS });
      const described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: fed.poolId }))).UserPool!.LambdaConfig!;
      assert.deepEqual(described.InboundFederation, ALL_TRIGGERS.InboundFederation);
      host.handlers.set('wh-inbound', () => {
        throw new Error('not from this tenant');
      });
      try {
        assert.deepEqual(await failure(() => fed.signIn('eve', { email: 'eve@example.com' })), { name: 'UserLambdaValidationException', message: 'InboundFederation failed with error not from this tenant.' });
      } finally {
        host.handlers.delete('wh-inbound');
      }
      host.handlers.set('wh-pre-sign-up', (e) => {
        if (e.request.userAttributes.email.endsWith('@blocked.example')) throw new Error('Domain not allowed');
        return { ...e, response: { ...e.response, autoVerifyEmail: true } };
      });
      try {
        assert.deepEqual(await failure(() => fed.signIn('eve', { email: 'eve@blocked.example' })), { name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Domain not allowed.' });
        assert.equal((await failure(() => getUser(fed.poolId, 'Corp_eve'))).name, 'UserNotFoundException');
        assert.equal(events('wh-post-auth', fed.poolId).length, 0);
        await fed.signIn('fay', { email: 'fay@example.com' });
        assert.equal(attribute((await getUser(fed.poolId, 'Corp_fay')).UserAttributes, 'email_verified'), 'true');
      } finally {
        host.handlers.delete('wh-pre-sign-up');
      }
    });

    it('A24: a federated email is verified only when the mapping maps email_verified from a provider fact that says true', async () => {
      const plain = await federatedPool(server, { mapping: { email: 'email' } });
      await plain.signIn('p1', { email: 'gus@example.com', email_verified: 'true' });
      assert.equal(attribute((await getUser(plain.poolId, 'Corp_p1')).UserAttributes, 'email_verified'), 'false', 'the claim is not mapped, so it is not trusted');
      const mapped = await federatedPool(server, { mapping: { email: 'email', email_verified: 'email_verified' } });
      await mapped.signIn('m1', { email: 'hal@example.com', email_verified: 'true' });
      await mapped.signIn('m2', { email: 'ida@example.com', email_verified: 'false' });
      await mapped.signIn('m3', { email: 'jo@example.com', email_verified: 'yes' });
      assert.equal(attribute((await getUser(mapped.poolId, 'Corp_m1')).UserAttributes, 'email_verified'), 'true');
      assert.equal(attribute((await getUser(mapped.poolId, 'Corp_m2')).UserAttributes, 'email_verified'), 'false');
      assert.equal(attribute((await getUser(mapped.poolId, 'Corp_m3')).UserAttributes, 'email_verified'), 'false');
    });

    it('A24: an unconfirmed native account with the victim\'s email is never linked to the federated identity; the federated user gets its own account', async () => {
      for (const pool of [{}, { UsernameAttributes: ['email'] as ('email')[] }, { AliasAttributes: ['email'] as ('email')[] }]) {
        const fed = await federatedPool(server, { mapping: { email: 'email', email_verified: 'email_verified' }, pool });
        const appClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: fed.poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
        const attackerName = pool.UsernameAttributes ? 'victim@example.com' : 'attacker';
        await server.anonymous.send(new SignUpCommand({ ClientId: appClient, Username: attackerName, Password: 'Corr3ct-Horse!', UserAttributes: [{ Name: 'email', Value: 'victim@example.com' }] }));
        const native = await getUser(fed.poolId, attackerName);
        assert.equal(native.UserStatus, 'UNCONFIRMED');

        const user = await fed.signIn('victim-sub', { email: 'victim@example.com', email_verified: 'true' });
        assert.equal(user.username, 'Corp_victim-sub');
        assert.notEqual(user.sub, attribute(native.UserAttributes, 'sub'));
        const after = await getUser(fed.poolId, attackerName);
        assert.equal(after.UserStatus, 'UNCONFIRMED', JSON.stringify(pool));
        assert.equal(attribute(after.UserAttributes, 'identities'), undefined, 'nothing was linked to the unconfirmed account');
        const claims = await fed.idToken(user);
        assert.equal(claims.sub, user.sub);
      }
    });

    it('a disabled federated user is refused ("User is disabled."), and no PostAuthentication runs', async () => {
      const fed = await federatedPool(server, { lambda: ALL_TRIGGERS });
      await fed.signIn('kim', { email: 'kim@example.com' });
      await server.admin.send(new AdminDisableUserCommand({ UserPoolId: fed.poolId, Username: 'Corp_kim' }));
      const before = events('wh-post-auth', fed.poolId).length;
      assert.deepEqual(await failure(() => fed.signIn('kim', { email: 'kim@example.com' })), { name: 'NotAuthorizedException', message: 'User is disabled.' });
      assert.equal(events('wh-post-auth', fed.poolId).length, before);
    });

    it('a federated user has no password: password sign-in, ForgotPassword and AdminSetUserPassword are refused; AdminDeleteUser frees the identity', async () => {
      const fed = await federatedPool(server, { mapping: { email: 'email', email_verified: 'email_verified' } });
      const first = await fed.signIn('max', { email: 'max@example.com', email_verified: 'true' });
      const clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: fed.poolId, ClientName: 'pw', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const signIn = await failure(() => server.anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'Corp_max', PASSWORD: 'Corr3ct-Horse!' } })));
      assert.equal(signIn.name, 'NotAuthorizedException');
      assert.deepEqual(await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'Corp_max' }))), { name: 'NotAuthorizedException', message: 'User password cannot be reset in the current state.' });
      assert.deepEqual(await failure(() => server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: fed.poolId, Username: 'Corp_max', Password: 'Corr3ct-Horse!', Permanent: true }))), {
        name: 'InvalidParameterException',
        message: 'Password cannot be set for a user of an external identity provider.',
      });
      assert.equal((await getUser(fed.poolId, 'Corp_max')).UserStatus, 'EXTERNAL_PROVIDER');
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: fed.poolId, Username: 'Corp_max' }));
      const again = await fed.signIn('max', { email: 'max@example.com', email_verified: 'true' });
      assert.equal(again.username, 'Corp_max');
      assert.notEqual(again.sub, first.sub, 'a new user');
    });

    it('the app client must be able to write every mapped attribute the provider sends a value for', async () => {
      const fed = await federatedPool(server, { mapping: { email: 'email', given_name: 'given_name' }, client: { WriteAttributes: ['email'] } });
      assert.deepEqual(await failure(() => fed.signIn('nell', { email: 'nell@example.com', given_name: 'Nell' })), {
        name: 'InvalidParameterException',
        message: 'Invalid user attributes: the app client cannot write the mapped attribute given_name.',
      });
      assert.equal((await failure(() => getUser(fed.poolId, 'Corp_nell'))).name, 'UserNotFoundException');
      assert.equal((await fed.signIn('nell', { email: 'nell@example.com' })).username, 'Corp_nell', 'a mapped attribute without a value writes nothing');
    });

    it('identity pools: a federated sign-in\'s ID token gets an identity and credentials like any user-pool login', async () => {
      const fed = await federatedPool(server);
      const user = await fed.signIn('ivy', { email: 'ivy@example.com' });
      const identityPoolId = await identityPoolFor(server, [{ poolId: fed.poolId, clientId: fed.clientId }]);
      const logins = { [providerOf({ poolId: fed.poolId, clientId: fed.clientId })]: await fed.rawIdToken(user) };
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      const { Credentials } = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
      assert.match(Credentials!.AccessKeyId!, /^ASIA/);
      assert.ok(Credentials!.SessionToken);
    });

    it('a SAML identity names its issuer (the IdP\'s entity ID) in identities, also once a linked identity signs in; OIDC identities name none', async () => {
      const fed = await federatedPool(server);
      await server.admin.send(new CreateIdentityProviderCommand({ UserPoolId: fed.poolId, ProviderName: 'Okta', ProviderType: 'SAML', ProviderDetails: { MetadataFile: await idpMetadata(server.clock.now()) }, AttributeMapping: { email: 'email' } }));
      const cognate = server.running.cognate;
      const pool = await cognate.pools.get(fed.poolId);
      const client = await cognate.clients.get(fed.poolId, fed.clientId);
      const okta = (await findIdentityProvider(cognate, pool, 'Okta'))!;
      const issuer = 'http://www.okta.com/exk1example';
      const { user } = await federatedSignIn(cognate, { pool, client, provider: okta, subject: 'vera@corp.example', claims: { email: 'vera@corp.example' }, issuer });
      assert.equal(user.username, 'Okta_vera@corp.example');
      const attr = JSON.parse(attribute((await getUser(fed.poolId, user.username)).UserAttributes, 'identities')!) as Record<string, unknown>[];
      assert.deepEqual([attr[0]!.providerType, attr[0]!.issuer], ['SAML', issuer]);
      assert.equal(((await fed.idToken(user)).identities as Record<string, unknown>[])[0]!.issuer, issuer);

      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: fed.poolId, Username: 'walt', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'walt@example.com' }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: fed.poolId, Username: 'walt', Password: 'Corr3ct-Horse!', Permanent: true }));
      await server.admin.send(new AdminLinkProviderForUserCommand({ UserPoolId: fed.poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'walt' }, SourceUser: { ProviderName: 'Okta', ProviderAttributeName: 'email', ProviderAttributeValue: 'walt@corp.example' } }));
      const before = JSON.parse(attribute((await getUser(fed.poolId, 'walt')).UserAttributes, 'identities')!) as Record<string, unknown>[];
      assert.deepEqual([before[0]!.userId, before[0]!.issuer], ['walt@corp.example', null]);
      const linked = await federatedSignIn(cognate, { pool, client, provider: okta, subject: 'walt-nameid', claims: { email: 'walt@corp.example' }, issuer });
      assert.equal(linked.user.username, 'walt');
      const after = JSON.parse(attribute((await getUser(fed.poolId, 'walt')).UserAttributes, 'identities')!) as Record<string, unknown>[];
      assert.deepEqual([after[0]!.userId, after[0]!.providerType, after[0]!.issuer], ['walt-nameid', 'SAML', issuer]);

      const oidcUser = await fed.signIn('xena', { email: 'xena@example.com' });
      assert.equal(((await fed.idToken(oidcUser)).identities as Record<string, unknown>[])[0]!.issuer, null);
    });

    it('mapped values must fit the pool\'s schema: a malformed email refuses the sign-in with InvalidParameterException', async () => {
      const fed = await federatedPool(server);
      assert.deepEqual(await failure(() => fed.signIn('lou', { email: 'not an email' })), { name: 'InvalidParameterException', message: 'Invalid email address format.' });
      assert.equal((await failure(() => getUser(fed.poolId, 'Corp_lou'))).name, 'UserNotFoundException');
    });
  });
}

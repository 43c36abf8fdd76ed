/**
 * AdminLinkProviderForUser and AdminDisableProviderForUser through the AWS SDK v3 (issue 13), and
 * what the next federated sign-in does with a link: by the provider's subject (`Cognito_Subject`)
 * or by a provider attribute, the native user's session; after AdminDisableProviderForUser, a new
 * federated user. The developer guide's merge in PreSignUp_ExternalProvider (the function links,
 * the sign-in is the native user's). Security A24: an unconfirmed account is never linked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDisableProviderForUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminLinkProviderForUserCommand,
  AdminSetUserPasswordCommand,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  ListUsersCommand,
  SignUpCommand,
  type AdminLinkProviderForUserCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, type TestServer } from '../../support/server.js';
import { arn, type TriggerHost } from '../../support/triggers.js';
import { attribute, federatedPool, startFederationServer, type FederatedPool } from './support.js';

const PASSWORD = 'Corr3ct-Horse!';

for (const kind of databaseKinds) {
  describe(`linking federated identities (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    const getUser = (poolId: string, username: string) => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    const link = (poolId: string, destination: string, source: { ProviderName: string; ProviderAttributeName?: string; ProviderAttributeValue?: string }) =>
      server.admin.send(new AdminLinkProviderForUserCommand({ UserPoolId: poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: destination }, SourceUser: { ProviderAttributeName: 'Cognito_Subject', ...source } }));
    const disable = (poolId: string, user: { ProviderName: string; ProviderAttributeName: string; ProviderAttributeValue: string }) =>
      server.admin.send(new AdminDisableProviderForUserCommand({ UserPoolId: poolId, User: user }));
    /** A confirmed native user with a password. */
    async function nativeUser(fed: FederatedPool, username: string, email = `${username}@example.com`): Promise<string> {
      const created = await server.admin.send(new AdminCreateUserCommand({ UserPoolId: fed.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: fed.poolId, Username: username, Password: PASSWORD, Permanent: true }));
      return attribute(created.User!.Attributes, 'sub')!;
    }
    const usernames = async (poolId: string) => ((await server.admin.send(new ListUsersCommand({ UserPoolId: poolId }))).Users ?? []).map((u) => u.Username).sort();

    before(async () => {
      ({ server, host } = await startFederationServer(kind));
    });
    after(async () => {
      await server?.stop();
      await host?.stop();
    });

    it('a link by Cognito_Subject: the next sign-in with that subject is the native user\'s, whose identities attribute and ID token name the provider; no federated user is made', async () => {
      const fed = await federatedPool(server);
      const sub = await nativeUser(fed, 'nora');
      await link(fed.poolId, 'nora', { ProviderName: 'Corp', ProviderAttributeValue: 'okta-nora' });
      const identities = JSON.parse(attribute((await getUser(fed.poolId, 'nora')).UserAttributes, 'identities')!) as Record<string, unknown>[];
      assert.deepEqual(identities.map((i) => [i.userId, i.providerName, i.providerType, i.primary]), [['okta-nora', 'Corp', 'OIDC', true]]);
      // Linking the same pair again changes nothing.
      await link(fed.poolId, 'nora', { ProviderName: 'Corp', ProviderAttributeValue: 'okta-nora' });

      const user = await fed.signIn('okta-nora', { email: 'someone-else@example.com', given_name: 'N' });
      assert.equal(user.sub, sub);
      assert.equal(user.username, 'nora');
      assert.deepEqual(await usernames(fed.poolId), ['nora']);
      const got = await getUser(fed.poolId, 'nora');
      assert.equal(got.UserStatus, 'CONFIRMED');
      assert.equal(attribute(got.UserAttributes, 'email'), 'nora@example.com', 'a linked native user\'s attributes are their own');
      const claims = await fed.idToken(user);
      assert.equal(claims['cognito:username'], 'nora');
      assert.equal((claims.identities as Record<string, string>[])[0]!.userId, 'okta-nora');
      // The password still signs in: the link adds a way in.
      const out = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: fed.poolId, ClientId: (await passwordClient(fed)), AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'nora', PASSWORD } }));
      assert.ok(out.AuthenticationResult?.IdToken);
    });

    async function passwordClient(fed: FederatedPool): Promise<string> {
      return (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: fed.poolId, ClientName: 'admin', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    }

    it('a link by a provider attribute matches on that claim, then becomes a link by subject (AdminDisableProviderForUser then takes Cognito_Subject)', async () => {
      const fed = await federatedPool(server);
      const sub = await nativeUser(fed, 'omar');
      await link(fed.poolId, 'omar', { ProviderName: 'Corp', ProviderAttributeName: 'employee_id', ProviderAttributeValue: 'E-1001' });
      assert.equal((await fed.signIn('okta-omar', { email: 'omar@corp.example', employee_id: 'E-1002' })).username, 'Corp_okta-omar', 'another employee id matches no link');
      const user = await fed.signIn('okta-omar2', { email: 'omar@corp.example', employee_id: 'E-1001' });
      assert.equal(user.sub, sub);
      const identities = JSON.parse(attribute((await getUser(fed.poolId, 'omar')).UserAttributes, 'identities')!) as Record<string, unknown>[];
      assert.deepEqual(identities.map((i) => i.userId), ['okta-omar2']);
      assert.equal((await fed.signIn('okta-omar2', {})).sub, sub, 'the subject alone finds the link now');
      assert.equal((await failure(() => disable(fed.poolId, { ProviderName: 'Corp', ProviderAttributeName: 'employee_id', ProviderAttributeValue: 'E-1001' }))).name, 'UserNotFoundException');
      await disable(fed.poolId, { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'okta-omar2' });
      assert.equal(attribute((await getUser(fed.poolId, 'omar')).UserAttributes, 'identities'), undefined);
      const next = await fed.signIn('okta-omar2', { email: 'omar@corp.example' });
      assert.equal(next.username, 'Corp_okta-omar2', 'without the link, the identity makes its own user');
      assert.notEqual(next.sub, sub);
    });

    it('refusals, with Cognito\'s errors: a Cognito source, a missing user or provider, a social provider by attribute, an identity that signed in already or names another user, a sixth link', async () => {
      const fed = await federatedPool(server);
      await server.admin.send(new CreateIdentityProviderCommand({ UserPoolId: fed.poolId, ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: 'g', client_secret: 'secret-secret-secret', authorize_scopes: 'openid email' } }));
      await nativeUser(fed, 'pat');
      await nativeUser(fed, 'quinn');
      const send = (input: Partial<AdminLinkProviderForUserCommandInput>) =>
        failure(() => server.admin.send(new AdminLinkProviderForUserCommand({ UserPoolId: fed.poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'pat' }, SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'x' }, ...input })));
      assert.deepEqual(await send({ SourceUser: { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'quinn' } }), {
        name: 'InvalidParameterException',
        message: 'Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser',
      });
      assert.equal((await send({ DestinationUser: { ProviderName: 'Corp', ProviderAttributeValue: 'pat' } })).name, 'InvalidParameterException');
      assert.deepEqual(await send({ DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'nobody' } }), { name: 'UserNotFoundException', message: 'User does not exist.' });
      assert.deepEqual(await send({ SourceUser: { ProviderName: 'Okta', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'x' } }), { name: 'InvalidParameterException', message: `The provider Okta does not exist for User Pool ${fed.poolId}` });
      assert.match((await send({ SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'email', ProviderAttributeValue: 'pat@example.com' } })).message, /must be Cognito_Subject/);
      assert.equal((await send({ SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject' } })).name, 'InvalidParameterException');

      await fed.signIn('already', { email: 'already@example.com' });
      assert.deepEqual(await send({ SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'already' } }), {
        name: 'InvalidParameterException',
        message: 'Merging is not currently supported, provide a SourceUser that has not been linked yet',
      });
      await link(fed.poolId, 'quinn', { ProviderName: 'Corp', ProviderAttributeValue: 'quinns' });
      assert.equal((await send({ SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'quinns' } })).name, 'AliasExistsException');
      assert.equal((await send({ DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'Corp_already' } })).name, 'InvalidParameterException', 'a federated user is no destination');

      for (let i = 1; i <= 5; i++) await link(fed.poolId, 'pat', { ProviderName: 'Corp', ProviderAttributeValue: `pat-${i}` });
      assert.equal((await send({ SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'pat-6' } })).name, 'LimitExceededException');
      assert.equal(JSON.parse(attribute((await getUser(fed.poolId, 'pat')).UserAttributes, 'identities')!).length, 5);
    });

    it('A24: AdminLinkProviderForUser refuses an unconfirmed destination, so a pre-registered account is never linked; confirming it (the code goes to the address) makes it linkable', async () => {
      const fed = await federatedPool(server);
      const appClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: fed.poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
      await server.anonymous.send(new SignUpCommand({ ClientId: appClient, Username: 'squatter', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'victim@example.com' }] }));
      const refused = await failure(() => link(fed.poolId, 'squatter', { ProviderName: 'Corp', ProviderAttributeValue: 'victim' }));
      assert.equal(refused.name, 'InvalidParameterException');
      assert.match(refused.message, /UNCONFIRMED/);
      assert.equal(attribute((await getUser(fed.poolId, 'squatter')).UserAttributes, 'identities'), undefined);
      const victim = await fed.signIn('victim', { email: 'victim@example.com' });
      assert.equal(victim.username, 'Corp_victim');
      // A confirmed account is the administrator's to link (after the victim has signed in, only by
      // a fresh identity: this one is merged already).
      await server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: fed.poolId, Username: 'squatter' }));
      await link(fed.poolId, 'squatter', { ProviderName: 'Corp', ProviderAttributeValue: 'victim-2' });
    });

    it('A24: PreSignUp_ExternalProvider may merge by linking (the developer guide\'s pattern): the sign-in is the native user\'s; its link to an unconfirmed account fails and no user is made', async () => {
      const fed = await federatedPool(server, { lambda: { PreSignUp: arn('wh-pre-sign-up') } });
      const sub = await nativeUser(fed, 'rita', 'rita@example.com');
      const appClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: fed.poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
      await server.anonymous.send(new SignUpCommand({ ClientId: appClient, Username: 'sam', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'sam@example.com' }] }));
      host.handlers.set('wh-pre-sign-up', async (e) => {
        if (e.triggerSource !== 'PreSignUp_ExternalProvider') return e;
        const username = e.request.userAttributes.email.split('@')[0];
        const [providerName, subject] = [e.userName!.slice(0, e.userName!.indexOf('_')), e.userName!.slice(e.userName!.indexOf('_') + 1)];
        await server.admin.send(new AdminLinkProviderForUserCommand({
          UserPoolId: e.userPoolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
          SourceUser: { ProviderName: providerName, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: subject },
        }));
        return e;
      });
      try {
        const merged = await fed.signIn('okta-rita', { email: 'rita@example.com' });
        assert.equal(merged.sub, sub);
        assert.deepEqual(await usernames(fed.poolId), ['rita', 'sam']);
        const refused = await failure(() => fed.signIn('okta-sam', { email: 'sam@example.com' }));
        assert.equal(refused.name, 'UserLambdaValidationException');
        assert.deepEqual(await usernames(fed.poolId), ['rita', 'sam']);
        assert.equal((await getUser(fed.poolId, 'sam')).UserStatus, 'UNCONFIRMED');
      } finally {
        host.handlers.delete('wh-pre-sign-up');
      }
    });

    it('AdminDisableProviderForUser: a federated user\'s own identity disables that user; Cognito/Cognito_Subject disables a native user\'s password; unknown identities are UserNotFoundException', async () => {
      const fed = await federatedPool(server);
      await fed.signIn('tess', { email: 'tess@example.com' });
      await disable(fed.poolId, { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'tess' });
      assert.equal((await getUser(fed.poolId, 'Corp_tess')).Enabled, false);
      assert.deepEqual(await failure(() => fed.signIn('tess', { email: 'tess@example.com' })), { name: 'NotAuthorizedException', message: 'User is disabled.' });
      await server.admin.send(new AdminEnableUserCommand({ UserPoolId: fed.poolId, Username: 'Corp_tess' }));
      assert.equal((await fed.signIn('tess', { email: 'tess@example.com' })).username, 'Corp_tess');

      await nativeUser(fed, 'uma');
      const clientId = await passwordClient(fed);
      await disable(fed.poolId, { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'uma' });
      const e = await failure(() => server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: fed.poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'uma', PASSWORD } })));
      assert.deepEqual(e, { name: 'NotAuthorizedException', message: 'User is disabled.' });

      assert.equal((await failure(() => disable(fed.poolId, { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'nobody' }))).name, 'UserNotFoundException');
      assert.equal((await failure(() => disable(fed.poolId, { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'nobody' }))).name, 'UserNotFoundException');
      assert.equal((await failure(() => disable(fed.poolId, { ProviderName: 'Cognito', ProviderAttributeName: 'email', ProviderAttributeValue: 'uma@example.com' }))).name, 'InvalidParameterException');
      assert.equal((await failure(() => disable(fed.poolId, { ProviderName: 'Okta', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'x' }))).name, 'InvalidParameterException');
    });

    it('null and wrong-typed members get a 400 with a Cognito error', async () => {
      const fed = await federatedPool(server);
      for (const input of [
        { UserPoolId: fed.poolId, DestinationUser: null, SourceUser: { ProviderName: 'Corp' } },
        { UserPoolId: fed.poolId, DestinationUser: 'pat', SourceUser: { ProviderName: 'Corp' } },
        { UserPoolId: fed.poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 5 }, SourceUser: { ProviderName: 'Corp' } },
        { UserPoolId: fed.poolId, DestinationUser: {}, SourceUser: {} },
      ]) {
        const e = await failure(() => server.admin.send(new AdminLinkProviderForUserCommand(input as never)));
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, JSON.stringify(input));
      }
      for (const input of [{ UserPoolId: fed.poolId, User: null }, { UserPoolId: fed.poolId, User: [] }, { UserPoolId: fed.poolId, User: {} }, { UserPoolId: null, User: { ProviderName: 'Corp' } }]) {
        const e = await failure(() => server.admin.send(new AdminDisableProviderForUserCommand(input as never)));
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, JSON.stringify(input));
      }
    });
  });
}

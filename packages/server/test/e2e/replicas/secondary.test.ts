/**
 * A second server started with `--region eu-west-1` on the primary's database serves a pool's
 * secondary replica (docs/replicas.md): SDK v3 clients configured with the replica's region, signed
 * and unsigned. While INACTIVE its end-user operations are refused (OperationNotEnabledException);
 * once ACTIVE sign-in, refresh and reads work there, with tokens either server accepts, while user
 * creation, password reset or change, profile changes, TOTP MFA and configuration writes are only
 * the primary's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { ADMIN, failure, idp, startTestServer, type TestServer } from '../../support/server.js';

const PASSWORD = 'Corr3ct-Horse!';
const REPLICA = 'eu-west-1';

for (const kind of databaseKinds) {
  describe(`a secondary replica served by a node with --region ${REPLICA} (${kind})`, () => {
    let primary: TestServer;
    let secondary: TestServer;
    /** SDK clients configured with the replica's region, pointed at the secondary's node */
    let replicaAdmin: CognitoIdentityProviderClient;
    let replicaUser: CognitoIdentityProviderClient;
    let poolId: string;
    let clientId: string;

    const signUp = async (username: string) => {
      await primary.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));
      const [message] = await primary.running.cognate.outbox.recent(1, poolId);
      await primary.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: /\d{6}/.exec(message!.text)![0] }));
    };
    const passwordSignIn = (client: CognitoIdentityProviderClient, username: string) =>
      client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD } }));
    const refusedHere = async (send: () => Promise<unknown>) => {
      const err = await failure(send);
      assert.equal(err.name, 'OperationNotEnabledException', err.message);
      return err.message;
    };

    before(async () => {
      primary = await startTestServer(kind);
      secondary = await startTestServer(kind, { region: REPLICA }, primary);
      const common = { region: REPLICA, endpoint: secondary.url, maxAttempts: 1 };
      replicaAdmin = new CognitoIdentityProviderClient({ ...common, credentials: ADMIN });
      replicaUser = new CognitoIdentityProviderClient({ ...common, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
      poolId = (await primary.admin.send(new CreateUserPoolCommand({ PoolName: 'mrr', AutoVerifiedAttributes: ['email'], IssuerConfiguration: { Type: 'UPDATED' }, UserPoolTags: { role: 'primary' } }))).UserPool!.Id!;
      clientId = (
        await primary.admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
        )
      ).UserPoolClient!.ClientId!;
      await signUp('alice');
      await primary.admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: REPLICA, UserPoolTags: { role: 'standby' } }));
    });
    after(async () => {
      replicaAdmin.destroy();
      replicaUser.destroy();
      await secondary.stop();
      await primary.stop();
    });

    it('INACTIVE: end-user operations are refused with OperationNotEnabledException; administrator reads work and show the replica', async () => {
      assert.match(await refusedHere(() => passwordSignIn(replicaUser, 'alice')), /INACTIVE/);
      assert.match(await refusedHere(() => replicaAdmin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }))), /INACTIVE/);
      const described = (await replicaAdmin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
      assert.equal(described.Arn, `arn:aws:cognito-idp:${REPLICA}:000000000000:userpool/${poolId}`);
      assert.deepEqual(described.UserPoolTags, { role: 'standby' });
      assert.equal((await replicaAdmin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'alice' }))).Username, 'alice');
      // The primary goes on as before.
      assert.ok((await passwordSignIn(primary.anonymous, 'alice')).AuthenticationResult?.AccessToken);
    });

    describe('ACTIVE', () => {
      before(async () => {
        // UpdateUserPoolReplica works from the secondary's region too.
        const updated = (await replicaAdmin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: REPLICA, Status: 'ACTIVE' }))).UserPoolReplica!;
        assert.equal(updated.Status, 'ACTIVE');
      });

      it('sign-in, GetUser and token refresh work on the secondary, with multi-Region issuer tokens both nodes accept', async () => {
        const result = (await passwordSignIn(replicaUser, 'alice')).AuthenticationResult!;
        const claims = JSON.parse(Buffer.from(result.AccessToken!.split('.')[1]!, 'base64url').toString('utf8')) as { iss: string };
        assert.equal(claims.iss, `https://issuer-cognito-idp.us-east-1.amazonaws.com/${poolId}`);
        assert.equal((await replicaUser.send(new GetUserCommand({ AccessToken: result.AccessToken! }))).Username, 'alice');
        assert.equal((await primary.anonymous.send(new GetUserCommand({ AccessToken: result.AccessToken! }))).Username, 'alice');
        const refreshed = (await replicaUser.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: result.RefreshToken! }))).AuthenticationResult!;
        assert.ok(refreshed.AccessToken);
        const viaFlow = (await replicaUser.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: result.RefreshToken! } }))).AuthenticationResult!;
        assert.ok(viaFlow.AccessToken);
        const admin = await replicaAdmin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }));
        assert.ok(admin.AuthenticationResult?.AccessToken);
        assert.ok((await replicaAdmin.send(new ListUsersCommand({ UserPoolId: poolId }))).Users!.some((u) => u.Username === 'alice'));
        await replicaUser.send(new GlobalSignOutCommand({ AccessToken: viaFlow.AccessToken! }));
      });

      it('no user creation on the secondary: SignUp and AdminCreateUser are refused there and still work on the primary', async () => {
        await refusedHere(() => replicaUser.send(new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: PASSWORD })));
        await refusedHere(() => replicaAdmin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob' })));
        await primary.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob' }));
      });

      it('no password reset or change, no profile or attribute change, no TOTP set-up on the secondary', async () => {
        const token = (await passwordSignIn(replicaUser, 'alice')).AuthenticationResult!.AccessToken!;
        await refusedHere(() => replicaUser.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'alice' })));
        await refusedHere(() => replicaAdmin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'alice', Password: 'An0ther-Horse!', Permanent: true })));
        await refusedHere(() => replicaUser.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: PASSWORD, ProposedPassword: 'An0ther-Horse!' })));
        await refusedHere(() => replicaUser.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'name', Value: 'Alice' }] })));
        await refusedHere(() => replicaAdmin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Alice' }] })));
        await refusedHere(() => replicaUser.send(new AssociateSoftwareTokenCommand({ AccessToken: token })));
        // A TOTP answer or a new password is refused before the session is even read.
        for (const ChallengeName of ['SOFTWARE_TOKEN_MFA', 'NEW_PASSWORD_REQUIRED']) {
          const res = await idp(secondary.url, 'RespondToAuthChallenge', { ClientId: clientId, ChallengeName, Session: 'x'.repeat(40), ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: '123456', NEW_PASSWORD: 'An0ther-Horse!' } });
          assert.equal(res.json.__type, 'OperationNotEnabledException', `${ChallengeName}: ${JSON.stringify(res.json)}`);
        }
        // The primary still takes them.
        await primary.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'name', Value: 'Alice' }] }));
      });

      it('configuration is written only from the primary', async () => {
        await refusedHere(() => replicaAdmin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })));
        await refusedHere(() => replicaAdmin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, IssuerConfiguration: { Type: 'UPDATED' } })));
        await refusedHere(() => replicaAdmin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'ap-south-1' })));
        await primary.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
      });

      it('a pool with no replica is served by the secondary node as before', async () => {
        const plain = (await primary.admin.send(new CreateUserPoolCommand({ PoolName: 'plain' }))).UserPool!.Id!;
        await replicaAdmin.send(new CreateGroupCommand({ UserPoolId: plain, GroupName: 'anywhere' }));
      });
    });
  });
}

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
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { ADMIN, failure, idp, startTestServer, type TestServer } from '../../support/server.js';
import { FormClient, authorizeQuery, formsOf, redirectParams, signInThroughPages } from '../hosted-ui/support.js';

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
    /** a hosted-UI client (code flow, COGNITO) */
    let hostedId: string;
    const CALLBACK = 'https://app.example.com/callback';
    const hostedQuery = () => `client_id=${hostedId}&response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}&code_challenge=${'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'}&code_challenge_method=S256`;
    /** /oauth2/token with a refresh token of the hosted client (signed in through the API on the primary) */
    /** an access token with openid, from the hosted pages */
    let openIdToken: string;
    const userInfoAt = async (server: TestServer) => {
      const res = await fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${openIdToken}` } });
      return { status: res.status, json: (await res.json()) as Record<string, string> };
    };
    const refreshAt = async (server: TestServer) => {
      const signedIn = await primary.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: hostedId, AuthParameters: { USERNAME: 'alice', PASSWORD } }));
      const res = await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: hostedId, refresh_token: signedIn.AuthenticationResult!.RefreshToken! }),
      });
      return { status: res.status, json: (await res.json()) as Record<string, string> };
    };

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
      hostedId = (
        await primary.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId, ClientName: 'hosted', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], CallbackURLs: [CALLBACK], SupportedIdentityProviders: ['COGNITO'],
          }),
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

    it('INACTIVE: the OAuth endpoints and pages on the secondary do not know the client (invalid_client); the primary serves them', async () => {
      assert.deepEqual(await refreshAt(secondary), { status: 400, json: { error: 'invalid_client' } });
      assert.equal((await fetch(`${secondary.url}/login?${hostedQuery()}`, { redirect: 'manual' })).status, 400);
      const atPrimary = await refreshAt(primary);
      assert.equal(atPrimary.status, 200, JSON.stringify(atPrimary.json));
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

      it('the token endpoint and the sign-in page work on the secondary; its sign-up and forgotten-password pages do not exist (400)', async () => {
        const refreshed = await refreshAt(secondary);
        assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
        assert.ok(refreshed.json.access_token);
        const login = await fetch(`${secondary.url}/login?${hostedQuery()}`, { redirect: 'manual' });
        assert.equal(login.status, 200, login.headers.get('location') ?? '');
        assert.equal((await fetch(`${secondary.url}/signup?${hostedQuery()}`, { redirect: 'manual' })).status, 400);
        assert.equal((await fetch(`${secondary.url}/forgotPassword?${hostedQuery()}`, { redirect: 'manual' })).status, 400);
        assert.equal((await fetch(`${primary.url}/signup?${hostedQuery()}`, { redirect: 'manual' })).status, 200);
        assert.equal((await fetch(`${primary.url}/forgotPassword?${hostedQuery()}`, { redirect: 'manual' })).status, 200);
      });

      it("TOTP set-up through a sign-in's MFA_SETUP Session is refused on the secondary and works on the primary", async () => {
        const totpPool = (await primary.admin.send(new CreateUserPoolCommand({ PoolName: 'totp', IssuerConfiguration: { Type: 'UPDATED' } }))).UserPool!.Id!;
        await primary.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: totpPool, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
        const totpClient = (await primary.admin.send(new CreateUserPoolClientCommand({ UserPoolId: totpPool, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
        await primary.admin.send(new AdminCreateUserCommand({ UserPoolId: totpPool, Username: 'carol', MessageAction: 'SUPPRESS' }));
        await primary.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: totpPool, Username: 'carol', Password: PASSWORD, Permanent: true }));
        await primary.admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: totpPool, RegionName: REPLICA }));
        await primary.admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: totpPool, RegionName: REPLICA, Status: 'ACTIVE' }));
        const start = (client: CognitoIdentityProviderClient) => client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: totpClient, AuthParameters: { USERNAME: 'carol', PASSWORD } }));
        const atSecondary = await start(replicaUser);
        assert.equal(atSecondary.ChallengeName, 'MFA_SETUP');
        await refusedHere(() => replicaUser.send(new AssociateSoftwareTokenCommand({ Session: atSecondary.Session! })));
        const atPrimary = await start(primary.anonymous);
        assert.ok((await primary.anonymous.send(new AssociateSoftwareTokenCommand({ Session: atPrimary.Session! }))).SecretCode);
      });

      it('the hosted pages on the secondary sign in, and refuse a new password for a FORCE_CHANGE_PASSWORD user without storing it', async () => {
        const app = { poolId, clientId: hostedId };
        const { query, verifier } = authorizeQuery(app);
        const signedIn = await signInThroughPages(new FormClient(secondary.url), query, 'alice');
        assert.equal(signedIn.status, 302, signedIn.body.slice(0, 300));
        const code = redirectParams(signedIn.location).get('code')!;
        const redeemed = await fetch(`${secondary.url}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: hostedId, code, redirect_uri: CALLBACK, code_verifier: verifier }),
        });
        assert.equal(redeemed.status, 200);
        openIdToken = ((await redeemed.json()) as { access_token: string }).access_token;
        assert.equal((await userInfoAt(secondary)).status, 200);

        await primary.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
        const browser = new FormClient(secondary.url);
        const challenge = await signInThroughPages(browser, authorizeQuery(app).query, 'dave');
        assert.equal(formsOf(challenge.body)[0]!.fields.challenge, 'NEW_PASSWORD_REQUIRED');
        const refused = await browser.submit(challenge, { new_password: 'N3w-Password!', confirm_password: 'N3w-Password!' });
        assert.equal(refused.status, 400);
        assert.match(refused.body, /setting a new password is not available in region eu-west-1/);
        assert.equal((await primary.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dave' }))).UserStatus, 'FORCE_CHANGE_PASSWORD');
      });

      it('deactivated again: /oauth2/userInfo on the secondary no longer knows the token; the primary answers', async () => {
        await replicaAdmin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: REPLICA, Status: 'INACTIVE' }));
        try {
          const there = await userInfoAt(secondary);
          assert.equal(there.status, 401);
          assert.equal(there.json.error, 'invalid_token');
          const here = await userInfoAt(primary);
          assert.equal(here.status, 200);
          assert.equal(here.json.username, 'alice');
        } finally {
          await replicaAdmin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: REPLICA, Status: 'ACTIVE' }));
        }
      });

      it('configuration is written only from the primary', async () => {
        await refusedHere(() => replicaAdmin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })));
        await refusedHere(() => replicaAdmin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, IssuerConfiguration: { Type: 'UPDATED' } })));
        await refusedHere(() => replicaAdmin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'ap-south-1' })));
        await primary.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
      });

      it("a status change made through the primary's node reaches the secondary's node within the 2 s bound of pool settings", async () => {
        const until = async (outcome: 'refused' | 'served') => {
          const started = Date.now();
          for (;;) {
            const result = await passwordSignIn(replicaUser, 'alice').then(() => 'served', (e: Error) => (e.name === 'OperationNotEnabledException' ? 'refused' : e.name));
            if (result === outcome) return Date.now() - started;
            assert.ok(Date.now() - started < 3000, `still ${result} after 3 s`);
            await new Promise((r) => setTimeout(r, 100));
          }
        };
        await passwordSignIn(replicaUser, 'alice');
        await primary.admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: REPLICA, Status: 'INACTIVE' }));
        try {
          assert.ok((await until('refused')) <= 2500);
        } finally {
          await primary.admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: REPLICA, Status: 'ACTIVE' }));
        }
        assert.ok((await until('served')) <= 2500);
      });

      it('a pool with no replica is served by the secondary node as before', async () => {
        const plain = (await primary.admin.send(new CreateUserPoolCommand({ PoolName: 'plain' }))).UserPool!.Id!;
        await replicaAdmin.send(new CreateGroupCommand({ UserPoolId: plain, GroupName: 'anywhere' }));
      });
    });
  });
}

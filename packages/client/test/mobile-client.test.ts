/**
 * MobileClient against a real Cognate server (SQLite): initialisation and user states with their
 * listener notifications, sign-up, SRP and password sign-in, the new-password challenge, secret
 * hashes, sign-out (local, global, revoking), password recovery and change, attributes and
 * deleting the user — with the errors each maps to.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminResetUserPasswordCommand, GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { failure as sdkFailure } from '../../server/test/support/server.js';
import { MobileClient, MobileClientError, UserState, isMobileClientError, type UserStateInfo } from '../src/index.js';
import { PASSWORD, advance, clientFor, createPool, failure, latestCode, signedUpUser, startTestServer, type TestPool, type TestServer } from './support.js';

describe('MobileClient with user pools', () => {
  let server: TestServer;
  let pool: TestPool;

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await createPool(server);
  });
  after(() => server.stop());

  /** A client with a recorder of its transitions. */
  async function recorded(config = pool.config) {
    const client = clientFor(server);
    const seen: [UserState, UserStateInfo][] = [];
    client.addUserStateListener((state, info) => seen.push([state, info]));
    await client.initialize(config);
    return { client, seen, states: () => seen.map(([s]) => s) };
  }

  it('initialize: signedOut for a fresh client (with an identity pool too, until guests are known to be allowed), and refuses bad configurations', async () => {
    const { client, seen } = await recorded();
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.equal(client.isSignedIn, false);
    assert.equal(client.username, undefined);
    assert.deepEqual(seen, [['signedOut', { reason: 'initialize', previous: 'unknown' }]]);

    const guest = clientFor(server);
    assert.equal(guest.currentUserState, UserState.unknown);
    assert.equal(await guest.initialize({ CredentialsProvider: { CognitoIdentity: { Default: { PoolId: 'us-east-1:0e8c7a4b-1d2c-4f6e-9a0b-123456789abc', Endpoint: server.url } } } }), UserState.signedOut);
    assert.equal((await failure(() => guest.signIn({ username: 'x', password: 'y' }))).code, 'userPoolNotConfigured');

    const bad = clientFor(server);
    assert.equal((await failure(async () => bad.initialize({}))).code, 'invalidConfiguration');
    assert.equal((await failure(async () => bad.initialize({ CognitoUserPool: { Default: { PoolId: 'nope', AppClientId: 'x' } } }))).code, 'invalidConfiguration');
    assert.equal(
      (await failure(async () => bad.initialize({ ...pool.config, Auth: { Default: { authenticationFlowType: 'MAGIC' as never } } }))).code,
      'invalidConfiguration',
    );
    assert.equal((await failure(() => bad.signUp({ username: 'x', password: 'y' }))).code, 'invalidState');
  });

  it('signUp → unconfirmed with where the code went, resendSignUpCode, confirmSignUp → confirmed; errors carry codes and Cognito messages', async () => {
    const { client } = await recorded();
    const email = 'carol@example.com';
    const up = await client.signUp({ username: 'carol', password: PASSWORD, userAttributes: { email, name: 'Carol' } });
    assert.equal(up.signUpConfirmationState, 'unconfirmed');
    assert.equal(up.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
    assert.equal(up.codeDeliveryDetails?.attributeName, 'email');
    assert.match(up.codeDeliveryDetails?.destination ?? '', /^c\*\*\*@/);
    assert.match(up.userSub ?? '', /^[0-9a-f-]{36}$/);

    const exists = await failure(() => client.signUp({ username: 'carol', password: PASSWORD, userAttributes: { email } }));
    assert.deepEqual([exists.code, exists.serviceCode, exists.message], ['usernameExists', 'UsernameExistsException', 'User already exists']);
    assert.equal((await failure(() => client.signUp({ username: 'weak', password: 'short', userAttributes: { email: 'w@example.com' } }))).code, 'invalidPassword');

    const unconfirmed = await failure(() => client.signIn({ username: 'carol', password: PASSWORD }));
    assert.equal(unconfirmed.code, 'userNotConfirmed');

    const first = await latestCode(server, pool.poolId, email);
    const again = await client.resendSignUpCode('carol');
    assert.equal(again.signUpConfirmationState, 'unconfirmed');
    assert.equal(again.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
    const code = await latestCode(server, pool.poolId, email);
    const wrong = code === '000000' ? '111111' : '000000';
    assert.equal((await failure(() => client.confirmSignUp('carol', wrong))).code, 'codeMismatch');
    assert.ok(first);
    assert.deepEqual(await client.confirmSignUp('carol', code), { signUpConfirmationState: 'confirmed' });
    assert.equal(client.currentUserState, UserState.signedOut, 'confirming does not sign in');
  });

  it('signIn with SRP: signedIn, the listener hears it once, tokens are real; a wrong password is notAuthorized', async () => {
    const { client, seen, states } = await recorded();
    await signedUpUser(server, pool, client, 'alice');
    const wrong = await failure(() => client.signIn({ username: 'alice', password: 'Wr0ng-Horse!' }));
    assert.deepEqual([wrong.code, wrong.message], ['notAuthorized', 'Incorrect username or password.']);
    assert.equal((await failure(() => client.signIn({ username: 'nobody', password: PASSWORD }))).code, 'notAuthorized');
    assert.deepEqual(states(), ['signedOut'], 'failed sign-ins change nothing');

    const result = await client.signIn({ username: 'alice', password: PASSWORD });
    assert.deepEqual(result, { signInState: 'signedIn', parameters: {} });
    assert.equal(client.currentUserState, UserState.signedIn);
    assert.ok(client.isSignedIn);
    assert.equal(client.username, 'alice');
    assert.deepEqual(seen.at(-1), ['signedIn', { reason: 'signIn', previous: 'signedOut', username: 'alice', provider: 'userPools' }]);

    const tokens = await client.getTokens();
    assert.equal(tokens.idToken.claims['cognito:username'], 'alice');
    assert.equal(tokens.accessToken.claims.token_use, 'access');
    assert.ok(tokens.refreshToken.length > 20);
    assert.ok(tokens.expiration.getTime() > server.clock.now());
    const me = await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.accessToken.tokenString }));
    assert.equal(me.Username, 'alice');
    assert.equal((await client.getTokens()).accessToken.tokenString, tokens.accessToken.tokenString, 'cached');
    await client.signOut();
  });

  it('USER_PASSWORD_AUTH when the configuration asks for it', async () => {
    const { client } = await recorded({ ...pool.config, Auth: { Default: { authenticationFlowType: 'USER_PASSWORD_AUTH' } } });
    await signedUpUser(server, pool, client, 'pat');
    assert.equal((await client.signIn({ username: 'pat', password: PASSWORD })).signInState, 'signedIn');
    assert.equal((await client.getTokens()).accessToken.claims.username, 'pat');
    assert.equal((await failure(() => client.signIn({ username: 'pat', password: 'Wr0ng-Horse!' }))).code, 'notAuthorized');
    assert.equal((await failure(() => client.signIn({ username: 'pat', password: '' }))).code, 'invalidParameter');
  });

  it('an app client with a secret: every call carries SECRET_HASH (sign-up, SRP sign-in, refresh, recovery)', async () => {
    const secretPool = await createPool(server, { GenerateSecret: true });
    assert.ok(secretPool.clientSecret);
    const client = clientFor(server);
    await client.initialize(secretPool.config);
    await signedUpUser(server, secretPool, client, 'sam');
    assert.equal((await client.signIn({ username: 'sam', password: PASSWORD })).signInState, 'signedIn');
    const before = await client.getTokens();
    advance(server, 61 * 60_000);
    const after = await client.getTokens();
    assert.notEqual(after.accessToken.tokenString, before.accessToken.tokenString);
    assert.equal((await client.forgotPassword('sam')).forgotPasswordState, 'confirmationCodeSent');

    const noSecret = clientFor(server);
    await noSecret.initialize({ CognitoUserPool: { Default: { ...secretPool.config.CognitoUserPool!.Default!, AppClientSecret: undefined as never } } });
    const refused = await failure(() => noSecret.signIn({ username: 'sam', password: PASSWORD }));
    assert.equal(refused.code, 'notAuthorized');
    assert.match(refused.message, /SECRET_HASH/);
  });

  it('newPasswordRequired for an admin-created user, answered with confirmSignIn; confirmSignIn without a challenge is invalidState', async () => {
    const { client, states } = await recorded();
    assert.equal((await failure(() => client.confirmSignIn('whatever'))).code, 'invalidState');
    await server.admin.send(
      new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'nina', TemporaryPassword: 'Temp-Passw0rd!', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'nina@example.com' }] }),
    );
    const challenge = await client.signIn({ username: 'nina', password: 'Temp-Passw0rd!' });
    assert.equal(challenge.signInState, 'newPasswordRequired');
    assert.ok(Array.isArray(challenge.parameters.requiredAttributes));
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.equal((await failure(() => client.confirmSignIn('short'))).code, 'invalidPassword');

    const done = await client.confirmSignIn('N3w-Passw0rd!', { userAttributes: { name: 'Nina' } });
    assert.equal(done.signInState, 'signedIn');
    assert.deepEqual(states(), ['signedOut', 'signedIn']);
    assert.equal((await client.getUserAttributes()).name, 'Nina');
    await client.signOut();
    assert.equal((await client.signIn({ username: 'nina', password: 'N3w-Passw0rd!' })).signInState, 'signedIn');
  });

  it('forgotPassword → confirmationCodeSent, confirmForgotPassword → done, then the new password signs in', async () => {
    const { client } = await recorded();
    const email = await signedUpUser(server, pool, client, 'fred');
    const sent = await client.forgotPassword('fred');
    assert.equal(sent.forgotPasswordState, 'confirmationCodeSent');
    assert.equal(sent.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
    const code = await latestCode(server, pool.poolId, email);
    assert.equal((await failure(() => client.confirmForgotPassword('fred', 'N3w-Passw0rd!', code === '000000' ? '111111' : '000000'))).code, 'codeMismatch');
    assert.equal((await failure(() => client.confirmForgotPassword('fred', 'weak', code))).code, 'invalidPassword');
    assert.deepEqual(await client.confirmForgotPassword('fred', 'N3w-Passw0rd!', code), { forgotPasswordState: 'done' });
    assert.equal((await failure(() => client.signIn({ username: 'fred', password: PASSWORD }))).code, 'notAuthorized');
    assert.equal((await client.signIn({ username: 'fred', password: 'N3w-Passw0rd!' })).signInState, 'signedIn');
  });

  it('the seeds’ other error codes from the server: expiredCode, limitExceeded, passwordResetRequired, userNotFound', async () => {
    const { client } = await recorded();
    const email = await signedUpUser(server, pool, client, 'eric');
    await client.forgotPassword('eric');
    const stale = await latestCode(server, pool.poolId, email);
    advance(server, 61 * 60_000); // a reset code lives an hour
    const expired = await failure(() => client.confirmForgotPassword('eric', 'N3w-Passw0rd!', stale));
    assert.deepEqual([expired.code, expired.serviceCode], ['expiredCode', 'ExpiredCodeException']);

    // Past the hourly cap a client that names users says so; under ENABLED the answer looks like any other (issue 10).
    const legacyPool = await createPool(server, { PreventUserExistenceErrors: 'LEGACY' });
    const legacy = clientFor(server);
    await legacy.initialize(legacyPool.config);
    await signedUpUser(server, legacyPool, legacy, 'eric');
    let limited: Awaited<ReturnType<typeof failure>> | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      try {
        await legacy.forgotPassword('eric');
      } catch (e) {
        assert.ok(e instanceof MobileClientError);
        limited = { code: e.code, message: e.message, serviceCode: e.serviceCode };
      }
    }
    assert.deepEqual([limited?.code, limited?.message], ['limitExceeded', 'Attempt limit exceeded, please try after some time.']);

    await signedUpUser(server, pool, client, 'erin');
    await server.admin.send(new AdminResetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'erin' }));
    const reset = await failure(() => client.signIn({ username: 'erin', password: PASSWORD }));
    assert.deepEqual([reset.code, reset.serviceCode], ['passwordResetRequired', 'PasswordResetRequiredException']);
    assert.equal(client.currentUserState, UserState.signedOut);

    // Unknown users show as such only to app clients that don't hide them (PreventUserExistenceErrors LEGACY).
    assert.equal((await failure(() => client.confirmSignUp('no-such-user', '123456'))).code, 'codeMismatch', 'hidden');
    const unknown = await failure(() => legacy.forgotPassword('no-such-user'));
    assert.deepEqual([unknown.code, unknown.serviceCode], ['userNotFound', 'UserNotFoundException']);
  });

  it('changePassword, getUserAttributes, updateUserAttributes, verifyUserAttribute and confirmVerifyUserAttribute', async () => {
    const { client } = await recorded();
    assert.equal((await failure(() => client.getUserAttributes())).code, 'notSignedIn');
    await signedUpUser(server, pool, client, 'gina');
    await client.signIn({ username: 'gina', password: PASSWORD });

    assert.equal((await failure(() => client.changePassword('Wr0ng-Horse!', 'N3w-Passw0rd!'))).code, 'notAuthorized');
    await client.changePassword(PASSWORD, 'N3w-Passw0rd!');
    await client.signOut();
    assert.equal((await client.signIn({ username: 'gina', password: 'N3w-Passw0rd!' })).signInState, 'signedIn');

    const attrs = await client.getUserAttributes();
    assert.equal(attrs.email, 'gina@example.com');
    assert.equal(attrs.email_verified, 'true');
    assert.match(attrs.sub ?? '', /^[0-9a-f-]{36}$/);

    assert.deepEqual(await client.updateUserAttributes({ nickname: 'G' }), []);
    assert.equal((await client.getUserAttributes()).nickname, 'G');
    const sent = await client.updateUserAttributes({ email: 'gina.new@example.com' });
    assert.equal(sent.length, 1);
    assert.deepEqual([sent[0]!.attributeName, sent[0]!.deliveryMedium], ['email', 'EMAIL']);
    const code = await latestCode(server, pool.poolId, 'gina.new@example.com');
    assert.equal((await failure(() => client.confirmVerifyUserAttribute('email', code === '000000' ? '111111' : '000000'))).code, 'codeMismatch');
    await client.confirmVerifyUserAttribute('email', code);
    assert.equal((await client.getUserAttributes()).email, 'gina.new@example.com');

    const again = await client.verifyUserAttribute('email');
    assert.deepEqual([again.attributeName, again.deliveryMedium], ['email', 'EMAIL']);
    await client.confirmVerifyUserAttribute('email', await latestCode(server, pool.poolId, 'gina.new@example.com'));
    assert.equal((await failure(() => client.updateUserAttributes({ 'custom:nope': 'x' }))).code, 'invalidParameter');
  });

  it('signOut() is local: the tokens stay valid at the server; listeners hear signedOut', async () => {
    const { client, seen } = await recorded();
    await signedUpUser(server, pool, client, 'lou');
    await client.signIn({ username: 'lou', password: PASSWORD });
    const tokens = await client.getTokens();
    await client.signOut();
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.equal(client.username, undefined);
    assert.deepEqual(seen.at(-1), ['signedOut', { reason: 'signOut', previous: 'signedIn' }]);
    assert.equal((await failure(() => client.getTokens())).code, 'notSignedIn');
    assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.accessToken.tokenString }))).Username, 'lou');
  });

  it('signOut({ signOutGlobally }) revokes every session of the user; signOut({ invalidateTokens }) revokes this one', async () => {
    const { client } = await recorded();
    await signedUpUser(server, pool, client, 'gus');
    const other = clientFor(server);
    await other.initialize(pool.config);
    await other.signIn({ username: 'gus', password: PASSWORD });
    await client.signIn({ username: 'gus', password: PASSWORD });
    const otherTokens = await other.getTokens();
    await client.signOut({ signOutGlobally: true });
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.equal((await sdkFailure(() => server.anonymous.send(new GetUserCommand({ AccessToken: otherTokens.accessToken.tokenString })))).name, 'NotAuthorizedException');

    await client.signIn({ username: 'gus', password: PASSWORD });
    const { refreshToken } = await client.getTokens();
    await client.signOut({ invalidateTokens: true });
    const refresh = await sdkFailure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } })));
    assert.equal(refresh.name, 'NotAuthorizedException');
    await client.signOut(); // signed out already: a no-op
    assert.equal(client.currentUserState, UserState.signedOut);
  });

  it('deleteUser removes the user and signs out', async () => {
    const { client, seen } = await recorded();
    await signedUpUser(server, pool, client, 'dan');
    await client.signIn({ username: 'dan', password: PASSWORD });
    await client.deleteUser();
    assert.equal(client.currentUserState, UserState.signedOut);
    assert.equal(seen.at(-1)?.[1].reason, 'userDeleted');
    const gone = await failure(() => client.signIn({ username: 'dan', password: PASSWORD }));
    assert.equal(gone.code, 'notAuthorized');
  });

  it('listeners: every transition in order, removable, and a throwing listener breaks nothing', async () => {
    const client = clientFor(server);
    const order: string[] = [];
    const stop = client.addUserStateListener((state, info) => order.push(`${info.previous}→${state}:${info.reason}`));
    client.addUserStateListener(() => {
      throw new Error('listener bug');
    });
    await client.initialize(pool.config);
    await signedUpUser(server, pool, client, 'lia');
    await client.signIn({ username: 'lia', password: PASSWORD });
    await client.signOut();
    await client.signIn({ username: 'lia', password: PASSWORD });
    await client.signIn({ username: 'lia', password: PASSWORD }); // the same user again: no news
    await signedUpUser(server, pool, client, 'lev');
    await client.signIn({ username: 'lev', password: PASSWORD }); // another user: news, though still signedIn
    await client.getTokens();
    stop();
    await client.signOut();
    assert.deepEqual(order, ['unknown→signedOut:initialize', 'signedOut→signedIn:signIn', 'signedIn→signedOut:signOut', 'signedOut→signedIn:signIn', 'signedIn→signedIn:signIn']);
    assert.equal(client.currentUserState, UserState.signedOut);
  });

  it('CUSTOM_AUTH sends its flow (with an SRP step when a password is given); the server without a trigger refuses it', async () => {
    const client = clientFor(server);
    await client.initialize({ ...pool.config, Auth: { Default: { authenticationFlowType: 'CUSTOM_AUTH' } } });
    const refused = await failure(() => client.signIn({ username: 'alice', password: PASSWORD }));
    assert.deepEqual([refused.code, refused.message], ['invalidParameter', 'Custom auth lambda trigger is not configured for the user pool.']);
    assert.equal((await failure(() => client.signIn({ username: 'alice' }))).code, 'invalidParameter');
  });

  it('endpoints: Cognate URL as given, a host name as https, else Cognito\'s regional endpoint', async () => {
    const urls: string[] = [];
    const recordingFetch = async (url: string) => {
      urls.push(url);
      return { status: 400, headers: { get: () => null }, text: async () => JSON.stringify({ __type: 'ResourceNotFoundException', message: 'User pool client x does not exist.' }) };
    };
    const configs = [
      { PoolId: 'eu-west-1_AbC', AppClientId: 'x' },
      { PoolId: 'eu-west-1_AbC', AppClientId: 'x', Region: 'eu-central-1' },
      { PoolId: 'eu-west-1_AbC', AppClientId: 'x', Endpoint: 'auth.example.com' },
      { PoolId: 'eu-west-1_AbC', AppClientId: 'x', Endpoint: 'http://127.0.0.1:9229/prefix' },
    ];
    for (const Default of configs) {
      const client = new MobileClient({ fetch: recordingFetch });
      await client.initialize({ CognitoUserPool: { Default } });
      const e = await failure(() => client.forgotPassword('alice'));
      assert.deepEqual([e.code, e.message], ['resourceNotFound', 'User pool client x does not exist.']);
    }
    assert.deepEqual(urls, ['https://cognito-idp.eu-west-1.amazonaws.com/', 'https://cognito-idp.eu-central-1.amazonaws.com/', 'https://auth.example.com/', 'http://127.0.0.1:9229/prefix']);
  });

  it('a server that cannot be reached is a network error, and changes no state', async () => {
    const client = new MobileClient();
    await client.initialize({ CognitoUserPool: { Default: { ...pool.config.CognitoUserPool!.Default!, Endpoint: 'http://127.0.0.1:9/' } } });
    const down = await failure(() => client.signIn({ username: 'alice', password: PASSWORD }));
    assert.equal(down.code, 'network');
    assert.equal(client.currentUserState, UserState.signedOut);
  });

  it('MobileClientError: typed codes, the service name and message, and isMobileClientError', async () => {
    const e = MobileClientError.fromService('aws.cognito#UserNotFoundException:', 'User does not exist.', 400);
    assert.deepEqual([e.code, e.serviceCode, e.message, e.status, e.name], ['userNotFound', 'UserNotFoundException', 'User does not exist.', 400, 'MobileClientError']);
    assert.equal(MobileClientError.fromService('SomethingNewException', 'x').code, 'unknown');
    // cognito-identity's model-constraint error is the invalidParameter the user-pool API gives for the same kind of input.
    assert.deepEqual(MobileClientError.fromService('ValidationException', '1 validation error detected: …', 400).code, 'invalidParameter');
    assert.ok(isMobileClientError(e, 'userNotFound', 'notAuthorized'));
    assert.ok(!isMobileClientError(e, 'network'));
    assert.ok(!isMobileClientError(new Error('x')));
    assert.ok(MobileClient.default() === MobileClient.default());
  });

  it('MobileClient.initialize() sets up the shared instance', async () => {
    assert.equal(await MobileClient.initialize(pool.config), UserState.signedOut);
    assert.equal(MobileClient.default().currentUserState, UserState.signedOut);
    assert.equal((await failure(() => MobileClient.default().getTokens())).code, 'notSignedIn');
  });
});

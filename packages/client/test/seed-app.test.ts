/**
 * The app of seeds 002 and 004, translated to TypeScript: it reads the `awsconfiguration.json`
 * that `cognate config` writes, and goes through its whole flow against a running Cognate —
 * sign up and confirm, sign in, tokens and AWS credentials, the utility properties, a restart
 * from the file store, forgot password, and a global sign-out — exactly as the seed's Swift calls
 * it (AWSMobileClient.default().signUp(…), .confirmSignUp(…), …), awaiting instead of callbacks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MobileClient, UserState, type AWSConfiguration } from '../src/index.js';
import { FileStorage } from '../src/node.js';
import { identityPoolFor } from '../../server/test/e2e/identity/helpers.js';
import { PASSWORD, createPool, failure, latestCode, startTestServer, type TestPool, type TestServer } from './support.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/dist/cli.js');

describe("the seeds' app, against Cognate", () => {
  let server: TestServer;
  let pool: TestPool;
  let dir: string;
  let config: AWSConfiguration;

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await createPool(server);
    const identityPoolId = await identityPoolFor(server, [pool]);
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-seed-app-'));
    // The operator writes the app's configuration with the CLI, from the server's own data.
    const file = path.join(dir, 'awsconfiguration.json');
    await promisify(execFile)(process.execPath, [cli, 'config', '--data-dir', server.storage.dataDir, '--public-url', server.url, '--pool', pool.poolId, '--client', pool.clientId, '--identity-pool', identityPoolId, '--out', file]);
    config = JSON.parse(await readFile(file, 'utf8')) as AWSConfiguration;
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** `AWSMobileClient.default()`: one client per app launch, its session in a file. */
  const launch = () => new MobileClient({ clock: { now: () => server.clock.now() }, storage: new FileStorage(path.join(dir, 'session.json')) });

  it('signs up, confirms, signs in, gets tokens and credentials, survives a restart, recovers the password and signs out globally', async () => {
    assert.equal(config.CognitoUserPool?.Default?.Endpoint, server.url);
    assert.ok(config.CredentialsProvider?.CognitoIdentity?.Default?.PoolId);
    const app = launch();
    const transitions: string[] = [];
    app.addUserStateListener((state) => transitions.push(state));
    // A first launch knows of no guest identity yet: signedOut until guest credentials come.
    assert.equal(await app.initialize(config), UserState.signedOut);

    // SignUp: unconfirmed, the code sent by email.
    const signUp = await app.signUp({ username: 'johnny', password: PASSWORD, userAttributes: { email: 'john@doe.com', nickname: 'Johnny' } });
    assert.equal(signUp.signUpConfirmationState, 'unconfirmed');
    assert.deepEqual(signUp.codeDeliveryDetails, { deliveryMedium: 'EMAIL', destination: 'j***@d***', attributeName: 'email' });
    assert.equal((await failure(() => app.signUp({ username: 'johnny', password: PASSWORD, userAttributes: { email: 'john@doe.com' } }))).code, 'usernameExists');
    // Re-send, then confirm with the code that arrived.
    const resent = await app.resendSignUpCode('johnny');
    assert.equal(resent.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
    const confirmed = await app.confirmSignUp('johnny', await latestCode(server, pool.poolId, 'john@doe.com'));
    assert.equal(confirmed.signUpConfirmationState, 'confirmed');

    // SignIn, then the utility properties, tokens and AWS credentials.
    // Before signing in, the app may already use AWS as a guest.
    assert.match((await app.getAWSCredentials()).accessKeyId, /^ASIA/);
    assert.equal(app.currentUserState, UserState.guest);
    const guestId = app.identityId;
    assert.ok(guestId);
    const signIn = await app.signIn({ username: 'johnny', password: PASSWORD });
    assert.equal(signIn.signInState, 'signedIn');
    assert.equal(app.isSignedIn, true);
    assert.equal(app.username, 'johnny');
    const tokens = await app.getTokens();
    assert.equal(JSON.parse(Buffer.from(tokens.idToken!.tokenString.split('.')[1]!, 'base64url').toString()).nickname, 'Johnny');
    const credentials = await app.getAWSCredentials();
    assert.match(credentials.accessKeyId, /^ASIA/);
    assert.equal(app.identityId, guestId, "the guest's identity becomes the user's");

    // The app restarts: the file store brings the session back, signed in, with the same identity.
    const again = launch();
    assert.equal(await again.initialize(config), UserState.signedIn);
    assert.equal(again.username, 'johnny');
    assert.equal(again.identityId, app.identityId);
    assert.equal((await again.getTokens()).accessToken?.tokenString, tokens.accessToken?.tokenString);

    // Forgot password: the code goes to the verified email; the new password signs in.
    const forgot = await again.forgotPassword('johnny');
    assert.equal(forgot.forgotPasswordState, 'confirmationCodeSent');
    assert.equal(forgot.codeDeliveryDetails?.deliveryMedium, 'EMAIL');
    const done = await again.confirmForgotPassword('johnny', 'MyNewPassword123!!', await latestCode(server, pool.poolId, 'john@doe.com'));
    assert.equal(done.forgotPasswordState, 'done');

    // Global sign-out revokes the tokens everywhere: the first launch's session can't refresh.
    await again.signOut({ signOutGlobally: true });
    assert.equal(again.isSignedIn, false);
    assert.equal((await failure(() => again.signIn({ username: 'johnny', password: PASSWORD }))).code, 'notAuthorized');
    assert.equal((await again.signIn({ username: 'johnny', password: 'MyNewPassword123!!' })).signInState, 'signedIn');
    assert.deepEqual(transitions.slice(0, 3), [UserState.signedOut, UserState.guest, UserState.signedIn]);
  });
});

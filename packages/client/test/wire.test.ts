/**
 * The identity-pool and device requests pass the server's validation against the official API
 * models (Cognate validates every request before it looks for the pool, so a malformed one would be
 * an InvalidParameterException or SerializationException), here for an identity pool that does not
 * exist. The flows themselves are tested in identity.test.ts, federation.test.ts and devices.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MobileClientError, UserState } from '../src/index.js';
import { PASSWORD, clientFor, createPool, signedUpUser, startTestServer, type TestPool, type TestServer } from './support.js';

const IDENTITY_POOL = 'us-east-1:0e8c7a4b-1d2c-4f6e-9a0b-123456789abc';
/** What a well-formed request may get from this server, now or once the actions exist. */
const NOT_A_SHAPE_ERROR = new Set(['UnsupportedOperationException', 'ResourceNotFoundException', 'NotAuthorizedException']);

async function serviceError(fn: () => Promise<unknown>): Promise<MobileClientError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof MobileClientError, String(e));
    return e;
  }
  throw new Error('expected the call to fail');
}

describe('identity-pool and device requests are well-formed', () => {
  let server: TestServer;
  let pool: TestPool;

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await createPool(server);
  });
  after(() => server.stop());

  const withIdentityPool = () => ({ ...pool.config, CredentialsProvider: { CognitoIdentity: { Default: { PoolId: IDENTITY_POOL, Region: 'us-east-1', Endpoint: server.url } } } });

  it('GetId as a guest, and GetId / GetCredentialsForIdentity with the user pool login', async () => {
    const client = clientFor(server);
    assert.equal(await client.initialize(withIdentityPool()), UserState.signedOut);
    const guest = await serviceError(() => client.getAWSCredentials());
    assert.ok(NOT_A_SHAPE_ERROR.has(guest.serviceCode ?? ''), `${guest.serviceCode}: ${guest.message}`);

    await signedUpUser(server, pool, client, 'ida');
    await client.signIn({ username: 'ida', password: PASSWORD });
    const signedIn = await serviceError(() => client.getAWSCredentials());
    assert.ok(NOT_A_SHAPE_ERROR.has(signedIn.serviceCode ?? ''), `${signedIn.serviceCode}: ${signedIn.message}`);
    assert.equal(client.currentUserState, UserState.signedIn);
  });

  it('federatedSignIn: GetId with Logins, or GetCredentialsForIdentity with a developer identity and a role; a failure changes nothing', async () => {
    const client = clientFor(server);
    await client.initialize(withIdentityPool());
    const social = await serviceError(() => client.federatedSignIn('accounts.google.com', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'));
    assert.ok(NOT_A_SHAPE_ERROR.has(social.serviceCode ?? ''), `${social.serviceCode}: ${social.message}`);
    assert.equal(client.currentUserState, UserState.signedOut);

    const developer = await serviceError(() =>
      client.federatedSignIn('cognito-identity.amazonaws.com', 'open-id-token', {
        cognitoIdentityId: 'us-east-1:11111111-2222-3333-4444-555555555555',
        customRoleArn: 'arn:aws:iam::123456789012:role/app-user',
      }),
    );
    assert.ok(NOT_A_SHAPE_ERROR.has(developer.serviceCode ?? ''), `${developer.serviceCode}: ${developer.message}`);
    assert.equal(client.identityId, undefined);
    assert.equal(client.currentUserState, UserState.signedOut);
  });

  it('ListDevices; the other device operations need a device this client confirmed', async () => {
    const client = clientFor(server);
    await client.initialize(pool.config);
    await signedUpUser(server, pool, client, 'dev');
    await client.signIn({ username: 'dev', password: PASSWORD });
    try {
      const { devices } = await client.deviceOperations.list({ limit: 10 });
      assert.deepEqual(devices, []);
    } catch (e) {
      assert.ok(e instanceof MobileClientError);
      assert.equal(e.serviceCode, 'UnsupportedOperationException', e.message);
    }
    for (const op of [() => client.deviceOperations.get(), () => client.deviceOperations.forget(), () => client.deviceOperations.updateStatus({ remembered: true })]) {
      assert.equal((await serviceError(op)).code, 'deviceNotRemembered');
    }
  });
});

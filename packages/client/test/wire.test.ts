/**
 * The identity-pool and device requests on the wire: each case checks the exact requests the
 * client sends (action and body) and the exact answer the server gives them, here for an identity
 * pool that does not exist (Cognate validates every request against the official API models
 * before it looks for the pool, so a malformed request would be an InvalidParameterException or
 * SerializationException, not the ResourceNotFoundException asserted). The flows themselves are
 * tested in identity.test.ts, federation.test.ts and devices.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MobileClientError, UserState, type FetchLike } from '../src/index.js';
import { PASSWORD, clientFor, createPool, signedUpUser, startTestServer, type TestPool, type TestServer } from './support.js';

const IDENTITY_POOL = 'us-east-1:0e8c7a4b-1d2c-4f6e-9a0b-123456789abc';
/**
 * Operations this client calls that the server does not implement (answers
 * UnsupportedOperationException). Every case below records what the server answered; the
 * operations that answered UnsupportedOperationException must be exactly these.
 */
const EXPECTED_UNSUPPORTED: string[] = [];

interface WireCall {
  action: string;
  body: Record<string, unknown>;
  status: number;
  /** The error's `__type`, without a namespace; undefined for a 2xx. */
  errorType?: string;
}

/** A fetch that records each request (action and body) and the server's answer. */
function wireRecorder(): { fetch: FetchLike; calls: WireCall[] } {
  const calls: WireCall[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      const text = await response.clone().text();
      const call: WireCall = { action: init.headers['x-amz-target']!.split('.')[1]!, body: JSON.parse(init.body) as Record<string, unknown>, status: response.status };
      if (!response.ok) call.errorType = String((JSON.parse(text) as { __type?: string }).__type ?? '').replace(/^.*#/, '');
      calls.push(call);
      return response;
    },
  };
}

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
  const answered: WireCall[] = [];

  before(async () => {
    server = await startTestServer('sqlite');
    pool = await createPool(server);
  });
  after(() => server.stop());

  const withIdentityPool = () => ({ ...pool.config, CredentialsProvider: { CognitoIdentity: { Default: { PoolId: IDENTITY_POOL, Region: 'us-east-1', Endpoint: server.url } } } });
  const identityCalls = (calls: WireCall[]) => calls.filter((c) => c.action === 'GetId' || c.action === 'GetCredentialsForIdentity');

  it('GetId as a guest, and GetId with the user pool login', async () => {
    const wire = wireRecorder();
    const client = clientFor(server, { fetch: wire.fetch });
    assert.equal(await client.initialize(withIdentityPool()), UserState.signedOut);
    const guest = await serviceError(() => client.getAWSCredentials());
    assert.equal(guest.serviceCode, 'ResourceNotFoundException', guest.message);
    assert.deepEqual(identityCalls(wire.calls), [{ action: 'GetId', body: { IdentityPoolId: IDENTITY_POOL }, status: 400, errorType: 'ResourceNotFoundException' }]);
    assert.equal(client.currentUserState, UserState.signedOut);

    await signedUpUser(server, pool, client, 'ida');
    await client.signIn({ username: 'ida', password: PASSWORD });
    const { idToken } = await client.getTokens();
    wire.calls.length = 0;
    const signedIn = await serviceError(() => client.getAWSCredentials());
    assert.equal(signedIn.serviceCode, 'ResourceNotFoundException', signedIn.message);
    const login = `${String(idToken.claims.iss).replace(/^https?:\/\//, '')}`;
    assert.deepEqual(identityCalls(wire.calls), [{ action: 'GetId', body: { IdentityPoolId: IDENTITY_POOL, Logins: { [login]: idToken.tokenString } }, status: 400, errorType: 'ResourceNotFoundException' }]);
    assert.equal(client.currentUserState, UserState.signedIn);
    answered.push(...wire.calls);
  });

  it('federatedSignIn: GetId with Logins, or GetCredentialsForIdentity with a developer identity and a role; a failure changes nothing', async () => {
    const wire = wireRecorder();
    const client = clientFor(server, { fetch: wire.fetch });
    await client.initialize(withIdentityPool());
    const googleToken = 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln';
    const social = await serviceError(() => client.federatedSignIn('accounts.google.com', googleToken));
    assert.equal(social.serviceCode, 'ResourceNotFoundException', social.message);
    assert.deepEqual(wire.calls, [{ action: 'GetId', body: { IdentityPoolId: IDENTITY_POOL, Logins: { 'accounts.google.com': googleToken } }, status: 400, errorType: 'ResourceNotFoundException' }]);
    assert.equal(client.currentUserState, UserState.signedOut);
    answered.push(...wire.calls);

    wire.calls.length = 0;
    const identityId = 'us-east-1:11111111-2222-3333-4444-555555555555';
    const roleArn = 'arn:aws:iam::123456789012:role/app-user';
    const developer = await serviceError(() => client.federatedSignIn('cognito-identity.amazonaws.com', 'open-id-token', { cognitoIdentityId: identityId, customRoleArn: roleArn }));
    assert.equal(developer.serviceCode, 'ResourceNotFoundException', developer.message);
    assert.deepEqual(wire.calls, [
      {
        action: 'GetCredentialsForIdentity',
        body: { IdentityId: identityId, Logins: { 'cognito-identity.amazonaws.com': 'open-id-token' }, CustomRoleArn: roleArn },
        status: 400,
        errorType: 'ResourceNotFoundException',
      },
      // The given identity is unknown: the client asks for the login's own identity, once.
      { action: 'GetId', body: { IdentityPoolId: IDENTITY_POOL, Logins: { 'cognito-identity.amazonaws.com': 'open-id-token' } }, status: 400, errorType: 'ResourceNotFoundException' },
    ]);
    assert.equal(client.identityId, undefined);
    assert.equal(client.currentUserState, UserState.signedOut);
    answered.push(...wire.calls);
  });

  it('ListDevices; the other device operations need a device this client confirmed', async () => {
    const wire = wireRecorder();
    const client = clientFor(server, { fetch: wire.fetch });
    await client.initialize(pool.config);
    await signedUpUser(server, pool, client, 'dev');
    await client.signIn({ username: 'dev', password: PASSWORD });
    const { accessToken } = await client.getTokens();
    wire.calls.length = 0;
    assert.deepEqual(await client.deviceOperations.list({ limit: 10 }), { devices: [] });
    assert.deepEqual(wire.calls, [{ action: 'ListDevices', body: { AccessToken: accessToken.tokenString, Limit: 10 }, status: 200 }]);
    answered.push(...wire.calls);

    wire.calls.length = 0;
    for (const op of [() => client.deviceOperations.get(), () => client.deviceOperations.forget(), () => client.deviceOperations.updateStatus({ remembered: true })]) {
      assert.equal((await serviceError(op)).code, 'deviceNotRemembered');
    }
    assert.deepEqual(wire.calls, [], 'refused before anything is sent');
  });

  it('the operations the server does not support are exactly the expected ones', () => {
    assert.ok(answered.length >= 5, 'the cases above ran');
    const unsupported = [...new Set(answered.filter((c) => c.errorType === 'UnsupportedOperationException').map((c) => c.action))].sort();
    assert.deepEqual(unsupported, [...EXPECTED_UNSUPPORTED].sort());
  });
});

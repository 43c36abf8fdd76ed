/**
 * The awsJson framing and the HTTP surface: malformed input of every kind gets a Cognito-shaped
 * 4xx (never a stack trace), CORS lets browsers in, and health, metrics, JWKS and discovery answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { rawCall, startTestServer, type TestServer } from '../support/server.js';
import { registry } from '../../src/actions/index.js';

const SIGN_UP = 'AWSCognitoIdentityProviderService.SignUp';

for (const kind of databaseKinds) {
  describe(`awsJson protocol and HTTP surface (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    function assertCognitoError(res: { status: number; json: any; headers: Headers }, type: string, status = 400) {
      assert.equal(res.status, status);
      assert.equal(res.json.__type, type);
      assert.equal(typeof res.json.message, 'string');
      assert.equal(res.headers.get('x-amzn-errortype'), type);
      assert.ok(res.headers.get('x-amzn-requestid'));
      assert.doesNotMatch(JSON.stringify(res.json), /at .*\.(ts|js):\d+/, 'no stack trace');
    }

    it('answers unknown and missing targets with UnknownOperationException', async () => {
      assertCognitoError(await rawCall(server.url, 'AWSCognitoIdentityProviderService.Nope', '{}'), 'UnknownOperationException');
      assertCognitoError(await rawCall(server.url, 'SomethingElse.SignUp', '{}'), 'UnknownOperationException');
      assertCognitoError(await rawCall(server.url, undefined, '{}'), 'UnknownOperationException');
    });

    it('refuses malformed bodies with SerializationException', async () => {
      assertCognitoError(await rawCall(server.url, SIGN_UP, '{"ClientId":'), 'SerializationException');
      assertCognitoError(await rawCall(server.url, SIGN_UP, '[1,2,3]'), 'SerializationException');
      assertCognitoError(await rawCall(server.url, SIGN_UP, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'SerializationException');
      assertCognitoError(await rawCall(server.url, SIGN_UP, '['.repeat(200) + ']'.repeat(200)), 'SerializationException');
      assertCognitoError(await rawCall(server.url, SIGN_UP, JSON.stringify({ ClientId: 42, Username: 'x' })), 'SerializationException');
      assertCognitoError(await rawCall(server.url, SIGN_UP, '{}', { 'content-type': 'text/plain' }), 'SerializationException');
    });

    it('refuses missing and invalid fields with InvalidParameterException naming them', async () => {
      const res = await rawCall(server.url, SIGN_UP, JSON.stringify({ Password: 'x' }));
      assertCognitoError(res, 'InvalidParameterException');
      assert.match(res.json.message, /validation errors? detected/);
      assert.match(res.json.message, /clientId/);
      assert.match(res.json.message, /username/);
      const nul = await rawCall(server.url, SIGN_UP, JSON.stringify({ ClientId: 'abc', Username: 'a\u0000b', Password: 'Corr3ct-Horse!' }));
      assertCognitoError(nul, 'InvalidParameterException');
    });

    it('caps the body size', async () => {
      const res = await rawCall(server.url, SIGN_UP, JSON.stringify({ ClientId: 'x'.repeat(1024 * 1024) }));
      assert.equal(res.status, 413);
      assert.equal(res.json.__type, 'SerializationException');
    });

    it('accepts any POST path ending the endpoint, with and without a trailing slash', async () => {
      for (const path of ['/', '/prefix', '/prefix/']) {
        const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': SIGN_UP }, body: '{}' });
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as { __type: string }).__type, 'InvalidParameterException');
      }
    });

    it('lets browsers call it (CORS preflight with the headers Amplify and the SDK send)', async () => {
      const res = await fetch(server.url + '/', {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent,cache-control,amz-sdk-invocation-id,amz-sdk-request' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /x-amz-target/);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
      const post = await rawCall(server.url, SIGN_UP, '{}', { origin: 'http://localhost:3000' });
      assert.equal(post.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      assert.match(post.headers.get('access-control-expose-headers') ?? '', /x-amzn-requestid/);
    });

    it('reports health and metrics', async () => {
      assert.deepEqual(await (await fetch(server.url + '/health/live')).json(), { status: 'ok' });
      const ready = await fetch(server.url + '/health/ready');
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { database: string }).database, kind);
      await rawCall(server.url, SIGN_UP, '{}');
      const metrics = await (await fetch(server.url + '/metrics')).text();
      assert.match(metrics, /cognate_requests_total\{action="SignUp",outcome="InvalidParameterException"\} \d+/);
      assert.match(metrics, /cognate_request_duration_seconds_bucket\{le="0.005",action="SignUp"\}/);
    });

    it('publishes the JWKS and OIDC discovery of a pool, and 404s for others', async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'keys' }))).UserPool!.Id!;
      const jwks = (await (await fetch(`${server.url}/${poolId}/.well-known/jwks.json`)).json()) as { keys: any[] };
      assert.equal(jwks.keys.length, 1);
      const [key] = jwks.keys;
      assert.deepEqual(Object.keys(key), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      assert.equal(key.alg, 'RS256');
      assert.equal(key.use, 'sig');
      assert.equal(Buffer.from(key.n, 'base64url').length, 256, 'RSA-2048');
      const discovery = (await (await fetch(`${server.url}/${poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(discovery.issuer, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
      assert.equal(discovery.jwks_uri, `${server.running.cognate.config.publicUrl}/${poolId}/.well-known/jwks.json`);
      assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['RS256']);
      assert.equal((await fetch(`${server.url}/us-east-1_Missing00/.well-known/jwks.json`)).status, 404);
      assert.equal((await fetch(`${server.url}/../etc/passwd/.well-known/jwks.json`)).status, 404);
    });

    it('answers operations it does not implement yet with UnsupportedOperationException', async () => {
      // Every operation of the model has a module now (api-settings/surface.test.ts holds that), so
      // this takes one out of the registry for the duration of the call: the answer the dispatch
      // gives an operation the model has and no module serves.
      const { ListUserPoolReplicasCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      const operations = registry['cognito-idp'] as Record<string, unknown>;
      const module = operations.ListUserPoolReplicas;
      delete operations.ListUserPoolReplicas;
      const error = await server.admin
        .send(new ListUserPoolReplicasCommand({ UserPoolId: 'us-east-1_Missing00' } as never))
        .then(() => undefined, (e: Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }) => e)
        .finally(() => {
          operations.ListUserPoolReplicas = module;
        });
      assert.equal(error?.name, 'UnsupportedOperationException');
      assert.equal(error?.$metadata?.httpStatusCode, 400);
      assert.equal(typeof error?.message, 'string');
      assert.ok(error?.$metadata?.requestId);
      assert.doesNotMatch(error?.message ?? '', /at .*\.(ts|js):\d+/, 'no stack trace');
    });
  });
}

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import sha256js from '@aws-crypto/sha256-js'; // CommonJS: no named ESM exports
import { buildQueryString } from '@smithy/core/protocols';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoError } from '../errors.js';
import {
  canonicalUri,
  verifySigV4,
  type SignedRequest,
  type SigningSecretLookup,
  type VerifySigV4Options,
} from './sigv4.js';

const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SESSION_AKID = 'ASIAEXAMPLESESSION';
const SESSION_SECRET = 'sessionSecretKey0123456789abcdefghijklmn';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars';
const { Sha256 } = sha256js;
const SIGNING_DATE = new Date('2024-05-01T12:00:00Z');
const NOW = SIGNING_DATE.getTime();
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface LookupCall {
  accessKeyId: string;
  sessionToken: string | undefined;
}
const lookupCalls: LookupCall[] = [];
const lookup: SigningSecretLookup = async (accessKeyId, sessionToken) => {
  lookupCalls.push({ accessKeyId, sessionToken });
  if (accessKeyId === AKID) return { secretAccessKey: SECRET, principal: { user: 'admin' } };
  if (accessKeyId === SESSION_AKID && sessionToken === SESSION_TOKEN) {
    return { secretAccessKey: SESSION_SECRET, principal: { role: 'authenticated' } };
  }
  return undefined;
};

const defaultOpts: VerifySigV4Options = { services: ['cognito-idp'], lookup, now: NOW };

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface SignInput {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  region?: string;
  credentials?: Creds;
  date?: Date;
  applyChecksum?: boolean;
  unsignableHeaders?: Set<string>;
}

/** Signs with the real @smithy/signature-v4 and returns what node:http would hand the server. */
async function sign(input: SignInput = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: input.service ?? 'cognito-idp',
    region: input.region ?? 'us-east-1',
    credentials: input.credentials ?? { accessKeyId: AKID, secretAccessKey: SECRET },
    sha256: Sha256,
    applyChecksum: input.applyChecksum ?? true,
  });
  const body = input.body ?? '';
  const query = input.query ?? {};
  const signed = await signer.sign(
    {
      method: input.method ?? 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9229,
      path: input.path ?? '/',
      query,
      headers: input.headers ?? awsJsonHeaders('ListUserPools', body),
      body,
    },
    { signingDate: input.date ?? SIGNING_DATE, unsignableHeaders: input.unsignableHeaders },
  );
  return toServerRequest(signed.method, signed.path, buildQueryString(query), signed.headers, body);
}

function toServerRequest(
  method: string,
  path: string,
  rawQuery: string,
  headers: Record<string, string>,
  body: string,
): SignedRequest {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return { method, rawPath: path, rawQuery, headers: lower, body: Buffer.from(body, 'utf8') };
}

/** The headers @aws-sdk/client-cognito-identity-provider sends (host is added by middleware, before signing). */
function awsJsonHeaders(action: string, body: string, target = 'AWSCognitoIdentityProviderService'): Record<string, string> {
  return {
    host: '127.0.0.1:9229',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `${target}.${action}`,
    'content-length': String(Buffer.byteLength(body)),
    'amz-sdk-invocation-id': '3f1b7c9e-1d2a-4b8f-9c3d-5e6f7a8b9c0d',
    'amz-sdk-request': 'attempt=1; max=3',
    'x-amz-user-agent': 'aws-sdk-js/3.1169.0',
    'user-agent': 'aws-sdk-js/3.1169.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/cognito-identity-provider#3.1169.0',
  };
}

async function rejects(
  promise: Promise<unknown>,
  name: string,
  message: string | RegExp,
  status?: number,
): Promise<CognitoError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof CognitoError, `expected a CognitoError, got ${String(caught)}`);
  assert.equal(caught.name, name);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  if (status !== undefined) assert.equal(caught.status, status);
  return caught;
}

const setAuth = (req: SignedRequest, authorization: string): SignedRequest => ({
  ...req,
  headers: { ...req.headers, authorization },
});

describe('verifySigV4: requests signed by @smithy/signature-v4', () => {
  test('awsJson POST / with the headers the SDK sends', async () => {
    const body = JSON.stringify({ MaxResults: 1 });
    const req = await sign({ body, headers: awsJsonHeaders('ListUserPools', body) });
    const auth = req.headers['authorization'] as string;
    assert.match(
      auth,
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240501\/us-east-1\/cognito-idp\/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent, Signature=[0-9a-f]{64}$/,
    );
    const result = await verifySigV4(req, defaultOpts);
    assert.deepEqual(result, {
      accessKeyId: AKID,
      region: 'us-east-1',
      service: 'cognito-idp',
      principal: { user: 'admin' },
      sessionToken: undefined,
      presigned: false,
    });
  });

  test('POST to a path prefix with a trailing slash', async () => {
    const req = await sign({ path: '/prefix/', body: '{}', headers: awsJsonHeaders('ListUsers', '{}') });
    const result = await verifySigV4(req, defaultOpts);
    assert.equal(result.accessKeyId, AKID);
  });

  test('Cognito Sync GET: still-encoded labels are URI-encoded once more, query re-encoded', async () => {
    const path = '/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/my%20data';
    const query = { maxResults: '10', nextToken: 'a/b' };
    assert.equal(buildQueryString(query), 'maxResults=10&nextToken=a%2Fb');
    const req = await sign({
      method: 'GET',
      path,
      query,
      service: 'cognito-sync',
      headers: { host: 'cognito-sync.us-east-1.amazonaws.com', 'x-amz-user-agent': 'aws-sdk-js/3.1124.0' },
    });
    assert.equal(req.rawQuery, 'maxResults=10&nextToken=a%2Fb');
    assert.equal(
      canonicalUri(path, true),
      '/identitypools/us-east-1%253Aabc/identities/us-east-1%253Adef/datasets/my%2520data',
    );
    const result = await verifySigV4(req, { ...defaultOpts, services: ['cognito-sync'] });
    assert.equal(result.service, 'cognito-sync');
    // Verifying over the decoded path must fail: the SDK signs the encoded one.
    await rejects(
      verifySigV4({ ...req, rawPath: decodeURIComponent(path) }, { ...defaultOpts, services: ['cognito-sync'] }),
      'InvalidSignatureException',
      MISMATCH,
    );
    // S3-style (no double encoding) computes a different canonical URI, so it fails too.
    await rejects(
      verifySigV4(req, { ...defaultOpts, services: ['cognito-sync'], doubleEncodePath: false }),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  test('session credentials: x-amz-security-token is signed and handed to the lookup', async () => {
    const credentials = { accessKeyId: SESSION_AKID, secretAccessKey: SESSION_SECRET, sessionToken: SESSION_TOKEN };
    const req = await sign({ credentials });
    assert.equal(req.headers['x-amz-security-token'], SESSION_TOKEN);
    assert.match(req.headers['authorization'] as string, /SignedHeaders=[^,]*;x-amz-security-token;/);
    lookupCalls.length = 0;
    const result = await verifySigV4(req, defaultOpts);
    assert.deepEqual(lookupCalls, [{ accessKeyId: SESSION_AKID, sessionToken: SESSION_TOKEN }]);
    assert.equal(result.sessionToken, SESSION_TOKEN);
    assert.deepEqual(result.principal, { role: 'authenticated' });

    // Stripping the (signed) token header breaks the request before any lookup.
    const { ['x-amz-security-token']: _dropped, ...withoutToken } = req.headers;
    await rejects(
      verifySigV4({ ...req, headers: withoutToken }, defaultOpts),
      'IncompleteSignatureException',
      "'x-amz-security-token' is named as a SignedHeader, but it does not exist in the HTTP request.",
    );
    // A session key signed without its token: the lookup sees no token and refuses the key.
    lookupCalls.length = 0;
    const noToken = await sign({ credentials: { accessKeyId: SESSION_AKID, secretAccessKey: SESSION_SECRET } });
    await rejects(
      verifySigV4(noToken, defaultOpts),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
    assert.deepEqual(lookupCalls, [{ accessKeyId: SESSION_AKID, sessionToken: undefined }]);
    // A wrong token, signed: refused the same way.
    const wrongToken = await sign({ credentials: { ...credentials, sessionToken: 'forged' } });
    await rejects(verifySigV4(wrongToken, defaultOpts), 'UnrecognizedClientException', /security token/);
  });

  test('Cognito Sync GET with session credentials', async () => {
    const credentials = { accessKeyId: SESSION_AKID, secretAccessKey: SESSION_SECRET, sessionToken: SESSION_TOKEN };
    const req = await sign({
      method: 'GET',
      path: '/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/my%20data/records',
      query: { maxResults: '10', nextToken: 'a/b', lastSyncCount: '0' },
      service: 'cognito-sync',
      credentials,
      headers: { host: 'cognito-sync.us-east-1.amazonaws.com' },
    });
    const result = await verifySigV4(req, { ...defaultOpts, services: ['cognito-sync'] });
    assert.equal(result.sessionToken, SESSION_TOKEN);
  });

  test('no x-amz-content-sha256 header: the body hash is computed', async () => {
    const req = await sign({ body: '{"a":1}', applyChecksum: false });
    assert.equal(req.headers['x-amz-content-sha256'], undefined);
    await verifySigV4(req, defaultOpts);
    await rejects(verifySigV4({ ...req, body: Buffer.from('{"a":2}') }, defaultOpts), 'InvalidSignatureException', MISMATCH);
  });

  test('path normalisation mirrors the signer (empty, dot and dot-dot segments, sub-delims)', async () => {
    for (const path of ['/a//b/./c/../d/', "/x/(y)!*'/z", '/a/%2F/b', '/..', '/a/b/..', '/%7Euser/~tilde', '/caf%C3%A9']) {
      const req = await sign({ method: 'GET', path, headers: { host: 'h' } });
      await verifySigV4(req, defaultOpts);
    }
    assert.equal(canonicalUri('/a//b/./c/../d/', true), '/a/b/d/');
    assert.equal(canonicalUri('/', true), '/');
    assert.equal(canonicalUri("/x/(y)!*'", true), '/x/%28y%29%21%2A%27');
    assert.equal(canonicalUri('/a%2Fb', true), '/a%252Fb');
    assert.equal(canonicalUri('/a%2Fb', false), '/a%2Fb');
  });

  test('query canonicalisation: repeated keys, unicode, reserved characters, empty values', async () => {
    const query = { b: ['2', '10', '1'], a: 'ü x+y', 'c~': "*!'()", empty: '', 'k&=': 'v=&' };
    const req = await sign({ method: 'GET', path: '/q', query, headers: { host: 'h' } });
    await verifySigV4(req, defaultOpts);
    // The raw query may arrive in any order and with lowercase hex escapes.
    const shuffled = req.rawQuery.split('&').reverse().join('&').replace(/%C3%BC/g, '%c3%bc');
    await verifySigV4({ ...req, rawQuery: shuffled }, defaultOpts);
    // A changed value does not verify.
    await rejects(
      verifySigV4({ ...req, rawQuery: req.rawQuery.replace('b=2', 'b=3') }, defaultOpts),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  test('presigned query-string auth', async () => {
    const signer = new SignatureV4({
      service: 'cognito-idp',
      region: 'eu-west-1',
      credentials: { accessKeyId: SESSION_AKID, secretAccessKey: SESSION_SECRET, sessionToken: SESSION_TOKEN },
      sha256: Sha256,
    });
    const presigned = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: 'h', path: '/p/%3Ax', query: { foo: 'bar baz' }, headers: { host: 'h' } },
      { signingDate: SIGNING_DATE, expiresIn: 900 },
    );
    const rawQuery = buildQueryString(presigned.query ?? {});
    assert.match(rawQuery, /X-Amz-Signature=[0-9a-f]{64}/);
    const req: SignedRequest = { method: 'GET', rawPath: presigned.path, rawQuery, headers: { host: 'h' }, body: Buffer.alloc(0) };
    const result = await verifySigV4(req, { ...defaultOpts, now: NOW + 14 * 60 * 1000 });
    assert.equal(result.presigned, true);
    assert.equal(result.sessionToken, SESSION_TOKEN);
    assert.equal(result.region, 'eu-west-1');

    await rejects(
      verifySigV4(req, { ...defaultOpts, now: NOW + 16 * 60 * 1000 }),
      'InvalidSignatureException',
      'Signature expired: 20240501T120000Z is now earlier than 20240501T120100Z (20240501T121600Z - 15 min.)',
    );
    await rejects(
      verifySigV4({ ...req, rawQuery: rawQuery.replace('foo=bar%20baz', 'foo=bar') }, defaultOpts),
      'InvalidSignatureException',
      MISMATCH,
    );
    await rejects(
      verifySigV4({ ...req, headers: { ...req.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } }, defaultOpts),
      'IncompleteSignatureException',
      /^Only one auth mechanism allowed/,
      400,
    );
  });

  test('x-amz-date within 5 minutes either way is accepted', async () => {
    const req = await sign();
    await verifySigV4(req, { ...defaultOpts, now: NOW + 4 * 60 * 1000 });
    await verifySigV4(req, { ...defaultOpts, now: NOW - 4 * 60 * 1000 });
    await verifySigV4(req, { ...defaultOpts, now: NOW + 5 * 60 * 1000 });
  });

  test('signing keys stay correct past the cache bound', async () => {
    const regions = Array.from({ length: 300 }, (_, i) => `xx-test-${i}`);
    const requests = await Promise.all(regions.map((region) => sign({ region })));
    for (const req of requests) await verifySigV4(req, defaultOpts);
    for (const req of requests.slice(0, 3)) await verifySigV4(req, defaultOpts);
  });
});

describe('verifySigV4: rejections', () => {
  test('wrong secret', async () => {
    const req = await sign({ credentials: { accessKeyId: AKID, secretAccessKey: 'not-the-secret' } });
    const err = await rejects(verifySigV4(req, defaultOpts), 'InvalidSignatureException', MISMATCH, 403);
    assert.ok(!err.message.includes('AWS4-HMAC-SHA256'), 'no string to sign in the message');
  });

  test('unknown access key', async () => {
    const req = await sign({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: SECRET } });
    await rejects(
      verifySigV4(req, defaultOpts),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  });

  test('a lookup error (e.g. expired session token) propagates', async () => {
    const req = await sign();
    const expired: SigningSecretLookup = async () => {
      throw new CognitoError('ExpiredTokenException', 'The security token included in the request is expired', 403);
    };
    await rejects(verifySigV4(req, { ...defaultOpts, lookup: expired }), 'ExpiredTokenException', /expired/);
  });

  test('tampered body with the original x-amz-content-sha256', async () => {
    const req = await sign({ body: '{"MaxResults":1}' });
    await rejects(
      verifySigV4({ ...req, body: Buffer.from('{"MaxResults":60}') }, defaultOpts),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  test('x-amz-content-sha256 that is not the body hash, though signed', async () => {
    const claimed = createHash('sha256').update('{"other":true}').digest('hex');
    const headers = { ...awsJsonHeaders('ListUserPools', '{}'), 'x-amz-content-sha256': claimed };
    const req = await sign({ body: '{}', headers });
    assert.equal(req.headers['x-amz-content-sha256'], claimed);
    await rejects(verifySigV4(req, defaultOpts), 'InvalidSignatureException', MISMATCH);
  });

  test('UNSIGNED-PAYLOAD only when allowed', async () => {
    const headers = { ...awsJsonHeaders('ListUserPools', '{}'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    const req = await sign({ body: '{}', headers });
    await rejects(verifySigV4(req, defaultOpts), 'InvalidSignatureException', MISMATCH);
    await verifySigV4(req, { ...defaultOpts, allowUnsignedPayload: true });
  });

  test('tampered signed header', async () => {
    const req = await sign();
    const tampered = { ...req, headers: { ...req.headers, 'x-amz-target': 'AWSCognitoIdentityProviderService.DeleteUserPool' } };
    await rejects(verifySigV4(tampered, defaultOpts), 'InvalidSignatureException', MISMATCH);
  });

  test('changed or added unsigned headers still verify', async () => {
    const req = await sign();
    assert.ok(!(req.headers['authorization'] as string).includes('user-agent;'), 'user-agent is never signed');
    const changed = {
      ...req,
      headers: { ...req.headers, 'user-agent': 'something else', 'x-forwarded-for': '10.0.0.1', connection: 'close' },
    };
    await verifySigV4(changed, defaultOpts);
  });

  test('header values are compared after whitespace canonicalisation; repeated headers via rawHeaders', async () => {
    const headers = { ...awsJsonHeaders('ListUserPools', '{}'), 'x-custom': '  a   b\t c  ' };
    const req = await sign({ body: '{}', headers });
    await verifySigV4({ ...req, headers: { ...req.headers, 'x-custom': 'a b c' } }, defaultOpts);

    const multi = await sign({ method: 'GET', path: '/', headers: { host: 'h', 'x-multi': 'one,two' } });
    const rawHeaders = Object.entries(multi.headers).flatMap(([k, v]) =>
      k === 'x-multi' ? ['X-Multi', 'one', 'X-Multi', 'two'] : [k, v as string],
    );
    // node:http would give 'one, two' in headers; rawHeaders restores the separate lines.
    await verifySigV4({ ...multi, headers: { ...multi.headers, 'x-multi': 'one, two' }, rawHeaders }, defaultOpts);
    await verifySigV4({ ...multi, headers: { ...multi.headers, 'x-multi': ['one', 'two'] } }, defaultOpts);
  });

  test('clock skew of 6 minutes either way', async () => {
    const req = await sign();
    await rejects(
      verifySigV4(req, { ...defaultOpts, now: NOW + 6 * 60 * 1000 }),
      'InvalidSignatureException',
      'Signature expired: 20240501T120000Z is now earlier than 20240501T120100Z (20240501T120600Z - 5 min.)',
      403,
    );
    await rejects(
      verifySigV4(req, { ...defaultOpts, now: NOW - 6 * 60 * 1000 }),
      'InvalidSignatureException',
      'Signature not yet current: 20240501T120000Z is still later than 20240501T115900Z (20240501T115400Z + 5 min.)',
      403,
    );
  });

  test('wrong service in the credential scope', async () => {
    const req = await sign({ service: 'cognito-identity' });
    await rejects(
      verifySigV4(req, defaultOpts),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'cognito-idp'. ",
      403,
    );
    await verifySigV4(req, { ...defaultOpts, services: ['cognito-idp', 'cognito-identity'] });
  });

  test('region outside the configured set', async () => {
    const req = await sign({ region: 'eu-central-1' });
    await rejects(
      verifySigV4(req, { ...defaultOpts, regions: ['us-east-1'] }),
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'eu-central-1'. ",
    );
  });

  test('host missing from SignedHeaders', async () => {
    const req = await sign({ unsignableHeaders: new Set(['host']) });
    assert.ok(!(req.headers['authorization'] as string).includes('host'));
    await rejects(
      verifySigV4(req, defaultOpts),
      'IncompleteSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      400,
    );
  });

  test('a signed header absent from the request', async () => {
    const req = await sign();
    const { ['amz-sdk-request']: _dropped, ...headers } = req.headers;
    await rejects(
      verifySigV4({ ...req, headers }, defaultOpts),
      'IncompleteSignatureException',
      "'amz-sdk-request' is named as a SignedHeader, but it does not exist in the HTTP request.",
    );
  });

  test('no Authorization header', async () => {
    const req = await sign();
    const { authorization: _dropped, ...headers } = req.headers;
    await rejects(
      verifySigV4({ ...req, headers }, defaultOpts),
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
      403,
    );
    await rejects(verifySigV4(setAuth(req, '   '), defaultOpts), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  test('malformed Authorization headers', async () => {
    const req = await sign();
    const auth = req.headers['authorization'] as string;
    const [, credential, signedHeaders, signature] = /^AWS4-HMAC-SHA256 (Credential=[^,]+), (SignedHeaders=[^,]+), (Signature=\w+)$/.exec(auth)!;

    const withoutCredential = `AWS4-HMAC-SHA256 ${signedHeaders}, ${signature}`;
    await rejects(
      verifySigV4(setAuth(req, withoutCredential), defaultOpts),
      'IncompleteSignatureException',
      `Authorization header requires 'Credential' parameter. Authorization=${withoutCredential}`,
      400,
    );
    const withoutSignedHeaders = `AWS4-HMAC-SHA256 ${credential}, ${signature}`;
    await rejects(
      verifySigV4(setAuth(req, withoutSignedHeaders), defaultOpts),
      'IncompleteSignatureException',
      `Authorization header requires 'SignedHeaders' parameter. Authorization=${withoutSignedHeaders}`,
    );
    const withoutSignature = `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}`;
    await rejects(
      verifySigV4(setAuth(req, withoutSignature), defaultOpts),
      'IncompleteSignatureException',
      `Authorization header requires 'Signature' parameter. Authorization=${withoutSignature}`,
    );
    await rejects(
      verifySigV4(setAuth(req, 'AWS4-HMAC-SHA256'), defaultOpts),
      'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
    );
    await rejects(
      verifySigV4(setAuth(req, 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), defaultOpts),
      'IncompleteSignatureException',
      "'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' not a valid key=value pair (missing equal-sign) in Authorization header: " +
        "'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'.",
    );
    await rejects(
      verifySigV4(setAuth(req, 'garbage'), defaultOpts),
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'garbage'. Authorization=garbage",
    );
    await rejects(
      verifySigV4(setAuth(req, auth.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), defaultOpts),
      'IncompleteSignatureException',
      /^Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'\./,
    );
    await rejects(
      verifySigV4(setAuth(req, `${auth}, ${signature}`), defaultOpts),
      'IncompleteSignatureException',
      /duplicate 'Signature'/,
    );
    await rejects(
      verifySigV4(setAuth(req, auth.replace('/aws4_request', '')), defaultOpts),
      'IncompleteSignatureException',
      /^Credential is mal-formed; expecting "<YOUR-AKID>\/YYYYMMDD\/REGION\/SERVICE\/aws4_request"\. Authorization=/,
    );
    await rejects(
      verifySigV4(setAuth(req, auth.replace('/aws4_request', '/aws5_request')), defaultOpts),
      'InvalidSignatureException',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    );
    await rejects(
      verifySigV4(setAuth(req, auth.replace('/20240501/', '/20240502/')), defaultOpts),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240502' != '20240501', from '20240501T120000Z'.",
    );
    // Signature that is not 64 lowercase hex characters: a plain mismatch.
    await rejects(
      verifySigV4(setAuth(req, auth.replace(/Signature=(\w+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`)), defaultOpts),
      'InvalidSignatureException',
      MISMATCH,
    );
    await rejects(verifySigV4(setAuth(req, auth.replace(/Signature=\w+/, 'Signature=')), defaultOpts), 'InvalidSignatureException', MISMATCH);
  });

  test('missing or malformed x-amz-date', async () => {
    const req = await sign();
    const { ['x-amz-date']: _dropped, ...headers } = req.headers;
    await rejects(
      verifySigV4({ ...req, headers }, defaultOpts),
      'IncompleteSignatureException',
      /^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. Authorization=AWS4-HMAC-SHA256 /,
    );
    await rejects(
      verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-date': '2024-05-01T12:00:00Z' } }, defaultOpts),
      'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '2024-05-01T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    );
    await rejects(
      verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-date': '20240231T120000Z' } }, defaultOpts),
      'IncompleteSignatureException',
      /^Date must be in ISO-8601 'basic format'/,
    );
  });
});

describe('verifySigV4 end to end with the real AWS SDK clients', () => {
  interface Seen {
    path: string;
    target: string | undefined;
    authorization: string | undefined;
    outcome: string;
  }
  const seen: Seen[] = [];
  let server: Server;
  let endpoint = '';

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const signed: SignedRequest = {
          method: req.method ?? 'GET',
          rawPath: q === -1 ? url : url.slice(0, q),
          rawQuery: q === -1 ? '' : url.slice(q + 1),
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks),
        };
        const record = (outcome: string) =>
          seen.push({
            path: signed.rawPath,
            target: req.headers['x-amz-target'] as string | undefined,
            authorization: req.headers.authorization,
            outcome,
          });
        verifySigV4(signed, { services: ['cognito-idp', 'cognito-identity'], lookup, now: Date.now() }).then(
          (ok) => {
            record(`ok:${ok.service}:${ok.accessKeyId}`);
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' });
            res.end('{}');
          },
          (err: unknown) => {
            const e = err instanceof CognitoError ? err : new CognitoError('InternalErrorException', String(err), 500);
            record(`${e.name}:${e.message}`);
            res.writeHead(e.status, {
              'content-type': 'application/x-amz-json-1.1',
              'x-amzn-errortype': `${e.name}:`,
              'x-amzn-requestid': 'req-1',
            });
            res.end(JSON.stringify({ __type: e.name, message: e.message }));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const idp = (secretAccessKey: string, extra: Record<string, unknown> = {}, path = '') =>
    new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: endpoint + path,
      credentials: { accessKeyId: AKID, secretAccessKey },
      ...extra,
    });

  test('ListUserPools signed by the SDK is accepted', async () => {
    seen.length = 0;
    const client = idp(SECRET);
    try {
      const out = await client.send(new ListUserPoolsCommand({ MaxResults: 1 }));
      assert.equal(out.$metadata.httpStatusCode, 200);
    } finally {
      client.destroy();
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.outcome, `ok:cognito-idp:${AKID}`);
    assert.equal(seen[0]!.path, '/');
    assert.equal(seen[0]!.target, 'AWSCognitoIdentityProviderService.ListUserPools');
    assert.match(seen[0]!.authorization ?? '', /\/us-east-1\/cognito-idp\/aws4_request, SignedHeaders=[^,]*host;/);
  });

  test('an endpoint with a path prefix is signed over "/prefix/"', async () => {
    seen.length = 0;
    const client = idp(SECRET, {}, '/prefix');
    try {
      await client.send(new ListUserPoolsCommand({ MaxResults: 1 }));
    } finally {
      client.destroy();
    }
    assert.equal(seen[0]!.path, '/prefix/');
    assert.equal(seen[0]!.outcome, `ok:cognito-idp:${AKID}`);
  });

  test('a wrong secret surfaces as InvalidSignatureException, without retries', async () => {
    seen.length = 0;
    const client = idp('wrong-secret');
    try {
      await assert.rejects(client.send(new ListUserPoolsCommand({ MaxResults: 1 })), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(err.name, 'InvalidSignatureException');
        assert.equal(err.message, MISMATCH);
        assert.equal(err.$metadata?.httpStatusCode, 403);
        return true;
      });
    } finally {
      client.destroy();
    }
    assert.equal(seen.length, 1, 'the SDK does not retry a plain signature mismatch');
  });

  test('an unknown access key surfaces as UnrecognizedClientException', async () => {
    const client = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'AKIDNOBODY', secretAccessKey: SECRET },
    });
    try {
      await assert.rejects(client.send(new ListUserPoolsCommand({ MaxResults: 1 })), {
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    } finally {
      client.destroy();
    }
  });

  test('a client clock 10 minutes slow is corrected by the SDK from our Date header and retried', async () => {
    seen.length = 0;
    const client = idp(SECRET, { systemClockOffset: -10 * 60 * 1000 });
    try {
      const out = await client.send(new ListUserPoolsCommand({ MaxResults: 1 }));
      assert.equal(out.$metadata.attempts, 2);
    } finally {
      client.destroy();
    }
    assert.equal(seen.length, 2);
    assert.match(seen[0]!.outcome, /^InvalidSignatureException:Signature expired: \d{8}T\d{6}Z is now earlier than /);
    assert.equal(seen[1]!.outcome, `ok:cognito-idp:${AKID}`);
  });

  test('cognito-identity client with session credentials passes the token to the lookup', async () => {
    seen.length = 0;
    lookupCalls.length = 0;
    const client = new CognitoIdentityClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: SESSION_AKID, secretAccessKey: SESSION_SECRET, sessionToken: SESSION_TOKEN },
    });
    try {
      await client.send(new ListIdentityPoolsCommand({ MaxResults: 1 }));
    } finally {
      client.destroy();
    }
    assert.equal(seen[0]!.outcome, `ok:cognito-identity:${SESSION_AKID}`);
    assert.equal(seen[0]!.target, 'AWSCognitoIdentityService.ListIdentityPools');
    assert.deepEqual(lookupCalls, [{ accessKeyId: SESSION_AKID, sessionToken: SESSION_TOKEN }]);
  });
});

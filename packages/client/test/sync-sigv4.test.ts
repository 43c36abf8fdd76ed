/**
 * The client's SigV4 signer (src/sync/sigv4.ts) against AWS's published test vectors (the
 * aws-sig-v4-test-suite cases get-vanilla, post-vanilla, get-vanilla-query-order-key-case, and the
 * IAM ListUsers example of the SigV4 guide), and against @smithy/signature-v4 (what the AWS SDK
 * signs Cognito Sync requests with) for the requests the SyncManager sends.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import sha256js from '@aws-crypto/sha256-js';
import { canonicalQuery, canonicalUri, signRequest } from '../src/sync/sigv4.js';

const { Sha256 } = sha256js;
const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_DATE = Date.parse('2015-08-30T12:36:00Z');

const signature = (authorization: string | undefined) => /Signature=([0-9a-f]{64})$/.exec(authorization ?? '')?.[1];

describe('SigV4 signer: AWS test vectors', () => {
  it('get-vanilla', async () => {
    const headers = await signRequest({ method: 'GET', url: 'https://example.amazonaws.com/', headers: {}, body: '' }, { accessKeyId: AKID, secretAccessKey: SECRET }, { region: 'us-east-1', service: 'service', now: SUITE_DATE }, { contentSha256Header: false });
    assert.equal(
      headers.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    assert.equal(headers['x-amz-date'], '20150830T123600Z');
    assert.equal(headers.host, undefined, 'host is signed, not returned: fetch sets it');
  });

  it('post-vanilla', async () => {
    const headers = await signRequest({ method: 'POST', url: 'https://example.amazonaws.com/', headers: {}, body: '' }, { accessKeyId: AKID, secretAccessKey: SECRET }, { region: 'us-east-1', service: 'service', now: SUITE_DATE }, { contentSha256Header: false });
    assert.equal(signature(headers.authorization), '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });

  it('get-vanilla-query-order-key-case', async () => {
    const headers = await signRequest({ method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1', headers: {}, body: '' }, { accessKeyId: AKID, secretAccessKey: SECRET }, { region: 'us-east-1', service: 'service', now: SUITE_DATE }, { contentSha256Header: false });
    assert.equal(signature(headers.authorization), 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('the IAM ListUsers example of the SigV4 guide', async () => {
    const headers = await signRequest(
      { method: 'GET', url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: '' },
      { accessKeyId: AKID, secretAccessKey: SECRET },
      { region: 'us-east-1', service: 'iam', now: SUITE_DATE },
      { contentSha256Header: false },
    );
    assert.equal(
      headers.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });

  it('canonical URI and query: labels encoded once more, query sorted and strictly encoded', () => {
    assert.equal(canonicalUri('/identitypools/us-east-1%3Aabc/datasets/my%20data'), '/identitypools/us-east-1%253Aabc/datasets/my%2520data');
    assert.equal(canonicalUri(''), '/');
    assert.equal(canonicalQuery('?b=2&a=x%2Fy&a=1&c'), 'a=1&a=x%2Fy&b=2&c=');
    assert.equal(canonicalQuery("?t=a+b!'()*"), 't=a%20b%21%27%28%29%2A');
  });
});

describe('SigV4 signer: same signature as @smithy/signature-v4 for Cognito Sync requests', () => {
  const credentials = { accessKeyId: 'ASIAEXAMPLESESSION', secretAccessKey: 'sessionSecretKey0123456789abcdefghijklmn', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars' };
  const now = Date.parse('2026-12-07T12:00:00Z');

  async function smithy(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: string) {
    const signer = new SignatureV4({ service: 'cognito-sync', region: 'eu-west-1', credentials, sha256: Sha256, applyChecksum: true });
    const signed = await signer.sign({ method, protocol: 'http:', hostname: '127.0.0.1', port: 9229, path, query, headers: { host: '127.0.0.1:9229', ...headers }, body }, { signingDate: new Date(now) });
    return signed.headers['authorization'];
  }

  it('GET ListRecords with encoded labels and a query', async () => {
    const path = '/identitypools/eu-west-1%3A0e8c7a4b-1d2c-4f6e-9a0b-123456789abc/identities/eu-west-1%3A11111111-2222-3333-4444-555555555555/datasets/my.data_set-1%3Ax/records';
    const query = { lastSyncCount: '12', syncSessionToken: 'a/b+c=d' };
    const ours = await signRequest(
      { method: 'GET', url: `http://127.0.0.1:9229${path}?lastSyncCount=12&syncSessionToken=${encodeURIComponent('a/b+c=d')}`, headers: {}, body: '' },
      credentials,
      { region: 'eu-west-1', service: 'cognito-sync', now },
    );
    assert.equal(ours.authorization, await smithy('GET', path, query, {}, ''));
    assert.equal(ours['x-amz-security-token'], credentials.sessionToken);
  });

  it('POST UpdateRecords with a JSON body and a content type', async () => {
    const path = '/identitypools/eu-west-1%3A0e8c7a4b-1d2c-4f6e-9a0b-123456789abc/identities/eu-west-1%3A11111111-2222-3333-4444-555555555555/datasets/settings';
    const body = JSON.stringify({ SyncSessionToken: 't', RecordPatches: [{ Op: 'replace', Key: 'thème', Value: '✓ dark', SyncCount: 0 }] });
    const headers = { 'content-type': 'application/json' };
    const ours = await signRequest({ method: 'POST', url: `http://127.0.0.1:9229${path}`, headers, body }, credentials, { region: 'eu-west-1', service: 'cognito-sync', now });
    assert.equal(ours.authorization, await smithy('POST', path, {}, headers, body));
  });
});

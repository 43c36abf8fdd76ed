/**
 * The two HTTP stacks behind the one listener (server.ts: raw node:http for the API POSTs, Hono for the
 * rest) answer CORS, the Date header and an oversized body alike, because both take them from
 * protocol/http-common.ts. Nothing here touches the database, so SQLite is enough.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';

const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools' };
const CORS = ['access-control-allow-origin', 'access-control-expose-headers', 'vary'];

describe('both HTTP stacks answer CORS, Date and body limits alike', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.stop());

  /** A raw-path answer (an awsJson POST) and a Hono answer (a GET), with the same extra headers. */
  const both = async (headers: Record<string, string>) => {
    const raw = await fetch(server.url + '/', { method: 'POST', headers: { ...AWS_JSON, ...headers }, body: '{}' });
    const hono = await fetch(server.url + '/health/live', { headers });
    await Promise.all([raw.text(), hono.text()]);
    return { raw, hono };
  };

  for (const origin of ['https://app.example', undefined]) {
    it(`sends the same CORS headers ${origin ? 'to a browser origin' : 'without an Origin'}`, async () => {
      const { raw, hono } = await both(origin ? { origin } : {});
      for (const name of CORS) assert.equal(raw.headers.get(name), hono.headers.get(name), name);
      assert.equal(raw.headers.get('access-control-allow-origin'), origin ?? '*');
      assert.equal(raw.headers.get('vary'), origin ? 'Origin' : null);
      assert.match(raw.headers.get('access-control-expose-headers') ?? '', /x-amzn-requestid/);
    });
  }

  it("dates both answers by the server's clock, not the machine's", async () => {
    server.clock.set(Date.UTC(2030, 0, 2, 3, 4, 5));
    const { raw, hono } = await both({});
    assert.equal(raw.headers.get('date'), 'Wed, 02 Jan 2030 03:04:05 GMT');
    assert.equal(hono.headers.get('date'), 'Wed, 02 Jan 2030 03:04:05 GMT');
  });

  it('refuses a query-protocol body over the limit with the same 413 on either stack', async () => {
    const limit = server.running.cognate.config.bodyLimitBytes;
    const body = 'Action=AssumeRoleWithWebIdentity&x=' + 'a'.repeat(limit);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // POST / goes to the raw path; a POST under /identity/ other than the verifier reaches the Hono app.
    const raw = await fetch(server.url + '/', { method: 'POST', headers: form, body });
    const hono = await fetch(server.url + '/identity/other', { method: 'POST', headers: form, body });
    const [rawText, honoText] = [await raw.text(), await hono.text()];
    assert.equal(raw.status, 413);
    assert.equal(hono.status, 413);
    assert.equal(rawText, honoText);
    assert.match(rawText, /<Code>RequestEntityTooLarge<\/Code>/);
    assert.equal(raw.headers.get('content-type'), hono.headers.get('content-type'));
  });
});

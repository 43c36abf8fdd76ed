/**
 * issue 10 item 11: a body over the limit is answered 413 in a way real clients read. Content-Length
 * announcing too much is refused before reading; a chunked body that turns out too large is answered
 * and its rest drained, so fetch and the AWS SDK (node:http) see the 413, not ECONNRESET/EPIPE. The
 * query protocol (STS, IAM) answers 413 in XML, not 500 with a logged stack trace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const LIMIT = 131072;
const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' };

for (const kind of databaseKinds) {
  describe(`oversized request bodies are answered 413 (issue 10 item 11) (${kind})`, () => {
    let server: TestServer;
    const logged: unknown[] = [];

    before(async () => {
      server = await startTestServer(kind);
      const log = server.running.cognate.log as unknown as Record<string, unknown>;
      for (const level of ['error', 'fatal', 'warn']) log[level] = (...args: unknown[]) => void logged.push(args);
    });
    after(() => server.stop());

    const bigJson = (bytes: number) => JSON.stringify({ ClientId: 'x', Username: 'u', Password: 'p', UserAttributes: [{ Name: 'name', Value: 'a'.repeat(bytes) }] });

    it('fetch with a Content-Length body over the limit reads a 413 SerializationException', async () => {
      for (const size of [LIMIT + 10, 200 * 1024, 4 * 1024 * 1024]) {
        const res = await fetch(server.url + '/', { method: 'POST', headers: JSON_HEADERS, body: bigJson(size) });
        assert.equal(res.status, 413);
        assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
        assert.equal(((await res.json()) as { __type: string }).__type, 'SerializationException');
      }
      // The connection (or a new one) still serves the next call.
      const ok = await fetch(server.url + '/', { method: 'POST', headers: JSON_HEADERS, body: '{}' });
      assert.equal(ok.status, 400);
      await ok.text();
    });

    it('a chunked body that grows past the limit is answered 413 and drained', async () => {
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        // Slowly, so the answer arrives while the client still sends (a closed socket would reset it).
        async pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"ClientId":"x","Username":"'));
          else await new Promise((resolve) => setTimeout(resolve, 2));
          if (sent >= 4 * 1024 * 1024) {
            controller.enqueue(new TextEncoder().encode('"}'));
            controller.close();
            return;
          }
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const res = await fetch(server.url + '/', { method: 'POST', headers: JSON_HEADERS, body, duplex: 'half' } as RequestInit);
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { __type: string }).__type, 'SerializationException');
    });

    it('the AWS SDK v3 client gets the 413 error, not a network error', async () => {
      for (const size of [200 * 1024, 2 * 1024 * 1024]) {
        let err: (Error & { $metadata?: { httpStatusCode?: number }; code?: string }) | undefined;
        try {
          await server.anonymous.send(new SignUpCommand({ ClientId: 'x', Username: 'u', Password: 'p', UserAttributes: [{ Name: 'name', Value: 'a'.repeat(size) }] }));
        } catch (e) {
          err = e as typeof err;
        }
        assert.ok(err, 'the call must fail');
        assert.equal(err.name, 'SerializationException', `${err.name}: ${err.message} ${err.code ?? ''}`);
        assert.equal(err.$metadata?.httpStatusCode, 413);
      }
    });

    it('an STS form body over the limit is an XML 413, not a 500', async () => {
      const body = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/x', RoleSessionName: 's', WebIdentityToken: 'a'.repeat(200 * 1024) }).toString();
      for (let i = 0; i < 3; i++) {
        const res = await fetch(server.url + '/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
        assert.equal(res.status, 413);
        const text = await res.text();
        assert.match(text, /^<ErrorResponse/);
        assert.match(text, /<Code>RequestEntityTooLarge<\/Code>/);
      }
    });

    it('nothing above was logged as an error (no stack traces)', () => {
      assert.deepEqual(logged, []);
    });
  });
}

/**
 * The operator's endpoint in the push-sync and streams suites: a real HTTP server that checks each
 * request's x-cognate-signature over the exact bytes (HMAC-SHA256 of `<t>.<body>`, constant-time
 * compare), records it, and can be told to fail the next requests (503) to prove the retries.
 * Also a raw SigV4 caller for the inputs the SDK won't send (null members, wrong types).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import { signSigV4 } from '../../../src/sync/streams-kinesis.js';
import type { TestServer } from '../../support/server.js';
import type { Device } from './helpers.js';

export const SYNC_WEBHOOK_SECRET = 'sync-webhook-secret-for-tests-0123';

export interface Delivery {
  path: string;
  idempotencyKey: string;
  body: any;
  raw: string;
}

export class Receiver {
  readonly deliveries: Delivery[] = [];
  /** Requests answered 503 (each one attempt), by idempotency key. */
  readonly refused: string[] = [];
  readonly badSignatures: string[] = [];
  url = '';
  private failing = 0;
  private server: Server | undefined;

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    r.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const key = String(req.headers['x-cognate-idempotency-key'] ?? '');
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-cognate-signature'] ?? ''));
        const expected = m ? createHmac('sha256', SYNC_WEBHOOK_SECRET).update(`${m[1]}.`).update(raw).digest() : Buffer.alloc(32);
        if (!m || !timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'))) {
          r.badSignatures.push(key);
          res.writeHead(401).end();
          return;
        }
        if (r.failing > 0) {
          r.failing--;
          r.refused.push(key);
          res.writeHead(503).end('try later');
          return;
        }
        r.deliveries.push({ path: req.url ?? '', idempotencyKey: key, body: JSON.parse(raw.toString('utf8')), raw: raw.toString('utf8') });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => r.server!.listen(0, '127.0.0.1', resolve));
    r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}`;
    return r;
  }

  /** The next `n` requests are answered 503. */
  failNext(n: number): void {
    this.failing = n;
  }

  /** Waits until `count` deliveries match `match`; returns them. */
  async waitFor(match: (d: Delivery) => boolean, count = 1, timeoutMs = 10_000): Promise<Delivery[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.deliveries.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > until) throw new Error(`timed out waiting for ${count} deliveries (have ${found.length} of ${this.deliveries.length})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Lets a few outbox passes (1 s apart) run. */
export const settle = (ms = 1500) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Cognito Sync request signed with the given credentials, body sent as is. */
export async function rawSync(
  url: string,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body: unknown,
  now: number,
): Promise<{ status: number; type: string; json: any }> {
  const target = new URL(path, url);
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = signSigV4({
    url: target,
    body: text,
    method,
    headers: { 'content-type': 'application/json', ...(creds.sessionToken ? { 'x-amz-security-token': creds.sessionToken } : {}) },
    region: 'us-east-1',
    service: 'cognito-sync',
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    now,
  });
  const res = await fetch(target, { method, headers, ...(method === 'GET' ? {} : { body: text }) });
  const answer = await res.text();
  let json: any = {};
  try {
    json = answer ? JSON.parse(answer) : {};
  } catch {
    json = { raw: answer };
  }
  return { status: res.status, type: res.headers.get('x-amzn-errortype')?.split(':')[0] ?? json.__type ?? '', json };
}

/**
 * A Sync client for a new guest identity of the pool (GetId, then that identity's credentials):
 * each call is another identity, whatever the credential provider caches.
 */
export async function newIdentity(server: TestServer, identityPoolId: string): Promise<Device & { creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } }> {
  const identityId = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId!;
  const common = { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 };
  const creds = await fromCognitoIdentity({ identityId, clientConfig: common })();
  return { client: new CognitoSyncClient({ ...common, credentials: creds }), identityId, identityPoolId, creds };
}

/**
 * Where a suite's trigger functions run, outside the server under test:
 * - a webhook receiver (a real HTTP server) that checks the x-cognate-signature header and answers
 *   with what the suite's handler returns;
 * - a Lambda stub speaking the Lambda Invoke protocol (`POST /2015-03-31/functions/{name}/invocations`,
 *   SigV4-signed by @aws-sdk/client-lambda; a failing function answers 200 with
 *   `X-Amz-Function-Error: Unhandled` and `{errorMessage, errorType}`, as Lambda does);
 * - ES modules written to a folder, for the module invoker.
 * Every event received is recorded, per function name, for the suite to inspect. Lambda functions
 * named `missing-…` don't exist (the stub answers 404 ResourceNotFoundException).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export type TriggerEvent = {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string | null;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: Record<string, any>;
  response: Record<string, any>;
};

/** What a handler does: return the answer (usually the event), throw to fail, or return a Raw body. */
export type Handler = (event: TriggerEvent) => unknown | Promise<unknown>;
/** A body sent as is, for malformed answers. */
export class Raw {
  constructor(readonly body: string) {}
}

export const WEBHOOK_SECRET = 'trigger-webhook-secret-for-tests';
export const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export class TriggerHost {
  /** Handlers by function name (the last part of the ARN). */
  readonly handlers = new Map<string, Handler>();
  /** Events received, by function name, oldest first. */
  readonly events = new Map<string, TriggerEvent[]>();
  /** Signature problems seen by the webhook receiver (must stay empty). */
  readonly badSignatures: string[] = [];
  /** Headers of the Lambda Invoke calls received. */
  readonly lambdaCalls: { path: string; authorization: string | undefined; invocationType: string | undefined }[] = [];
  webhookUrl = '';
  lambdaUrl = '';
  moduleDir = '';
  private servers: Server[] = [];

  static async start(): Promise<TriggerHost> {
    const host = new TriggerHost();
    host.moduleDir = await mkdtemp(path.join(tmpdir(), 'cognate-triggers-'));
    const webhook = createServer(async (req, res) => {
      const text = await body(req);
      const name = (req.url ?? '/').slice(1);
      const header = String(req.headers['x-cognate-signature'] ?? '');
      const parts = Object.fromEntries(header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
      const expected = createHmac('sha256', WEBHOOK_SECRET).update(`${parts.t}.${text}`).digest();
      const given = Buffer.from(parts.v1 ?? '', 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) host.badSignatures.push(name);
      const outcome = await host.run(name, text);
      res.writeHead(outcome.error !== undefined ? 500 : 200, { 'content-type': 'application/json' });
      res.end(outcome.error !== undefined ? JSON.stringify({ errorMessage: outcome.error }) : outcome.body);
    });
    const lambda = createServer(async (req, res) => {
      const text = await body(req);
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ Type: 'User', message: 'Function not found' }));
        return;
      }
      host.lambdaCalls.push({ path: req.url!, authorization: req.headers.authorization, invocationType: req.headers['x-amz-invocation-type'] as string | undefined });
      const name = decodeURIComponent(match[1]!).split(':').pop()!;
      if (name.startsWith('missing-')) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${decodeURIComponent(match[1]!)}` }));
        return;
      }
      const outcome = await host.run(name, text);
      if (outcome.error !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
        res.end(JSON.stringify({ errorType: 'Error', errorMessage: outcome.error, trace: [] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      res.end(outcome.body);
    });
    host.servers = [webhook, lambda];
    host.webhookUrl = await listen(webhook);
    host.lambdaUrl = await listen(lambda);
    return host;
  }

  private async run(name: string, text: string): Promise<{ body: string; error?: string }> {
    const event = JSON.parse(text) as TriggerEvent;
    this.events.set(name, [...(this.events.get(name) ?? []), event]);
    const handler = this.handlers.get(name) ?? ((e: TriggerEvent) => e);
    try {
      const answer = await handler(event);
      return { body: answer instanceof Raw ? answer.body : JSON.stringify(answer) };
    } catch (err) {
      return { body: '', error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The events a function received, or fails the test when it received none. */
  received(name: string): TriggerEvent[] {
    return this.events.get(name) ?? [];
  }

  last(name: string): TriggerEvent {
    const events = this.received(name);
    if (events.length === 0) throw new Error(`${name} received no event`);
    return events[events.length - 1]!;
  }

  /** Writes an ES module and returns its path. */
  async module(name: string, source: string): Promise<string> {
    const file = path.join(this.moduleDir, `${name}.mjs`);
    await writeFile(file, source);
    return file;
  }

  async stop(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await rm(this.moduleDir, { recursive: true, force: true });
  }
}

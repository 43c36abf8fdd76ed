/**
 * The HTTP face of Cognate: one listener serving the awsJson APIs (any POST path), the JWKS and
 * OIDC discovery documents, health checks and Prometheus metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Cognate } from './domain/cognate.js';
import { startImportJobSweeper } from './domain/import-jobs.js';
import { handleAwsJson } from './protocol/awsjson.js';
import { isTransientStoreError } from './store/faults.js';
import { importUploadHandler, importUploadLimit } from './protocol/import-upload.js';
import { handleQuery } from './protocol/query.js';
import { verifyOverHttp } from './protocol/verify-http.js';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/** Headers the AWS SDK, amazon-cognito-identity-js and Amplify send (protocol.md §1.1). */
const CORS_ALLOW_HEADERS = [
  'content-type', 'x-amz-target', 'x-amz-user-agent', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
  'authorization', 'amz-sdk-invocation-id', 'amz-sdk-request', 'cache-control', 'x-amz-client-context',
].join(', ');
const CORS_EXPOSE_HEADERS = 'x-amzn-requestid, x-amzn-errortype, date';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

export interface CognateServer {
  app: Hono<{ Bindings: HttpBindings }>;
  /** The base URL it listens on, e.g. http://127.0.0.1:9229. */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Metrics {
  registry: Registry;
  observe(action: string, outcome: string, started: bigint): void;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cognate_' });
  const requests = new Counter({ name: 'cognate_requests_total', help: 'API requests by action and outcome', labelNames: ['action', 'outcome'] as const, registers: [registry] });
  const latency = new Histogram({
    name: 'cognate_request_duration_seconds',
    help: 'API request latency by action',
    labelNames: ['action'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    observe(action, outcome, started) {
      requests.inc({ action, outcome });
      latency.observe({ action }, Number(process.hrtime.bigint() - started) / 1e9);
    },
  };
}

/** The Hono app for everything but the awsJson POSTs (health, metrics, keys, discovery, uploads, CORS). */
export function createApp(cognate: Cognate, metrics: Metrics = createMetrics()): Hono<{ Bindings: HttpBindings }> {
  const { registry } = metrics;
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'access-control-allow-origin': origin ?? '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': c.req.header('access-control-request-headers') ?? CORS_ALLOW_HEADERS,
        'access-control-max-age': '86400',
        vary: 'Origin, Access-Control-Request-Headers',
      });
    }
    await next();
    // The Date header follows the server's clock, which SDKs use to correct their own skew for SigV4.
    c.header('date', new Date(cognate.clock.now()).toUTCString());
    c.header('access-control-allow-origin', origin ?? '*');
    c.header('access-control-expose-headers', CORS_EXPOSE_HEADERS);
    if (origin) c.header('vary', 'Origin');
  });

  app.get('/health/live', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', async (c) => {
    try {
      await cognate.store.ping();
      return c.json({ status: 'ok', database: cognate.store.dialect });
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
  });
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));

  // The identity issuer (identity/openid.ts): GetOpenIdToken's tokens verify against these.
  app.get('/identity/.well-known/openid-configuration', (c) =>
    c.json({
      issuer: cognate.identity.openId.issuer(),
      jwks_uri: `${cognate.identity.openId.issuer()}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'aud', 'amr', 'iss', 'exp', 'iat'],
    }),
  );
  const identityJwks = async (c: Context) => c.json(await cognate.identity.openId.jwks(), 200, { 'cache-control': 'public, max-age=300' });
  app.get('/identity/.well-known/jwks.json', identityJwks);
  app.get('/identity/.well-known/jwks_uri', identityJwks);

  app.get('/:poolId/.well-known/jwks.json', async (c) => {
    const poolId = c.req.param('poolId');
    if (!POOL_ID.test(poolId) || !(await cognate.pools.find(poolId))) return c.json({ message: 'User pool not found' }, 404);
    return c.json(await cognate.keys.jwks(poolId, cognate.clock.now()), 200, { 'cache-control': 'public, max-age=300' });
  });

  app.get('/:poolId/.well-known/openid-configuration', async (c) => {
    const poolId = c.req.param('poolId');
    if (!POOL_ID.test(poolId) || !(await cognate.pools.find(poolId))) return c.json({ message: 'User pool not found' }, 404);
    const issuer = cognate.tokens.issuer(poolId);
    const base = cognate.config.publicUrl;
    return c.json({
      issuer,
      jwks_uri: `${base}/${poolId}/.well-known/jwks.json`,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  // The PreSignedUrl of CreateUserImportJob: the CSV upload (domain/import-jobs.ts).
  app.put('/import-jobs/:jobId', importUploadLimit, importUploadHandler(cognate));

  // The query protocol: STS AssumeRoleWithWebIdentity and the IAM role calls (protocol/query.ts).
  const queryTooLarge = (c: Context) =>
    c.body(queryBodyTooLarge(cognate.config.bodyLimitBytes), 413, { 'content-type': 'text/xml' });
  app.post('*', bodyLimit({ maxSize: cognate.config.bodyLimitBytes, onError: queryTooLarge }), async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return c.json({ message: 'Not found' }, 404);
    const body = Buffer.from(await c.req.arrayBuffer());
    const out = await handleQuery(cognate, { method: 'POST', url: c.env.incoming.url ?? '/', headers: c.env.incoming.headers, body });
    return c.body(out.body, out.status as 200, { ...out.headers, 'content-type': 'text/xml' });
  });

  app.notFound((c) => c.json({ message: 'Not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (isTransientStoreError(err)) {
      cognate.log.warn({ err }, 'database unavailable');
      c.header('retry-after', '1');
      return c.json({ __type: 'InternalErrorException', message: 'The service is temporarily unavailable; try again.' }, 503);
    }
    cognate.log.error({ err }, 'unhandled error');
    return c.json({ __type: 'InternalErrorException', message: 'An internal error occurred.' }, 500);
  });
  return app;
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return { 'access-control-allow-origin': origin ?? '*', 'access-control-expose-headers': CORS_EXPOSE_HEADERS, ...(origin ? { vary: 'Origin' } : {}) };
}

/** The query protocol's (STS, IAM) answer to a body over the limit. */
function queryBodyTooLarge(limit: number): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>The request body exceeds ${limit} bytes.</Message></Error></ErrorResponse>`;
}

/**
 * After refusing a body, how much of its rest is read and discarded so that the client, still sending,
 * reads the 413 instead of a reset connection; past either bound the connection is dropped.
 */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const DRAIN_MAX_MS = 5000;

/**
 * Reads a POST body of at most `limit` bytes and hands it on. A larger one is refused with 413: at once
 * when Content-Length announces it, else as soon as the chunks pass the limit. The rest of the body is
 * then drained (up to DRAIN_MAX_BYTES / DRAIN_MAX_MS), because closing while the client still writes
 * makes it see ECONNRESET/EPIPE, not the answer (and the AWS SDK then retries).
 */
function withBody(cognate: Cognate, req: IncomingMessage, res: ServerResponse, onBody: (body: Buffer) => void, xml = false): void {
  const limit = cognate.config.bodyLimitBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  let drained = 0;
  const refuse = (announced: number | undefined) => {
    refused = true;
    chunks.length = 0;
    // A body too large to drain closes the connection after the answer; otherwise it stays usable.
    const close = announced !== undefined && announced - size > DRAIN_MAX_BYTES;
    const body = xml ? queryBodyTooLarge(limit) : JSON.stringify({ __type: 'SerializationException', message: `The request body exceeds ${limit} bytes.` });
    res.writeHead(413, {
      ...(xml ? { 'content-type': 'text/xml' } : { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'SerializationException' }),
      'content-length': Buffer.byteLength(body),
      ...(close ? { connection: 'close' } : {}),
      date: new Date(cognate.clock.now()).toUTCString(),
      ...corsHeaders(req),
    });
    res.end(body);
    const timer = setTimeout(() => req.socket.destroy(), DRAIN_MAX_MS);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
  };
  const announced = Number(req.headers['content-length']);
  if (req.headers['content-length'] !== undefined && Number.isFinite(announced) && announced > limit) refuse(announced);
  req.on('data', (chunk: Buffer) => {
    if (refused) {
      drained += chunk.length;
      if (drained > DRAIN_MAX_BYTES) req.socket.destroy();
      return;
    }
    size += chunk.length;
    if (size > limit) {
      refuse(undefined);
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (!refused) onBody(Buffer.concat(chunks, size));
  });
}

/** Writes an answer with the server's Date (SDKs correct their SigV4 clock skew by it) and CORS. */
function send(cognate: Cognate, req: IncomingMessage, res: ServerResponse, out: { status: number; headers: Record<string, string>; body: string }): void {
  res.writeHead(out.status, { ...out.headers, date: new Date(cognate.clock.now()).toUTCString(), 'content-length': Buffer.byteLength(out.body), ...corsHeaders(req) });
  res.end(out.body);
}

/**
 * The awsJson POSTs — every API call — are served straight from node:http: they are the hot path,
 * and turning each into a WHATWG Request and Response for Hono cost about a quarter of a GetUser.
 * The identity verifier's POSTs too. Everything else goes to the Hono app.
 */
function awsJsonListener(cognate: Cognate, metrics: Metrics) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    withBody(cognate, req, res, (body) => {
      const raw = { method: 'POST', url: req.url ?? '/', headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '' };
      void handleAwsJson(cognate, raw, ({ action, outcome }) => metrics.observe(action, outcome, started)).then((out) => send(cognate, req, res, out));
    });
  };
}

/** The query protocol's form POSTs (STS, IAM; protocol/query.ts), read with the same body limit. */
function queryListener(cognate: Cognate) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    withBody(cognate, req, res, (body) => {
      void handleQuery(cognate, { method: 'POST', url: req.url ?? '/', headers: req.headers, body }).then((out) =>
        send(cognate, req, res, { status: out.status, headers: { ...out.headers, 'content-type': 'text/xml' }, body: out.body }),
      );
    }, true);
  };
}

/** `POST /identity/verify` (protocol/verify-http.ts). */
function verifyListener(cognate: Cognate) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    withBody(cognate, req, res, (body) => {
      verifyOverHttp(cognate, body).then(
        (out) => send(cognate, req, res, { status: out.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out.json) }),
        (err: unknown) => {
          if (isTransientStoreError(err)) {
            // The same retryable answer as the API's (protocol/awsjson.ts): 503 with Retry-After.
            cognate.log.warn({ err }, 'database unavailable');
            send(cognate, req, res, { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ __type: 'InternalErrorException', message: 'The service is temporarily unavailable; try again.' }) });
            return;
          }
          cognate.log.error({ err }, 'unhandled error');
          send(cognate, req, res, { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ __type: 'InternalErrorException', message: 'An internal error occurred.' }) });
        },
      );
    });
  };
}

function isQueryProtocol(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Starts listening; resolves once the port is bound. */
export async function listen(cognate: Cognate, opts: { port: number; host: string }): Promise<CognateServer> {
  const metrics = createMetrics();
  const app = createApp(cognate, metrics);
  const rest = getRequestListener(app.fetch);
  const api = awsJsonListener(cognate, metrics);
  const verify = verifyListener(cognate);
  const query = queryListener(cognate);
  const server: Server = createServer((req, res) => {
    // awsJson POSTs go straight to the API, the identity verifier's to it and form-encoded POSTs (the
    // query protocol: STS, IAM roles) to handleQuery, all through withBody; everything else goes to Hono.
    if (req.method === 'POST' && (req.url === '/identity/verify' || req.url?.startsWith('/identity/verify?'))) verify(req, res);
    else if (req.method === 'POST' && !req.url?.startsWith('/identity/')) (isQueryProtocol(req) ? query : api)(req, res);
    else void rest(req, res);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve((server.address() as AddressInfo).port));
  });
  cognate.outbox.start();
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Listening on any free port (0), the default public URL (http://localhost:0) names no server;
  // the URLs handed to clients (import jobs' PreSignedUrl, discovery) need the real one.
  if (cognate.config.publicUrl === 'http://localhost:0') cognate.config.publicUrl = url;
  // Import jobs a node left behind (it died or shut down mid-job) resume here.
  const stopSweeper = startImportJobSweeper(cognate);
  return {
    app,
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        stopSweeper();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

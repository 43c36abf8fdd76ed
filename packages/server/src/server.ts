/**
 * The HTTP face of Cognate: one listener serving the awsJson APIs (any POST path), the JWKS and
 * OIDC discovery documents, health checks and Prometheus metrics.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serve, type HttpBindings, type ServerType } from '@hono/node-server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Cognate } from './domain/cognate.js';
import { handleAwsJson } from './protocol/awsjson.js';
import { importUploadHandler, importUploadLimit } from './protocol/import-upload.js';

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

export function createApp(cognate: Cognate): Hono<{ Bindings: HttpBindings }> {
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

  app.post(
    '*',
    bodyLimit({
      maxSize: cognate.config.bodyLimitBytes,
      onError: (c) =>
        c.json({ __type: 'SerializationException', message: `The request body exceeds ${cognate.config.bodyLimitBytes} bytes.` }, 413, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': 'SerializationException',
          // The unread rest of the body makes the connection unusable; don't let the client reuse it.
          connection: 'close',
        }),
    }),
    async (c) => {
      const started = process.hrtime.bigint();
      const incoming: IncomingMessage = c.env.incoming;
      const body = Buffer.from(await c.req.arrayBuffer());
      const res = await handleAwsJson(
        cognate,
        { method: 'POST', url: incoming.url ?? '/', headers: incoming.headers, body, sourceIp: incoming.socket.remoteAddress ?? '' },
        ({ action, outcome }) => {
          requests.inc({ action, outcome });
          latency.observe({ action }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      );
      return c.body(res.body, res.status as 200, res.headers);
    },
  );

  app.notFound((c) => c.json({ message: 'Not found' }, 404));
  app.onError((err, c) => {
    cognate.log.error({ err }, 'unhandled error');
    return c.json({ __type: 'InternalErrorException', message: 'An internal error occurred.' }, 500);
  });
  return app;
}

/** Starts listening; resolves once the port is bound. */
export async function listen(cognate: Cognate, opts: { port: number; host: string }): Promise<CognateServer> {
  const app = createApp(cognate);
  let server: ServerType;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, (info: AddressInfo) => resolve(info.port));
    server.once('error', reject);
  });
  cognate.outbox.start();
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Listening on any free port (0), the default public URL (http://localhost:0) names no server;
  // the URLs handed to clients (import jobs' PreSignedUrl, discovery) need the real one.
  if (cognate.config.publicUrl === 'http://localhost:0') cognate.config.publicUrl = url;
  return {
    app,
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

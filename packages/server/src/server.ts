/**
 * The HTTP face of Cognate: one listener serving the awsJson APIs (any POST path), the query protocol (STS, IAM),
 * the identity verifier, the JWKS and OIDC discovery documents, the import-job upload, health checks and
 * Prometheus metrics.
 *
 * Why two HTTP stacks behind the one listener. The API POSTs (awsJson, and the query protocol's and identity
 * verifier's form/JSON POSTs) are served straight from node:http: they are every API call, the hot path, and
 * handing each to Hono meant building a WHATWG Request and Response around it, which cost about a quarter of a
 * GetUser's server CPU. Serving them raw, together with prepared-statement reuse and a settings cache, cut the CPU per
 * operation by 26% (SRP), 31% (refresh) and 66% (GetUser), and the verifier went from 0.45 to 0.15 ms per check
 * (docs/benchmarks.md, "History" and "Verifier over HTTP"). Everything else — GETs, preflights, the upload PUT —
 * is rare, has routes and parameters, and reads better as a Hono app. What the two must answer alike (CORS, the
 * body limit and its 413, the Date header, the 500/503 fault answers) lives once, in protocol/http-common.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Cognate } from './domain/cognate.js';
import { startImportJobSweeper } from './domain/import-jobs.js';
import { handleAwsJson } from './protocol/awsjson.js';
import { faultBody, honoBodyLimit, honoCorsAndDate, readBody, sendRaw, UNAVAILABLE, type BodyDialect } from './protocol/http-common.js';
import { isTransientStoreError } from './store/faults.js';
import { importUploadHandler, importUploadLimit } from './protocol/import-upload.js';
import { handleQuery } from './protocol/query.js';
import { isHostedUiPost, registerHostedUi } from './protocol/hosted-ui/routes.js';
import { isConsolePath, registerConsole } from './console/routes.js';
import { verifyOverHttp } from './protocol/verify-http.js';
import { isTokenPath, registerOAuthEndpoints, tokenListener } from './protocol/oauth/routes.js';
import { HTTPException } from 'hono/http-exception';
import { listenerTls, type TlsInfo } from './tls/listener.js';
import { withRequestContext } from './domain/threat-protection/request-context.js';
import { RunnerLease } from './domain/runner-lease.js';
import { gracefulShutdown } from './graceful-shutdown.js';
import { metricsText } from './cluster-metrics.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

export interface CognateServer {
  app: Hono<{ Bindings: HttpBindings }>;
  /** The base URL it listens on, e.g. http://127.0.0.1:9229 (https:// under TLS). */
  url: string;
  port: number;
  /** Under TLS: where the certificates come from (and, in development mode, the CA clients must trust). */
  tls?: TlsInfo;
  /**
   * Stops listening and resolves once every connection is closed. With `graceMs` (graceful
   * shutdown), requests in flight are finished first — each answered with `Connection: close`,
   * idle keep-alive connections closed at once — and connections still open after `graceMs` are
   * cut; without, every connection is cut at once.
   */
  close(graceMs?: number): Promise<void>;
}

interface Metrics {
  registry: Registry;
  /** What /metrics serves: under `--workers N`, the sum over the workers (cluster-metrics.ts). */
  text(): Promise<string>;
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
    text: metricsText(registry),
    observe(action, outcome, started) {
      requests.inc({ action, outcome });
      latency.observe({ action }, Number(process.hrtime.bigint() - started) / 1e9);
    },
  };
}

/** The Hono app for everything but the awsJson POSTs (health, metrics, keys, discovery, uploads, CORS). */
export function createApp(cognate: Cognate, metrics: Metrics = createMetrics()): Hono<{ Bindings: HttpBindings }> {
  const { registry, text: metricsBody } = metrics;
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use('*', honoCorsAndDate(cognate.clock));

  app.get('/health/live', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', async (c) => {
    try {
      await cognate.store.ping();
      return c.json({ status: 'ok', database: cognate.store.dialect });
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
  });
  app.get('/metrics', async (c) => c.body(await metricsBody(), 200, { 'content-type': registry.contentType }));

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

  // The OAuth endpoints and the pool's discovery document (protocol/oauth/).
  registerOAuthEndpoints(app, cognate);

  // The PreSignedUrl of CreateUserImportJob: the CSV upload (domain/import-jobs.ts).
  app.put('/import-jobs/:jobId', importUploadLimit, importUploadHandler(cognate));

  registerHostedUi(app, cognate);
  registerConsole(app, cognate);

  // The query protocol: STS AssumeRoleWithWebIdentity and the IAM role calls (protocol/query.ts).
  app.post('*', honoBodyLimit(cognate.config.bodyLimitBytes, 'query'), async (c) => {
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
      c.header('retry-after', UNAVAILABLE.retryAfterSeconds);
      return c.json(faultBody(true), UNAVAILABLE.status);
    }
    cognate.log.error({ err }, 'unhandled error');
    return c.json(faultBody(false), 500);
  });
  return app;
}

/** Reads the body of a raw-path POST within the body limit (protocol/http-common.ts), then hands it on. */
function withBody(cognate: Cognate, req: IncomingMessage, res: ServerResponse, onBody: (body: Buffer) => void, dialect: BodyDialect = 'json', limit = cognate.config.bodyLimitBytes): void {
  readBody(req, res, { limit, dialect, clock: cognate.clock }, onBody);
}

/**
 * The few API actions whose bodies carry images, and so may be larger than the body limit every
 * other request gets: SetUICustomization (a logo of up to 128 KiB, base64, beside up to 128 KiB of
 * CSS) and the managed-login branding calls (image assets). The allowance is chosen from the
 * X-Amz-Target header before a byte is read, and is a floor: a larger --body-limit still applies.
 */
const LARGE_BODY_ACTIONS: Readonly<Record<string, number>> = {
  'AWSCognitoIdentityProviderService.SetUICustomization': 512 * 1024,
  'AWSCognitoIdentityProviderService.CreateManagedLoginBranding': 4 * 1024 * 1024,
  'AWSCognitoIdentityProviderService.UpdateManagedLoginBranding': 4 * 1024 * 1024,
};

function apiBodyLimit(cognate: Cognate, req: IncomingMessage): number {
  const target = req.headers['x-amz-target'];
  const allowance = typeof target === 'string' ? LARGE_BODY_ACTIONS[target] : undefined;
  return allowance === undefined ? cognate.config.bodyLimitBytes : Math.max(allowance, cognate.config.bodyLimitBytes);
}

/** Writes a raw-path answer with the server's Date and CORS (protocol/http-common.ts). */
function send(cognate: Cognate, req: IncomingMessage, res: ServerResponse, out: { status: number; headers: Record<string, string>; body: string }): void {
  sendRaw(req, res, cognate.clock, out);
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
    }, 'json', apiBodyLimit(cognate, req));
  };
}

/** The query protocol's form POSTs (STS, IAM; protocol/query.ts), read with the same body limit. */
function queryListener(cognate: Cognate) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    withBody(cognate, req, res, (body) => {
      void handleQuery(cognate, { method: 'POST', url: req.url ?? '/', headers: req.headers, body }).then((out) =>
        send(cognate, req, res, { status: out.status, headers: { ...out.headers, 'content-type': 'text/xml' }, body: out.body }),
      );
    }, 'query');
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
            send(cognate, req, res, { status: UNAVAILABLE.status, headers: { 'content-type': 'application/json', 'retry-after': UNAVAILABLE.retryAfterSeconds }, body: JSON.stringify(faultBody(true)) });
            return;
          }
          cognate.log.error({ err }, 'unhandled error');
          send(cognate, req, res, { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify(faultBody(false)) });
        },
      );
    });
  };
}

function isQueryProtocol(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The base URL of a listener bound to `host`:`port` (the wildcard addresses answer on the loopback). */
export function listenerUrl(bound: string, port: number, tls: boolean): string {
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Starts listening; resolves once the port is bound. */
export async function listen(cognate: Cognate, opts: { port: number; host: string }): Promise<CognateServer> {
  const metrics = createMetrics();
  const app = createApp(cognate, metrics);
  const rest = getRequestListener(app.fetch);
  const api = awsJsonListener(cognate, metrics);
  const verify = verifyListener(cognate);
  const query = queryListener(cognate);
  const oauthToken = tokenListener(cognate, (outcome, started) => metrics.observe('oauth2.token', outcome, started));
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    graceful.track(req, res);
    route(req, res);
  };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    // awsJson POSTs go straight to the API, the identity verifier's to it and form-encoded POSTs (the
    // query protocol: STS, IAM roles) to handleQuery, all through withBody; everything else goes to Hono.
    if (req.method === 'POST' && (req.url === '/identity/verify' || req.url?.startsWith('/identity/verify?'))) verify(req, res);
    else if (req.method === 'POST' && isTokenPath(req.url)) oauthToken(req, res);
    else if (req.method === 'POST' && !req.url?.startsWith('/identity/') && !req.url?.startsWith('/oauth2/') && !isHostedUiPost(req.url) && !isConsolePath(req.url)) (isQueryProtocol(req) ? query : api)(req, res);
    // The hosted UI's pages sign in too: threat protection's auth events take the browser's address from here.
    else void withRequestContext({ sourceIp: req.socket.remoteAddress ?? '', userAgent: req.headers['user-agent'] }, async () => rest(req, res));
  };
  // The same listener over TLS when configured (--tls-cert/--tls-key, or --tls-dev: tls/listener.ts).
  const tls = await listenerTls(cognate);
  const https = tls ? createHttpsServer(tls.options, onRequest) : undefined;
  const server: Server = https ?? createServer(onRequest);
  const stopTls = https && tls ? tls.attach(https) : () => {};
  const graceful = gracefulShutdown(server, !!https);
  // Idle keep-alive connections stay open longer than the clients and balancers that reuse them keep
  // theirs (the AWS SDK keeps sockets alive; an ALB idles out at 60 s). With Node's 5 s default, a
  // request written on a socket the server is just closing fails with ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve((server.address() as AddressInfo).port));
  });
  // The background sweeps (outbox retries, abandoned import jobs) run on one worker of all the
  // workers and nodes on this database: the holder of the runner lease (domain/runner-lease.ts).
  const runner = new RunnerLease(cognate, 'background', () => {
    cognate.outbox.kick();
    sweeper.sweep();
  });
  cognate.outbox.start(1000, () => runner.held);
  // The request-rate counts are shared with the other workers and nodes by a serving process only (docs/rate-limits.md).
  if (cognate.config.rateLimits) cognate.rateLimits.start();
  const url = listenerUrl(opts.host, port, !!tls);
  // Listening on any free port (0), the default public URL (http://localhost:0) names no server;
  // the URLs handed to clients (import jobs' PreSignedUrl, discovery) need the real one.
  if (/^https?:\/\/localhost:0$/.test(cognate.config.publicUrl)) cognate.config.publicUrl = url;
  // Import jobs a node left behind (it died or shut down mid-job) resume here.
  const sweeper = startImportJobSweeper(cognate, () => runner.held);
  runner.start();
  return {
    app,
    port,
    url,
    ...(tls ? { tls: tls.info } : {}),
    close: async (graceMs = 0) => {
      sweeper.stop();
      stopTls();
      await graceful.shutdown(graceMs);
      await runner.stop();
    },
  };
}

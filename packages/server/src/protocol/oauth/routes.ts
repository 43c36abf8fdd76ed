/**
 * The OAuth 2.0 / OpenID Connect endpoints of the authorization server: token, userInfo, revoke
 * and the pool's discovery document (the hosted UI's pages, /oauth2/authorize and /logout are
 * protocol/hosted-ui/). `POST /oauth2/token` is also served straight from node:http (server.ts's
 * dispatch calls {@link tokenListener}); the Hono route answers the same for `app.request`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Cognate } from '../../domain/cognate.js';
import { findPoolByHost } from '../../domain/user-pool-domains.js';
import { honoBodyLimit, readBody, sendRaw } from '../http-common.js';
import { discoveryDocument } from './discovery.js';
import { handleRevokeRequest } from './revoke.js';
import { handleTokenRequest, tokenFailure } from './token.js';
import { handleUserInfoRequest } from './userinfo.js';
import { jsonAnswer, type RawAnswer } from './wire.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

/** Whether a raw request is `POST /oauth2/token` (with or without a query string). */
export const isTokenPath = (url: string | undefined) => url === '/oauth2/token' || (url?.startsWith('/oauth2/token?') ?? false);

/**
 * `POST /oauth2/token` on the node:http path: the body within the limit, then {@link handleTokenRequest}.
 * `observe` gets the outcome (`ok` or the RFC 6749 error code) and the start time, for the metrics.
 */
export function tokenListener(cognate: Cognate, observe?: (outcome: string, started: bigint) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    readBody(req, res, { limit: cognate.config.bodyLimitBytes, dialect: 'oauth', clock: cognate.clock }, (body) => {
      const done = (out: RawAnswer) => {
        observe?.(out.status === 200 ? 'ok' : outcomeOf(out), started);
        sendRaw(req, res, cognate.clock, out);
      };
      handleTokenRequest(cognate, { headers: req.headers, body }).then(done, (err: unknown) => done(tokenFailure(cognate, err, false)));
    });
  };
}

function outcomeOf(out: RawAnswer): string {
  if (out.status >= 500) return 'InternalErrorException';
  try {
    const error = (JSON.parse(out.body) as { error?: unknown }).error;
    return typeof error === 'string' ? error : 'error';
  } catch {
    return 'error';
  }
}

function answer(c: Context, out: RawAnswer): Response {
  return out.body === '' ? c.body(null, out.status as 200, out.headers) : c.body(out.body, out.status as 200, out.headers);
}

async function bodyOf(c: Context<{ Bindings: HttpBindings }>): Promise<Buffer> {
  return Buffer.from(await c.req.arrayBuffer());
}

export function registerOAuthEndpoints(app: Hono<{ Bindings: HttpBindings }>, cognate: Cognate): void {
  const limit = honoBodyLimit(cognate.config.bodyLimitBytes, 'oauth');
  const served = () => ({
    authorize: app.routes.some((r) => r.path === '/oauth2/authorize' && (r.method === 'GET' || r.method === 'ALL')),
    logout: app.routes.some((r) => r.path === '/logout' && (r.method === 'GET' || r.method === 'ALL')),
  });

  app.get('/:poolId/.well-known/openid-configuration', async (c) => {
    const poolId = c.req.param('poolId');
    const pool = POOL_ID.test(poolId) ? await cognate.pools.find(poolId) : undefined;
    if (!pool) return c.json({ message: 'User pool not found' }, 404);
    const host = c.req.header('host');
    const onDomain = host !== undefined && (await findPoolByHost(cognate, host)) === poolId;
    const base = onDomain ? new URL(c.req.url).origin : cognate.config.publicUrl;
    return c.json(discoveryDocument(cognate, pool, host, base, served()));
  });

  app.post('/oauth2/token', limit, async (c) => answer(c, await handleTokenRequest(cognate, { headers: c.env.incoming.headers, body: await bodyOf(c) })));
  app.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/oauth2/token', (c) => answer(c, jsonAnswer(405, { error: 'invalid_request' }, { allow: 'POST' })));

  const userInfo = async (c: Context<{ Bindings: HttpBindings }>) =>
    answer(c, await handleUserInfoRequest(cognate, { method: c.req.method, headers: c.env.incoming.headers, body: c.req.method === 'POST' ? await bodyOf(c) : Buffer.alloc(0) }));
  for (const path of ['/oauth2/userInfo', '/oauth2/userinfo']) {
    app.get(path, userInfo);
    app.post(path, limit, userInfo);
  }

  app.post('/oauth2/revoke', limit, async (c) => answer(c, await handleRevokeRequest(cognate, { headers: c.env.incoming.headers, body: await bodyOf(c) })));
  app.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/oauth2/revoke', (c) => answer(c, jsonAnswer(405, { error: 'invalid_request' }, { allow: 'POST' })));
}

/**
 * The restJson1 adapter of Cognito Sync: the operation comes from the HTTP method and path
 * (routes.ts), the input from the URI labels, query string, headers and JSON body; answers are
 * `application/json`, errors carry their name in `x-amzn-errortype`, `{"message"}` as the body and the
 * model's status (errors.ts). Steps, in order: route → body → signature (auth.ts) → model
 * validation → authorisation → action.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CognitoError } from '../errors.js';
import type { Cognate } from '../domain/cognate.js';
import { assertDepth, validateInput } from '../protocol/model.js';
import { isTransientStoreError } from '../store/faults.js';
import { INTERNAL_ERROR, readBody, sendRaw, UNAVAILABLE } from '../protocol/http-common.js';
import type { Outcome, RawRequest, RawResponse } from '../protocol/awsjson.js';
import { authenticate, authorize } from './auth.js';
import { syncStatus } from './errors.js';
import { bindInput, coerceBound, matchRoute, parseQuery } from './routes.js';
import { syncActions } from './actions/index.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function header(headers: RawRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The JSON body: empty means `{}`; otherwise UTF-8 JSON holding an object. */
function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(body));
  } catch {
    throw new CognitoError('SerializationException', 'The request body is not valid UTF-8 JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CognitoError('SerializationException', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** No Sync value needs a NUL, and PostgreSQL can't store one in text. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}

function respond(status: number, requestId: string, payload: unknown, errorType?: string): RawResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (status === UNAVAILABLE.status) headers['retry-after'] = UNAVAILABLE.retryAfterSeconds;
  return { status, headers, body: JSON.stringify(payload) };
}

/** Handles one Cognito Sync request; never throws. */
export async function handleSync(cognate: Cognate, req: RawRequest, report?: (o: Outcome) => void): Promise<RawResponse> {
  const requestId = randomUUID();
  let actionName = 'sync.unknown';
  try {
    const q = req.url.indexOf('?');
    const rawPath = q < 0 ? req.url : req.url.slice(0, q);
    const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
    const route = matchRoute(req.method, rawPath);
    if (!route) throw new CognitoError('UnknownOperationException', `No Cognito Sync operation is ${req.method.slice(0, 8)} ${rawPath.slice(0, 128)}.`, 404);
    const { model, op } = route;
    actionName = `sync.${op.name}`;
    const body = parseBody(req.body);
    assertDepth(body);
    const { caller, region } = await authenticate(cognate, { method: req.method, rawPath, rawQuery, headers: req.headers, body: req.body });
    const input = bindInput(model, op, { labels: route.labels, query: parseQuery(rawQuery), headers: req.headers, body });
    if (hasNul(input)) throw new CognitoError('InvalidParameterException', 'Request values must not contain NUL characters.');
    validateInput(model, op, input);
    coerceBound(model, op, input);
    const action = syncActions[op.name];
    if (!action) throw new CognitoError('UnsupportedOperationException', `Cognate does not implement ${op.name} yet.`, 501);
    await authorize(cognate, caller, { name: op.name, callers: action.callers }, input, region);
    const output = await action.handle(cognate, input, { caller, requestId, region });
    report?.({ action: actionName, outcome: 'ok' });
    return respond(op.http?.responseCode ?? 200, requestId, output ?? {});
  } catch (e) {
    if (e instanceof CognitoError) {
      report?.({ action: actionName, outcome: e.name });
      const status = syncStatus(e);
      if (status >= 500) cognate.log.error({ err: e, requestId, action: actionName }, 'request failed');
      return respond(status, requestId, { message: e.message }, e.name);
    }
    if (isTransientStoreError(e)) {
      cognate.log.warn({ err: e, requestId, action: actionName }, 'database unavailable');
      report?.({ action: actionName, outcome: 'InternalErrorException' });
      return respond(UNAVAILABLE.status, requestId, { message: UNAVAILABLE.message }, 'InternalErrorException');
    }
    cognate.log.error({ err: e, requestId, action: actionName }, 'unexpected error');
    report?.({ action: actionName, outcome: 'InternalErrorException' });
    return respond(500, requestId, { message: INTERNAL_ERROR }, 'InternalErrorException');
  }
}

/**
 * UpdateRecords may carry a whole dataset (1 MB of keys and values, JSON-escaped), so Sync requests
 * get at least 3 MiB; a larger --body-limit still applies.
 */
const SYNC_BODY_FLOOR = 3 * 1024 * 1024;

/** The node:http listener of the Sync paths (server.ts routes `/identitypools...` here). */
export function syncListener(cognate: Cognate, observe: (action: string, outcome: string, started: bigint) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    readBody(req, res, { limit: Math.max(SYNC_BODY_FLOOR, cognate.config.bodyLimitBytes), dialect: 'json', clock: cognate.clock }, (body) => {
      const raw = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '' };
      void handleSync(cognate, raw, ({ action, outcome }) => observe(action, outcome, started)).then((out) => sendRaw(req, res, cognate.clock, out));
    });
  };
}

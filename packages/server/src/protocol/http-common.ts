/**
 * What both HTTP stacks of server.ts answer alike: CORS, the request body limit and its 413, the `Date`
 * header, and the fault (500/503) answers. The raw node:http path (the API POSTs) and the Hono app (everything else) each take these from
 * here, so a browser, an SDK or an oversized body meets the same answers whichever stack serves the request.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Clock } from '../ports.js';

// ------------------------------------------------------------------------------------------------
// CORS
// ------------------------------------------------------------------------------------------------

/** Headers the AWS SDK, amazon-cognito-identity-js and Amplify send (protocol.md §1.1). */
export const CORS_ALLOW_HEADERS = [
  'content-type', 'x-amz-target', 'x-amz-user-agent', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
  'authorization', 'amz-sdk-invocation-id', 'amz-sdk-request', 'cache-control', 'x-amz-client-context',
].join(', ');
/** What a browser script may read of an answer: the request id and error type the SDKs parse, and the Date. */
export const CORS_EXPOSE_HEADERS = 'x-amzn-requestid, x-amzn-errortype, date';

/** The CORS headers of every answer: any origin may call Cognate, as any may call Cognito. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return { 'access-control-allow-origin': origin ?? '*', 'access-control-expose-headers': CORS_EXPOSE_HEADERS, ...(origin ? { vary: 'Origin' } : {}) };
}

/** The headers of the 204 answer to a preflight `OPTIONS`. */
export function preflightHeaders(origin: string | undefined, requestedHeaders: string | undefined): Record<string, string> {
  return {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': requestedHeaders ?? CORS_ALLOW_HEADERS,
    'access-control-max-age': '86400',
    vary: 'Origin, Access-Control-Request-Headers',
  };
}

// ------------------------------------------------------------------------------------------------
// Faults
// ------------------------------------------------------------------------------------------------

/**
 * A database outage or a busy SQLite answers 503 with Retry-After: the AWS SDKs (v3's
 * StandardRetryStrategy: status 500/502/503/504 are transient) try such a request again, and the
 * `__type` stays InternalErrorException, a name every Cognito client already knows.
 */
export const UNAVAILABLE = { status: 503, retryAfterSeconds: '1', message: 'The service is temporarily unavailable; try again.' } as const;

/** The message of a 500: a real fault is logged with its stack and answered without it. */
export const INTERNAL_ERROR = 'An internal error occurred.';

/** The JSON body of a fault answer (the API, the identity verifier, the Hono routes). */
export function faultBody(transient: boolean): { __type: 'InternalErrorException'; message: string } {
  return { __type: 'InternalErrorException', message: transient ? UNAVAILABLE.message : INTERNAL_ERROR };
}

// ------------------------------------------------------------------------------------------------
// Date
// ------------------------------------------------------------------------------------------------

/** The `Date` header: the server's clock, which SDKs use to correct their own skew for SigV4. */
export function httpDate(clock: Clock): string {
  // The header has one-second resolution: format each second once (the clock may be a test's, and go back).
  const second = Math.floor(clock.now() / 1000);
  if (second !== lastDateSecond) {
    lastDateSecond = second;
    lastDate = new Date(second * 1000).toUTCString();
  }
  return lastDate;
}
let lastDateSecond = Number.NaN;
let lastDate = '';

// ------------------------------------------------------------------------------------------------
// Body limit
// ------------------------------------------------------------------------------------------------

/** How an over-limit body is answered: awsJson's SerializationException, the query protocol's (STS, IAM) XML, OAuth's RFC 6749 JSON, or a page (the hosted UI's forms: a person reads it). */
export type BodyDialect = 'json' | 'query' | 'oauth' | 'page';

/** The 413 answer to a body over `limit` bytes, in the caller's protocol. */
export function tooLarge(limit: number, dialect: BodyDialect): { status: 413; headers: Record<string, string>; body: string } {
  if (dialect === 'page') {
    return {
      status: 413,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" },
      body: '<!doctype html><html lang="en"><meta charset="utf-8"><title>Request too large</title><h1>Request too large</h1><p>The form sent is too large. Please go back and try again.</p></html>',
    };
  }
  if (dialect === 'oauth') return { status: 413, headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store' }, body: '{"error":"invalid_request"}' };
  if (dialect === 'query') {
    return {
      status: 413,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>The request body exceeds ${limit} bytes.</Message></Error></ErrorResponse>`,
    };
  }
  return {
    status: 413,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'SerializationException' },
    body: JSON.stringify({ __type: 'SerializationException', message: `The request body exceeds ${limit} bytes.` }),
  };
}

/** The Hono form of the limit, answering as {@link tooLarge}. */
export function honoBodyLimit(limit: number, dialect: BodyDialect): MiddlewareHandler {
  return bodyLimit({
    maxSize: limit,
    onError: (c) => {
      const out = tooLarge(limit, dialect);
      // The rest of the body is left unread and the connection is dropped after the answer: say so,
      // or a keep-alive client sends its next request on a closed socket ("other side closed").
      return c.body(out.body, out.status, { ...out.headers, connection: 'close' });
    },
  });
}

/**
 * After refusing a body, how much of its rest is read and discarded so that the client, still sending,
 * reads the 413 instead of a reset connection; past either bound the connection is dropped.
 */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const DRAIN_MAX_MS = 5000;

/**
 * The node:http form of the limit: reads a POST body of at most `limit` bytes and hands it on. A larger one is
 * refused with {@link tooLarge}'s 413: at once when Content-Length announces it, else as soon as the chunks pass
 * the limit. The rest of the body is then drained (up to DRAIN_MAX_BYTES / DRAIN_MAX_MS), because closing while
 * the client still writes makes it see ECONNRESET/EPIPE, not the answer (and the AWS SDK then retries).
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  opts: { limit: number; dialect: BodyDialect; clock: Clock },
  onBody: (body: Buffer) => void,
): void {
  const { limit } = opts;
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  let drained = 0;
  const refuse = (announced: number | undefined) => {
    refused = true;
    chunks.length = 0;
    // A body too large to drain closes the connection after the answer; otherwise it stays usable.
    const close = announced !== undefined && announced - size > DRAIN_MAX_BYTES;
    const out = tooLarge(limit, opts.dialect);
    sendRaw(req, res, opts.clock, { ...out, headers: close ? { ...out.headers, connection: 'close' } : out.headers });
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

// ------------------------------------------------------------------------------------------------
// Writing answers
// ------------------------------------------------------------------------------------------------

/** Writes an answer on the node:http path, with the server's Date and CORS. */
export function sendRaw(
  req: IncomingMessage,
  res: ServerResponse,
  clock: Clock,
  out: { status: number; headers: Record<string, string>; body: string },
): void {
  res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body), date: httpDate(clock), ...corsHeaders(req.headers.origin) });
  res.end(out.body);
}

/** The Hono form of the same: answers preflights, and adds the Date and CORS headers to every answer. */
export function honoCorsAndDate(clock: Clock): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') return c.body(null, 204, preflightHeaders(origin, c.req.header('access-control-request-headers')));
    await next();
    c.header('date', httpDate(clock));
    for (const [name, value] of Object.entries(corsHeaders(origin))) c.header(name, value);
  };
}

/**
 * The awsJson1_1 protocol adapter: `POST` with `X-Amz-Target: <Service>.<Action>` and a JSON body,
 * answered with `application/x-amz-json-1.1` and Cognito's error shape (protocol.md §1.1).
 * Steps, in order: target → body → signature (for signed operations) → model validation → action.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError } from '../errors.js';
import type { Cognate } from '../domain/cognate.js';
import { registry } from '../actions/index.js';
import { assertDepth, operationForTarget, validateInput } from './model.js';
import { adminSigningSecret, verifySigV4 } from './sigv4.js';
import { isTransientStoreError } from '../store/faults.js';
import { INTERNAL_ERROR, UNAVAILABLE } from './http-common.js';
import { forRequest } from '../domain/threat-protection/request-context.js';
import { enforceServingRegion } from '../domain/replicas/serving-region.js';
import { checkApiRateLimit } from '../domain/rate-limits/index.js';
import { poolNamedBy } from '../domain/request-pool.js';

export interface RawRequest {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Outcome {
  action: string;
  /** 'ok', or the error name. */
  outcome: string;
}

const JSON_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const SERVICE_SIGNING_NAME = { 'cognito-idp': 'cognito-idp', 'cognito-identity': 'cognito-identity' } as const;

function header(headers: RawRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Parses the body: empty means `{}`; it must be UTF-8 JSON. */
function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new CognitoError('SerializationException', 'The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CognitoError('SerializationException', 'The request body is not valid JSON.');
  }
}

/**
 * Refuses NUL characters anywhere in the input: no Cognito value needs one, and PostgreSQL can't
 * store them in text, so letting one through would turn bad input into a server fault.
 */
function assertNoNul(value: unknown): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new CognitoError('InvalidParameterException', 'Request values must not contain NUL characters.');
  } else if (Array.isArray(value)) {
    for (const item of value) assertNoNul(item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      assertNoNul(key);
      assertNoNul(item);
    }
  }
}

function respond(status: number, requestId: string, payload: unknown, errorType?: string): RawResponse {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (status === UNAVAILABLE.status) headers['retry-after'] = UNAVAILABLE.retryAfterSeconds;
  return { status, headers, body: JSON.stringify(payload) };
}

/** Handles one awsJson request; never throws. */
export async function handleAwsJson(cognate: Cognate, req: RawRequest, report?: (o: Outcome) => void): Promise<RawResponse> {
  const requestId = randomUUID();
  let actionName = 'unknown';
  try {
    const target = header(req.headers, 'x-amz-target');
    const found = target ? operationForTarget(target) : undefined;
    if (!found) {
      throw new CognitoError('UnknownOperationException', target ? `Unknown operation ${target.slice(0, 128)}` : 'Missing X-Amz-Target header.');
    }
    const { model, op } = found;
    actionName = op.name;
    const contentType = header(req.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (contentType && !JSON_TYPES.has(contentType)) {
      throw new CognitoError('SerializationException', `Unsupported content type ${contentType.slice(0, 64)}.`);
    }
    const input = parseBody(req.body);
    assertDepth(input);
    assertNoNul(input);
    let signedRegion: string | undefined;
    if (!op.unsigned) {
      const q = req.url.indexOf('?');
      ({ region: signedRegion } = await verifySigV4(
        { method: req.method, rawPath: q < 0 ? req.url : req.url.slice(0, q), rawQuery: q < 0 ? '' : req.url.slice(q + 1), headers: req.headers, body: req.body },
        {
          services: [SERVICE_SIGNING_NAME[model.name as keyof typeof SERVICE_SIGNING_NAME] ?? model.name],
          now: cognate.clock.now(),
          regions: [cognate.config.region, ...cognate.config.extraRegions],
          lookup: adminSigningSecret(cognate.admin),
        },
      ));
    }
    validateInput(model, op, input);
    // The region this request is served as: its credential scope's when signed, else this node's (docs/replicas.md).
    const region = signedRegion ?? cognate.config.region;
    // The pool the request names, read once for the checks below (domain/request-pool.ts).
    const named = model.name === 'cognito-idp' ? await poolNamedBy(cognate, input) : undefined;
    if (model.name === 'cognito-idp') await enforceServingRegion(cognate, op.name, input, region, named);
    const handler = registry[model.name as keyof typeof registry]?.[op.name];
    if (!handler) throw new CognitoError('UnsupportedOperationException', `Cognate does not implement ${op.name} yet.`);
    // Cognito's request-rate quotas, per user pool and operation category (docs/rate-limits.md).
    await checkApiRateLimit(cognate, model.name, op.name, input, named);
    // The end user's context (source address, UserContextData/ContextData) for threat protection's auth events.
    const body = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const context = { sourceIp: req.sourceIp, userAgent: header(req.headers, 'user-agent'), userContextData: body.UserContextData, contextData: body.ContextData };
    const output = await handler(forRequest(cognate, context), input, { requestId, sourceIp: req.sourceIp, region });
    report?.({ action: actionName, outcome: 'ok' });
    return respond(200, requestId, output ?? {});
  } catch (e) {
    if (e instanceof CognitoError) {
      report?.({ action: actionName, outcome: e.name });
      if (e.status >= 500) cognate.log.error({ err: e, requestId, action: actionName }, 'request failed');
      return respond(e.status, requestId, { __type: e.name, message: e.message }, e.name);
    }
    if (isTransientStoreError(e)) {
      cognate.log.warn({ err: e, requestId, action: actionName }, 'database unavailable');
      report?.({ action: actionName, outcome: 'InternalErrorException' });
      return respond(UNAVAILABLE.status, requestId, { __type: 'InternalErrorException', message: UNAVAILABLE.message }, 'InternalErrorException');
    }
    // A real fault: logged here with its stack, answered without it.
    cognate.log.error({ err: e, requestId, action: actionName }, 'unexpected error');
    report?.({ action: actionName, outcome: 'InternalErrorException' });
    return respond(500, requestId, { __type: 'InternalErrorException', message: INTERNAL_ERROR }, 'InternalErrorException');
  }
}

/**
 * `POST /identity/verify`: the verifier over HTTP, for resource servers that are not in this
 * process. The body describes the request the client sent, as received, and what it stands for:
 * `{ method, path, query?, headers, body? (base64), action, resource, context? }`. The answer is
 * the verifier's result, with 200 when the request is allowed and 403 otherwise. `context` adds
 * request condition keys; one naming a principal fact (`aws:PrincipalTag/*`,
 * `cognito-identity.amazonaws.com:*`, `aws:userid` …) is refused with 400 InvalidParameterException
 * (the verifier's rule, identity/verifier.ts). This module is the HTTP part only: it reads the
 * body, calls the verifier and words its answer. Served straight from node:http (server.ts), like
 * the API POSTs.
 */
import type { Cognate } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import type { PolicyContext } from '../identity/policy.js';

interface VerifyBody {
  method?: unknown;
  path?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
  action?: unknown;
  resource?: unknown;
  context?: unknown;
}

const str = (v: unknown): v is string => typeof v === 'string';
const invalid = (message: string) => ({ status: 400, json: { __type: 'InvalidParameterException', message } });

/** Answers one `POST /identity/verify` body: the status and the JSON to send back. */
export async function verifyOverHttp(cognate: Cognate, body: Buffer): Promise<{ status: number; json: unknown }> {
  let input: VerifyBody;
  try {
    input = JSON.parse(body.toString('utf8')) as VerifyBody;
  } catch {
    return { status: 400, json: { __type: 'SerializationException', message: 'The request body is not valid JSON.' } };
  }
  const headers = input?.headers;
  if (!input || !str(input.method) || !str(input.path) || !str(input.action) || !str(input.resource) || headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    return { status: 400, json: { __type: 'InvalidParameterException', message: 'method, path, headers, action and resource are required.' } };
  }
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (str(v)) lower[k.toLowerCase()] = v;
  const context: PolicyContext = Object.create(null) as PolicyContext;
  if (input.context !== undefined && input.context !== null) {
    if (typeof input.context !== 'object' || Array.isArray(input.context)) return invalid('context must be an object of condition keys.');
    for (const [k, v] of Object.entries(input.context as Record<string, unknown>)) {
      if (!(str(v) || (Array.isArray(v) && v.every(str)))) return invalid(`context ${k.slice(0, 128)} must be a string or a list of strings.`);
      context[k] = v as string | string[];
    }
  }
  try {
    // The verifier refuses a context naming a principal key (aws:PrincipalTag/*, cognito-identity.amazonaws.com:* …).
    const result = await cognate.identity.verifier.verify(
      {
        method: input.method.toUpperCase(),
        rawPath: input.path,
        rawQuery: str(input.query) ? input.query : '',
        headers: lower,
        body: str(input.body) ? Buffer.from(input.body, 'base64') : Buffer.alloc(0),
      },
      { action: input.action, resource: input.resource, context },
    );
    return { status: result.allowed ? 200 : 403, json: result };
  } catch (e) {
    if (e instanceof CognitoError && e.status < 500) return { status: e.status, json: { __type: e.name, message: e.message } };
    throw e;
  }
}

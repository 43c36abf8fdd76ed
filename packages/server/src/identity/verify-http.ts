/**
 * `POST /identity/verify`: the verifier over HTTP, for resource servers that are not in this
 * process. The body describes the request the client sent, as received, and what it stands for:
 * `{ method, path, query?, headers, body? (base64), action, resource, context? }`. The answer is
 * the verifier's result, with 200 when the request is allowed and 403 otherwise.
 */
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Cognate } from '../domain/cognate.js';

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

export function verifyHandler(cognate: Cognate) {
  return async (c: Context<{ Bindings: HttpBindings }>) => {
    let input: VerifyBody;
    try {
      input = (await c.req.json()) as VerifyBody;
    } catch {
      return c.json({ __type: 'SerializationException', message: 'The request body is not valid JSON.' }, 400);
    }
    const headers = input?.headers;
    if (!input || !str(input.method) || !str(input.path) || !str(input.action) || !str(input.resource) || headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
      return c.json({ __type: 'InvalidParameterException', message: 'method, path, headers, action and resource are required.' }, 400);
    }
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (str(v)) lower[k.toLowerCase()] = v;
    const context: Record<string, string | string[]> = {};
    if (input.context && typeof input.context === 'object') {
      for (const [k, v] of Object.entries(input.context as Record<string, unknown>)) if (str(v) || (Array.isArray(v) && v.every(str))) context[k] = v as string | string[];
    }
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
    return c.json(result, result.allowed ? 200 : 403);
  };
}

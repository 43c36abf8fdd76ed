/**
 * How the console changes anything: it performs the API operation itself, in process. The input is
 * checked against the API model exactly as a request's would be (protocol/model.ts: shapes,
 * constraints, NUL characters, depth), then the operation's own action module runs
 * (actions/index.ts), so every rule a console page obeys is the API's, in the API's one place,
 * with the API's error names and messages. A page never touches the store or a rule itself.
 *
 * Not applied here: SigV4 (the console session stands for the admin key pair) and the per-pool
 * request-rate quotas of apps (an operator's console is not an app's traffic).
 */
import { randomUUID } from 'node:crypto';
import type { Cognate } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import { registry } from '../actions/index.js';
import { assertDepth, loadServiceModel, validateInput, type ServiceName } from '../protocol/model.js';

function assertNoNul(value: unknown): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new CognitoError('InvalidParameterException', 'Request values must not contain NUL characters.');
  } else if (Array.isArray(value)) for (const item of value) assertNoNul(item);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) (assertNoNul(k), assertNoNul(v));
}

/**
 * Performs API operation `operation` (`'CreateUserPool'`) of `service` with `input`, as the API
 * would; returns its output, or throws its CognitoError.
 */
export async function callApi<O = any>(cognate: Cognate, operation: string, input: Record<string, unknown>, opts: { service?: ServiceName; sourceIp?: string } = {}): Promise<O> {
  const service = opts.service ?? 'cognito-idp';
  const model = loadServiceModel(service);
  const op = model.operation(operation);
  const handler = registry[service as keyof typeof registry]?.[operation];
  if (!op || !handler) throw new CognitoError('UnsupportedOperationException', `Cognate does not implement ${operation}.`);
  assertDepth(input);
  assertNoNul(input);
  validateInput(model, op, input);
  return (await handler(cognate, input, { requestId: randomUUID(), sourceIp: opts.sourceIp ?? '', region: cognate.config.region })) as O;
}

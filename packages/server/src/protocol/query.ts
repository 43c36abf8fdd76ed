/**
 * The AWS query protocol (form-encoded POST, XML answers) for the two services identity pools lean
 * on, as framing only: read the form, find the action module by `Action` (actions/sts: unsigned,
 * the web identity token is the credential; actions/iam: SigV4 with the admin credentials, service
 * `iam`), run it, and write its result or its error as XML. An action's errors are typed
 * (actions/query-action.ts): the code goes into `<Error><Code>` and gives the HTTP status.
 */
import { randomUUID } from 'node:crypto';
import type { Cognate } from '../domain/cognate.js';
import { adminSigningSecret, verifySigV4 } from './sigv4.js';
import { isTransientStoreError } from '../store/faults.js';
import { QueryError, QueryParams, queryErrorOf, type QueryAction, type QueryResult } from '../actions/query-action.js';
import { stsActions } from '../actions/sts/index.js';
import { iamActions } from '../actions/iam/index.js';

export interface QueryRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface QueryResponse {
  status: number;
  body: string;
  /** Extra response headers (Retry-After on a 503); the caller adds Content-Type. */
  headers?: Record<string, string>;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function element(name: string, content: string | string[] | Record<string, unknown> | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return `<${name}>${xml(content)}</${name}>`;
  if (Array.isArray(content)) return `<${name}>${content.map((v) => element('member', v)).join('')}</${name}>`;
  return `<${name}>${Object.entries(content).map(([k, v]) => element(k, v as string | string[] | Record<string, unknown> | undefined)).join('')}</${name}>`;
}

function success(action: string, ns: string, result: QueryResult, requestId: string): QueryResponse {
  const body = `<${action}Response xmlns="${ns}">${result ? element(`${action}Result`, result) : ''}${element('ResponseMetadata', { RequestId: requestId })}</${action}Response>`;
  return { status: 200, body };
}

function failure(e: QueryError, requestId: string, ns: string): QueryResponse {
  return { status: e.status, body: `<ErrorResponse xmlns="${ns}">${element('Error', { Type: e.type, Code: e.code, Message: e.message })}${element('RequestId', requestId)}</ErrorResponse>` };
}

/** The action module an action name names. */
function find(action: string): QueryAction | undefined {
  if (Object.hasOwn(stsActions, action)) return stsActions[action];
  if (Object.hasOwn(iamActions, action)) return iamActions[action];
  return undefined;
}

/** Checks an IAM request's SigV4 signature: the admin credentials, service `iam`. */
async function verifyAdminSignature(cognate: Cognate, req: QueryRequest): Promise<void> {
  const q = req.url.indexOf('?');
  await verifySigV4(
    { method: req.method, rawPath: q < 0 ? req.url : req.url.slice(0, q), rawQuery: q < 0 ? '' : req.url.slice(q + 1), headers: req.headers, body: req.body },
    {
      services: ['iam'],
      now: cognate.clock.now(),
      // IAM is global: its endpoint signs with us-east-1 whatever the server's region.
      regions: ['us-east-1', cognate.config.region, ...cognate.config.extraRegions],
      lookup: adminSigningSecret(cognate.admin),
    },
  );
}

/** Handles one query-protocol request; never throws. */
export async function handleQuery(cognate: Cognate, req: QueryRequest): Promise<QueryResponse> {
  const requestId = randomUUID();
  const params = new URLSearchParams(req.body.toString('utf8'));
  const action = params.get('Action') ?? '';
  const module = find(action);
  const ns = module?.service === 'iam' ? IAM_NS : STS_NS;
  try {
    if (!module) throw new QueryError('InvalidAction', `Could not find operation ${action.slice(0, 64)}`);
    if (module.service === 'iam') await verifyAdminSignature(cognate, req);
    return success(action, ns, await module.handle(cognate, new QueryParams(params)), requestId);
  } catch (e) {
    const known = queryErrorOf(e);
    if (known) return failure(known, requestId, ns);
    if (isTransientStoreError(e)) {
      // The query protocol's retryable fault; the AWS SDKs retry a 503.
      cognate.log.warn({ err: e, requestId, action }, 'database unavailable');
      return { ...failure(new QueryError('ServiceUnavailable', 'The service is temporarily unavailable; try again.'), requestId, ns), headers: { 'retry-after': '1' } };
    }
    cognate.log.error({ err: e, requestId, action }, 'unexpected error');
    return failure(new QueryError('InternalFailure', 'An internal error occurred.'), requestId, ns);
  }
}

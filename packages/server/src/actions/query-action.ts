/**
 * What an STS or IAM action module is (the AWS query protocol, protocol/query.ts): a thin handler
 * that takes the request's form parameters, calls the domain and returns the fields of its
 * `<Action>Result` element (undefined for none). Its errors are {@link QueryError}s, each with an
 * error code from {@link QUERY_ERRORS}, which gives the HTTP status; the protocol writes the code
 * into the XML `<Error><Code>`.
 */
import type { Cognate } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import { IamError } from '../identity/iam-errors.js';

/**
 * The error codes STS and IAM answer with, and their HTTP status (STS and IAM API References,
 * "Common Errors" and each action's Errors).
 */
export const QUERY_ERRORS = {
  ValidationError: 400,
  InvalidAction: 400,
  MalformedPolicyDocument: 400,
  InvalidIdentityToken: 400,
  ExpiredTokenException: 400,
  AccessDenied: 403,
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  ConcurrentModification: 409,
  // SigV4 (protocol/sigv4.ts): the status comes with the error.
  IncompleteSignatureException: 400,
  InvalidSignatureException: 403,
  MissingAuthenticationTokenException: 403,
  UnrecognizedClientException: 403,
  ServiceFailure: 500,
  InternalFailure: 500,
  ServiceUnavailable: 503,
} as const;

export type QueryErrorCode = keyof typeof QUERY_ERRORS;

/** An error answered as `<ErrorResponse><Error><Type/><Code/><Message/></Error>…`. */
export class QueryError extends Error {
  readonly status: number;
  /** Sender: the request is at fault; Receiver: we are. */
  readonly type: 'Sender' | 'Receiver';

  constructor(readonly code: QueryErrorCode, message: string, status: number = QUERY_ERRORS[code]) {
    super(message);
    this.status = status;
    this.type = status >= 500 ? 'Receiver' : 'Sender';
  }
}

/**
 * The query error a domain error stands for: IAM's rules name their IAM code (identity/iam-errors.ts);
 * another Cognito error keeps its meaning by name (a missing thing is NoSuchEntity, a bad parameter
 * ValidationError, our own fault ServiceFailure). `undefined` for anything else (not ours to word).
 */
export function queryErrorOf(e: unknown): QueryError | undefined {
  if (e instanceof QueryError) return e;
  if (e instanceof IamError) return new QueryError(e.code, e.message);
  if (!(e instanceof CognitoError)) return undefined;
  if (e.status >= 500) return new QueryError('ServiceFailure', 'An internal error occurred.');
  if (e.name === 'ResourceNotFoundException') return new QueryError('NoSuchEntity', e.message);
  if (e.name === 'InvalidParameterException') return new QueryError('ValidationError', e.message);
  if (e.name in QUERY_ERRORS) return new QueryError(e.name as QueryErrorCode, e.message, e.status);
  return new QueryError('ValidationError', e.message, e.status);
}

/** The form parameters of one request. */
export class QueryParams {
  constructor(private readonly form: URLSearchParams) {}

  /** A parameter, or undefined when absent. */
  get(name: string): string | undefined {
    return this.form.get(name) ?? undefined;
  }

  /** A parameter that must be given and not empty; ValidationError as AWS words it otherwise. */
  required(name: string): string {
    const v = this.form.get(name);
    if (v === null || v === '') {
      throw new QueryError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase() + name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    }
    return v;
  }

  /** A list parameter: `<name>.member.1`, `<name>.member.2` … up to the first gap. */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.form.has(`${name}.member.${i}`); i++) out.push(this.form.get(`${name}.member.${i}`)!);
    return out;
  }
}

/** The fields of the `<Action>Result` element, or undefined for an action without one. */
export type QueryResult = Record<string, unknown> | undefined;

export interface QueryAction {
  /** The service, which gives the XML namespace and how requests are authenticated. */
  service: 'sts' | 'iam';
  handle(cognate: Cognate, params: QueryParams): Promise<QueryResult>;
}

/** Defines an STS action: unsigned (the web identity token is the credential). */
export const stsAction = (handle: QueryAction['handle']): QueryAction => ({ service: 'sts', handle });

/** Defines an IAM action: SigV4-signed with the admin credentials, service `iam`. */
export const iamAction = (handle: QueryAction['handle']): QueryAction => ({ service: 'iam', handle });

/**
 * Cognito Sync's errors. restJson1 answers an error with its model status, the name in the
 * `x-amzn-errortype` header and `{"message": ...}` as the body; the names and statuses below are
 * the model's error shapes (`models/cognito-sync.json`, `error.httpStatusCode`; checked by
 * sync/routes.test.ts).
 */
import { CognitoError, type CognitoErrorName } from '../errors.js';

/** Every error shape of the Cognito Sync model, with its HTTP status. */
export const SYNC_ERROR_STATUS = {
  AlreadyStreamedException: 400,
  ConcurrentModificationException: 400,
  DuplicateRequestException: 400,
  InternalErrorException: 500,
  InvalidConfigurationException: 400,
  InvalidLambdaFunctionOutputException: 400,
  InvalidParameterException: 400,
  LambdaThrottledException: 429,
  LimitExceededException: 400,
  NotAuthorizedException: 403,
  ResourceConflictException: 409,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
} as const;

export type SyncErrorName = keyof typeof SYNC_ERROR_STATUS;

/** An error of the Cognito Sync API, answered with the model's status. */
export class SyncError extends CognitoError {
  constructor(name: SyncErrorName, message: string) {
    // The Sync names not shared with the other services are not in CognitoErrorName; the wire only reads `name`.
    super(name as CognitoErrorName, message, SYNC_ERROR_STATUS[name]);
  }
}

/** Authentication failures not in the model (SigV4): AWS's restJson services answer them 403. */
const AUTH_FAILURES = new Set(['InvalidSignatureException', 'UnrecognizedClientException', 'MissingAuthenticationTokenException', 'ExpiredTokenException', 'SignatureDoesNotMatch']);

/** The status a CognitoError raised anywhere (validation, SigV4, domain) is answered with on the Sync API. */
export function syncStatus(e: CognitoError): number {
  const modelStatus = (SYNC_ERROR_STATUS as Record<string, number>)[e.name];
  if (modelStatus !== undefined) return modelStatus;
  if (AUTH_FAILURES.has(e.name)) return 403;
  return e.status;
}

export const syncErrors = {
  notAuthorized: (message: string) => new SyncError('NotAuthorizedException', message),
  invalidParameter: (message: string) => new SyncError('InvalidParameterException', message),
  notFound: (message: string) => new SyncError('ResourceNotFoundException', message),
  conflict: (message: string) => new SyncError('ResourceConflictException', message),
  limitExceeded: (message: string) => new SyncError('LimitExceededException', message),
} as const;

/**
 * Errors: every failure of the client is a {@link MobileClientError} with a stable `code`, the
 * cases of AWSMobileClientError in the iOS SDK (seeds 002/004) plus `network`.
 */

/**
 * The stable error codes. Service errors map from Cognito's exception names
 * (`UsernameExistsException` → `usernameExists`); the others are raised by the client itself.
 *
 * @example
 * ```ts
 * import { MobileClientError, type MobileClientErrorCode } from '@cognate/client';
 * const retryable: MobileClientErrorCode[] = ['network', 'limitExceeded', 'tooManyRequests'];
 * ```
 */
export type MobileClientErrorCode =
  // From the service (cognito-idp and cognito-identity exception names).
  | 'aliasExists'
  | 'codeDeliveryFailure'
  | 'codeMismatch'
  | 'concurrentModification'
  | 'deviceKeyExists'
  | 'enableSoftwareTokenMFA'
  | 'expiredCode'
  | 'externalService'
  | 'featureUnavailableInTier'
  | 'forbidden'
  | 'groupExists'
  | 'internalError'
  | 'invalidEmailRoleAccessPolicy'
  | 'invalidIdentityPoolConfiguration'
  | 'invalidLambdaResponse'
  | 'invalidParameter'
  | 'invalidPassword'
  | 'invalidSmsRoleAccessPolicy'
  | 'invalidSmsRoleTrustRelationship'
  | 'invalidUserPoolConfiguration'
  | 'limitExceeded'
  | 'mfaMethodNotFound'
  | 'notAuthorized'
  | 'passwordHistoryPolicyViolation'
  | 'passwordResetRequired'
  | 'resourceConflict'
  | 'resourceNotFound'
  | 'scopeDoesNotExist'
  | 'softwareTokenMFANotFound'
  | 'tooManyFailedAttempts'
  | 'tooManyRequests'
  | 'unexpectedLambda'
  | 'unsupportedOperation'
  | 'userLambdaValidation'
  | 'userNotConfirmed'
  | 'userNotFound'
  | 'usernameExists'
  | 'webAuthnChallengeNotFound'
  | 'webAuthnClientMismatch'
  | 'webAuthnConfigurationMissing'
  | 'webAuthnCredentialNotSupported'
  | 'webAuthnNotEnabled'
  | 'webAuthnOriginNotAllowed'
  | 'webAuthnRelyingPartyMismatch'
  // Raised by the client.
  | 'badRequest'
  | 'cognitoIdentityPoolNotConfigured'
  | 'deviceNotRemembered'
  | 'guestAccessNotAllowed'
  | 'hostedUINotConfigured'
  | 'hostedUITimeout'
  // The hosted UI's return could not be trusted: a `state` this client never issued, issued to
  // another request, already used or expired (`hostedUIStateMismatch`); an ID token whose
  // `nonce` or `aud` is not this request's (`idTokenInvalid`).
  | 'hostedUIStateMismatch'
  | 'idTokenInvalid'
  // An OAuth 2.0 error (RFC 6749 §4.1.2.1 from the authorize endpoint, §5.2 from the token
  // endpoint): its code (`access_denied`, `invalid_grant` …) is in `serviceCode`.
  | 'oauthError'
  | 'identityIdUnavailable'
  | 'invalidConfiguration'
  | 'invalidState'
  | 'network'
  | 'notSignedIn'
  // SyncManager.synchronize: a callback said stop; a conflict left without a resolution; the
  // dataset kept changing on the server through every retry.
  | 'syncCancelled'
  | 'syncConflictUnresolved'
  | 'syncRetriesExhausted'
  | 'unableToSignIn'
  | 'userPoolNotConfigured'
  // Raised by the client from the WebAuthn port (navigator.credentials): no WebAuthn here; the
  // user cancelled or the ceremony timed out (NotAllowedError); the authenticator already holds a
  // passkey of this user (InvalidStateError at registration); any other failure of the authenticator.
  | 'webAuthnNotSupported'
  | 'webAuthnCancelled'
  | 'webAuthnAlreadyRegistered'
  | 'webAuthnFailed'
  | 'unknown';

const SERVICE_CODES: Readonly<Record<string, MobileClientErrorCode>> = {
  AliasExistsException: 'aliasExists',
  CodeDeliveryFailureException: 'codeDeliveryFailure',
  CodeMismatchException: 'codeMismatch',
  ConcurrentModificationException: 'concurrentModification',
  DeviceKeyExistsException: 'deviceKeyExists',
  EnableSoftwareTokenMFAException: 'enableSoftwareTokenMFA',
  ExpiredCodeException: 'expiredCode',
  ExternalServiceException: 'externalService',
  FeatureUnavailableInTierException: 'featureUnavailableInTier',
  ForbiddenException: 'forbidden',
  GroupExistsException: 'groupExists',
  InternalErrorException: 'internalError',
  InvalidLambdaFunctionOutputException: 'invalidLambdaResponse',
  InvalidEmailRoleAccessPolicyException: 'invalidEmailRoleAccessPolicy',
  InvalidIdentityPoolConfigurationException: 'invalidIdentityPoolConfiguration',
  InvalidLambdaResponseException: 'invalidLambdaResponse',
  InvalidParameterException: 'invalidParameter',
  InvalidPasswordException: 'invalidPassword',
  InvalidSmsRoleAccessPolicyException: 'invalidSmsRoleAccessPolicy',
  InvalidSmsRoleTrustRelationshipException: 'invalidSmsRoleTrustRelationship',
  InvalidUserPoolConfigurationException: 'invalidUserPoolConfiguration',
  LambdaThrottledException: 'tooManyRequests',
  LimitExceededException: 'limitExceeded',
  MFAMethodNotFoundException: 'mfaMethodNotFound',
  NotAuthorizedException: 'notAuthorized',
  PasswordHistoryPolicyViolationException: 'passwordHistoryPolicyViolation',
  PasswordResetRequiredException: 'passwordResetRequired',
  ResourceConflictException: 'resourceConflict',
  ResourceNotFoundException: 'resourceNotFound',
  ScopeDoesNotExistException: 'scopeDoesNotExist',
  SoftwareTokenMFANotFoundException: 'softwareTokenMFANotFound',
  TooManyFailedAttemptsException: 'tooManyFailedAttempts',
  TooManyRequestsException: 'tooManyRequests',
  UnexpectedLambdaException: 'unexpectedLambda',
  UnsupportedOperationException: 'unsupportedOperation',
  UserLambdaValidationException: 'userLambdaValidation',
  UserNotConfirmedException: 'userNotConfirmed',
  UserNotFoundException: 'userNotFound',
  UsernameExistsException: 'usernameExists',
  // The identity-pool API's answer to input its model forbids (a malformed IdentityPoolId …): the user-pool API's
  // InvalidParameterException under the AWS front end's generic name.
  ValidationException: 'invalidParameter',
  WebAuthnChallengeNotFoundException: 'webAuthnChallengeNotFound',
  WebAuthnClientMismatchException: 'webAuthnClientMismatch',
  WebAuthnConfigurationMissingException: 'webAuthnConfigurationMissing',
  WebAuthnCredentialNotSupportedException: 'webAuthnCredentialNotSupported',
  WebAuthnNotEnabledException: 'webAuthnNotEnabled',
  WebAuthnOriginNotAllowedException: 'webAuthnOriginNotAllowed',
  WebAuthnRelyingPartyMismatchException: 'webAuthnRelyingPartyMismatch',
};

/**
 * The one error class the client throws.
 *
 * - `code`: a {@link MobileClientErrorCode} to switch on.
 * - `message`: the server's message for service errors (e.g. "Incorrect username or password.").
 * - `serviceCode`: the service's exception name (`NotAuthorizedException`) when the server sent one.
 * - `status`: the HTTP status for service errors.
 *
 * @example
 * ```ts
 * try {
 *   await client.signUp({ username: 'alice', password: 'Corr3ct-Horse!' });
 * } catch (e) {
 *   if (e instanceof MobileClientError && e.code === 'usernameExists') console.log(e.message);
 *   else throw e;
 * }
 * ```
 */
export class MobileClientError extends Error {
  /**
   * Always `MobileClientError`.
   *
   * @example
   * ```ts
   * try { await client.signIn(input); } catch (e) { if (e instanceof MobileClientError) console.log(e.name, e.code, e.serviceCode, e.status); }
   * ```
   */
  override readonly name = 'MobileClientError';
  /**
   * What went wrong, to switch on.
   *
   * @example
   * ```ts
   * try { await client.signIn(input); } catch (e) { if (e instanceof MobileClientError) console.log(e.name, e.code, e.serviceCode, e.status); }
   * ```
   */
  readonly code: MobileClientErrorCode;
  /**
   * The service's exception name (`NotAuthorizedException`), for service errors.
   *
   * @example
   * ```ts
   * try { await client.signIn(input); } catch (e) { if (e instanceof MobileClientError) console.log(e.name, e.code, e.serviceCode, e.status); }
   * ```
   */
  readonly serviceCode: string | undefined;
  /**
   * The HTTP status, for service errors.
   *
   * @example
   * ```ts
   * try { await client.signIn(input); } catch (e) { if (e instanceof MobileClientError) console.log(e.name, e.code, e.serviceCode, e.status); }
   * ```
   */
  readonly status: number | undefined;

  constructor(code: MobileClientErrorCode, message: string, options: { serviceCode?: string; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.serviceCode = options.serviceCode;
    this.status = options.status;
  }

  /**
   * The error for a service exception name as sent in `__type` (a `prefix#` is ignored).
   *
   * @example
   * ```ts
   * MobileClientError.fromService('NotAuthorizedException', 'Incorrect username or password.').code; // 'notAuthorized'
   * ```
   */
  static fromService(type: string, message: string, status?: number): MobileClientError {
    const name = type.slice(type.lastIndexOf('#') + 1).split(':')[0]!;
    return new MobileClientError(SERVICE_CODES[name] ?? 'unknown', message || name, { serviceCode: name, ...(status === undefined ? {} : { status }) });
  }
}

/**
 * Whether a value is a {@link MobileClientError}, optionally with one of the given codes.
 *
 * @example
 * ```ts
 * if (isMobileClientError(e, 'network')) showOfflineBanner();
 * ```
 */
export function isMobileClientError(e: unknown, ...codes: MobileClientErrorCode[]): e is MobileClientError {
  return e instanceof MobileClientError && (codes.length === 0 || codes.includes(e.code));
}

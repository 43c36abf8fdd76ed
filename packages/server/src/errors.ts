/**
 * Cognito's errors as data. Each error has a stable `name` that becomes the wire `__type` and
 * the `x-amzn-ErrorType` header. Real Cognito answers client errors with HTTP 400 even where the
 * Smithy model says 403/404 (see reference/protocol.md §1.1), so `status` is 400 unless the fault is ours.
 */

/** The Cognito exception names Cognate emits. */
export type CognitoErrorName =
  | 'AliasExistsException'
  | 'AlreadyStreamedException'
  | 'CodeDeliveryFailureException'
  | 'CodeMismatchException'
  | 'ConcurrentModificationException'
  | 'DeveloperUserAlreadyRegisteredException'
  | 'DeviceKeyExistsException'
  | 'DuplicateRequestException'
  | 'DuplicateProviderException'
  | 'EnableSoftwareTokenMFAException'
  | 'ExpiredCodeException'
  | 'ExternalServiceException'
  | 'FeatureUnavailableInTierException'
  | 'ForbiddenException'
  | 'GroupExistsException'
  | 'IncompleteSignature'
  | 'IncompleteSignatureException'
  | 'InternalErrorException'
  | 'InvalidClientIdCombinationException'
  | 'InvalidConfigurationException'
  | 'InvalidIdentityPoolConfigurationException'
  | 'InvalidLambdaFunctionOutputException'
  | 'InvalidLambdaResponseException'
  | 'InvalidOAuthFlowException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'InvalidSignatureException'
  | 'InvalidUserPoolConfigurationException'
  | 'LambdaThrottledException'
  | 'LimitExceededException'
  | 'ManagedLoginBrandingExistsException'
  | 'MFAMethodNotFoundException'
  | 'MissingAuthenticationTokenException'
  | 'NotAuthorizedException'
  | 'OperationNotEnabledException'
  | 'PasswordHistoryPolicyViolationException'
  | 'PasswordResetRequiredException'
  | 'PreconditionNotMetException'
  | 'RefreshTokenReuseException'
  | 'ResourceConflictException'
  | 'ResourceNotFoundException'
  | 'ScopeDoesNotExistException'
  | 'SerializationException'
  | 'TermsExistsException'
  | 'SignatureDoesNotMatch'
  | 'SoftwareTokenMFANotFoundException'
  | 'TooManyFailedAttemptsException'
  | 'TooManyRequestsException'
  | 'ServiceQuotaExceededException'
  | 'UnexpectedLambdaException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'UnsupportedIdentityProviderException'
  | 'UnsupportedOperationException'
  | 'UnsupportedTokenTypeException'
  | 'UnsupportedUserStateException'
  | 'UserImportInProgressException'
  | 'UserLambdaValidationException'
  | 'UserNotConfirmedException'
  | 'UserNotFoundException'
  | 'UserPoolAddOnNotEnabledException'
  | 'UserPoolTaggingException'
  | 'ValidationException'
  | 'UsernameExistsException'
  | 'WebAuthnChallengeNotFoundException'
  | 'WebAuthnClientMismatchException'
  | 'WebAuthnConfigurationMissingException'
  | 'WebAuthnCredentialNotSupportedException'
  | 'WebAuthnNotEnabledException'
  | 'WebAuthnOriginNotAllowedException'
  | 'WebAuthnRelyingPartyMismatchException'
  | 'ExpiredTokenException'
  | 'RequestEntityTooLargeException';

/** An error that is answered on the wire as `{"__type": name, "message": message}`. */
export class CognitoError extends Error {
  override readonly name: CognitoErrorName;
  readonly status: number;

  constructor(name: CognitoErrorName, message: string, status = 400) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

/** Shorthands for the errors every action raises; each keeps Cognito's wording. */
export const errors = {
  invalidParameter: (message: string) => new CognitoError('InvalidParameterException', message),
  notAuthorized: (message = 'Incorrect username or password.') => new CognitoError('NotAuthorizedException', message),
  resourceNotFound: (message: string) => new CognitoError('ResourceNotFoundException', message),
  userNotFound: (message = 'User does not exist.') => new CognitoError('UserNotFoundException', message),
  usernameExists: (message = 'User already exists') => new CognitoError('UsernameExistsException', message),
  codeMismatch: (message = 'Invalid verification code provided, please try again.') =>
    new CognitoError('CodeMismatchException', message),
  expiredCode: (message = 'Invalid code provided, please request a code again.') =>
    new CognitoError('ExpiredCodeException', message),
  invalidPassword: (message: string) => new CognitoError('InvalidPasswordException', message),
  userNotConfirmed: (message = 'User is not confirmed.') => new CognitoError('UserNotConfirmedException', message),
  limitExceeded: (message = 'Attempt limit exceeded, please try after some time.') =>
    new CognitoError('LimitExceededException', message),
  internal: (message = 'An internal error occurred.') => new CognitoError('InternalErrorException', message, 500),
} as const;

/**
 * `@cognate/client`: AWSMobileClient for TypeScript. Sign-up, SRP sign-in, challenges, tokens that
 * refresh themselves, AWS credentials from identity pools, devices — against Cognate or Amazon
 * Cognito, in browsers, Node and React Native (fetch + WebCrypto + BigInt, no Node imports).
 * The file store for Node lives in `@cognate/client/node`.
 *
 * @example
 * ```ts
 * import { MobileClient, UserState, MobileClientError } from '@cognate/client';
 * const client = new MobileClient();
 * await client.initialize(awsconfiguration);
 * ```
 * @packageDocumentation
 */
export { MobileClient, DeviceOperations, decodeJwt } from './mobile-client.js';
export type { MobileClientOptions, SignUpInput, SignInInput, SignOutOptions, FederatedSignInOptions, MFAPreference, MFAFactorPreference } from './mobile-client.js';
export { MobileClientError, isMobileClientError } from './errors.js';
export type { MobileClientErrorCode } from './errors.js';
export type { AWSConfiguration, UserPoolConfiguration, IdentityPoolConfiguration, AuthenticationFlowType } from './config.js';
export { MemoryStorage, LocalStorage } from './storage.js';
export type { KeyValueStorage, WebStorage } from './storage.js';
export type { FetchLike } from './internal/transport.js';
export { UserState } from './types.js';
export type {
  AWSCredentials,
  Clock,
  CodeDeliveryDetails,
  Device,
  ForgotPasswordResult,
  JwtToken,
  NewDevice,
  SignInResult,
  SignInState,
  SignUpResult,
  Tokens,
  UserStateInfo,
  UserStateListener,
  UserStateReason,
} from './types.js';

/**
 * `@cognate/client`: AWSMobileClient for TypeScript. Sign-up, SRP sign-in, passwordless sign-in
 * (one-time codes, passkeys), challenges, tokens that refresh themselves, AWS credentials from
 * identity pools, devices — against Cognate or Amazon Cognito, in browsers, Node and React Native
 * (fetch + WebCrypto + BigInt, no Node imports).
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
export { MobileClient, DeviceOperations, PasskeyOperations, decodeJwt } from './mobile-client.js';
export type { MobileClientOptions, SignUpInput, SignInInput, SignOutOptions, FederatedSignInOptions, HostedUIOptions, RedirectReceiver, MFAPreference, MFAFactorPreference } from './mobile-client.js';
export { MobileClientError, isMobileClientError } from './errors.js';
export type { MobileClientErrorCode } from './errors.js';
export type { AWSConfiguration, UserPoolConfiguration, IdentityPoolConfiguration, AuthenticationFlowType, OAuthConfiguration } from './config.js';
export { MemoryStorage, LocalStorage } from './storage.js';
export type { KeyValueStorage, WebStorage } from './storage.js';
export type { FetchLike } from './internal/transport.js';
export { browserWebAuthn } from './internal/webauthn.js';
export type {
  WebAuthnPort,
  WebAuthnCreationOptionsJSON,
  WebAuthnRequestOptionsJSON,
  WebAuthnRegistrationJSON,
  WebAuthnAssertionJSON,
  WebAuthnCredentialDescriptorJSON,
} from './internal/webauthn.js';
export { SyncManager, Dataset, SyncConflict, IndexedDBStorage } from './sync/index.js';
export type { SyncManagerOptions, SyncCallbacks, SyncResult, SyncRecord, ConflictResolution, DatasetMetadata } from './sync/index.js';
export { UserState } from './types.js';
export type {
  AuthFactorType,
  AWSCredentials,
  Clock,
  CodeDeliveryDetails,
  Device,
  ForgotPasswordResult,
  JwtToken,
  NewDevice,
  Passkey,
  SignInResult,
  SignInState,
  SignUpResult,
  Tokens,
  UserStateInfo,
  UserStateListener,
  UserAuthFactors,
  UserStateReason,
} from './types.js';

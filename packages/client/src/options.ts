/**
 * The public inputs and options of {@link MobileClient}'s calls (re-exported by mobile-client.ts
 * and the package index), kept apart so the internal modules can take them without importing the
 * client class.
 */
import type { AuthenticationFlowType } from './config.js';
import type { KeyValueStorage } from './storage.js';
import type { RedirectReceiver } from './internal/hosted-ui-receiver.js';
import type { FetchLike as Fetch } from './internal/transport.js';
import type { WebAuthnPort } from './internal/webauthn.js';
import type { AuthFactorType, Clock } from './types.js';

/**
 * Options of a {@link MobileClient}; all optional.
 *
 * @example
 * ```ts
 * const client = new MobileClient({
 *   storage: new LocalStorage(),      // where the session survives reloads (default: memory)
 *   refreshMarginMs: 5 * 60_000,      // refresh tokens this long before they expire
 *   refreshFlow: 'REFRESH_TOKEN_AUTH' // or 'GetTokensFromRefreshToken'
 * });
 * ```
 */
export interface MobileClientOptions {
  /** Where the session is kept. Default: {@link MemoryStorage}. */
  storage?: KeyValueStorage;
  /** The storage key. Default: `cognate.session.<AppClientId or identity pool id>`. */
  storageKey?: string;
  /** Time source (epoch ms). Default: `Date.now`. */
  clock?: Clock;
  /** A fetch implementation. Default: `globalThis.fetch`. */
  fetch?: Fetch;
  /** Tokens and credentials this close to expiry are refreshed first (tokens: at most half their lifetime). Default: 5 minutes. */
  refreshMarginMs?: number;
  /** How tokens are refreshed. Default: `REFRESH_TOKEN_AUTH` (InitiateAuth), which every Cognito pool supports. */
  refreshFlow?: 'REFRESH_TOKEN_AUTH' | 'GetTokensFromRefreshToken';
  /** DeviceName sent with ConfirmDevice. Default: `navigator.userAgent`, else `cognate-client`. */
  deviceName?: string;
  /**
   * The authenticator for passkeys (sign-in with WEB_AUTHN, `passkeyOperations.register`). Default:
   * the browser's `navigator.credentials` ({@link browserWebAuthn}); where there is none (Node,
   * React Native) passkeys fail with `webAuthnNotSupported` unless a port is given here.
   */
  webAuthn?: WebAuthnPort;
}

/**
 * The input of {@link MobileClient.signUp}.
 *
 * @example
 * ```ts
 * const input: SignUpInput = { username: 'alice', password: 'Corr3ct-Horse!', userAttributes: { email: 'alice@example.com' } };
 * ```
 */
export interface SignUpInput {
  username: string;
  /** Omit for a user without a password, where the pool allows a passwordless first factor (EMAIL_OTP, SMS_OTP, WEB_AUTHN). */
  password?: string;
  userAttributes?: Record<string, string>;
  validationData?: Record<string, string>;
  clientMetadata?: Record<string, string>;
}

/**
 * The input of {@link MobileClient.signIn}.
 *
 * @example
 * ```ts
 * const input: SignInInput = { username: 'alice', password: 'Corr3ct-Horse!' };
 * const passwordless: SignInInput = { username: 'alice', authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' };
 * ```
 */
export interface SignInInput {
  username: string;
  /**
   * Required for USER_SRP_AUTH and USER_PASSWORD_AUTH; with CUSTOM_AUTH, a password adds an SRP
   * step; with USER_AUTH, required for the PASSWORD and PASSWORD_SRP challenges (and kept for a
   * later {@link MobileClient.selectChallenge} of either).
   */
  password?: string;
  /** This sign-in's flow. Default: the configuration's `authenticationFlowType` (USER_SRP_AUTH). */
  authFlowType?: AuthenticationFlowType;
  /**
   * USER_AUTH only: the first factor to start with (PREFERRED_CHALLENGE). Without it, or when the
   * user can't use it, the result is `selectChallenge` with the `availableChallenges`.
   */
  preferredChallenge?: AuthFactorType;
  clientMetadata?: Record<string, string>;
}

/**
 * Options of {@link MobileClient.signOut}.
 *
 * @example
 * ```ts
 * await client.signOut({ signOutGlobally: true }); // every device
 * await client.signOut({ invalidateTokens: true }); // revoke this session's refresh token
 * ```
 */
export interface SignOutOptions {
  /** GlobalSignOut: revokes every token of the user, on every device. */
  signOutGlobally?: boolean;
  /**
   * RevokeToken: revokes this session's refresh token and the tokens issued from it. After a
   * hosted-UI sign-in, also ends the hosted UI's session: `/oauth2/revoke`, then the sign-out
   * endpoint (`/logout` with `logout_uri`) — a redirect in a browser, a request elsewhere.
   */
  invalidateTokens?: boolean;
}

/**
 * Options of {@link MobileClient.signInWithHostedUI} (seed 002's `HostedUIOptions`).
 *
 * @example
 * ```ts
 * await client.signInWithHostedUI({ scopes: ['openid', 'email'], identityProvider: 'Google' }); // straight to Google
 * await client.signInWithHostedUI({ scopes: ['openid', 'email'], federationProviderName: 'YOUR_AUTH0_DOMAIN.auth0.com' }); // Auth0 → identity pool
 * ```
 */
export interface HostedUIOptions {
  /** Default: `Auth.Default.OAuth.Scopes`. A user-pool sign-in needs `openid`. */
  scopes?: string[];
  /** Straight to this provider of the app client (`Google`, `Facebook`, `SignInWithApple`, `LoginWithAmazon`, a SAML or OIDC provider's name, or `COGNITO`), skipping the provider choice. */
  identityProvider?: string;
  /** Straight to the provider that lists this identifier (an email domain, say) in its IdpIdentifiers. */
  idpIdentifier?: string;
  /**
   * For a generic OAuth 2.0 provider (`SignInURI`/`TokenURI`, e.g. Auth0): the identity pool's name
   * for it (its OIDC issuer's host); its ID token is federated into the identity pool under this name.
   */
  federationProviderName?: string;
  /**
   * Opens the authorization URL. Default in a browser: `location.assign` (the page navigates away
   * and calls {@link MobileClient.handleAuthResponse} when it comes back). Required elsewhere, e.g.
   * Node: open the system browser; React Native: `Linking.openURL`.
   */
  openUrl?: (url: string) => void | Promise<void>;
  /** Where the redirect comes back outside a browser page: `loopbackRedirect()` from `@cognate/client/node`. */
  redirectReceiver?: RedirectReceiver;
  /** More authorization-request parameters (`prompt`, `login_hint`, `lang` …); the protocol's own (`state`, `redirect_uri` …) can't be set. */
  signInQueryParameters?: Record<string, string>;
}

/**
 * Options of {@link MobileClient.federatedSignIn}.
 *
 * @example
 * ```ts
 * await client.federatedSignIn('cognito-identity.amazonaws.com', openIdToken, { cognitoIdentityId: identityId });
 * ```
 */
export interface FederatedSignInOptions {
  /** The identity id, for developer-authenticated identities (GetOpenIdTokenForDeveloperIdentity's answer). */
  cognitoIdentityId?: string;
  /** A role ARN to ask for (CustomRoleArn). */
  customRoleArn?: string;
}

/**
 * One factor of {@link MFAPreference}: on or off, and whether it is the one sign-in asks for.
 *
 * @example
 * ```ts
 * const totp: MFAFactorPreference = { enabled: true, preferred: true };
 * ```
 */
export interface MFAFactorPreference {
  enabled: boolean;
  preferred?: boolean;
}

/**
 * The input of {@link MobileClient.setUserMFAPreference}: the factors to change.
 *
 * @example
 * ```ts
 * const preference: MFAPreference = { softwareToken: { enabled: true, preferred: true }, sms: { enabled: true } };
 * ```
 */
export interface MFAPreference {
  /** SMS_MFA: a code texted to the user's phone_number. */
  sms?: MFAFactorPreference;
  /** SOFTWARE_TOKEN_MFA: TOTP from an authenticator app (after associate + verify). */
  softwareToken?: MFAFactorPreference;
  /** EMAIL_OTP: a code mailed to the user's email (pools with email MFA). */
  email?: MFAFactorPreference;
}

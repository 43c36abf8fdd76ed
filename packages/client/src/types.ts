/**
 * The results and shapes the client's API returns, named after AWSMobileClient's (seeds 002/004).
 */
import type { MobileClientError } from './errors.js';

/**
 * Where the user stands. Values and meaning follow AWSMobileClient's `UserState`:
 * - `signedIn`: user-pool tokens (or a federated token) are held.
 * - `signedOut`: nobody is signed in.
 * - `guest`: nobody is signed in, and the identity pool has handed this session unauthenticated
 *   credentials (now, or in a previous run on the same storage). A client with an identity pool
 *   starts `signedOut` until {@link MobileClient.getAWSCredentials} has found guests allowed, since
 *   pools may refuse them and {@link MobileClient.initialize} asks no server.
 * - `signedOutUserPoolsTokenInvalid`: the session can't produce valid tokens right now — the
 *   refresh token was revoked or expired (sign in again), or the tokens expired while the server was
 *   unreachable (the session is kept; the next {@link MobileClient.getTokens} online refreshes).
 * - `signedOutFederatedTokensInvalid`: the federated provider's token was refused; give a new one
 *   through {@link MobileClient.federatedSignIn}.
 * - `unknown`: before {@link MobileClient.initialize}.
 *
 * @example
 * ```ts
 * client.addUserStateListener((state, info) => {
 *   if (state === UserState.signedOutUserPoolsTokenInvalid && info.reason === 'refreshTokenInvalid') showSignIn();
 * });
 * ```
 */
export const UserState = {
  guest: 'guest',
  signedOut: 'signedOut',
  signedIn: 'signedIn',
  signedOutUserPoolsTokenInvalid: 'signedOutUserPoolsTokenInvalid',
  signedOutFederatedTokensInvalid: 'signedOutFederatedTokensInvalid',
  unknown: 'unknown',
} as const;
/** See the {@link UserState} constants. */
export type UserState = (typeof UserState)[keyof typeof UserState];

/**
 * Why a state transition happened, as passed to listeners.
 *
 * @example
 * ```ts
 * const quiet: UserStateReason[] = ['initialize', 'tokensRefreshed'];
 * ```
 */
export type UserStateReason =
  | 'initialize'
  | 'signIn'
  | 'federatedSignIn'
  | 'signOut'
  | 'userDeleted'
  | 'tokensRefreshed'
  | 'refreshTokenInvalid'
  | 'offline'
  | 'federatedTokensInvalid'
  | 'guestCredentials'
  | 'guestAccessNotAllowed';

/**
 * The second argument of a {@link UserStateListener}.
 *
 * @example
 * ```ts
 * const onState: UserStateListener = (state, info: UserStateInfo) => console.log(state, info.reason, info.username);
 * ```
 */
export interface UserStateInfo {
  reason: UserStateReason;
  /** The state before this transition. */
  previous: UserState;
  /** The signed-in user's name, when there is one. */
  username?: string;
  /** `userPools`, or the federated provider's name. */
  provider?: string;
  /** The error that caused the transition (refresh refused, network down). */
  error?: MobileClientError;
}

/**
 * Called on every state transition, in order, with the new state.
 *
 * @example
 * ```ts
 * const listener: UserStateListener = (state, info) => console.log(`${info.previous} → ${state}`);
 * client.addUserStateListener(listener);
 * ```
 */
export type UserStateListener = (state: UserState, info: UserStateInfo) => void;

/**
 * Where a confirmation code went.
 *
 * @example
 * ```ts
 * const { codeDeliveryDetails } = await client.forgotPassword('alice');
 * console.log(`Code sent by ${codeDeliveryDetails?.deliveryMedium} to ${codeDeliveryDetails?.destination}`);
 * ```
 */
export interface CodeDeliveryDetails {
  deliveryMedium: 'EMAIL' | 'SMS' | 'UNKNOWN';
  /** Masked, e.g. `a***@e***.com`. */
  destination?: string;
  attributeName?: string;
}

/**
 * What {@link MobileClient.signUp}, {@link MobileClient.confirmSignUp} and
 * {@link MobileClient.resendSignUpCode} return.
 *
 * @example
 * ```ts
 * const r: SignUpResult = await client.signUp({ username: 'alice', password: 'Corr3ct-Horse!', userAttributes: { email: 'alice@example.com' } });
 * if (r.signUpConfirmationState === 'unconfirmed') askForCode(r.codeDeliveryDetails);
 * ```
 */
export interface SignUpResult {
  signUpConfirmationState: 'confirmed' | 'unconfirmed' | 'unknown';
  codeDeliveryDetails?: CodeDeliveryDetails;
  /** The new user's `sub` (signUp only). */
  userSub?: string;
  /**
   * `true` when the server returned a sign-in Session with the confirmation (an app client with
   * ALLOW_USER_AUTH): {@link MobileClient.autoSignIn} then signs the user in without a credential.
   */
  canAutoSignIn?: boolean;
}

/**
 * A first factor of choice-based sign-in (USER_AUTH): `PASSWORD` (sent as is), `PASSWORD_SRP`
 * (proven with SRP), `EMAIL_OTP` / `SMS_OTP` (a one-time code), `WEB_AUTHN` (a passkey).
 *
 * @example
 * ```ts
 * const preferred: AuthFactorType = 'WEB_AUTHN';
 * await client.signIn({ username: 'alice', authFlowType: 'USER_AUTH', preferredChallenge: preferred });
 * ```
 */
export type AuthFactorType = 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';

/**
 * What {@link MobileClient.getUserAuthFactors} returns (GetUserAuthFactors).
 *
 * @example
 * ```ts
 * const { factors }: UserAuthFactors = await client.getUserAuthFactors();
 * if (!factors.includes('WEB_AUTHN')) offerPasskey();
 * ```
 */
export interface UserAuthFactors {
  username: string;
  /** The first factors this user can sign in with (ConfiguredUserAuthFactors). */
  factors: AuthFactorType[];
  /** The MFA factors enabled: `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`. */
  mfaEnabled: string[];
  mfaPreferred?: string;
}

/**
 * A passkey of the signed-in user, as {@link PasskeyOperations.list} returns it.
 *
 * @example
 * ```ts
 * const { passkeys } = await client.passkeyOperations.list();
 * for (const p of passkeys) console.log(p.friendlyName, p.createdAt, p.relyingPartyId);
 * ```
 */
export interface Passkey {
  credentialId: string;
  friendlyName?: string;
  relyingPartyId: string;
  /** `platform` or `cross-platform`, when the authenticator said. */
  authenticatorAttachment?: string;
  transports: string[];
  createdAt?: Date;
}

/**
 * The state a sign-in is in: `signedIn`, or the challenge to answer with
 * {@link MobileClient.confirmSignIn}: `selectChallenge` (USER_AUTH: pick a first factor with
 * {@link MobileClient.selectChallenge}), `emailOTP` / `smsOTP` (a one-time code, first factor or
 * MFA), the MFA challenges, `newPasswordRequired`, `customChallenge`.
 *
 * @example
 * ```ts
 * const states: SignInState[] = ['smsMFA', 'softwareTokenMFA', 'emailOTP'];
 * ```
 */
export type SignInState =
  | 'signedIn'
  | 'selectChallenge'
  | 'smsOTP'
  | 'smsMFA'
  | 'softwareTokenMFA'
  | 'emailOTP'
  | 'selectMFAType'
  | 'mfaSetup'
  | 'newPasswordRequired'
  | 'customChallenge'
  | 'unknown';

/**
 * What {@link MobileClient.signIn} and {@link MobileClient.confirmSignIn} return.
 *
 * @example
 * ```ts
 * const r: SignInResult = await client.signIn({ username: 'alice', password: 'Corr3ct-Horse!' });
 * switch (r.signInState) {
 *   case 'signedIn': break;
 *   case 'smsMFA': console.log(`Code sent to ${r.codeDetails?.destination}`); break;
 *   case 'newPasswordRequired': await client.confirmSignIn('N3w-Passw0rd!'); break;
 * }
 * ```
 */
export interface SignInResult {
  signInState: SignInState;
  /** For the code challenges (smsMFA, emailOTP, smsOTP): where the code went. */
  codeDetails?: CodeDeliveryDetails;
  /** For `selectChallenge`: the first factors this user may pick (AvailableChallenges). */
  availableChallenges?: AuthFactorType[];
  /**
   * The challenge's parameters, decoded: e.g. `MFAS_CAN_CHOOSE` / `MFAS_CAN_SETUP` (JSON arrays in
   * the wire protocol, arrays here), `requiredAttributes` and `userAttributes` for
   * newPasswordRequired, and whatever a custom challenge sends.
   */
  parameters: Record<string, unknown>;
  /**
   * Set when this sign-in confirmed a new device (ConfirmDevice for Cognito's NewDeviceMetadata);
   * see {@link NewDevice}.
   */
  newDevice?: NewDevice;
}

/**
 * The device a sign-in confirmed ({@link SignInResult.newDevice}), with ConfirmDevice's
 * `UserConfirmationNecessary`:
 * - `true`: the pool remembers devices only when the user says so (DeviceConfiguration
 *   `DeviceOnlyRememberedOnUserPrompt`, the console's "User Opt In"). The device is tracked but not
 *   remembered — it can't stand in for MFA — until the app asks the user and calls
 *   {@link DeviceOperations.updateStatus} with `remembered: true`.
 * - `false`: the pool remembered it already ("Always").
 *
 * @example
 * ```ts
 * const r = await client.signIn({ username: 'alice', password: 'Corr3ct-Horse!' });
 * if (r.newDevice?.userConfirmationNecessary && (await askUser('Remember this device?'))) {
 *   await client.deviceOperations.updateStatus({ remembered: true });
 * }
 * ```
 */
export interface NewDevice {
  deviceKey: string;
  userConfirmationNecessary: boolean;
}

/**
 * What {@link MobileClient.forgotPassword} and {@link MobileClient.confirmForgotPassword} return.
 *
 * @example
 * ```ts
 * const r: ForgotPasswordResult = await client.forgotPassword('alice'); // { forgotPasswordState: 'confirmationCodeSent', … }
 * ```
 */
export interface ForgotPasswordResult {
  forgotPasswordState: 'confirmationCodeSent' | 'done';
  codeDeliveryDetails?: CodeDeliveryDetails;
}

/**
 * A JWT and its decoded (unverified) claims.
 *
 * @example
 * ```ts
 * const { idToken } = await client.getTokens();
 * console.log(idToken.claims.email, idToken.tokenString.length);
 * ```
 */
export interface JwtToken {
  tokenString: string;
  claims: Record<string, unknown>;
  /** The `exp` claim as a Date. */
  expiration: Date;
}

/**
 * The user-pool tokens {@link MobileClient.getTokens} returns.
 *
 * @example
 * ```ts
 * const tokens: Tokens = await client.getTokens();
 * await fetch(api, { headers: { authorization: tokens.idToken.tokenString } });
 * ```
 */
export interface Tokens {
  idToken: JwtToken;
  accessToken: JwtToken;
  refreshToken: string;
  /** When the first of the ID and access tokens expires. */
  expiration: Date;
}

/**
 * Temporary AWS credentials from the identity pool, for signing AWS requests.
 *
 * @example
 * ```ts
 * const c: AWSCredentials = await client.getAWSCredentials();
 * const s3 = new S3Client({ region, credentials: c });
 * ```
 */
export interface AWSCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  identityId: string;
}

/**
 * A device as {@link DeviceOperations.get} and {@link DeviceOperations.list} return it.
 *
 * @example
 * ```ts
 * const d: Device = await client.deviceOperations.get();
 * console.log(d.deviceKey, d.attributes.device_name, d.lastAuthenticatedDate);
 * ```
 */
export interface Device {
  deviceKey: string;
  attributes: Record<string, string>;
  createDate?: Date;
  lastModifiedDate?: Date;
  lastAuthenticatedDate?: Date;
}

/**
 * A source of the current time in epoch milliseconds. Inject one to control time in tests.
 *
 * @example
 * ```ts
 * let now = Date.now();
 * const clock: Clock = { now: () => now };
 * const client = new MobileClient({ clock });
 * now += 61 * 60_000; // the next getTokens() refreshes
 * ```
 */
export interface Clock {
  now(): number;
}

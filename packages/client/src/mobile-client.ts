/**
 * MobileClient: AWSMobileClient (seeds 002 and 004) in TypeScript. It keeps the session — user-pool
 * tokens, a federated login, the identity id and device keys — in a {@link KeyValueStorage}, tracks
 * the {@link UserState} and tells listeners about every transition, and speaks the cognito-idp and
 * cognito-identity wire protocols directly with fetch and WebCrypto, so it runs in browsers, Node
 * and React Native, against Cognate or Amazon Cognito.
 */
import { resolveConfiguration, type AWSConfiguration, type ResolvedConfiguration } from './config.js';
import { MobileClientError, isMobileClientError } from './errors.js';
import { fromBase64, fromUtf8 } from './internal/bytes.js';
import { deviceSecretVerifier, formatTimestamp, generateDevicePassword, generateEphemeral, passwordClaimSignature, secretHash, type Ephemeral } from './internal/srp.js';
import { call, type FetchLike as Fetch, type Service } from './internal/transport.js';
import { MemoryStorage, type KeyValueStorage } from './storage.js';
import {
  UserState,
  type AWSCredentials,
  type Clock,
  type CodeDeliveryDetails,
  type Device,
  type ForgotPasswordResult,
  type JwtToken,
  type NewDevice,
  type SignInResult,
  type SignInState,
  type SignUpResult,
  type Tokens,
  type UserStateInfo,
  type UserStateListener,
  type UserStateReason,
} from './types.js';

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
  password: string;
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
 * ```
 */
export interface SignInInput {
  username: string;
  /** Required for USER_SRP_AUTH and USER_PASSWORD_AUTH; with CUSTOM_AUTH, a password adds an SRP step. */
  password?: string;
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
  /** RevokeToken: revokes this session's refresh token and the tokens issued from it. */
  invalidateTokens?: boolean;
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

interface StoredTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

interface DeviceSecret {
  deviceKey: string;
  deviceGroupKey: string;
  devicePassword: string;
}

/** What the storage holds (JSON). Credentials are never stored; they are cheap to fetch again. */
interface Session {
  version: 1;
  username?: string;
  tokens?: StoredTokens;
  /** Refresh refused: waiting for a new signIn. */
  refreshTokenInvalid?: boolean;
  federation?: { providerName: string; token: string; customRoleArn?: string };
  federatedTokenInvalid?: boolean;
  identityId?: string;
  /**
   * Nobody signed in, and the identity pool gave this session's identity unauthenticated
   * credentials: what makes {@link MobileClient.initialize} say `guest` without asking the network.
   */
  guestAllowed?: boolean;
  /** Remembered devices per username (device SRP). */
  devices?: Record<string, DeviceSecret>;
}

interface PendingChallenge {
  name: string;
  session?: string;
  /** The username to send back (the challenge's USERNAME or USER_ID_FOR_SRP). */
  username: string;
  /** What the user typed. */
  signInName: string;
  parameters: Record<string, string>;
  softwareTokenSession?: string;
  ephemeral?: Ephemeral;
  password?: string;
}

interface AuthResponse {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: {
    AccessToken?: string;
    IdToken?: string;
    RefreshToken?: string;
    ExpiresIn?: number;
    NewDeviceMetadata?: { DeviceKey?: string; DeviceGroupKey?: string };
  };
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

const CHALLENGE_STATES: Readonly<Record<string, SignInState>> = {
  SMS_MFA: 'smsMFA',
  SOFTWARE_TOKEN_MFA: 'softwareTokenMFA',
  EMAIL_OTP: 'emailOTP',
  SELECT_MFA_TYPE: 'selectMFAType',
  MFA_SETUP: 'mfaSetup',
  NEW_PASSWORD_REQUIRED: 'newPasswordRequired',
  CUSTOM_CHALLENGE: 'customChallenge',
};

const DEFAULT_MARGIN_MS = 5 * 60_000;
const systemClock: Clock = { now: () => Date.now() };

/**
 * Decodes a JWT's claims without verifying the signature: for reading the tokens the client got
 * from its server, never for trusting a token someone else hands you (verify those with
 * aws-jwt-verify against the pool's JWKS).
 *
 * @example
 * ```ts
 * const { claims, expiration } = decodeJwt((await client.getTokens()).idToken.tokenString);
 * console.log(claims['cognito:username'], expiration.toISOString());
 * ```
 * @throws MobileClientError `badRequest` when the string is not a JWT.
 */
export function decodeJwt(token: string): JwtToken {
  const part = token.split('.')[1];
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(fromUtf8(fromBase64(part ?? ''))) as Record<string, unknown>;
  } catch {
    throw new MobileClientError('badRequest', 'The server returned a token that is not a JWT.');
  }
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  return { tokenString: token, claims, expiration: new Date(exp * 1000) };
}

const deliveryDetails = (d: { DeliveryMedium?: string; Destination?: string; AttributeName?: string } | undefined): CodeDeliveryDetails | undefined =>
  d
    ? {
        deliveryMedium: d.DeliveryMedium === 'EMAIL' || d.DeliveryMedium === 'SMS' ? d.DeliveryMedium : 'UNKNOWN',
        ...(d.Destination !== undefined ? { destination: d.Destination } : {}),
        ...(d.AttributeName !== undefined ? { attributeName: d.AttributeName } : {}),
      }
    : undefined;

const attributeList = (attrs: Record<string, string> | undefined) => (attrs ? Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })) : undefined);

/** "Device does not exist.": the server forgot a device this client remembers; clients then drop it and retry without it. */
const isForgottenDevice = (e: unknown): e is MobileClientError => isMobileClientError(e, 'resourceNotFound') && /device/i.test(e.message);

const withDefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * The client. Create one per app (or use {@link MobileClient.default}), call
 * {@link MobileClient.initialize} with your `awsconfiguration.json`, then sign users up and in.
 *
 * @example
 * ```ts
 * import { MobileClient, UserState } from '@cognate/client';
 *
 * const client = new MobileClient();
 * client.addUserStateListener((state, info) => console.log(state, info.reason));
 * const state = await client.initialize({
 *   CognitoUserPool: { Default: { PoolId: 'us-east-1_AbC123', AppClientId: 'abc', Region: 'us-east-1', Endpoint: 'http://127.0.0.1:9229' } },
 * });
 * if (state !== UserState.signedIn) await client.signIn({ username: 'alice', password: 'Corr3ct-Horse!' });
 * const { accessToken } = await client.getTokens();
 * ```
 */
export class MobileClient {
  static #default: MobileClient | undefined;

  /**
   * The shared instance, as `AWSMobileClient.default()`.
   *
   * @example
   * ```ts
   * await MobileClient.default().initialize(config);
   * MobileClient.default().isSignedIn;
   * ```
   */
  static default(): MobileClient {
    return (MobileClient.#default ??= new MobileClient());
  }

  /**
   * Initialises the shared instance ({@link MobileClient.default}) and returns its state — the
   * one-liner of seed 002's `AWSMobileClient.default().initialize { userState, error in … }`.
   * The shared instance keeps its session in memory; create your own client to choose a store.
   *
   * @example
   * ```ts
   * const state = await MobileClient.initialize(awsconfiguration);
   * if (state === UserState.signedOut) showSignIn();
   * ```
   */
  static initialize(config: AWSConfiguration): Promise<UserState> {
    return MobileClient.default().initialize(config);
  }

  readonly #storage: KeyValueStorage;
  readonly #clock: Clock;
  readonly #fetch: Fetch;
  readonly #margin: number;
  readonly #refreshFlow: 'REFRESH_TOKEN_AUTH' | 'GetTokensFromRefreshToken';
  readonly #deviceName: string | undefined;
  readonly #storageKeyOption: string | undefined;

  #config: ResolvedConfiguration | undefined;
  #storageKey = '';
  #session: Session = { version: 1 };
  #state: UserState = UserState.unknown;
  /** Provider and username of the `signedIn` state, to tell one signed-in user from the next. */
  #signedInAs: string | undefined;
  readonly #listeners = new Set<UserStateListener>();
  #pending: PendingChallenge | undefined;
  #refreshing: Promise<Tokens> | undefined;
  /** The credentials fetch in flight, shared by callers with the same logins. */
  #fetchingCredentials: { loginsKey: string; promise: Promise<AWSCredentials> } | undefined;
  #credentials: (AWSCredentials & { loginsKey: string }) | undefined;
  #signInWaiters: Waiter<void>[] = [];
  #federationWaiters: Waiter<void>[] = [];
  #saving: Promise<void> = Promise.resolve();

  /**
   * Device operations for the signed-in user on this device: remember, forget, get, list.
   *
   * @example
   * ```ts
   * await client.deviceOperations.updateStatus({ remembered: true });
   * const { devices } = await client.deviceOperations.list({ limit: 10 });
   * ```
   */
  readonly deviceOperations: DeviceOperations;

  constructor(options: MobileClientOptions = {}) {
    this.#storage = options.storage ?? new MemoryStorage();
    this.#clock = options.clock ?? systemClock;
    const f = options.fetch ?? (globalThis as { fetch?: Fetch }).fetch;
    if (!f) throw new MobileClientError('invalidConfiguration', 'No fetch implementation: pass options.fetch.');
    this.#fetch = (input, init) => f(input, init);
    this.#margin = options.refreshMarginMs ?? DEFAULT_MARGIN_MS;
    this.#refreshFlow = options.refreshFlow ?? 'REFRESH_TOKEN_AUTH';
    this.#deviceName = options.deviceName;
    this.#storageKeyOption = options.storageKey;
    this.deviceOperations = new DeviceOperations(this, {
      userPoolCall: (action, input) => this.#idp(action, input),
      deviceKey: () => this.#currentDevice()?.deviceKey,
      forgetDevice: () => this.#forgetCurrentDevice(),
    });
  }

  // -----------------------------------------------------------------------------------------
  // Initialisation, state and listeners

  /**
   * Reads the configuration and the stored session, and returns the current state. It sends
   * nothing, so it is quick and works offline:
   * - `signedIn` when the storage holds a session (even with expired tokens: they refresh on the
   *   next {@link getTokens}) or a federated login;
   * - `signedOutUserPoolsTokenInvalid` / `signedOutFederatedTokensInvalid` when the stored refresh
   *   token / federated token was refused;
   * - `guest` only when the identity pool is known to take guests: the stored session holds a
   *   guest identity that got unauthenticated credentials (a previous run's
   *   {@link getAWSCredentials});
   * - else `signedOut` — also with an identity pool that may or may not allow guests. The first
   *   {@link getAWSCredentials} while signed out finds out: guest credentials move the state to
   *   `guest` (reason `guestCredentials`), a refusal is `guestAccessNotAllowed` and the state stays
   *   `signedOut`.
   *
   * @example
   * ```ts
   * const state = await client.initialize(awsconfiguration); // e.g. import awsconfiguration from './awsconfiguration.json'
   * ```
   * @throws MobileClientError `invalidConfiguration` when the configuration is malformed.
   */
  async initialize(config: AWSConfiguration): Promise<UserState> {
    const resolved = resolveConfiguration(config);
    this.#config = resolved;
    this.#storageKey = this.#storageKeyOption ?? `cognate.session.${resolved.userPool?.clientId ?? resolved.identityPool!.poolId}`;
    const raw = await this.#storage.getItem(this.#storageKey);
    this.#session = { version: 1 };
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as Session;
        if (parsed && parsed.version === 1) this.#session = parsed;
      } catch {
        // A corrupt session is no session.
      }
    }
    this.#pending = undefined;
    this.#credentials = undefined;
    const s = this.#session;
    let state: UserState;
    if (s.tokens) state = UserState.signedIn;
    else if (s.refreshTokenInvalid) state = UserState.signedOutUserPoolsTokenInvalid;
    else if (s.federation) state = s.federatedTokenInvalid ? UserState.signedOutFederatedTokensInvalid : UserState.signedIn;
    else if (resolved.identityPool && s.guestAllowed && s.identityId) state = UserState.guest;
    else state = UserState.signedOut;
    this.#transition(state, 'initialize');
    return state;
  }

  /**
   * The current state; `unknown` before {@link initialize}.
   *
   * @example
   * ```ts
   * if (client.currentUserState === UserState.guest) showSignInButton();
   * ```
   */
  get currentUserState(): UserState {
    return this.#state;
  }

  /**
   * Whether the state is `signedIn`.
   *
   * @example
   * ```ts
   * if (!client.isSignedIn) await client.signIn({ username, password });
   * ```
   */
  get isSignedIn(): boolean {
    return this.#state === UserState.signedIn;
  }

  /**
   * The name the user signed in with (user pools only), kept across restarts.
   *
   * @example
   * ```ts
   * greet(client.username ?? 'guest');
   * ```
   */
  get username(): string | undefined {
    return this.#session.username;
  }

  /**
   * The identity pool's identity id, once {@link getAWSCredentials} or {@link federatedSignIn}
   * got one; kept across restarts.
   *
   * @example
   * ```ts
   * await client.getAWSCredentials();
   * console.log(client.identityId); // 'us-east-1:…'
   * ```
   */
  get identityId(): string | undefined {
    return this.#session.identityId;
  }

  /**
   * Calls `listener(state, info)` on every state transition. Returns a function that removes it.
   *
   * @example
   * ```ts
   * const stop = client.addUserStateListener((state, info) => {
   *   if (state === UserState.signedOutUserPoolsTokenInvalid) showSignIn();
   * });
   * stop();
   * ```
   */
  addUserStateListener(listener: UserStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.removeUserStateListener(listener);
  }

  /**
   * Stops calling a listener added with {@link addUserStateListener}.
   *
   * @example
   * ```ts
   * client.removeUserStateListener(listener);
   * ```
   */
  removeUserStateListener(listener: UserStateListener): void {
    this.#listeners.delete(listener);
  }

  #transition(state: UserState, reason: UserStateReason, extra: Partial<Pick<UserStateInfo, 'error' | 'provider'>> = {}): void {
    const previous = this.#state;
    const username = this.#session.username;
    const info: UserStateInfo = { reason, previous, ...(username !== undefined ? { username } : {}), ...extra };
    if (state === UserState.signedIn && info.provider === undefined) {
      info.provider = this.#session.tokens ? 'userPools' : this.#session.federation?.providerName ?? 'userPools';
    }
    // Signed in as someone else (another user, or a federated login replacing the user pool's) is
    // a transition too, though the state's name stays `signedIn`.
    const who = state === UserState.signedIn ? `${info.provider ?? ''}\0${username ?? ''}` : undefined;
    if (previous === state && who === this.#signedInAs) return;
    this.#state = state;
    this.#signedInAs = who;
    for (const listener of [...this.#listeners]) {
      try {
        listener(state, info);
      } catch {
        // A throwing listener must not break the client or the other listeners.
      }
    }
  }

  #save(): Promise<void> {
    const snapshot = JSON.stringify(this.#session);
    const key = this.#storageKey;
    const write = async () => {
      await this.#storage.setItem(key, snapshot);
    };
    this.#saving = this.#saving.then(write, write);
    return this.#saving;
  }

  #requireUserPool(): NonNullable<ResolvedConfiguration['userPool']> {
    if (!this.#config) throw new MobileClientError('invalidState', 'Call initialize() first.');
    if (!this.#config.userPool) throw new MobileClientError('userPoolNotConfigured', 'The configuration has no CognitoUserPool.Default.');
    return this.#config.userPool;
  }

  #requireIdentityPool(): NonNullable<ResolvedConfiguration['identityPool']> {
    if (!this.#config) throw new MobileClientError('invalidState', 'Call initialize() first.');
    if (!this.#config.identityPool) throw new MobileClientError('cognitoIdentityPoolNotConfigured', 'The configuration has no CredentialsProvider.CognitoIdentity.Default.');
    return this.#config.identityPool;
  }

  #idp<T>(action: string, input: object): Promise<T> {
    return this.#call<T>('AWSCognitoIdentityProviderService', this.#requireUserPool().endpoint, action, input);
  }

  #identity<T>(action: string, input: object): Promise<T> {
    return this.#call<T>('AWSCognitoIdentityService', this.#requireIdentityPool().endpoint, action, input);
  }

  #call<T>(service: Service, endpoint: string, action: string, input: object): Promise<T> {
    return call<T>(this.#fetch, endpoint, service, action, withDefined(input));
  }

  async #secretHash(username: string): Promise<string | undefined> {
    const pool = this.#requireUserPool();
    return pool.clientSecret ? secretHash(pool.clientSecret, username, pool.clientId) : undefined;
  }

  // -----------------------------------------------------------------------------------------
  // Sign-up

  /**
   * Registers a user (SignUp).
   *
   * @example
   * ```ts
   * const r = await client.signUp({ username: 'alice', password: 'Corr3ct-Horse!', userAttributes: { email: 'alice@example.com' } });
   * if (r.signUpConfirmationState === 'unconfirmed') console.log(`Code sent to ${r.codeDeliveryDetails?.destination}`);
   * ```
   * @throws MobileClientError e.g. `usernameExists`, `invalidPassword`, `invalidParameter`.
   */
  async signUp(input: SignUpInput): Promise<SignUpResult> {
    const pool = this.#requireUserPool();
    const out = await this.#idp<{ UserConfirmed?: boolean; UserSub?: string; CodeDeliveryDetails?: Parameters<typeof deliveryDetails>[0] }>('SignUp', {
      ClientId: pool.clientId,
      Username: input.username,
      Password: input.password,
      SecretHash: await this.#secretHash(input.username),
      UserAttributes: attributeList(input.userAttributes),
      ValidationData: attributeList(input.validationData),
      ClientMetadata: input.clientMetadata,
    });
    const details = deliveryDetails(out.CodeDeliveryDetails);
    return {
      signUpConfirmationState: out.UserConfirmed === true ? 'confirmed' : out.UserConfirmed === false ? 'unconfirmed' : 'unknown',
      ...(details ? { codeDeliveryDetails: details } : {}),
      ...(out.UserSub ? { userSub: out.UserSub } : {}),
    };
  }

  /**
   * Confirms a sign-up with the code the user received (ConfirmSignUp).
   *
   * @example
   * ```ts
   * await client.confirmSignUp('alice', '123456'); // { signUpConfirmationState: 'confirmed' }
   * ```
   * @throws MobileClientError e.g. `codeMismatch`, `expiredCode`, `userNotFound`.
   */
  async confirmSignUp(username: string, confirmationCode: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<SignUpResult> {
    const pool = this.#requireUserPool();
    await this.#idp('ConfirmSignUp', {
      ClientId: pool.clientId,
      Username: username,
      ConfirmationCode: confirmationCode,
      SecretHash: await this.#secretHash(username),
      ClientMetadata: options.clientMetadata,
    });
    return { signUpConfirmationState: 'confirmed' };
  }

  /**
   * Sends the sign-up code again (ResendConfirmationCode).
   *
   * @example
   * ```ts
   * const r = await client.resendSignUpCode('alice');
   * console.log(r.codeDeliveryDetails?.destination);
   * ```
   */
  async resendSignUpCode(username: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<SignUpResult> {
    const pool = this.#requireUserPool();
    const out = await this.#idp<{ CodeDeliveryDetails?: Parameters<typeof deliveryDetails>[0] }>('ResendConfirmationCode', {
      ClientId: pool.clientId,
      Username: username,
      SecretHash: await this.#secretHash(username),
      ClientMetadata: options.clientMetadata,
    });
    const details = deliveryDetails(out.CodeDeliveryDetails);
    return { signUpConfirmationState: 'unconfirmed', ...(details ? { codeDeliveryDetails: details } : {}) };
  }

  // -----------------------------------------------------------------------------------------
  // Sign-in

  /**
   * Signs in with the configured flow: USER_SRP_AUTH (default; the password never leaves the
   * device), USER_PASSWORD_AUTH or CUSTOM_AUTH. A remembered device is proven with device SRP,
   * and a new device is confirmed, transparently; the result's `newDevice` then says whether the
   * user should be asked to remember it (`userConfirmationNecessary`, see {@link NewDevice}). When a
   * challenge comes back, answer it with {@link confirmSignIn}.
   *
   * @example
   * ```ts
   * const r = await client.signIn({ username: 'alice', password: 'Corr3ct-Horse!' });
   * if (r.signInState === 'newPasswordRequired') await client.confirmSignIn('N3w-Passw0rd!');
   * if (r.newDevice?.userConfirmationNecessary && (await askUser('Remember this device?'))) await client.deviceOperations.updateStatus({ remembered: true });
   * ```
   * @throws MobileClientError e.g. `notAuthorized` (wrong password), `userNotConfirmed`, `passwordResetRequired`, `network`.
   */
  async signIn(input: SignInInput): Promise<SignInResult> {
    const pool = this.#requireUserPool();
    const flow = this.#config!.flow;
    if (flow !== 'CUSTOM_AUTH' && !input.password) throw new MobileClientError('invalidParameter', 'A password is required.');
    this.#pending = undefined;
    const device = this.#session.devices?.[input.username];
    const params: Record<string, string | undefined> = {
      USERNAME: input.username,
      SECRET_HASH: await this.#secretHash(input.username),
      DEVICE_KEY: device?.deviceKey,
    };
    let ephemeral: Ephemeral | undefined;
    if (flow === 'USER_PASSWORD_AUTH') params.PASSWORD = input.password;
    else if (flow === 'USER_SRP_AUTH' || input.password) {
      ephemeral = generateEphemeral();
      params.SRP_A = ephemeral.hexA;
      if (flow === 'CUSTOM_AUTH') params.CHALLENGE_NAME = 'SRP_A';
    }
    const context: PendingChallenge = {
      name: '',
      username: input.username,
      signInName: input.username,
      parameters: {},
      ...(ephemeral ? { ephemeral } : {}),
      ...(input.password !== undefined ? { password: input.password } : {}),
    };
    try {
      const response = await this.#idp<AuthResponse>('InitiateAuth', {
        AuthFlow: flow,
        ClientId: pool.clientId,
        AuthParameters: withDefined(params),
        ClientMetadata: input.clientMetadata,
      });
      return await this.#handleAuthResponse(response, context, input.clientMetadata);
    } catch (e) {
      // A device the server forgot (or never had): forget it here too and sign in again without it,
      // as amazon-cognito-identity-js and the iOS SDK do.
      if (device && isForgottenDevice(e)) {
        await this.#forgetDevice(input.username);
        return this.signIn(input);
      }
      throw e;
    }
  }

  /**
   * Answers the challenge {@link signIn} (or a previous confirmSignIn) returned:
   * - `newPasswordRequired`: the new password; `options.userAttributes` fills required attributes.
   * - `smsMFA`, `softwareTokenMFA`, `emailOTP`: the code.
   * - `selectMFAType`: `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
   * - `mfaSetup`: after {@link associateSoftwareToken}, a TOTP code from the authenticator app;
   *   or an email address when the pool sets up EMAIL_OTP.
   * - `customChallenge`: the answer.
   *
   * @example
   * ```ts
   * const r = await client.signIn({ username: 'bob', password: 'Temp-Passw0rd!' });
   * if (r.signInState === 'newPasswordRequired') {
   *   await client.confirmSignIn('N3w-Passw0rd!', { userAttributes: { name: 'Bob' } });
   * }
   * ```
   * @throws MobileClientError `invalidState` when no challenge is waiting; service errors such as `codeMismatch`.
   */
  async confirmSignIn(challengeResponse: string, options: { userAttributes?: Record<string, string>; clientMetadata?: Record<string, string> } = {}): Promise<SignInResult> {
    const pool = this.#requireUserPool();
    const pending = this.#pending;
    if (!pending) throw new MobileClientError('invalidState', 'There is no sign-in challenge to answer; call signIn() first.');
    const responses: Record<string, string | undefined> = {
      USERNAME: pending.username,
      SECRET_HASH: await this.#secretHash(pending.username),
      DEVICE_KEY: this.#session.devices?.[pending.signInName]?.deviceKey,
    };
    let session = pending.session;
    switch (pending.name) {
      case 'NEW_PASSWORD_REQUIRED':
        responses.NEW_PASSWORD = challengeResponse;
        for (const [name, value] of Object.entries(options.userAttributes ?? {})) responses[`userAttributes.${name}`] = value;
        break;
      case 'SMS_MFA':
        responses.SMS_MFA_CODE = challengeResponse;
        break;
      case 'SOFTWARE_TOKEN_MFA':
        responses.SOFTWARE_TOKEN_MFA_CODE = challengeResponse;
        break;
      case 'EMAIL_OTP':
        responses.EMAIL_OTP_CODE = challengeResponse;
        break;
      case 'SELECT_MFA_TYPE':
      case 'CUSTOM_CHALLENGE':
        responses.ANSWER = challengeResponse;
        break;
      case 'MFA_SETUP':
        if (pending.softwareTokenSession) {
          const verified = await this.#idp<{ Status?: string; Session?: string }>('VerifySoftwareToken', {
            Session: pending.softwareTokenSession,
            UserCode: challengeResponse,
          });
          session = verified.Session ?? session;
        } else {
          responses.EMAIL = challengeResponse;
        }
        break;
      default:
        throw new MobileClientError('invalidState', `The challenge ${pending.name} is not supported.`);
    }
    let response: AuthResponse;
    try {
      response = await this.#idp<AuthResponse>('RespondToAuthChallenge', {
        ClientId: pool.clientId,
        ChallengeName: pending.name,
        Session: session,
        ChallengeResponses: withDefined(responses),
        ClientMetadata: options.clientMetadata,
      });
    } catch (err) {
      // A refused sign-in (failed authentication, a dead or spent session) has no challenge left to
      // answer; a wrong code (codeMismatch) may be tried again on the same one.
      if (err instanceof MobileClientError && err.code === 'notAuthorized' && this.#pending === pending) this.#pending = undefined;
      throw err;
    }
    return this.#handleAuthResponse(response, pending, options.clientMetadata);
  }

  /**
   * Starts TOTP set-up (AssociateSoftwareToken) and returns the secret to show as a QR code:
   * - in the `mfaSetup` sign-in state, with the challenge's Session; then call
   *   {@link confirmSignIn} with a code from the authenticator app;
   * - for the signed-in user, with the access token; then call {@link verifySoftwareToken} and
   *   turn TOTP on with {@link setUserMFAPreference}.
   *
   * @example
   * ```ts
   * const secret = await client.associateSoftwareToken();
   * showQr(`otpauth://totp/MyApp:${username}?secret=${secret}&issuer=MyApp`);
   * await client.confirmSignIn(codeFromApp); // mfaSetup; or verifySoftwareToken(codeFromApp) when signed in
   * ```
   * @throws MobileClientError `notSignedIn` outside both; service errors such as `notAuthorized`.
   */
  async associateSoftwareToken(): Promise<string> {
    const pending = this.#pending;
    if (pending?.name === 'MFA_SETUP') {
      const out = await this.#idp<{ SecretCode: string; Session?: string }>('AssociateSoftwareToken', { Session: pending.session });
      pending.softwareTokenSession = out.Session ?? pending.session ?? '';
      return out.SecretCode;
    }
    const out = await this.#idp<{ SecretCode: string }>('AssociateSoftwareToken', { AccessToken: await this.#accessToken() });
    return out.SecretCode;
  }

  /**
   * For the signed-in user, checks a code from the authenticator app against the secret of
   * {@link associateSoftwareToken} (VerifySoftwareToken). TOTP is then verified but not yet used at
   * sign-in: enable it with {@link setUserMFAPreference}. (In the `mfaSetup` sign-in state, answer
   * with {@link confirmSignIn} instead.)
   *
   * @example
   * ```ts
   * await client.verifySoftwareToken(codeFromApp, { friendlyDeviceName: 'My phone' });
   * await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred: true } });
   * ```
   * @throws MobileClientError `enableSoftwareTokenMFA` for a wrong code, `notSignedIn`.
   */
  async verifySoftwareToken(code: string, options: { friendlyDeviceName?: string } = {}): Promise<void> {
    const out = await this.#idp<{ Status?: string }>('VerifySoftwareToken', {
      AccessToken: await this.#accessToken(),
      UserCode: code,
      FriendlyDeviceName: options.friendlyDeviceName,
    });
    if (out.Status !== undefined && out.Status !== 'SUCCESS') throw new MobileClientError('enableSoftwareTokenMFA', `VerifySoftwareToken answered ${out.Status}.`);
  }

  /**
   * Turns the signed-in user's MFA factors on or off and picks the preferred one
   * (SetUserMFAPreference). Factors not named are left as they are.
   *
   * @example
   * ```ts
   * await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred: true }, sms: { enabled: false } });
   * ```
   * @throws MobileClientError e.g. `invalidParameter` (a factor the user can't have), `notSignedIn`.
   */
  async setUserMFAPreference(preference: MFAPreference): Promise<void> {
    const settings = (f: MFAFactorPreference | undefined) => (f ? withDefined({ Enabled: f.enabled, PreferredMfa: f.preferred }) : undefined);
    await this.#idp('SetUserMFAPreference', {
      AccessToken: await this.#accessToken(),
      SMSMfaSettings: settings(preference.sms),
      SoftwareTokenMfaSettings: settings(preference.softwareToken),
      EmailMfaSettings: settings(preference.email),
    });
  }

  /**
   * The signed-in user's MFA factors and the preferred one (from GetUser), in Cognito's names:
   * `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`.
   *
   * @example
   * ```ts
   * const { enabled, preferred } = await client.getUserMFAPreference();
   * if (!enabled.length) suggestMfa();
   * ```
   */
  async getUserMFAPreference(): Promise<{ enabled: string[]; preferred?: string }> {
    const out = await this.#idp<{ UserMFASettingList?: string[]; PreferredMfaSetting?: string }>('GetUser', { AccessToken: await this.#accessToken() });
    return { enabled: out.UserMFASettingList ?? [], ...(out.PreferredMfaSetting ? { preferred: out.PreferredMfaSetting } : {}) };
  }

  async #handleAuthResponse(response: AuthResponse, context: PendingChallenge, clientMetadata: Record<string, string> | undefined): Promise<SignInResult> {
    const pool = this.#requireUserPool();
    let current = response;
    let ctx = context;
    // Steps the client answers by itself: the SRP password proof and device SRP.
    for (let steps = 0; steps < 5; steps++) {
      const name = current.ChallengeName;
      const params = current.ChallengeParameters ?? {};
      if (name === 'PASSWORD_VERIFIER') {
        if (!ctx.ephemeral || ctx.password === undefined) throw new MobileClientError('invalidState', 'The server asked for a password proof the client cannot give.');
        const userId = params.USER_ID_FOR_SRP ?? params.USERNAME ?? ctx.username;
        const timestamp = formatTimestamp(this.#clock.now());
        const signature = await passwordClaimSignature({
          poolName: pool.poolName,
          userId,
          password: ctx.password,
          ephemeral: ctx.ephemeral,
          B: required(params, 'SRP_B'),
          salt: required(params, 'SALT'),
          secretBlock: required(params, 'SECRET_BLOCK'),
          timestamp,
        });
        ctx = { ...ctx, username: userId };
        current = await this.#idp<AuthResponse>('RespondToAuthChallenge', {
          ClientId: pool.clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: current.Session,
          ChallengeResponses: withDefined({
            USERNAME: userId,
            PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
            TIMESTAMP: timestamp,
            PASSWORD_CLAIM_SIGNATURE: signature,
            SECRET_HASH: await this.#secretHash(userId),
            DEVICE_KEY: this.#session.devices?.[ctx.signInName]?.deviceKey,
          }),
          ClientMetadata: clientMetadata,
        });
        continue;
      }
      if (name === 'DEVICE_SRP_AUTH') {
        current = await this.#answerDeviceSrp(current, ctx, clientMetadata);
        continue;
      }
      break;
    }
    if (current.AuthenticationResult) {
      const newDevice = await this.#completeSignIn(current.AuthenticationResult, ctx.signInName);
      return { signInState: 'signedIn', parameters: {}, ...(newDevice ? { newDevice } : {}) };
    }
    const name = current.ChallengeName ?? '';
    const params = current.ChallengeParameters ?? {};
    this.#pending = {
      ...ctx,
      name,
      ...(current.Session !== undefined ? { session: current.Session } : {}),
      username: params.USER_ID_FOR_SRP ?? params.USERNAME ?? ctx.username,
      parameters: params,
    };
    const codeDetails =
      params.CODE_DELIVERY_DELIVERY_MEDIUM || params.CODE_DELIVERY_DESTINATION
        ? deliveryDetails({ DeliveryMedium: params.CODE_DELIVERY_DELIVERY_MEDIUM, Destination: params.CODE_DELIVERY_DESTINATION })
        : undefined;
    return {
      signInState: CHALLENGE_STATES[name] ?? 'unknown',
      ...(codeDetails ? { codeDetails } : {}),
      parameters: decodeChallengeParameters(params),
    };
  }

  /** DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER: SRP with poolName = DeviceGroupKey, userId = DeviceKey. */
  async #answerDeviceSrp(challenge: AuthResponse, ctx: PendingChallenge, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
    const pool = this.#requireUserPool();
    const device = this.#session.devices?.[ctx.signInName];
    if (!device) throw new MobileClientError('deviceNotRemembered', 'The server asked for device SRP, but this client holds no device key.');
    const username = challenge.ChallengeParameters?.USERNAME ?? ctx.username;
    const ephemeral = generateEphemeral();
    const next = await this.#idp<AuthResponse>('RespondToAuthChallenge', {
      ClientId: pool.clientId,
      ChallengeName: 'DEVICE_SRP_AUTH',
      Session: challenge.Session,
      ChallengeResponses: withDefined({ USERNAME: username, DEVICE_KEY: device.deviceKey, SRP_A: ephemeral.hexA, SECRET_HASH: await this.#secretHash(username) }),
      ClientMetadata: clientMetadata,
    });
    if (next.ChallengeName !== 'DEVICE_PASSWORD_VERIFIER') return next;
    const params = next.ChallengeParameters ?? {};
    const timestamp = formatTimestamp(this.#clock.now());
    const signature = await passwordClaimSignature({
      poolName: device.deviceGroupKey,
      userId: device.deviceKey,
      password: device.devicePassword,
      ephemeral,
      B: required(params, 'SRP_B'),
      salt: required(params, 'SALT'),
      secretBlock: required(params, 'SECRET_BLOCK'),
      timestamp,
    });
    return this.#idp<AuthResponse>('RespondToAuthChallenge', {
      ClientId: pool.clientId,
      ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
      Session: next.Session,
      ChallengeResponses: withDefined({
        USERNAME: params.USERNAME ?? username,
        DEVICE_KEY: device.deviceKey,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: signature,
        SECRET_HASH: await this.#secretHash(params.USERNAME ?? username),
      }),
      ClientMetadata: clientMetadata,
    });
  }

  /** Stores the tokens (and confirms a new device); returns the device when one was confirmed. */
  async #completeSignIn(result: NonNullable<AuthResponse['AuthenticationResult']>, signInName: string): Promise<NewDevice | undefined> {
    if (!result.AccessToken || !result.IdToken || !result.RefreshToken) {
      throw new MobileClientError('unableToSignIn', 'The server signed the user in but did not return ID, access and refresh tokens.');
    }
    this.#pending = undefined;
    this.#credentials = undefined;
    const s = this.#session;
    const previousUser = s.username;
    // A federated login's identity is not this user's: GetCredentialsForIdentity would refuse the
    // user-pool login on it ("Logins don't match"). (A guest identity is kept: the login links to it.)
    const wasFederated = s.federation !== undefined;
    s.username = signInName;
    s.tokens = { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken };
    delete s.refreshTokenInvalid;
    delete s.federation;
    delete s.federatedTokenInvalid;
    delete s.guestAllowed;
    if (wasFederated || (previousUser !== undefined && previousUser !== signInName)) delete s.identityId;
    const metadata = result.NewDeviceMetadata;
    const newDevice = metadata?.DeviceKey && metadata.DeviceGroupKey ? await this.#confirmDevice(result.AccessToken, signInName, metadata.DeviceKey, metadata.DeviceGroupKey) : undefined;
    await this.#save();
    this.#transition(UserState.signedIn, 'signIn', { provider: 'userPools' });
    for (const waiter of this.#signInWaiters.splice(0)) waiter.resolve();
    return newDevice;
  }

  /**
   * ConfirmDevice for NewDeviceMetadata. Best effort: a failure leaves the device untracked (and
   * returns nothing), not the user signed out.
   */
  async #confirmDevice(accessToken: string, signInName: string, deviceKey: string, deviceGroupKey: string): Promise<NewDevice | undefined> {
    const devicePassword = generateDevicePassword();
    try {
      const verifier = await deviceSecretVerifier(deviceGroupKey, deviceKey, devicePassword);
      const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
      const out = await this.#idp<{ UserConfirmationNecessary?: boolean }>('ConfirmDevice', {
        AccessToken: accessToken,
        DeviceKey: deviceKey,
        DeviceName: this.#deviceName ?? userAgent ?? 'cognate-client',
        DeviceSecretVerifierConfig: verifier,
      });
      this.#session.devices = { ...this.#session.devices, [signInName]: { deviceKey, deviceGroupKey, devicePassword } };
      return { deviceKey, userConfirmationNecessary: out.UserConfirmationNecessary === true };
    } catch {
      // Cognito keeps working without device tracking; the next sign-in gets new metadata.
      return undefined;
    }
  }

  #currentDevice(): DeviceSecret | undefined {
    const username = this.#session.username;
    return username === undefined ? undefined : this.#session.devices?.[username];
  }

  async #forgetDevice(username: string): Promise<void> {
    if (!this.#session.devices?.[username]) return;
    const { [username]: _, ...rest } = this.#session.devices;
    this.#session.devices = rest;
    await this.#save();
  }

  async #forgetCurrentDevice(): Promise<void> {
    if (this.#session.username !== undefined) await this.#forgetDevice(this.#session.username);
  }

  // -----------------------------------------------------------------------------------------
  // Sign-out

  /**
   * Signs out. Without options, locally only: the stored session is cleared and nothing is sent.
   * `signOutGlobally` calls GlobalSignOut (every token of the user, every device) and
   * `invalidateTokens` calls RevokeToken (this session's refresh token); with either, the local
   * sign-out happens only once the server agreed, so an offline app stays signed in and can try
   * again (or sign out locally with `signOut()`).
   *
   * @example
   * ```ts
   * await client.signOut();                          // this device
   * await client.signOut({ signOutGlobally: true }); // everywhere
   * ```
   * @throws MobileClientError for the server steps, e.g. `network`, `notAuthorized`.
   */
  async signOut(options: SignOutOptions = {}): Promise<void> {
    if (!this.#config) throw new MobileClientError('invalidState', 'Call initialize() first.');
    const tokens = this.#session.tokens;
    if (tokens && options.signOutGlobally) {
      const { accessToken } = await this.getTokens();
      await this.#idp('GlobalSignOut', { AccessToken: accessToken.tokenString });
    } else if (tokens && options.invalidateTokens) {
      const pool = this.#requireUserPool();
      await this.#idp('RevokeToken', { Token: tokens.refreshToken, ClientId: pool.clientId, ClientSecret: pool.clientSecret });
    }
    await this.#signOutLocally('signOut');
  }

  async #signOutLocally(reason: UserStateReason): Promise<void> {
    const devices = this.#session.devices;
    this.#session = { version: 1, ...(devices ? { devices } : {}) };
    this.#pending = undefined;
    this.#credentials = undefined;
    await this.#save();
    const error = new MobileClientError('notSignedIn', 'The user signed out.');
    for (const waiter of this.#signInWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.#federationWaiters.splice(0)) waiter.reject(error);
    this.#transition(UserState.signedOut, reason);
  }

  /**
   * Ends the wait of calls blocked in `signedOutUserPoolsTokenInvalid` or
   * `signedOutFederatedTokensInvalid` (they reject with `unableToSignIn`), e.g. when the user
   * cancels the sign-in screen. The state does not change; call {@link signOut} next if wanted.
   *
   * @example
   * ```ts
   * onCancel(() => { client.releaseSignInWait(); void client.signOut(); });
   * ```
   */
  releaseSignInWait(): void {
    const error = new MobileClientError('unableToSignIn', 'The sign-in wait was released.');
    for (const waiter of this.#signInWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.#federationWaiters.splice(0)) waiter.reject(error);
  }

  // -----------------------------------------------------------------------------------------
  // Tokens

  /**
   * The user-pool tokens: the cached ones while they are valid for more than the refresh margin,
   * else fresh ones from the refresh token (concurrent callers share one refresh).
   * - Refresh token revoked or expired: the state becomes `signedOutUserPoolsTokenInvalid` and the
   *   call waits until {@link signIn} succeeds (then returns the new tokens) or
   *   {@link releaseSignInWait} (rejects with `unableToSignIn`).
   * - Server unreachable: cached tokens that have not actually expired are returned; expired ones
   *   give a `network` error and the state `signedOutUserPoolsTokenInvalid` (reason `offline`)
   *   without losing the session. The next call online refreshes and returns to `signedIn`.
   *
   * @example
   * ```ts
   * const { idToken, accessToken } = await client.getTokens();
   * await fetch(apiUrl, { headers: { authorization: `Bearer ${accessToken.tokenString}` } });
   * ```
   * @throws MobileClientError `notSignedIn`, `network`, `unableToSignIn`.
   */
  async getTokens(): Promise<Tokens> {
    this.#requireUserPool();
    for (;;) {
      if (this.#session.refreshTokenInvalid) {
        await this.#waitFor(this.#signInWaiters);
        continue;
      }
      const stored = this.#session.tokens;
      if (!stored) throw new MobileClientError('notSignedIn', 'No user is signed in.');
      const tokens = toTokens(stored);
      if (tokens.expiration.getTime() - this.#marginFor(tokens) > this.#clock.now()) {
        if (this.#state !== UserState.signedIn) this.#transition(UserState.signedIn, 'tokensRefreshed');
        return tokens;
      }
      return await (this.#refreshing ??= this.#refresh(stored).finally(() => {
        this.#refreshing = undefined;
      }));
    }
  }

  /** The refresh margin, but at most half the tokens' lifetime, so short-lived tokens are not refreshed on every call. */
  #marginFor(tokens: Tokens): number {
    const iat = Math.max(Number(tokens.idToken.claims.iat) || 0, Number(tokens.accessToken.claims.iat) || 0) * 1000;
    const lifetime = tokens.expiration.getTime() - iat;
    return iat > 0 && lifetime > 0 ? Math.min(this.#margin, lifetime / 2) : this.#margin;
  }

  #waitFor(waiters: Waiter<void>[]): Promise<void> {
    return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
  }

  async #refresh(stored: StoredTokens): Promise<Tokens> {
    const pool = this.#requireUserPool();
    const access = decodeJwt(stored.accessToken);
    const internalName = typeof access.claims.username === 'string' ? access.claims.username : this.#session.username ?? '';
    const refresh = async (deviceKey: string | undefined): Promise<AuthResponse['AuthenticationResult']> => {
      if (this.#refreshFlow === 'GetTokensFromRefreshToken') {
        const out = await this.#idp<{ AuthenticationResult?: AuthResponse['AuthenticationResult'] }>('GetTokensFromRefreshToken', {
          RefreshToken: stored.refreshToken,
          ClientId: pool.clientId,
          ClientSecret: pool.clientSecret,
          DeviceKey: deviceKey,
        });
        return out.AuthenticationResult;
      }
      const out = await this.#idp<AuthResponse>('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: pool.clientId,
        AuthParameters: withDefined({ REFRESH_TOKEN: stored.refreshToken, SECRET_HASH: await this.#secretHash(internalName), DEVICE_KEY: deviceKey }),
      });
      return out.AuthenticationResult;
    };
    const deviceKey = this.#currentDevice()?.deviceKey;
    let result: AuthResponse['AuthenticationResult'];
    try {
      try {
        result = await refresh(deviceKey);
      } catch (e) {
        // A device the server forgot ("Device does not exist."): drop it here too and refresh
        // without it, as signIn() does.
        if (!deviceKey || !isForgottenDevice(e)) throw e;
        await this.#forgetCurrentDevice();
        result = await refresh(undefined);
      }
    } catch (e) {
      if (!(e instanceof MobileClientError)) throw e;
      if (e.code === 'notAuthorized') {
        // Revoked or expired: the session can only come back through a new sign-in. The wait is
        // registered before listeners hear of it, so a releaseSignInWait() from a listener counts,
        // and the storage holds the new state by then, so a client started from it agrees.
        delete this.#session.tokens;
        this.#session.refreshTokenInvalid = true;
        this.#credentials = undefined;
        const signedInAgain = this.#waitFor(this.#signInWaiters);
        await this.#save();
        // (Unless a sign-in or sign-out came in while it was being stored.)
        if (this.#session.refreshTokenInvalid) this.#transition(UserState.signedOutUserPoolsTokenInvalid, 'refreshTokenInvalid', { error: e });
        await signedInAgain;
        if (!this.#session.tokens) throw new MobileClientError('notSignedIn', 'No user is signed in.');
        return toTokens(this.#session.tokens);
      }
      if (e.code === 'network') {
        // Seed 002: never sign out because the network is down.
        const cached = toTokens(stored);
        if (cached.expiration.getTime() > this.#clock.now()) return cached;
        this.#transition(UserState.signedOutUserPoolsTokenInvalid, 'offline', { error: e });
      }
      throw e;
    }
    if (!result?.AccessToken || !result.IdToken) throw new MobileClientError('unknown', 'The refresh returned no tokens.');
    // The session may have changed while the call was out (sign-out, another sign-in): keep that.
    if (this.#session.tokens?.refreshToken !== stored.refreshToken) {
      if (this.#session.tokens) return toTokens(this.#session.tokens);
      throw new MobileClientError('notSignedIn', 'The user signed out while the tokens were refreshed.');
    }
    this.#session.tokens = { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken ?? stored.refreshToken };
    await this.#save();
    this.#transition(UserState.signedIn, 'tokensRefreshed', { provider: 'userPools' });
    return toTokens(this.#session.tokens);
  }

  // -----------------------------------------------------------------------------------------
  // Passwords and attributes

  /**
   * Starts a password reset (ForgotPassword): a code goes to the user's verified email or phone.
   *
   * @example
   * ```ts
   * const r = await client.forgotPassword('alice');
   * console.log(r.forgotPasswordState, r.codeDeliveryDetails?.destination); // 'confirmationCodeSent', 'a***@e***'
   * ```
   */
  async forgotPassword(username: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<ForgotPasswordResult> {
    const pool = this.#requireUserPool();
    const out = await this.#idp<{ CodeDeliveryDetails?: Parameters<typeof deliveryDetails>[0] }>('ForgotPassword', {
      ClientId: pool.clientId,
      Username: username,
      SecretHash: await this.#secretHash(username),
      ClientMetadata: options.clientMetadata,
    });
    const details = deliveryDetails(out.CodeDeliveryDetails);
    return { forgotPasswordState: 'confirmationCodeSent', ...(details ? { codeDeliveryDetails: details } : {}) };
  }

  /**
   * Sets a new password with the code from {@link forgotPassword} (ConfirmForgotPassword).
   *
   * @example
   * ```ts
   * await client.confirmForgotPassword('alice', 'N3w-Passw0rd!', '123456'); // { forgotPasswordState: 'done' }
   * ```
   * @throws MobileClientError e.g. `codeMismatch`, `expiredCode`, `invalidPassword`.
   */
  async confirmForgotPassword(username: string, newPassword: string, confirmationCode: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<ForgotPasswordResult> {
    const pool = this.#requireUserPool();
    await this.#idp('ConfirmForgotPassword', {
      ClientId: pool.clientId,
      Username: username,
      Password: newPassword,
      ConfirmationCode: confirmationCode,
      SecretHash: await this.#secretHash(username),
      ClientMetadata: options.clientMetadata,
    });
    return { forgotPasswordState: 'done' };
  }

  async #accessToken(): Promise<string> {
    return (await this.getTokens()).accessToken.tokenString;
  }

  /**
   * Changes the signed-in user's password (ChangePassword).
   *
   * @example
   * ```ts
   * await client.changePassword('Corr3ct-Horse!', 'Even-B3tter-Horse!');
   * ```
   * @throws MobileClientError e.g. `notAuthorized` (wrong current password), `invalidPassword`, `notSignedIn`.
   */
  async changePassword(currentPassword: string, proposedPassword: string): Promise<void> {
    await this.#idp('ChangePassword', { AccessToken: await this.#accessToken(), PreviousPassword: currentPassword, ProposedPassword: proposedPassword });
  }

  /**
   * The signed-in user's attributes (GetUser), as a name → value record.
   *
   * @example
   * ```ts
   * const { email, email_verified } = await client.getUserAttributes();
   * ```
   */
  async getUserAttributes(): Promise<Record<string, string>> {
    const out = await this.#idp<{ UserAttributes?: { Name: string; Value?: string }[] }>('GetUser', { AccessToken: await this.#accessToken() });
    return Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
  }

  /**
   * Updates attributes (UpdateUserAttributes). Changing a verified email or phone sends a code;
   * the returned details say where. Confirm with {@link confirmVerifyUserAttribute}.
   *
   * @example
   * ```ts
   * const sent = await client.updateUserAttributes({ nickname: 'Ali', email: 'new@example.com' });
   * if (sent.length) await client.confirmVerifyUserAttribute('email', await askForCode());
   * ```
   */
  async updateUserAttributes(attributes: Record<string, string>, options: { clientMetadata?: Record<string, string> } = {}): Promise<CodeDeliveryDetails[]> {
    const out = await this.#idp<{ CodeDeliveryDetailsList?: Parameters<typeof deliveryDetails>[0][] }>('UpdateUserAttributes', {
      AccessToken: await this.#accessToken(),
      UserAttributes: attributeList(attributes),
      ClientMetadata: options.clientMetadata,
    });
    return (out.CodeDeliveryDetailsList ?? []).map((d) => deliveryDetails(d)!);
  }

  /**
   * Sends a verification code for an attribute (GetUserAttributeVerificationCode).
   *
   * @example
   * ```ts
   * const details = await client.verifyUserAttribute('email');
   * console.log(details.destination);
   * ```
   */
  async verifyUserAttribute(attributeName: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<CodeDeliveryDetails> {
    const out = await this.#idp<{ CodeDeliveryDetails?: Parameters<typeof deliveryDetails>[0] }>('GetUserAttributeVerificationCode', {
      AccessToken: await this.#accessToken(),
      AttributeName: attributeName,
      ClientMetadata: options.clientMetadata,
    });
    return deliveryDetails(out.CodeDeliveryDetails) ?? { deliveryMedium: 'UNKNOWN', attributeName };
  }

  /**
   * Verifies an attribute with the code the user received (VerifyUserAttribute).
   *
   * @example
   * ```ts
   * await client.confirmVerifyUserAttribute('email', '123456');
   * ```
   * @throws MobileClientError e.g. `codeMismatch`, `expiredCode`.
   */
  async confirmVerifyUserAttribute(attributeName: string, code: string): Promise<void> {
    await this.#idp('VerifyUserAttribute', { AccessToken: await this.#accessToken(), AttributeName: attributeName, Code: code });
  }

  /**
   * Deletes the signed-in user (DeleteUser) and signs out locally.
   *
   * @example
   * ```ts
   * if (await confirmDialog('Delete your account?')) await client.deleteUser();
   * ```
   */
  async deleteUser(): Promise<void> {
    await this.#idp('DeleteUser', { AccessToken: await this.#accessToken() });
    await this.#signOutLocally('userDeleted');
  }

  // -----------------------------------------------------------------------------------------
  // Identity pools: AWS credentials and federation

  /**
   * Temporary AWS credentials from the identity pool (GetId, then GetCredentialsForIdentity),
   * for the signed-in user (the ID token as login), the federated login, or — signed out — a guest
   * (state `guest`) when the pool allows unauthenticated identities. Cached until the refresh
   * margin before they expire; concurrent callers share one fetch. When a federated token is
   * refused, the state becomes `signedOutFederatedTokensInvalid` and the call waits for
   * {@link federatedSignIn} (or {@link releaseSignInWait}). A pool that refuses guests gives
   * `guestAccessNotAllowed`, and the state leaves `guest` for `signedOut`. Offline, cached
   * credentials are returned until they actually expire; then the call fails with `network` and
   * the state is kept.
   *
   * @example
   * ```ts
   * const credentials = await client.getAWSCredentials();
   * const s3 = new S3Client({ region: 'us-east-1', credentials });
   * ```
   * @throws MobileClientError `cognitoIdentityPoolNotConfigured`, `guestAccessNotAllowed`, `network`, …
   */
  async getAWSCredentials(): Promise<AWSCredentials> {
    this.#requireIdentityPool();
    for (;;) {
      if (this.#session.federation && this.#session.federatedTokenInvalid) {
        await this.#waitFor(this.#federationWaiters);
        continue;
      }
      const logins = await this.#logins();
      const loginsKey = JSON.stringify(logins);
      const cached = this.#credentials;
      if (cached && cached.loginsKey === loginsKey && cached.expiration.getTime() - this.#margin > this.#clock.now()) {
        const { loginsKey: _, ...credentials } = cached;
        return credentials;
      }
      const inFlight = this.#fetchingCredentials;
      if (inFlight && inFlight.loginsKey !== loginsKey) {
        // A fetch for other logins (a guest's, before this sign-in) is out: its identity id is the
        // one to link, so let it finish, then fetch for these logins.
        await inFlight.promise.catch(() => undefined);
        continue;
      }
      let promise = inFlight?.promise;
      if (!promise) {
        const fetching = this.#fetchCredentials(logins, loginsKey).finally(() => {
          if (this.#fetchingCredentials?.promise === fetching) this.#fetchingCredentials = undefined;
        });
        this.#fetchingCredentials = { loginsKey, promise: fetching };
        promise = fetching;
      }
      try {
        return await promise;
      } catch (e) {
        // Seed 002's offline rule, as for tokens: credentials inside the refresh margin but not
        // yet expired still sign requests while the server can't be reached.
        if (isMobileClientError(e, 'network') && cached && cached.loginsKey === loginsKey && cached.expiration.getTime() > this.#clock.now()) {
          const { loginsKey: _, ...credentials } = cached;
          return credentials;
        }
        throw e;
      }
    }
  }

  /** The Logins map: the user pool's ID token under its issuer without the scheme (as Amplify), or the federated token. */
  async #logins(): Promise<Record<string, string>> {
    if (this.#session.tokens || this.#session.refreshTokenInvalid) {
      const { idToken } = await this.getTokens();
      const pool = this.#requireUserPool();
      const iss = typeof idToken.claims.iss === 'string' ? idToken.claims.iss : `https://cognito-idp.${pool.region}.amazonaws.com/${pool.poolId}`;
      return { [iss.replace(/^https?:\/\//, '')]: idToken.tokenString };
    }
    const federation = this.#session.federation;
    if (federation) return { [federation.providerName]: federation.token };
    return {};
  }

  async #fetchCredentials(logins: Record<string, string>, loginsKey: string, options: { retried?: boolean; waitOnRefusal?: boolean } = {}): Promise<AWSCredentials> {
    const identityPool = this.#requireIdentityPool();
    const hasLogins = Object.keys(logins).length > 0;
    try {
      let identityId = this.#session.identityId;
      if (!identityId) {
        const out = await this.#identity<{ IdentityId?: string }>('GetId', { IdentityPoolId: identityPool.poolId, Logins: hasLogins ? logins : undefined });
        if (!out.IdentityId) throw new MobileClientError('identityIdUnavailable', 'GetId returned no IdentityId.');
        identityId = out.IdentityId;
        this.#session.identityId = identityId;
        await this.#save();
      }
      const out = await this.#identity<{
        IdentityId?: string;
        Credentials?: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string; Expiration?: number };
      }>('GetCredentialsForIdentity', {
        IdentityId: identityId,
        Logins: hasLogins ? logins : undefined,
        CustomRoleArn: this.#session.federation?.customRoleArn,
      });
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || c.Expiration === undefined) {
        throw new MobileClientError('unknown', 'GetCredentialsForIdentity returned no credentials.');
      }
      if (out.IdentityId && out.IdentityId !== identityId) {
        this.#session.identityId = out.IdentityId;
        await this.#save();
      }
      const credentials: AWSCredentials = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretKey,
        sessionToken: c.SessionToken,
        // awsJson timestamps are epoch seconds.
        expiration: new Date(c.Expiration * 1000),
        identityId: out.IdentityId ?? identityId,
      };
      this.#credentials = { ...credentials, loginsKey };
      if (!hasLogins && !this.#session.guestAllowed) {
        this.#session.guestAllowed = true;
        await this.#save();
      }
      if (!hasLogins && (this.#state === UserState.signedOut || this.#state === UserState.guest)) this.#transition(UserState.guest, 'guestCredentials');
      return credentials;
    } catch (e) {
      if (!(e instanceof MobileClientError)) throw e;
      // The stored identity is gone (pool reset, identity deleted), or belongs elsewhere now (a guest
      // identity whose login is linked to another identity): get the login's own identity, once.
      if ((e.code === 'resourceNotFound' || e.code === 'resourceConflict') && this.#session.identityId && !options.retried) {
        delete this.#session.identityId;
        await this.#save();
        return this.#fetchCredentials(logins, loginsKey, { ...options, retried: true });
      }
      if (e.code === 'notAuthorized' && !hasLogins) {
        const refused = new MobileClientError('guestAccessNotAllowed', e.message, { serviceCode: e.serviceCode ?? 'NotAuthorizedException', ...(e.status ? { status: e.status } : {}), cause: e });
        // The pool stopped handing out unauthenticated credentials (or never did): no guest now,
        // nor after a restart.
        if (this.#session.guestAllowed) {
          delete this.#session.guestAllowed;
          await this.#save();
        }
        if (this.#state === UserState.guest) this.#transition(UserState.signedOut, 'guestAccessNotAllowed', { error: refused });
        throw refused;
      }
      if (e.code === 'notAuthorized' && options.waitOnRefusal !== false && this.#session.federation && !this.#session.tokens) {
        // The provider's token was refused: wait for federatedSignIn() with a new one (it fetches
        // the credentials), registered — and the new state stored — before listeners hear of it.
        this.#session.federatedTokenInvalid = true;
        const provider = this.#session.federation.providerName;
        const newToken = this.#waitFor(this.#federationWaiters);
        await this.#save();
        if (this.#session.federatedTokenInvalid) this.#transition(UserState.signedOutFederatedTokensInvalid, 'federatedTokensInvalid', { error: e, provider });
        await newToken;
        const fresh = this.#credentials;
        if (!fresh) throw new MobileClientError('notSignedIn', 'No credentials after the new federated sign-in.');
        const { loginsKey: _, ...credentials } = fresh;
        return credentials;
      }
      throw e;
    }
  }

  /**
   * Signs in with a token from another provider through the identity pool: `accounts.google.com`,
   * `graph.facebook.com`, an OIDC issuer, a SAML provider ARN, or `cognito-identity.amazonaws.com`
   * for developer-authenticated identities (with `cognitoIdentityId`). Fetches credentials, then
   * the state is `signedIn`; {@link getAWSCredentials} uses this login until {@link signOut}.
   * Calling it again with a new token ends `signedOutFederatedTokensInvalid`.
   *
   * @example
   * ```ts
   * await client.federatedSignIn('accounts.google.com', googleIdToken);
   * const credentials = await client.getAWSCredentials();
   * ```
   */
  async federatedSignIn(providerName: string, token: string, options: FederatedSignInOptions = {}): Promise<UserState> {
    this.#requireIdentityPool();
    if (!providerName || !token) throw new MobileClientError('invalidParameter', 'providerName and token are required.');
    const before = JSON.stringify(this.#session);
    const s = this.#session;
    const previous = s.federation;
    if (previous && previous.providerName !== providerName) delete s.identityId;
    if (s.tokens || s.refreshTokenInvalid) {
      // A federated login replaces a user-pool session, as in AWSMobileClient.
      delete s.tokens;
      delete s.refreshTokenInvalid;
      delete s.username;
      delete s.identityId;
    }
    s.federation = { providerName, token, ...(options.customRoleArn ? { customRoleArn: options.customRoleArn } : {}) };
    delete s.federatedTokenInvalid;
    delete s.guestAllowed;
    if (options.cognitoIdentityId) s.identityId = options.cognitoIdentityId;
    this.#credentials = undefined;
    const logins = { [providerName]: token };
    try {
      await this.#fetchCredentials(logins, JSON.stringify(logins), { waitOnRefusal: false });
    } catch (e) {
      // A refused or unreachable sign-in changes nothing.
      this.#session = JSON.parse(before) as Session;
      this.#credentials = undefined;
      throw e;
    }
    await this.#save();
    this.#transition(UserState.signedIn, 'federatedSignIn', { provider: providerName });
    for (const waiter of this.#federationWaiters.splice(0)) waiter.resolve();
    return this.#state;
  }

  /**
   * Forgets the cached AWS credentials (the identity id stays), so the next
   * {@link getAWSCredentials} fetches new ones.
   *
   * @example
   * ```ts
   * client.clearCredentials();
   * ```
   */
  clearCredentials(): void {
    this.#credentials = undefined;
  }
}

function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new MobileClientError('badRequest', `The challenge lacks ${name}.`);
  return value;
}

function toTokens(stored: StoredTokens): Tokens {
  const idToken = decodeJwt(stored.idToken);
  const accessToken = decodeJwt(stored.accessToken);
  return {
    idToken,
    accessToken,
    refreshToken: stored.refreshToken,
    expiration: new Date(Math.min(idToken.expiration.getTime(), accessToken.expiration.getTime())),
  };
}

/** Challenge parameters arrive as strings; a few carry JSON (MFAS_CAN_CHOOSE, userAttributes, requiredAttributes). */
function decodeChallengeParameters(params: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (/^[[{]/.test(value)) {
      try {
        out[name] = JSON.parse(value);
        continue;
      } catch {
        // keep the string
      }
    }
    out[name] = value;
  }
  return out;
}

interface DeviceDeps {
  userPoolCall<T>(action: string, input: object): Promise<T>;
  deviceKey(): string | undefined;
  forgetDevice(): Promise<void>;
}

interface WireDevice {
  DeviceKey?: string;
  DeviceAttributes?: { Name: string; Value?: string }[];
  DeviceCreateDate?: number;
  DeviceLastModifiedDate?: number;
  DeviceLastAuthenticatedDate?: number;
}

const toDevice = (d: WireDevice): Device => ({
  deviceKey: d.DeviceKey ?? '',
  attributes: Object.fromEntries((d.DeviceAttributes ?? []).map((a) => [a.Name, a.Value ?? ''])),
  ...(d.DeviceCreateDate !== undefined ? { createDate: new Date(d.DeviceCreateDate * 1000) } : {}),
  ...(d.DeviceLastModifiedDate !== undefined ? { lastModifiedDate: new Date(d.DeviceLastModifiedDate * 1000) } : {}),
  ...(d.DeviceLastAuthenticatedDate !== undefined ? { lastAuthenticatedDate: new Date(d.DeviceLastAuthenticatedDate * 1000) } : {}),
});

/**
 * The signed-in user's devices (`client.deviceOperations`). `updateStatus`, `forget` and `get`
 * act on this device (the one the last sign-in confirmed); `list` on all of the user's devices.
 *
 * @example
 * ```ts
 * await client.deviceOperations.updateStatus({ remembered: true });
 * const me = await client.deviceOperations.get();
 * const { devices, paginationToken } = await client.deviceOperations.list({ limit: 60 });
 * await client.deviceOperations.forget();
 * ```
 */
export class DeviceOperations {
  readonly #client: MobileClient;
  readonly #deps: DeviceDeps;

  /** @internal Created by {@link MobileClient}. */
  constructor(client: MobileClient, deps: DeviceDeps) {
    this.#client = client;
    this.#deps = deps;
  }

  #deviceKey(): string {
    const key = this.#deps.deviceKey();
    if (!key) throw new MobileClientError('deviceNotRemembered', 'This client has no device key for the signed-in user.');
    return key;
  }

  async #accessToken(): Promise<string> {
    return (await this.#client.getTokens()).accessToken.tokenString;
  }

  /**
   * Marks this device remembered or not remembered (UpdateDeviceStatus).
   *
   * @example
   * ```ts
   * await client.deviceOperations.updateStatus({ remembered: true });
   * ```
   */
  async updateStatus(options: { remembered: boolean }): Promise<void> {
    await this.#deps.userPoolCall('UpdateDeviceStatus', {
      AccessToken: await this.#accessToken(),
      DeviceKey: this.#deviceKey(),
      DeviceRememberedStatus: options.remembered ? 'remembered' : 'not_remembered',
    });
  }

  /**
   * Stops tracking this device (ForgetDevice) and drops its key here.
   *
   * @example
   * ```ts
   * await client.deviceOperations.forget();
   * ```
   */
  async forget(): Promise<void> {
    await this.#deps.userPoolCall('ForgetDevice', { AccessToken: await this.#accessToken(), DeviceKey: this.#deviceKey() });
    await this.#deps.forgetDevice();
  }

  /**
   * This device's record (GetDevice).
   *
   * @example
   * ```ts
   * const { deviceKey, attributes } = await client.deviceOperations.get();
   * ```
   */
  async get(): Promise<Device> {
    const out = await this.#deps.userPoolCall<{ Device?: WireDevice }>('GetDevice', { AccessToken: await this.#accessToken(), DeviceKey: this.#deviceKey() });
    return toDevice(out.Device ?? {});
  }

  /**
   * The user's devices (ListDevices); pass the returned `paginationToken` for the next page.
   *
   * @example
   * ```ts
   * let page = await client.deviceOperations.list({ limit: 10 });
   * while (page.paginationToken) page = await client.deviceOperations.list({ limit: 10, paginationToken: page.paginationToken });
   * ```
   */
  async list(options: { limit?: number; paginationToken?: string } = {}): Promise<{ devices: Device[]; paginationToken?: string }> {
    const out = await this.#deps.userPoolCall<{ Devices?: WireDevice[]; PaginationToken?: string }>('ListDevices', {
      AccessToken: await this.#accessToken(),
      Limit: options.limit ?? 60,
      PaginationToken: options.paginationToken,
    });
    return { devices: (out.Devices ?? []).map(toDevice), ...(out.PaginationToken ? { paginationToken: out.PaginationToken } : {}) };
  }
}

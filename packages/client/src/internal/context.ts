/**
 * The one object the client's modules share: options, configuration, the stored session, the
 * state and its listeners, the sign-in challenge waiting for an answer, and what is in flight.
 * Owns the state transition (and who hears of it), saving the session, and the "is this
 * configured" checks. Every other module takes a {@link ClientContext}; none reaches into the
 * MobileClient class.
 */
import type { ResolvedConfiguration } from '../config.js';
import { MobileClientError } from '../errors.js';
import type { KeyValueStorage } from '../storage.js';
import { UserState, type AWSCredentials, type Clock, type Tokens, type UserStateInfo, type UserStateListener, type UserStateReason } from '../types.js';
import type { Ephemeral } from './srp.js';
import type { FetchLike } from './transport.js';
import type { WebAuthnPort } from './webauthn.js';

export interface StoredTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export interface DeviceSecret {
  deviceKey: string;
  deviceGroupKey: string;
  devicePassword: string;
}

/** What the storage holds (JSON). Credentials are never stored; they are cheap to fetch again. */
export interface Session {
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
   * credentials: what makes `initialize` say `guest` without asking the network.
   */
  guestAllowed?: boolean;
  /** Signed in through the hosted UI (internal/hosted-ui.ts): sign-out with invalidateTokens ends its session too. */
  hostedUI?: { federationProviderName?: string };
  /** Remembered devices per username (device SRP). */
  devices?: Record<string, DeviceSecret>;
}

export interface PendingChallenge {
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
  /** SELECT_CHALLENGE: the first factors the server offered. */
  availableChallenges?: string[];
}

export interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

export interface ClientContext {
  readonly storage: KeyValueStorage;
  readonly clock: Clock;
  readonly fetch: FetchLike;
  /** Tokens and credentials this close to expiry are refreshed first. */
  readonly margin: number;
  readonly refreshFlow: 'REFRESH_TOKEN_AUTH' | 'GetTokensFromRefreshToken';
  readonly deviceName: string | undefined;
  readonly storageKeyOption: string | undefined;
  /** The injected authenticator; else the browser's (internal/webauthn.ts browserWebAuthn), looked up when needed. */
  readonly webAuthn: WebAuthnPort | undefined;

  config: ResolvedConfiguration | undefined;
  storageKey: string;
  session: Session;
  state: UserState;
  /** Provider and username of the `signedIn` state, to tell one signed-in user from the next. */
  signedInAs: string | undefined;
  readonly listeners: Set<UserStateListener>;
  pending: PendingChallenge | undefined;
  /** The Session ConfirmSignUp (or SignUp of a user confirmed at once) returned: one sign-in without a credential (autoSignIn). Memory only. */
  signUpSession: { username: string; session: string } | undefined;
  refreshing: Promise<Tokens> | undefined;
  /** The credentials fetch in flight, shared by callers with the same logins. */
  fetchingCredentials: { loginsKey: string; promise: Promise<AWSCredentials> } | undefined;
  credentials: (AWSCredentials & { loginsKey: string }) | undefined;
  readonly signInWaiters: Waiter<void>[];
  readonly federationWaiters: Waiter<void>[];
  saving: Promise<void>;
}

/**
 * Each MobileClient's context, for the parts of the SDK built on a client (the SyncManager) that
 * need its storage, fetch, clock and configuration without widening the client's public API.
 */
export const clientContexts = new WeakMap<object, ClientContext>();

export function createContext(options: Pick<ClientContext, 'storage' | 'clock' | 'fetch' | 'margin' | 'refreshFlow' | 'deviceName' | 'storageKeyOption' | 'webAuthn'>): ClientContext {
  return {
    ...options,
    config: undefined,
    storageKey: '',
    session: { version: 1 },
    state: UserState.unknown,
    signedInAs: undefined,
    listeners: new Set(),
    pending: undefined,
    signUpSession: undefined,
    refreshing: undefined,
    fetchingCredentials: undefined,
    credentials: undefined,
    signInWaiters: [],
    federationWaiters: [],
    saving: Promise.resolve(),
  };
}

export function transition(ctx: ClientContext, state: UserState, reason: UserStateReason, extra: Partial<Pick<UserStateInfo, 'error' | 'provider'>> = {}): void {
  const previous = ctx.state;
  const username = ctx.session.username;
  const info: UserStateInfo = { reason, previous, ...(username !== undefined ? { username } : {}), ...extra };
  if (state === UserState.signedIn && info.provider === undefined) {
    info.provider = ctx.session.tokens ? 'userPools' : ctx.session.federation?.providerName ?? 'userPools';
  }
  // Signed in as someone else (another user, or a federated login replacing the user pool's) is
  // a transition too, though the state's name stays `signedIn`.
  const who = state === UserState.signedIn ? `${info.provider ?? ''}\0${username ?? ''}` : undefined;
  if (previous === state && who === ctx.signedInAs) return;
  ctx.state = state;
  ctx.signedInAs = who;
  for (const listener of [...ctx.listeners]) {
    try {
      listener(state, info);
    } catch {
      // A throwing listener must not break the client or the other listeners.
    }
  }
}

/** Writes the session; writes are queued, so the storage ends with the last one. */
export function save(ctx: ClientContext): Promise<void> {
  const snapshot = JSON.stringify(ctx.session);
  const key = ctx.storageKey;
  const write = async () => {
    await ctx.storage.setItem(key, snapshot);
  };
  ctx.saving = ctx.saving.then(write, write);
  return ctx.saving;
}

export function waitFor(waiters: Waiter<void>[]): Promise<void> {
  return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
}

export function requireConfig(ctx: ClientContext): ResolvedConfiguration {
  if (!ctx.config) throw new MobileClientError('invalidState', 'Call initialize() first.');
  return ctx.config;
}

export function requireUserPool(ctx: ClientContext): NonNullable<ResolvedConfiguration['userPool']> {
  const config = requireConfig(ctx);
  if (!config.userPool) throw new MobileClientError('userPoolNotConfigured', 'The configuration has no CognitoUserPool.Default.');
  return config.userPool;
}

export function requireIdentityPool(ctx: ClientContext): NonNullable<ResolvedConfiguration['identityPool']> {
  const config = requireConfig(ctx);
  if (!config.identityPool) throw new MobileClientError('cognitoIdentityPoolNotConfigured', 'The configuration has no CredentialsProvider.CognitoIdentity.Default.');
  return config.identityPool;
}

/**
 * The shapes the sign-in pipeline passes between its steps. A flow (flows/) or a challenge handler
 * (challenges/) proves something and says what it proved as an {@link Outcome}; the pipeline
 * (pipeline.ts) decides what comes next, down to the one finishing step (finish.ts). Handlers
 * never call the pipeline, so nothing in this folder imports in a circle.
 */
import { errors } from '../../errors.js';
import type { AppClient } from '../app-clients.js';
import type { ChallengeName } from './challenges/index.js';
import type { Cognate } from '../cognate.js';
import type { Device } from '../devices.js';
import type { AuthenticationResult } from '../tokens.js';
import type { TokenSource } from '../token-generation.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';

/** A ChallengeName Cognate answers: a key of the challenge registry (challenges/index.ts). */
export type { ChallengeName };

export interface AuthResponse {
  ChallengeName?: ChallengeName;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResult;
  /** SELECT_CHALLENGE (USER_AUTH): the first factors this user may choose from */
  AvailableChallenges?: string[];
}

export type Params = Record<string, string>;
export type Metadata = Record<string, string> | undefined;

/** What one sign-in carries from step to step. */
export interface SignInContext {
  /** DEVICE_KEY from the client: a device it has confirmed before. */
  deviceKey?: string;
  /** That device, once looked up: a sign-in looks its device up once. */
  device?: Device;
  /** ClientMetadata of the call, for the triggers */
  clientMetadata?: Metadata;
  /** what led to the tokens, if they come now (TokenGeneration_<source>) */
  source?: TokenSource;
  /** a CUSTOM_AUTH sign-in (threat protection assesses it under AdvancedSecurityAdditionalFlows.CustomAuthMode) */
  customAuth?: boolean;
  /** threat protection: the proven password is on the breached list (../threat-protection/) */
  compromisedPassword?: boolean;
  /** threat protection: the account-takeover action asks for MFA */
  riskMfa?: 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED';
  /** the proven password's lockout count was cleared already, in the transaction that spent its answer */
  lockoutCleared?: boolean;
}

/**
 * What a flow or a challenge handler established:
 * - `respond`: a challenge to send as it is (the next step is the client's);
 * - `password-proven`: the user proved their password (or custom auth said so): account checks,
 *   NEW_PASSWORD_REQUIRED for a temporary password, then the second factor;
 * - `password-settled`: the user's password is their own (after NEW_PASSWORD_REQUIRED): the second factor;
 * - `passwordless-proven`: a first factor other than a password proved the user (an email or SMS
 *   one-time code, a passkey, the Session of a sign-up just confirmed): account checks, then no MFA
 *   (Cognito asks for MFA only after a password), NEW_PASSWORD_REQUIRED for a temporary password:
 *   the device's proof if the client named one, else finish;
 * - `passwordless-settled`: a FORCE_CHANGE_PASSWORD user who proved a passwordless factor set their
 *   password (NEW_PASSWORD_REQUIRED): as `passwordless-proven` from there, without asking again;
 * - `factors-done`: MFA answered (or set up): the device's proof if the client named one, else finish;
 * - `device-proven`: the device proved its secret: finish.
 */
export type Outcome =
  | { kind: 'respond'; response: AuthResponse }
  | { kind: 'password-proven' | 'password-settled' | 'passwordless-proven' | 'passwordless-settled' | 'factors-done'; user: User; ctx: SignInContext }
  | { kind: 'device-proven'; user: User; device: Device; ctx: SignInContext };

export const respond = (response: AuthResponse): Outcome => ({ kind: 'respond', response });

/** An answer to a challenge, as RespondToAuthChallenge and AdminRespondToAuthChallenge give it. */
export interface ChallengeAnswer {
  pool: UserPool;
  client: AppClient;
  challengeName: ChallengeName;
  responses: Params;
  session: string | undefined;
  clientMetadata: Metadata;
}

/** One challenge's handler: checks the answer and says what it proved. */
export type ChallengeHandler = (cognate: Cognate, answer: ChallengeAnswer) => Promise<Outcome>;

export const INCORRECT = 'Incorrect username or password.';

/** How long a challenge stays answerable: the client's AuthSessionValidity, in minutes (3 by default). */
export const sessionMs = (client: AppClient) => client.settings.AuthSessionValidity * 60_000;

/** How long a sealed Session still opens after its own expiry, so a late answer hears "session is expired" rather than "invalid". */
export const SESSION_SEAL_GRACE_MS = 60_000;

export const invalidSession = () => errors.notAuthorized('Invalid session for the user.');
export const expiredSession = () => errors.notAuthorized('Invalid session for the user, session is expired.');

/** DEVICE_KEY as clients send it (amazon-cognito-identity-js sends null after forgetting a device). */
export const deviceKeyOf = (params: Params): string | undefined => (typeof params.DEVICE_KEY === 'string' && params.DEVICE_KEY !== '' ? params.DEVICE_KEY : undefined);

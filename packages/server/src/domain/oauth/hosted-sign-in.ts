/**
 * A sign-in on the hosted UI's pages, through the same pipeline as the API (../sign-in/): the
 * password flow with the client's rules (lockout, PreventUserExistenceErrors, PreAuthentication,
 * user migration), then the same challenge handlers. Only the end differs: instead of tokens
 * (sign-in/finish.ts), PostAuthentication runs and the browser gets a hosted session; the page then
 * asks for an authorization code (or, for the implicit grant, tokens) for the OAuth request.
 *
 * The pages speak for the app client, so they compute SECRET_HASH themselves for a client with a
 * secret (the browser never sees the secret), exactly as a server-side app would.
 */
import { errors } from '../../errors.js';
import type { Cognate } from '../cognate.js';
import { allowsUserAuth, secretHash, type AppClient } from '../app-clients.js';
import { postAuthentication } from '../token-generation.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { passwordSignIn } from '../sign-in/flows/password.js';
import { userAuth } from '../sign-in/flows/user-auth.js';
import { allowedFirstFactors, type FirstChallenge } from '../user-auth-factors.js';
import { challengeHandler } from '../sign-in/challenges/index.js';
import { continueSignIn, type SignInEnd } from '../sign-in/pipeline.js';
import type { AuthResponse, ChallengeName, Outcome, Params } from '../sign-in/types.js';
import { startHostedSession, type HostedSession } from './hosted-sessions.js';

/** The end of a hosted sign-in: the user, their new hosted session, and its secret for the cookie. */
export interface HostedSignedIn {
  kind: 'signed-in';
  user: User;
  session: HostedSession;
  secret: string;
}

/** What a hosted sign-in step gave: the next challenge for a page to ask, or the end. */
export type HostedStep = { kind: 'challenge'; response: AuthResponse & { ChallengeName: ChallengeName; Session?: string } } | HostedSignedIn;

/** The challenges whose answer is a second factor: the sign-in's `amr` says `mfa` after one. */
const SECOND_FACTORS: ReadonlySet<string> = new Set(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP', 'MFA_SETUP']);

/**
 * The `amr` of a passwordless first factor (RFC 8176 values): a one-time code (`otp`, and `sms` for
 * one sent by text message), or a passkey (`hwk`: proof of possession of a key held by an
 * authenticator). Never `pwd`: no password was given.
 */
const PASSWORDLESS_AMR: Readonly<Record<string, readonly string[]>> = { EMAIL_OTP: ['otp'], SMS_OTP: ['otp', 'sms'], WEB_AUTHN: ['hwk'] };

/** What this answer proved, for the hosted session's `amr`. */
function amrOf(challengeName: string, outcome: Outcome): readonly string[] {
  if (outcome.kind === 'passwordless-proven') return PASSWORDLESS_AMR[challengeName] ?? [];
  return SECOND_FACTORS.has(challengeName) ? ['pwd', 'mfa'] : ['pwd'];
}

/**
 * Whether this client's sign-in pages work as Cognito's managed login does with choice-based
 * sign-in: the client allows USER_AUTH and the pool allows a first factor besides a password. Then
 * the pages ask for the username first and offer the factors USER_AUTH's SELECT_CHALLENGE lists;
 * otherwise they keep the username-and-password form.
 */
export function offersPasswordless(pool: UserPool, client: AppClient): boolean {
  return allowsUserAuth(client.settings) && [...allowedFirstFactors(pool)].some((f) => f !== 'PASSWORD');
}

/**
 * The username form of choice-based sign-in: USER_AUTH with the name alone (SELECT_CHALLENGE with
 * the AvailableChallenges for this user, by the API's own rules for a name that matches no one),
 * or with `preferred` (a new code for the factor the person chose: the same as typing the name again).
 */
export async function hostedUserAuth(cognate: Cognate, pool: UserPool, client: AppClient, input: { username: string; preferred?: FirstChallenge; previousSecret?: string | undefined }): Promise<HostedStep> {
  if (input.username === '') throw errors.notAuthorized('Incorrect username or password.');
  const params = withSecretHash(client, input.username, { USERNAME: input.username, ...(input.preferred ? { PREFERRED_CHALLENGE: input.preferred } : {}) });
  const outcome = await userAuth(cognate, pool, client, params, undefined);
  // Without a password or a Session this only ever asks a challenge; the end claims no method it didn't see.
  return toStep(await continueSignIn(cognate, pool, client, outcome, hostedEnd(input.previousSecret, [])));
}

function hostedEnd(previousSecret: string | undefined, amr: readonly string[]): SignInEnd<HostedSignedIn> {
  return async (cognate, pool, client, user, ctx) => {
    await postAuthentication(cognate, { pool, client, user, clientMetadata: ctx.clientMetadata, newDeviceUsed: false });
    const { secret, session } = await startHostedSession(cognate, { pool, client, user, amr, authTimeMs: cognate.clock.now(), previousSecret });
    return { kind: 'signed-in', user, session, secret };
  };
}

function toStep(result: AuthResponse | HostedSignedIn): HostedStep {
  if ('kind' in result) return result;
  // The hosted UI never names a device, so the pipeline never ends in tokens here.
  if (!result.ChallengeName) throw new Error('a hosted sign-in ended without its hosted end');
  return { kind: 'challenge', response: result as AuthResponse & { ChallengeName: ChallengeName } };
}

function withSecretHash(client: AppClient, username: string, params: Params): Params {
  return client.secret ? { ...params, SECRET_HASH: secretHash(client.secret, username, client.id) } : params;
}

/** The username and password form. `previousSecret` is the browser's cookie, whose session a sign-in replaces. */
export async function hostedPasswordSignIn(cognate: Cognate, pool: UserPool, client: AppClient, input: { username: string; password: string; previousSecret?: string | undefined }): Promise<HostedStep> {
  if (input.username === '' || input.password === '') throw errors.notAuthorized('Incorrect username or password.');
  const outcome = await passwordSignIn(cognate, pool, client, withSecretHash(client, input.username, { USERNAME: input.username, PASSWORD: input.password }), undefined);
  return toStep(await continueSignIn(cognate, pool, client, outcome, hostedEnd(input.previousSecret, ['pwd'])));
}

/** An answer to a challenge page, for the registered handler of `challengeName`. */
export async function hostedRespond(
  cognate: Cognate,
  pool: UserPool,
  client: AppClient,
  input: { challengeName: string; username: string; session: string | undefined; responses: Params; previousSecret?: string | undefined },
): Promise<HostedStep> {
  const handler = challengeHandler(input.challengeName);
  // The pages only ever ask these; a DEVICE_* or PASSWORD_VERIFIER answer has no place here.
  if (!handler || input.challengeName.startsWith('DEVICE_') || input.challengeName === 'PASSWORD_VERIFIER') throw errors.invalidParameter(`Invalid challenge name: ${input.challengeName}`);
  const responses = withSecretHash(client, input.username, { ...input.responses, USERNAME: input.username });
  const outcome = await handler(cognate, { pool, client, challengeName: input.challengeName as ChallengeName, responses, session: input.session, clientMetadata: undefined });
  return toStep(await continueSignIn(cognate, pool, client, outcome, hostedEnd(input.previousSecret, amrOf(input.challengeName, outcome))));
}

/**
 * Signs in a user whose password this browser proved another way: a sign-up on the pages, just
 * confirmed (or confirmed by PreSignUp). The pipeline goes on as after a password (account checks,
 * MFA, the hosted end): domain/oauth/hosted-sign-up.ts.
 */
export async function hostedContinueAfterPassword(cognate: Cognate, pool: UserPool, client: AppClient, user: User, previousSecret: string | undefined): Promise<HostedStep> {
  return toStep(await continueSignIn(cognate, pool, client, { kind: 'password-proven', user, ctx: {} }, hostedEnd(previousSecret, ['pwd'])));
}

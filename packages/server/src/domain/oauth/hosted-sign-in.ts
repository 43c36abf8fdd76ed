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
import { secretHash, type AppClient } from '../app-clients.js';
import { postAuthentication } from '../token-generation.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { passwordSignIn } from '../sign-in/flows/password.js';
import { challengeHandler } from '../sign-in/challenges/index.js';
import { continueSignIn, type SignInEnd } from '../sign-in/pipeline.js';
import type { AuthResponse, ChallengeName, Params } from '../sign-in/types.js';
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

/**
 * Ends a sign-in another page proved (the sign-up page's confirmation, a confirmed forgotten
 * password — Cognito signs the person in after those): PostAuthentication and a new hosted session,
 * exactly as the pipeline's end does.
 */
export async function finishHostedSignIn(cognate: Cognate, pool: UserPool, client: AppClient, user: User, previousSecret: string | undefined, amr: readonly string[] = ['pwd']): Promise<HostedSignedIn> {
  return hostedEnd(previousSecret, amr)(cognate, pool, client, user, {});
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
  const amr = SECOND_FACTORS.has(input.challengeName) ? ['pwd', 'mfa'] : ['pwd'];
  return toStep(await continueSignIn(cognate, pool, client, outcome, hostedEnd(input.previousSecret, amr)));
}

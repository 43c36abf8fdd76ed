/**
 * The account pages of the hosted UI (sign-up, confirmation, forgotten password) through the same
 * domain functions as the API actions — SignUp, ConfirmSignUp, ResendConfirmationCode,
 * ForgotPassword, ConfirmForgotPassword — so triggers, PreventUserExistenceErrors, the simulated
 * deliveries and the code-guess limits are the API's. The pages speak for the app client: they
 * compute SECRET_HASH themselves for a client with a secret, as a server-side app would.
 *
 * After a sign-up the person is signed in once they confirm (or at once when PreSignUp confirms
 * them), as Cognito's hosted UI does. Their password was proven by the sign-up itself, in this
 * browser: the sign-up page hands the browser a sealed *ticket* naming the new user and bound to
 * the browser's cookie; only a confirmation that succeeds in the same request, from the same
 * browser, turns it into a sign-in (the code is single use, so a ticket can't sign in twice).
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/compare.js';
import type { Cognate } from '../cognate.js';
import { secretHash, type AppClient } from '../app-clients.js';
import type { AttributeType } from '../users.js';
import type { UserPool } from '../user-pools.js';
import type { CodeDeliveryDetails } from '../messages.js';
import { confirmSignUp, resendConfirmationCode, signUp } from '../sign-up.js';
import { confirmForgotPassword, forgotPassword } from '../forgot-password.js';
import { hostedContinueAfterPassword, type HostedStep } from './hosted-sign-in.js';

const TICKET_AAD = 'hosted-sign-up-ticket';
/** How long after a sign-up its confirmation still signs the person in (Cognito's hosted session lasts as long). */
const TICKET_MS = 3600_000;

interface Ticket {
  pool: string;
  client: string;
  sub: string;
  /** SHA-256 of the browser's cookie value at the sign-up */
  browser: string;
}

const browserHash = (cookie: string) => createHash('sha256').update(cookie).digest('base64url');

const hash = (client: AppClient, username: string) => (client.secret ? { SecretHash: secretHash(client.secret, username, client.id) } : {});

export interface HostedSignUpResult {
  confirmed: boolean;
  delivery?: CodeDeliveryDetails;
  /** Sealed, for the confirmation form: signs the person in once they confirm (see the module's comment). */
  ticket: string;
}

export async function hostedSignUp(
  cognate: Cognate,
  pool: UserPool,
  client: AppClient,
  input: { username: string; password: string; attributes: AttributeType[]; browser: string },
): Promise<HostedSignUpResult> {
  const out = await signUp(cognate, { ClientId: client.id, ...hash(client, input.username), Username: input.username, Password: input.password, UserAttributes: input.attributes });
  const ticket: Ticket = { pool: pool.id, client: client.id, sub: out.UserSub, browser: browserHash(input.browser) };
  return {
    confirmed: out.UserConfirmed,
    ...(out.CodeDeliveryDetails ? { delivery: out.CodeDeliveryDetails } : {}),
    ticket: cognate.secrets.sessions.sealJson(ticket, TICKET_AAD, cognate.clock.now() + TICKET_MS),
  };
}

/**
 * The sign-in a sign-up's ticket stands for, when it is this browser's, for this client, unexpired,
 * and its user is now confirmed; else undefined (the person signs in with their password).
 */
export async function signInWithTicket(
  cognate: Cognate,
  pool: UserPool,
  client: AppClient,
  input: { ticket: string | undefined; browser: string; previousSecret: string | undefined; /** the name just confirmed: it must be the ticket's user */ username?: string },
): Promise<HostedStep | undefined> {
  if (!input.ticket || input.ticket.length > 4096) return undefined;
  const t = cognate.secrets.sessions.openJson<Ticket>(input.ticket, TICKET_AAD, cognate.clock.now());
  if (!t || typeof t !== 'object' || t.pool !== pool.id || t.client !== client.id || typeof t.sub !== 'string' || typeof t.browser !== 'string') return undefined;
  if (!constantTimeEqual(t.browser, browserHash(input.browser))) return undefined;
  const user = await cognate.users.findBySub(pool.id, t.sub);
  if (!user || user.status !== 'CONFIRMED' || !user.enabled) return undefined;
  if (input.username !== undefined && (await cognate.users.findForSignIn(pool, input.username))?.sub !== user.sub) return undefined;
  return hostedContinueAfterPassword(cognate, pool, client, user, input.previousSecret);
}

export async function hostedConfirmSignUp(cognate: Cognate, client: AppClient, input: { username: string; code: string }): Promise<void> {
  await confirmSignUp(cognate, { ClientId: client.id, ...hash(client, input.username), Username: input.username, ConfirmationCode: input.code });
}

export async function hostedResendCode(cognate: Cognate, client: AppClient, input: { username: string }): Promise<CodeDeliveryDetails> {
  return (await resendConfirmationCode(cognate, { ClientId: client.id, ...hash(client, input.username), Username: input.username })).CodeDeliveryDetails;
}

export async function hostedForgotPassword(cognate: Cognate, client: AppClient, input: { username: string }): Promise<CodeDeliveryDetails> {
  return (await forgotPassword(cognate, { ClientId: client.id, ...hash(client, input.username), Username: input.username })).CodeDeliveryDetails;
}

export async function hostedConfirmForgotPassword(cognate: Cognate, client: AppClient, input: { username: string; code: string; password: string }): Promise<void> {
  await confirmForgotPassword(cognate, { ClientId: client.id, ...hash(client, input.username), Username: input.username, ConfirmationCode: input.code, Password: input.password });
}

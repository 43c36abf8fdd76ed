/**
 * Account recovery: ForgotPassword and ConfirmForgotPassword. A code goes only to a verified email
 * or phone number; under PreventUserExistenceErrors ENABLED a name that gets no code answers like a
 * real user, in content and in time (issue 10, security.md P01, P02).
 */
import { CognitoError, errors } from '../errors.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import { checkSecretHash, type AppClient } from './app-clients.js';
import { codeError, type CodeOutcome } from './codes.js';
import { migrateUser } from './user-migration.js';
import { type CodeDeliveryDetails, deliverCode, recoveryDestination, recoveryOrder } from './messages.js';
import { kickAfterDecoy, sendDecoyCode, simulatedDelivery, tryDecoyCode } from './decoy-codes.js';
import { checkPasswordPolicy } from './passwords.js';
import { isReusedPassword, passwordReused, rememberReplacedPassword } from './password-history.js';
import { postConfirmation } from './sign-up.js';
import { clientAndPool } from './client-context.js';
import type { UserPool } from './user-pools.js';
import type { Verifiable } from './self-service.js';
import { checkNewPassword, recordAccountEvent, recordPasswordEvent } from './threat-protection/index.js';
import type { User } from './users.js';

const NOT_FOUND = 'Username/client id combination not found.';

const existenceHidden = (client: AppClient) => client.settings.PreventUserExistenceErrors === 'ENABLED';

/**
 * Where a recovery code may go: only to a *verified* email or phone number (security.md P04, A23),
 * in the order of the pool's AccountRecoverySetting. Without that setting, Cognito's legacy order
 * (SMS first when the pool verifies phone numbers, else email). `admin_only` pools refuse
 * self-service recovery for everyone, so the refusal says nothing about who exists.
 */
function recoveryMechanisms(pool: UserPool): Verifiable[] | undefined {
  if (pool.settings.AccountRecoverySetting?.RecoveryMechanisms?.some((m) => m.Name === 'admin_only')) throw errors.notAuthorized('Contact administrator to reset password.');
  return recoveryOrder(pool);
}

function simulatedRecovery(cognate: Ports<'secrets'>, pool: UserPool, name: string, mechanisms: Verifiable[] | undefined): CodeDeliveryDetails {
  const preferred: Verifiable = mechanisms?.[0] ?? ((pool.settings.AutoVerifiedAttributes ?? []).includes('phone_number') ? 'phone_number' : 'email');
  return simulatedDelivery(cognate.secrets.fakeSaltKey, pool, name, preferred);
}

/**
 * The answer for a name that gets no code under ENABLED (unknown, or a user who can't recover),
 * after the work a real request does (issue 10, security.md P01): the code drawn and hashed, the
 * message filled in and sealed, two committed writes (decoy rows, sendDecoyCode), and a delivery
 * pass kicked after commit. The CustomMessage function is not run for them (Cognito doesn't), so
 * in a pool that has one, the real path stays slower by the function's time.
 */
async function decoyRecovery(cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'secrets' | 'store'>, pool: UserPool, name: string, mechanisms: Verifiable[] | undefined): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const delivery = simulatedRecovery(cognate, pool, name, mechanisms);
  const now = cognate.clock.now();
  await cognate.store.transaction((trx) => sendDecoyCode(cognate, trx, { pool, name, purpose: 'forgot_password', medium: delivery.DeliveryMedium }, now));
  kickAfterDecoy(cognate, now);
  return { CodeDeliveryDetails: delivery };
}

export interface ForgotPasswordInput {
  ClientId: string;
  SecretHash?: string;
  Username: string;
  ClientMetadata?: Record<string, string>;
}

export async function forgotPassword(cognate: Ports<'clients' | 'clock' | 'codes' | 'config' | 'log' | 'outbox' | 'pools' | 'secrets' | 'store' | 'triggers' | 'users'>, input: ForgotPasswordInput): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  const mechanisms = recoveryMechanisms(pool);
  const user =
    (await cognate.users.findForSignIn(pool, input.Username)) ??
    // The pool's UserMigration function may know them: they come in RESET_REQUIRED, with no password.
    (await migrateUser(cognate, pool, client, { source: 'ForgotPassword', name: input.Username, clientMetadata: input.ClientMetadata }))?.user;
  // Threat protection's ForgotPassword event (a name that gets no code: the same row without a user, P01).
  const recorded = (who: User | undefined, response: 'Pass' | 'Fail') => recordAccountEvent(cognate, pool, client, who, 'ForgotPassword', response);
  // Under ENABLED, a name that gets no code answers exactly like a real user, in content and in time (issue 10).
  const hidden = async () => {
    const answer = await decoyRecovery(cognate, pool, input.Username, mechanisms);
    await recorded(undefined, 'Fail');
    return answer;
  };
  const refused = async (error: CognitoError) => {
    await recorded(user, 'Fail');
    return error;
  };
  if (!user) {
    if (!existenceHidden(client)) throw await refused(errors.userNotFound(NOT_FOUND));
    return hidden();
  }
  if (!user.enabled) {
    if (existenceHidden(client)) return hidden();
    throw await refused(errors.notAuthorized('User is disabled.'));
  }
  // An invited user who never signed in has no password of their own to forget.
  if (user.status === 'FORCE_CHANGE_PASSWORD' || user.status === 'EXTERNAL_PROVIDER') {
    if (existenceHidden(client)) return hidden();
    throw await refused(errors.notAuthorized('User password cannot be reset in the current state.'));
  }
  const destination = recoveryDestination(pool, user, mechanisms);
  if (!destination) {
    if (existenceHidden(client)) return hidden();
    throw await refused(errors.invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number'));
  }
  try {
    // The delivery pass after commit is off the response path, as after a decoy (kickAfterDecoy).
    const delivery = await deliverCode(cognate, pool, { occasion: 'ForgotPassword', user, clientId: client.id, clientMetadata: input.ClientMetadata, purpose: 'forgot_password', kind: 'ForgotPassword', destination, kick: 'later' });
    await recorded(user, 'Pass');
    return { CodeDeliveryDetails: delivery };
  } catch (error) {
    // Past the hourly cap the transaction rolled back without a write; the decoy's write stands in for it.
    if (existenceHidden(client) && error instanceof CognitoError && error.name === 'LimitExceededException') return hidden();
    if (error instanceof CognitoError) await recorded(user, 'Fail');
    throw error;
  }
}

export interface ConfirmForgotPasswordInput extends ForgotPasswordInput {
  ConfirmationCode: string;
  Password: string;
}

/** Statuses a proven reset lifts. */
const CONFIRMED_BY_RESET = new Set(['RESET_REQUIRED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD']);

export async function confirmForgotPassword(cognate: Ports<'clients' | 'clock' | 'codes' | 'config' | 'hasher' | 'log' | 'outbox' | 'pools' | 'secrets' | 'store' | 'triggers' | 'users'>, input: ConfirmForgotPasswordInput): Promise<Record<string, never>> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash);
  checkPasswordPolicy(input.Password, pool.settings.Policies.PasswordPolicy);
  // Threat protection: checked before the user is looked up, so the answer is the same whoever is named.
  const verdict = await checkNewPassword(cognate, { pool, client, type: 'ForgotPassword', password: input.Password });
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user || !user.enabled) {
    // The same hashing work as a real reset, then the answer a wrong code gets (security.md P02).
    await cognate.users.credentials(pool, input.Username, input.Password);
    if (existenceHidden(client)) {
      // And the code check's work, with the write a real wrong code makes while a code is live (issue 10, P01).
      const now = cognate.clock.now();
      await cognate.store.transaction((trx) => tryDecoyCode(cognate, trx, { pool, name: input.Username, purpose: 'forgot_password', code: input.ConfirmationCode, mirror: 'live' }, now));
      throw errors.codeMismatch();
    }
    throw user ? errors.notAuthorized('User is disabled.') : errors.userNotFound(NOT_FOUND);
  }
  const credentials = await cognate.users.credentials(pool, user.username, input.Password);
  const now = cognate.clock.now();
  const code = { userId: user.sub, purpose: 'forgot_password' as const, code: input.ConfirmationCode };
  // Password history is consulted only for the right code, so a guesser learns nothing of old passwords.
  const reused = (await cognate.codes.matches(cognate.store.db, code, now)) && (await isReusedPassword(cognate, pool, user, input.Password));
  // Consuming the code and replacing the password commit together or not at all (security.md R01);
  // of parallel calls with one code, only one consumes it (R06).
  const outcome = await cognate.store.transaction(async (trx): Promise<CodeOutcome> => {
    const result = await cognate.codes.consume(trx, code, now);
    if (result !== 'ok') return result;
    // Refused, the code stays unconsumed (the throw rolls back), so the user can choose another password.
    if (reused) throw passwordReused();
    await rememberReplacedPassword(trx, pool, user, now);
    await userStore.setPassword(trx, user.sub, { ...credentials, status: CONFIRMED_BY_RESET.has(user.status) ? 'CONFIRMED' : user.status, updated_at: now, resetLockout: true });
    // A user confirmed this way holds their aliases; one another user holds stays theirs.
    if (user.status === 'UNCONFIRMED') await cognate.users.syncAliases(trx, pool.id, user.sub, { mode: 'yield', now });
    return result;
  });
  if (outcome !== 'ok') throw codeError(outcome, existenceHidden(client));
  await recordPasswordEvent(cognate, verdict, user.sub);
  await postConfirmation(cognate, pool, user.sub, 'PostConfirmation_ConfirmForgotPassword', client.id, input.ClientMetadata);
  return {};
}


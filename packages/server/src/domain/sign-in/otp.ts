/**
 * EMAIL_OTP and SMS_OTP as USER_AUTH's first factor: a code sent now by email or SMS, answered
 * with EMAIL_OTP_CODE / SMS_OTP_CODE. The MFA code machinery does the work: the code is issued
 * and sent with the MFA messages (SmsMfaConfiguration / EmailMfaConfiguration, the CustomMessage
 * trigger as `CustomMessage_Authentication`, custom senders), bound to the Session's nonce
 * (`mfa:<nonce>`), single use, dead after MAX_CODE_ATTEMPTS wrong tries, and capped per Session
 * (MAX_DELIVERIES_PER_SESSION); a wrong code counts toward the lockout as a wrong MFA code does.
 * The Session is an MFA Session of kind `otp`, which no MFA handler accepts and vice versa.
 *
 * A name that matches no one (or a user the code can't reach) under PreventUserExistenceErrors
 * ENABLED gets the same answer after the same work: a simulated delivery (decoy-codes.ts), and
 * every code refused with CodeMismatchException after a decoy check (security.md P01, P02).
 */
import { randomUUID } from 'node:crypto';
import { errors } from '../../errors.js';
import type { Ports } from '../cognate.js';
import { checkSecretHash, type AppClient } from '../app-clients.js';
import { codeError, MAX_CODES_PER_HOUR } from '../codes.js';
import { kickAfterDecoy, sendDecoyCode, simulatedDelivery, tryDecoyCode } from '../decoy-codes.js';
import { composeMessages, maskDestination, sendCode } from '../messages.js';
import { isEmail, isPhoneNumber, usernameKey, type User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { required } from '../parameters.js';
import { passwordAttemptsExceeded } from '../lockout.js';
import { MAX_DELIVERIES_PER_SESSION, mfaMessages } from './mfa/challenge.js';
import { recordWrongCode } from './mfa/answer.js';
import { recordFailedSignIn } from '../threat-protection/index.js';
import { openSession, sealSession, type MfaSession } from './mfa/session.js';
import { invalidSession, sessionMs, type AuthResponse, type ChallengeAnswer, type Metadata, type Outcome } from './types.js';

export type OtpChallenge = 'EMAIL_OTP' | 'SMS_OTP';

const CODE_FIELD: Record<OtpChallenge, string> = { EMAIL_OTP: 'EMAIL_OTP_CODE', SMS_OTP: 'SMS_OTP_CODE' };
const hidden = (client: AppClient) => client.settings.PreventUserExistenceErrors === 'ENABLED';

/** Where the user's code goes: their verified email or phone number. */
function destinationOf(user: User, type: OtpChallenge): string | undefined {
  const attribute = type === 'EMAIL_OTP' ? 'email' : 'phone_number';
  return user.attributes.get(`${attribute}_verified`) === 'true' ? user.attributes.get(attribute) : undefined;
}

/**
 * Sends the code and answers with the challenge. `user` is undefined for a name that matches no
 * one (the caller has already refused it where existence isn't hidden). `nonce` continues a
 * SELECT_CHALLENGE Session, so replaying that answer can't send more codes than the cap.
 */
export async function otpChallenge(
  cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'secrets' | 'store' | 'triggers'>,
  pool: UserPool,
  client: AppClient,
  user: User | undefined,
  name: string,
  type: OtpChallenge,
  opts: { nonce?: string; deviceKey?: string; clientMetadata: Metadata },
): Promise<AuthResponse> {
  const now = cognate.clock.now();
  const state: MfaSession = {
    k: 'otp',
    f: type,
    p: pool.id,
    c: client.id,
    s: user?.sub ?? randomUUID(),
    u: name,
    n: opts.nonce ?? randomUUID(),
    e: now + sessionMs(client),
    ...(opts.deviceKey ? { d: opts.deviceKey } : {}),
  };
  const medium = type === 'EMAIL_OTP' ? 'EMAIL' : 'SMS';
  const purpose = `mfa:${state.n}` as const;
  const to = user ? destinationOf(user, type) : undefined;
  let masked: string;
  // Anyone may ask for a code by name alone, so a user gets at most MAX_CODES_PER_HOUR sign-in codes
  // an hour over all Sessions (P04); past it, LEGACY clients hear LimitExceeded and hidden existence
  // answers as for no one (nothing sent).
  const capped = !!user && !!to && (await cognate.codes.countSignInCodesLastHour(cognate.store.db, user.sub, now)) >= MAX_CODES_PER_HOUR;
  if (capped && !hidden(client)) throw errors.limitExceeded();
  if (user && to && !capped) {
    const messages = await composeMessages(cognate, pool, { occasion: 'Authentication', user, clientId: client.id, ...(opts.clientMetadata ? { clientMetadata: opts.clientMetadata } : {}), messages: mfaMessages(pool) });
    await cognate.store.transaction(async (trx) => {
      if ((await cognate.codes.countIssued(trx, { userId: user.sub, purpose })) >= MAX_DELIVERIES_PER_SESSION) throw errors.limitExceeded();
      await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose, destination: { medium, attribute: medium === 'SMS' ? 'phone_number' : 'email', to }, messages, kind: 'mfa' }, now);
    });
    cognate.outbox.kick();
    masked = maskDestination(medium, to);
  } else {
    // A name typed in the other medium's shape doesn't choose the destination's shape.
    const shaped = (type === 'EMAIL_OTP' ? isEmail(name) : isPhoneNumber(name)) ? name : `\0${name}`;
    masked = simulatedDelivery(cognate.secrets.fakeSaltKey, pool, shaped, medium === 'SMS' ? 'phone_number' : 'email').Destination!;
    await cognate.store.transaction((trx) => sendDecoyCode(cognate, trx, { pool, name: usernameKey(pool, name), purpose, medium, messages: mfaMessages(pool) }, now));
    kickAfterDecoy(cognate, now);
    // The state's sub is a random one that names no one, so no answer can ever sign anyone in.
  }
  return {
    ChallengeName: type,
    Session: sealSession(cognate, state),
    ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: medium, CODE_DELIVERY_DESTINATION: masked },
  };
}

/** Whether a Session answering EMAIL_OTP is a first-factor one (else it is an MFA code's). */
export function isOtpSession(cognate: Ports<'clock' | 'secrets'>, answer: ChallengeAnswer): boolean {
  try {
    return openSession(cognate, answer.session, answer.pool, answer.client, cognate.clock.now()).k === 'otp';
  } catch {
    return false;
  }
}

/** EMAIL_OTP_CODE / SMS_OTP_CODE: the code sent for this Session; a right one proves the user. */
export async function answerOtp(cognate: Ports<'clock' | 'codes' | 'config' | 'lockout' | 'log' | 'outbox' | 'secrets' | 'store' | 'users'>, answer: ChallengeAnswer, type: OtpChallenge): Promise<Outcome> {
  const { pool, client, responses } = answer;
  const now = cognate.clock.now();
  const state = openSession(cognate, answer.session, pool, client, now);
  if (state.k !== 'otp' || state.f !== type || typeof state.u !== 'string') throw invalidSession();
  const name = required(responses, 'USERNAME');
  const code = required(responses, CODE_FIELD[type]);
  // A name that matches no one has a sub that names no one: the same look-up finds nothing (P01).
  const user = await cognate.users.findBySub(pool.id, state.s);
  // The answer names the user the Session was issued for: by the name given, the username or a sign-in alias.
  const named = usernameKey(pool, name) === usernameKey(pool, state.u) || (!!user && (await cognate.users.findForSignIn(pool, name))?.sub === user.sub);
  checkSecretHash(client, [name, state.u, ...(user ? [user.username] : [])], responses.SECRET_HASH);
  if (!named || (!user && !hidden(client))) throw invalidSession();
  const locked = user ? await cognate.lockout.isLocked(user.sub, now) : false;
  if (locked && !hidden(client)) throw passwordAttemptsExceeded();
  const purpose = `mfa:${state.n}` as const;
  if (!user || locked) {
    // No one to sign in (or a lock that, hidden, looks like no one): the work of a wrong code, then its answer.
    await cognate.store.transaction((trx) => tryDecoyCode(cognate, trx, { pool, name: usernameKey(pool, state.u!), purpose, code, mirror: 'always' }, now));
    // Threat protection records it as a wrong code's failed sign-in, without a user (the same write, P01).
    await recordFailedSignIn(cognate, pool, client, undefined, 'passwordless');
    throw errors.codeMismatch('Invalid code received for user');
  }
  const outcome = await cognate.store.transaction((trx) => cognate.codes.consume(trx, { userId: user.sub, purpose, code }, now));
  if (outcome !== 'ok') {
    await recordWrongCode(cognate, user, now);
    await recordFailedSignIn(cognate, pool, client, user, 'passwordless');
    throw outcome === 'mismatch' ? errors.codeMismatch('Invalid code received for user') : codeError(outcome, hidden(client));
  }
  // A proven first factor clears the lockout count, as a proven password does.
  await cognate.lockout.recordVerifiedPassword(user.sub);
  return { kind: 'passwordless-proven', user, ctx: { clientMetadata: answer.clientMetadata, ...(state.d ? { deviceKey: state.d } : {}) } };
}

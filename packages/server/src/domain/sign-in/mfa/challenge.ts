/**
 * Which second factor a sign-in needs once the password is settled, and the challenge that asks
 * for it: SMS_MFA or EMAIL_OTP (a code sent now), SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE when the
 * user has several and prefers none, MFA_SETUP when the pool requires MFA and the user has none.
 */
import { CognitoError, errors } from '../../../errors.js';
import type { Ports } from '../../cognate.js';
import type { AppClient } from '../../app-clients.js';
import { composeMessages, maskDestination, sendCode, type Templates } from '../../messages.js';
import { enabledTypes, mfaSettings, poolFactors, readUserMfa } from '../../mfa.js';
import type { User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import type { AuthResponse, Metadata } from '../types.js';
import { newSession, sealSession, type MfaSession } from './session.js';

/** Codes one sign-in Session may have sent (security.md P24: caps what a replayed Session costs). */
export const MAX_DELIVERIES_PER_SESSION = 5;

const DEFAULT_SMS_MESSAGE = 'Your authentication code is {####}. ';
const DEFAULT_EMAIL_MESSAGE = 'Your authentication code is {####}. ';
const DEFAULT_EMAIL_SUBJECT = 'Your authentication code';

/** The pool's MFA code messages: SmsMfaConfiguration / EmailMfaConfiguration, Cognito's defaults otherwise. */
export function mfaMessages(pool: UserPool): Templates {
  const s = mfaSettings(pool);
  return {
    EMAIL: { subject: s.EmailMfaConfiguration?.Subject ?? DEFAULT_EMAIL_SUBJECT, body: s.EmailMfaConfiguration?.Message ?? DEFAULT_EMAIL_MESSAGE },
    SMS: { body: s.SmsMfaConfiguration?.SmsAuthenticationMessage ?? s.SmsAuthenticationMessage ?? DEFAULT_SMS_MESSAGE },
  };
}

/** The MFA challenge this sign-in needs, if any. */
export async function mfaChallenge(cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'secrets' | 'store' | 'triggers'>, pool: UserPool, client: AppClient, user: User, deviceKey: string | undefined, clientMetadata: Metadata): Promise<AuthResponse | undefined> {
  const mode = pool.settings.MfaConfiguration;
  if (mode === 'OFF') return undefined;
  const offered = poolFactors(pool);
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const usable = enabledTypes(mfa).filter((t) => offered[t] && (t !== 'SMS_MFA' || user.attributes.get('phone_number')) && (t !== 'EMAIL_OTP' || user.attributes.get('email')));
  const now = cognate.clock.now();
  const base = { ...(deviceKey ? { d: deviceKey } : {}) };
  if (usable.length === 0) {
    if (mode !== 'ON') return undefined;
    // Required MFA and nothing set up: users with a phone number get SMS when the pool sends it, and
    // users with an email address email codes when that is all the pool could set up; the others
    // set up a software token or an email address now (MFA_SETUP).
    if (offered.SMS_MFA && user.attributes.get('phone_number')) return sendChallenge(cognate, pool, client, user, newSession(pool, client, user, now, { ...base, k: 'mfa', m: 'SMS_MFA' }), clientMetadata);
    if (offered.EMAIL_OTP && user.attributes.get('email') && !offered.SOFTWARE_TOKEN_MFA) {
      return sendChallenge(cognate, pool, client, user, newSession(pool, client, user, now, { ...base, k: 'mfa', m: 'EMAIL_OTP' }), clientMetadata);
    }
    const canSetUp = (['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'] as const).filter((t) => offered[t]);
    if (canSetUp.length === 0) throw new CognitoError('MFAMethodNotFoundException', 'No MFA mechanism registered in the account.');
    const state = newSession(pool, client, user, now, { ...base, k: 'setup', o: [...canSetUp] });
    return { ChallengeName: 'MFA_SETUP', Session: sealSession(cognate, state), ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify(canSetUp) } };
  }
  const chosen = mfa.preferred && usable.includes(mfa.preferred) ? mfa.preferred : usable.length === 1 ? usable[0]! : undefined;
  if (chosen) return sendChallenge(cognate, pool, client, user, newSession(pool, client, user, now, { ...base, k: 'mfa', m: chosen }), clientMetadata);
  const state = newSession(pool, client, user, now, { ...base, k: 'select', o: usable });
  return { ChallengeName: 'SELECT_MFA_TYPE', Session: sealSession(cognate, state), ChallengeParameters: { MFAS_CAN_CHOOSE: JSON.stringify(usable), USER_ID_FOR_SRP: user.username } };
}

/** Issues an MFA challenge; SMS and email codes are sent now, bound to the session's nonce. */
export async function sendChallenge(cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'secrets' | 'store' | 'triggers'>, pool: UserPool, client: AppClient, user: User, state: MfaSession, clientMetadata: Metadata): Promise<AuthResponse> {
  const type = state.m!;
  const Session = sealSession(cognate, state);
  if (type === 'SOFTWARE_TOKEN_MFA') return { ChallengeName: type, Session, ChallengeParameters: { USER_ID_FOR_SRP: user.username } };
  const medium = type === 'SMS_MFA' ? 'SMS' : 'EMAIL';
  const to = type === 'EMAIL_OTP' && state.x ? state.x : user.attributes.get(type === 'SMS_MFA' ? 'phone_number' : 'email');
  if (!to) throw new CognitoError('MFAMethodNotFoundException', 'No MFA mechanism registered in the account.');
  const messages = await composeMessages(cognate, pool, { occasion: 'Authentication', user, clientId: client.id, clientMetadata, messages: mfaMessages(pool) });
  const destination = { medium, attribute: medium === 'SMS' ? 'phone_number' : 'email', to } as const;
  const now = cognate.clock.now();
  const purpose = `mfa:${state.n}` as const;
  await cognate.store.transaction(async (trx) => {
    if ((await cognate.codes.countIssued(trx, { userId: user.sub, purpose })) >= MAX_DELIVERIES_PER_SESSION) throw errors.limitExceeded();
    await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose, destination, messages, kind: 'mfa' }, now);
  });
  cognate.outbox.kick();
  return { ChallengeName: type, Session, ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: medium, CODE_DELIVERY_DESTINATION: maskDestination(medium, to), USER_ID_FOR_SRP: user.username } };
}

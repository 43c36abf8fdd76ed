/**
 * Checking a second factor: an SMS or email code bound to the Session, or a software-token code,
 * each usable once. Wrong codes count toward the shared lockout and toward a second-factor counter
 * that a correct password does not reset, so re-entering the password can't buy more guesses
 * (security.md P03, P23); both counts are made with the one lockout rule (store/lockout.ts).
 */
import { errors } from '../../../errors.js';
import * as lockoutStore from '../../../store/lockout.js';
import * as mfaStore from '../../../store/mfa.js';
import type { Ports } from '../../cognate.js';
import { codeError } from '../../codes.js';
import { lockMs } from '../../lockout.js';
import { readUserMfa, totpAad, type MfaType } from '../../mfa.js';
import { matchTotp } from '../../totp.js';
import type { User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { answeringUser } from '../account.js';
import { invalidSession, type ChallengeAnswer, type Outcome } from '../types.js';
import { openSession, type MfaSession } from './session.js';

const CODE_FIELD: Record<MfaType, string> = { SMS_MFA: 'SMS_MFA_CODE', SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA_CODE', EMAIL_OTP: 'EMAIL_OTP_CODE' };

/** The Session of an MFA answer, opened, and the user it names, checked. */
export async function openMfaAnswer(cognate: Ports<'clock' | 'lockout' | 'secrets' | 'users'>, answer: ChallengeAnswer): Promise<{ state: MfaSession; user: User; now: number }> {
  const now = cognate.clock.now();
  const state = openSession(cognate, answer.session, answer.pool, answer.client, now);
  const user = await answeringUser(cognate, answer.pool, answer.client, state.s, answer.responses);
  return { state, user, now };
}

/**
 * SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA: the code for the challenge the Session was issued
 * for. A right code clears the second-factor counter and the lockout; when the client named a
 * device, the Session is recorded as passed for the device step that follows.
 */
export async function answerMfaCode(cognate: Ports<'clock' | 'codes' | 'lockout' | 'secrets' | 'store' | 'users'>, answer: ChallengeAnswer, type: MfaType): Promise<Outcome> {
  const { state, user, now } = await openMfaAnswer(cognate, answer);
  if (state.k !== 'mfa' || state.m !== type) throw invalidSession();
  const code = required(answer.responses, CODE_FIELD[type]);
  if (type === 'SOFTWARE_TOKEN_MFA') {
    const outcome = await consumeTotp(cognate, user, code, now);
    if (outcome !== 'ok') {
      await recordWrongCode(cognate, user, now);
      throw outcome === 'reused' ? errors.expiredCode('Your software token has already been used once.') : errors.codeMismatch('Invalid code received for user');
    }
  } else {
    const outcome = await cognate.store.transaction((trx) => cognate.codes.consume(trx, { userId: user.sub, purpose: `mfa:${state.n}`, code }, now));
    if (outcome !== 'ok') {
      await recordWrongCode(cognate, user, now);
      throw outcome === 'mismatch' ? errors.codeMismatch('Invalid code received for user') : codeError(outcome);
    }
  }
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
    await mfaStore.recordPassed(trx, user.sub, state.d ? state.n : undefined);
    await lockoutStore.clear(trx, user.sub);
  });
  const ctx = { clientMetadata: answer.clientMetadata, ...(state.d ? { deviceKey: state.d } : {}) };
  if (!state.x) return { kind: 'factors-done', user, ctx };
  await finishEmailSetup(cognate, answer.pool, user, state.x, now);
  return { kind: 'factors-done', user: (await cognate.users.findBySub(answer.pool.id, user.sub)) ?? user, ctx };
}

/**
 * Checks a code against the user's software token and uses it up: the accepted step is recorded
 * with a conditional update, so a code (or an older one) never works twice, even in parallel.
 */
async function consumeTotp(cognate: Ports<'secrets' | 'store'>, user: User, code: string, now: number): Promise<'ok' | 'mismatch' | 'reused'> {
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const secret = mfa.totpSecretSealed ? cognate.secrets.atRest.openString(mfa.totpSecretSealed, totpAad(user))?.toString() : undefined;
  if (!secret) return 'mismatch';
  const step = matchTotp(secret, code, now, mfa.totpLastStep);
  if (step === undefined) return matchTotp(secret, code, now, null) === undefined ? 'mismatch' : 'reused';
  return (await mfaStore.advanceTotpStep(cognate.store.db, user.sub, step)) ? 'ok' : 'reused';
}

/** A wrong second factor: the shared lockout counter, and one a correct password doesn't reset, in one transaction. */
export async function recordWrongCode(cognate: Ports<'store'>, user: User, now: number): Promise<void> {
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
    const secondFactorFailures = await mfaStore.recordFailure(trx, user.sub, now);
    const lock = lockMs(secondFactorFailures);
    await lockoutStore.recordFailure(trx, user.sub, now, lock > 0 ? now + lock : undefined);
  });
}

/** The code proved the address: it becomes the user's verified email (claiming it as an alias, if the pool has them) and email OTP their MFA. */
async function finishEmailSetup(cognate: Ports<'store' | 'users'>, pool: UserPool, user: User, email: string, now: number): Promise<void> {
  await cognate.store.transaction(async (trx) => {
    await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([['email', email], ['email_verified', 'true']]), { now });
    await mfaStore.ensure(trx, user, now);
    await mfaStore.enableEmail(trx, user.sub, now);
  });
}

/**
 * MFA_SETUP: a pool that requires MFA, and a user with no factor yet. The user sets up a software
 * token (AssociateSoftwareToken and VerifySoftwareToken with the Session, then MFA_SETUP answers
 * with the Session VerifySoftwareToken returned) or, where the pool sends email codes, an email
 * address (MFA_SETUP answered with EMAIL, then EMAIL_OTP with the code sent there).
 */
import { errors } from '../../../errors.js';
import * as mfaStore from '../../../store/mfa.js';
import type { Ports } from '../../cognate.js';
import { codeMismatchOnEnable, poolFactors, softwareTokenNotEnabled, totpAad } from '../../mfa.js';
import { matchTotp, newTotpSecret } from '../../totp.js';
import { isEmail } from '../../users.js';
import { invalidSession, respond, type ChallengeHandler } from '../types.js';
import { openMfaAnswer } from '../mfa/answer.js';
import { sendChallenge } from '../mfa/challenge.js';
import { openAnySession, sealSession } from '../mfa/session.js';

export const mfaSetup: ChallengeHandler = async (cognate, answer) => {
  const { state, user } = await openMfaAnswer(cognate, answer);
  if (state.k === 'setup' && answer.responses.EMAIL !== undefined) {
    // Amplify's CONTINUE_SIGN_IN_WITH_EMAIL_SETUP: the code goes to that address, and answering it
    // makes the address the user's verified email and email OTP their MFA. A user who has an
    // email address can only name that one.
    const email = answer.responses.EMAIL;
    if (!state.o?.includes('EMAIL_OTP')) throw errors.invalidParameter('Email MFA can not be set up in this user pool.');
    if (!isEmail(email)) throw errors.invalidParameter('Invalid email address format.');
    const current = user.attributes.get('email');
    if (current !== undefined && current.toLowerCase() !== email.toLowerCase()) throw errors.invalidParameter('The email address must be the one the user has.');
    const { o: _choices, ...rest } = state;
    return respond(await sendChallenge(cognate, answer.pool, answer.client, user, { ...rest, k: 'mfa', m: 'EMAIL_OTP', x: current ?? email }, answer.clientMetadata));
  }
  if (state.k === 'setup') throw errors.invalidParameter('The software token has not been verified; call VerifySoftwareToken with this Session first.');
  if (state.k !== 'setup-done') throw invalidSession();
  // One sign-in per verified set-up: the Session can't be replayed for more tokens.
  if (!(await mfaStore.spendPassedSession(cognate.store.db, user.sub, state.n))) throw invalidSession();
  return { kind: 'factors-done', user, ctx: { clientMetadata: answer.clientMetadata, ...(state.d ? { deviceKey: state.d } : {}) } };
};

/** AssociateSoftwareToken with an MFA_SETUP Session: the secret travels sealed in the new Session. */
export async function associateWithSession(cognate: Ports<'clock' | 'pools' | 'secrets'>, session: string): Promise<{ SecretCode: string; Session: string }> {
  const now = cognate.clock.now();
  const state = openAnySession(cognate, session, now);
  if (state.k !== 'setup') throw invalidSession();
  const pool = await cognate.pools.get(state.p);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const secret = newTotpSecret();
  return { SecretCode: secret, Session: sealSession(cognate, { ...state, t: secret }) };
}

/** VerifySoftwareToken with an MFA_SETUP Session: the token becomes the user's preferred factor. */
export async function verifyWithSession(cognate: Ports<'clock' | 'lockout' | 'pools' | 'secrets' | 'store' | 'users'>, session: string, code: string): Promise<{ Status: 'SUCCESS'; Session: string }> {
  const now = cognate.clock.now();
  const state = openAnySession(cognate, session, now);
  if (state.k !== 'setup' || !state.t) throw invalidSession();
  const pool = await cognate.pools.get(state.p);
  if (!poolFactors(pool).SOFTWARE_TOKEN_MFA) throw softwareTokenNotEnabled();
  const user = await cognate.users.findBySub(pool.id, state.s);
  if (!user || user.status !== 'CONFIRMED') throw invalidSession();
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  cognate.lockout.assertNotLocked(user, now);
  const step = matchTotp(state.t, code, now, null);
  if (step === undefined) throw codeMismatchOnEnable();
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
    await mfaStore.enableSetUpTotp(trx, user.sub, { sealed: cognate.secrets.atRest.sealToString(Buffer.from(state.t!), totpAad(user)), step, session: state.n }, now);
  });
  const { t: _secret, ...rest } = state;
  return { Status: 'SUCCESS', Session: sealSession(cognate, { ...rest, k: 'setup-done' }) };
}

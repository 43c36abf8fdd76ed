/** PASSWORD_VERIFIER (USER_SRP_AUTH, step 2): PASSWORD_CLAIM_SIGNATURE checked against the sealed SECRET_BLOCK. */
import { createHash } from 'node:crypto';
import { errors } from '../../../errors.js';
import { fakeVerifier, isCanonicalTimestamp, verifyPasswordClaim } from '../../../crypto/srp.js';
import { checkSecretHash } from '../../app-clients.js';
import { deviceForSignIn, type Device } from '../../devices.js';
import { srpPoolName } from '../../ids.js';
import { spendOnce } from '../../single-use.js';
import { usernameKey } from '../../users.js';
import { required } from '../../parameters.js';
import { lockedOut, reserveDecoy, unknownUser } from '../account.js';
import { deviceKeyOf, INCORRECT, invalidSession, sessionMs, type ChallengeHandler } from '../types.js';
import { SECRET_BLOCK_AAD, type SecretBlockState } from '../flows/srp.js';
import { continueAfterPassword } from '../flows/custom-auth.js';
import { recordFailedSignIn } from '../../threat-protection/index.js';

export const passwordVerifier: ChallengeHandler = async (cognate, { pool, client, responses, clientMetadata }) => {
  const name = required(responses, 'USERNAME');
  const block = required(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = required(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = required(responses, 'TIMESTAMP');
  const now = cognate.clock.now();
  const state = cognate.secrets.sessions.openJson<SecretBlockState>(block, SECRET_BLOCK_AAD, now);
  if (!state || state.p !== pool.id || state.c !== client.id) throw invalidSession();
  if (!isCanonicalTimestamp(timestamp)) throw errors.invalidParameter('TIMESTAMP format is invalid.');
  const user = state.s ? await cognate.users.findBySub(pool.id, state.s) : undefined;
  // JS clients answer with USER_ID_FOR_SRP, iOS with the challenge's USERNAME; both are the username here.
  const namesMatch = usernameKey(pool, name) === usernameKey(pool, state.u);
  checkSecretHash(client, [name, state.u], responses.SECRET_HASH);
  const verifier = user ? cognate.users.srpVerifier(user) : undefined;
  // The attempt is counted before the proof is checked (A18); during a lock the proof is checked
  // against the fake verifier instead, the same work with nothing learned. A name that matches no
  // one (or a user without a verifier) makes the same write on its decoy row (P01, issue 10 item 8).
  const reservation = user && verifier ? await cognate.lockout.reserveAttempt(user.sub, now) : await reserveDecoy(cognate, pool, state.u, now);
  const ok =
    verifyPasswordClaim({
      poolName: srpPoolName(pool.id),
      userId: state.u,
      A: state.A,
      B: Buffer.from(state.B, 'base64').toString('hex'),
      b: Buffer.from(state.b, 'base64'),
      salt: user?.srpSalt ?? '00',
      verifier: reservation && verifier ? verifier : fakeVerifier(cognate.secrets.fakeSaltKey, pool.id, usernameKey(pool, state.u)),
      secretBlock: block,
      timestamp,
      signature,
    }) && namesMatch;
  // A failed proof is an auth event (threat protection), for a name that matches no one too (P01).
  if (!ok) await recordFailedSignIn(cognate, pool, client, user && verifier ? user : undefined);
  if (!user || !verifier) throw unknownUser(client);
  if (!reservation) throw lockedOut(client);
  if (!ok) throw errors.notAuthorized(INCORRECT);
  // A DEVICE_KEY the server forgot is refused before the answer is spent: clients then resend this
  // same answer without it. The device found here is the sign-in's: it is not looked up again.
  const deviceKey = deviceKeyOf(responses);
  let device: Device | undefined;
  if (deviceKey) {
    try {
      device = await deviceForSignIn(cognate, pool, user, deviceKey);
    } catch (e) {
      // The client resends this answer without the device: this attempt isn't counted twice.
      await cognate.lockout.releaseAttempt(user.sub, now);
      throw e;
    }
  }
  // A proven answer is spent: replaying a captured SECRET_BLOCK and signature buys no second sign-in.
  // B is drawn afresh for every challenge, so it names this one; the block dies within sessionMs anyway.
  // The proven password's count is cleared in the same commit (one WAL sync, not two); a replay that
  // loses the spend clears nothing.
  const spend = `srp:${createHash('sha256').update(state.B).digest('base64url')}`;
  await spendOnce(cognate.store, spend, now + sessionMs(client), now, (trx) => cognate.lockout.recordVerifiedPassword(user.sub, trx));
  if (state.x) return continueAfterPassword(cognate, pool, client, user, state.x, clientMetadata, true);
  return { kind: 'password-proven', user, ctx: { clientMetadata, lockoutCleared: true, ...(deviceKey ? { deviceKey } : {}), ...(device ? { device } : {}) } };
};

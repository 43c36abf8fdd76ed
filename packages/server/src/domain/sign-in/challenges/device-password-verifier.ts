/** DEVICE_PASSWORD_VERIFIER: the device proves its secret; the tokens that follow carry its key. */
import { errors } from '../../../errors.js';
import { isCanonicalTimestamp, verifyPasswordClaim } from '../../../crypto/srp.js';
import { deviceNotFound } from '../../devices.js';
import { spendOnce } from '../../single-use.js';
import { required } from '../../parameters.js';
import { expiredSession, INCORRECT, invalidSession, type ChallengeHandler } from '../types.js';
import { blockDigest, DEVICE_BLOCK_AAD, DEVICE_VERIFIER_SESSION_AAD, deviceAndUser, type DeviceSecretBlock, type DeviceVerifierSession } from './device-srp-auth.js';

export const devicePasswordVerifier: ChallengeHandler = async (cognate, { pool, client, responses, session, clientMetadata }) => {
  const now = cognate.clock.now();
  const blockText = required(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = required(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = required(responses, 'TIMESTAMP');
  const deviceKey = required(responses, 'DEVICE_KEY');
  // b comes from the Session issued with this challenge, and the SECRET_BLOCK (B, A) must be the one issued with it.
  const state = session ? cognate.secrets.sessions.openJson<DeviceVerifierSession>(session, DEVICE_VERIFIER_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.e !== 'number' || state.h !== blockDigest(blockText)) throw invalidSession();
  if (state.e <= now) throw expiredSession();
  const block = cognate.secrets.sessions.openJson<DeviceSecretBlock>(blockText, DEVICE_BLOCK_AAD, now);
  if (!block || block.s !== state.s || block.d !== state.d) throw invalidSession();
  if (!isCanonicalTimestamp(timestamp)) throw errors.invalidParameter('TIMESTAMP format is invalid.');
  if (deviceKey !== block.d) throw deviceNotFound();
  const { user, device, verifier } = await deviceAndUser(cognate, pool, client, block, responses);
  const ok = verifyPasswordClaim({
    poolName: device.group_key,
    userId: deviceKey,
    A: block.A,
    B: block.B,
    b: Buffer.from(state.b, 'base64'),
    salt: device.salt!,
    verifier: verifier.toString('hex'),
    secretBlock: blockText,
    timestamp,
    signature,
  });
  if (!ok) throw errors.notAuthorized(INCORRECT);
  // A proven answer is spent (as PASSWORD_VERIFIER's is): replaying it buys nothing.
  await spendOnce(cognate.store, `device:${state.n}`, state.e, now);
  return { kind: 'device-proven', user, device, ctx: { clientMetadata } };
};

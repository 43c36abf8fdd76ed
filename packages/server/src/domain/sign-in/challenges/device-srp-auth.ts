/**
 * DEVICE_SRP_AUTH: a sign-in that named a confirmed device (DEVICE_KEY) proves it once the user's
 * other factors are done, or instead of MFA where a remembered device stands in for it. The device
 * answers with SRP_A and gets the device's salt, SRP_B and a sealed SECRET_BLOCK; the proof follows
 * as DEVICE_PASSWORD_VERIFIER. Same SRP maths as the password, with the DeviceGroupKey as pool name
 * and the DeviceKey as user (protocol.md §2).
 */
import { createHash, randomUUID } from 'node:crypto';
import { errors } from '../../../errors.js';
import { createServerEphemeral, isValidSrpA } from '../../../crypto/srp.js';
import type { Ports } from '../../cognate.js';
import type { AppClient } from '../../app-clients.js';
import { deviceForSignIn, deviceNotFound, verifierAad, type Device } from '../../devices.js';
import type { User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { answeringUser } from '../account.js';
import { expiredSession, invalidSession, respond, sessionMs, type AuthResponse, type ChallengeHandler, type Params } from '../types.js';
import { deviceStepAfterMfa } from '../mfa/session.js';

export interface DeviceSession {
  p: string;
  c: string;
  s: string;
  d: string;
  e: number;
}
/** What the SECRET_BLOCK carries: the public half of this exchange. */
export interface DeviceSecretBlock extends DeviceSession {
  B: string;
  A: string;
}
/**
 * The Session that comes with DEVICE_PASSWORD_VERIFIER: the server's secret b, the SHA-256 of the
 * SECRET_BLOCK issued with it, and a nonce spent by the one answer that proves the device. An
 * answer is checked only against the Session it was issued with, so a captured answer can't be
 * sent without it, with another sign-in's Session, or twice.
 */
export interface DeviceVerifierSession extends DeviceSession {
  b: string;
  h: string;
  n: string;
}
const DEVICE_SESSION_AAD = 'device-session';
export const DEVICE_BLOCK_AAD = 'device-secret-block';
export const DEVICE_VERIFIER_SESSION_AAD = 'device-verifier-session';
export const blockDigest = (block: string) => createHash('sha256').update(block, 'utf8').digest('base64url');

/** DEVICE_SRP_AUTH: issued once the user's other factors are done (or the device stands in for MFA). */
export function deviceSrpChallenge(cognate: Ports<'clock' | 'secrets'>, pool: UserPool, client: AppClient, user: User, deviceKey: string): AuthResponse {
  const e = cognate.clock.now() + sessionMs(client);
  const state: DeviceSession = { p: pool.id, c: client.id, s: user.sub, d: deviceKey, e };
  return { ChallengeName: 'DEVICE_SRP_AUTH', Session: cognate.secrets.sessions.sealJson(state, DEVICE_SESSION_AAD, e), ChallengeParameters: {} };
}

/** The user a device step's state names, checked as any continued Session's is, and their device with its verifier. */
export async function deviceAndUser(cognate: Ports<'clock' | 'lockout' | 'secrets' | 'store' | 'users'>, pool: UserPool, client: AppClient, state: DeviceSession, responses: Params): Promise<{ user: User; device: Device; verifier: Buffer }> {
  const user = await answeringUser(cognate, pool, client, state.s, responses);
  const device = await deviceForSignIn(cognate, pool, user, state.d);
  const verifier = cognate.secrets.atRest.openString(device.verifier_sealed!, verifierAad(state.d));
  if (!verifier) throw deviceNotFound();
  return { user, device, verifier };
}

/** DEVICE_SRP_AUTH answered with SRP_A: the device's salt, SRP_B and a sealed SECRET_BLOCK. */
export const deviceSrpAuth: ChallengeHandler = async (cognate, { pool, client, responses, session }) => {
  const now = cognate.clock.now();
  const state = (session ? cognate.secrets.sessions.openJson<DeviceSession>(session, DEVICE_SESSION_AAD, now) : null) ?? (await deviceStepAfterMfa(cognate, session, pool, client, now));
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.d !== 'string') throw invalidSession();
  if (state.e <= now) throw expiredSession();
  const deviceKey = required(responses, 'DEVICE_KEY');
  const A = required(responses, 'SRP_A');
  if (deviceKey !== state.d) throw deviceNotFound();
  if (!isValidSrpA(A)) throw errors.invalidParameter('Invalid SRP_A value.');
  const { user, device, verifier } = await deviceAndUser(cognate, pool, client, state, responses);
  const { b, B } = createServerEphemeral(verifier.toString('hex'));
  const e = now + sessionMs(client);
  const exchange: DeviceSession = { p: state.p, c: state.c, s: state.s, d: state.d, e };
  const secretBlock = cognate.secrets.sessions.sealJson({ ...exchange, B, A } satisfies DeviceSecretBlock, DEVICE_BLOCK_AAD, e);
  const verifierSession: DeviceVerifierSession = { ...exchange, b: b.toString('base64'), h: blockDigest(secretBlock), n: randomUUID() };
  return respond({
    ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
    Session: cognate.secrets.sessions.sealJson(verifierSession, DEVICE_VERIFIER_SESSION_AAD, e),
    ChallengeParameters: { SRP_B: B, SALT: device.salt!, SECRET_BLOCK: secretBlock, USERNAME: user.username, DEVICE_KEY: deviceKey },
  });
};

/**
 * USER_SRP_AUTH, step 1 (and CUSTOM_AUTH with SRP first): the client's SRP_A answered with SRP_B,
 * the salt and a sealed SECRET_BLOCK; the proof comes back as PASSWORD_VERIFIER
 * (challenges/password-verifier.ts). Unknown names get a challenge that looks real (security.md P01).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { errors } from '../../../errors.js';
import { createServerEphemeral, fakeSalt, fakeVerifier, isValidSrpA } from '../../../crypto/srp.js';
import type { Ports } from '../../cognate.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import { refusalBeforePassword } from '../../imported-passwords.js';
import { isEmail, isPhoneNumber, usernameKey } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { preAuthentication } from '../account.js';
import { sessionMs, type AuthResponse, type Metadata, type Params } from '../types.js';
import type { ChallengeResult } from './custom-auth.js';

/** What a sealed SECRET_BLOCK carries between InitiateAuth and PASSWORD_VERIFIER. */
export interface SecretBlockState {
  /** pool, client, username (USER_ID_FOR_SRP), sub (a random one, naming no one, for an unknown user) */
  p: string;
  c: string;
  u: string;
  s: string;
  /** b and B, base64 */
  b: string;
  B: string;
  /** A, hex */
  A: string;
  /** CUSTOM_AUTH with SRP first: the challenges so far, for DefineAuthChallenge (flows/custom-auth.ts) */
  x?: ChallengeResult[];
}

export const SECRET_BLOCK_AAD = 'srp-secret-block';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * USER_ID_FOR_SRP for a name that matches no one. Where a real user's internal username differs
 * from what they typed (the sub in UsernameAttributes pools, the username behind an email or phone
 * alias), echoing the typed name back would say "no one has this address"; such names get a
 * UUID-shaped ID instead, stable per name like the fake salt (security.md P01).
 */
function unknownSrpUserId(cognate: Ports<'secrets'>, pool: UserPool, name: string): string {
  const signsInWithAttributes = (pool.settings.UsernameAttributes?.length ?? 0) > 0;
  const aliasLike = (pool.settings.AliasAttributes?.length ?? 0) > 0 && (isEmail(name) || isPhoneNumber(name));
  if (!signsInWithAttributes && !aliasLike) return name;
  if (UUID.test(name)) return name.toLowerCase();
  const h = createHmac('sha256', cognate.secrets.fakeSaltKey).update(`cognate-srp-fake-user-id\0${pool.id}\0${usernameKey(pool, name)}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** USER_SRP_AUTH, step 1: answer SRP_A with SRP_B, the salt and a sealed SECRET_BLOCK. */
export async function startSrp(cognate: Ports<'clock' | 'lockout' | 'log' | 'secrets' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata, custom?: ChallengeResult[]): Promise<AuthResponse> {
  const name = required(params, 'USERNAME');
  const A = required(params, 'SRP_A');
  checkSecretHash(client, [name], params.SECRET_HASH);
  if (!isValidSrpA(A)) throw errors.invalidParameter('Invalid SRP_A value.');
  const user = await cognate.users.findForSignIn(pool, name);
  let salt = '';
  let verifier: string | undefined;
  let userId: string;
  // LEGACY clients hear of a lock now; otherwise a locked user's challenge is like anyone's, and the answer is refused (P01).
  if (user && client.settings.PreventUserExistenceErrors !== 'ENABLED') cognate.lockout.assertNotLocked(user, cognate.clock.now());
  // CUSTOM_AUTH ran PreAuthentication before its DefineAuthChallenge asked for the password.
  if (!custom) await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  if (user) {
    verifier = cognate.users.srpVerifier(user);
    salt = user.srpSalt ?? '';
    userId = user.username;
    if (!verifier) {
      const refusal = refusalBeforePassword(client, user, 'srp');
      if (refusal) throw refusal;
    }
  } else {
    if (client.settings.PreventUserExistenceErrors !== 'ENABLED') throw errors.userNotFound();
    userId = unknownSrpUserId(cognate, pool, name);
  }
  if (!user || !verifier || !salt) {
    // Unknown users (and users without a password) get a challenge that looks real: a stable
    // fake salt and a B drawn like a real one (security.md P01).
    const key = usernameKey(pool, name);
    salt = fakeSalt(cognate.secrets.fakeSaltKey, pool.id, key);
    verifier = fakeVerifier(cognate.secrets.fakeSaltKey, pool.id, key);
  }
  const { b, B } = createServerEphemeral(verifier);
  // An unknown user's block carries a sub that names no one, so it is as long as a real one.
  const state: SecretBlockState = { p: pool.id, c: client.id, u: userId, s: user?.sub ?? randomUUID(), b: b.toString('base64'), B: Buffer.from(B.length % 2 ? '0' + B : B, 'hex').toString('base64'), A, ...(custom ? { x: custom } : {}) };
  const secretBlock = cognate.secrets.sessions.sealJson(state, SECRET_BLOCK_AAD, cognate.clock.now() + sessionMs(client));
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: salt, SECRET_BLOCK: secretBlock, SRP_B: B, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

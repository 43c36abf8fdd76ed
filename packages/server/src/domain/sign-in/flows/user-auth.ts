/**
 * USER_AUTH: choice-based sign-in. The client may name a PREFERRED_CHALLENGE (PASSWORD with
 * PASSWORD, PASSWORD_SRP with SRP_A, EMAIL_OTP, SMS_OTP, WEB_AUTHN); when it names none, or one
 * this user can't use, the answer is SELECT_CHALLENGE with the AvailableChallenges (the pool's
 * AllowedFirstAuthFactors the user can actually use: user-auth-factors.ts), answered through
 * challenges/select-challenge.ts. A Session from ConfirmSignUp signs the user just confirmed in
 * without a credential (Amplify's autoSignIn).
 *
 * Every first factor ends in an Outcome the pipeline continues: a password in `password-proven`
 * (account checks, NEW_PASSWORD_REQUIRED, then MFA, as every password flow), a one-time code
 * (otp.ts), a passkey or a sign-up Session in `passwordless-proven` (no MFA). Unknown names under
 * PreventUserExistenceErrors get the same answers after the same work (security.md P01).
 */
import { randomUUID } from 'node:crypto';
import { errors } from '../../../errors.js';
import type { Ports } from '../../cognate.js';
import { allowsUserAuth, checkSecretHash, type AppClient } from '../../app-clients.js';
import { spendOnce } from '../../single-use.js';
import { openSignUpSession } from '../../sign-up-session.js';
import { allowedFirstFactors, assertTier, configuredFactors, challengesOf, isFirstChallenge, simulatedChallenges, type FirstChallenge } from '../../user-auth-factors.js';
import { usernameKey, type User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { preAuthentication } from '../account.js';
import { otpChallenge } from '../otp.js';
import { decoyWebAuthnChallenge, webAuthnChallenge } from '../challenges/web-authn.js';
import { deviceKeyOf, invalidSession, respond, SESSION_SEAL_GRACE_MS, sessionMs, type AuthResponse, type Metadata, type Outcome, type Params } from '../types.js';
import { passwordSignIn } from './password.js';
import { startSrp } from './srp.js';

type UserAuthPorts = Ports<'clock' | 'codes' | 'config' | 'hasher' | 'lockout' | 'log' | 'outbox' | 'secrets' | 'store' | 'triggers' | 'users'>;

/** What a SELECT_CHALLENGE Session carries. */
export interface SelectChallengeSession {
  k: 'select-challenge';
  p: string;
  c: string;
  /** the user's sub, or for a name that matches no one a random one (so the Session is as long) */
  s: string;
  /** the name signed in with, as given (not the username: its length would tell a real user from no one) */
  u: string;
  /** the challenges offered */
  o: FirstChallenge[];
  /** nonce: codes sent after this choice are bound to it */
  n: string;
  e: number;
  d?: string;
}

export const SELECT_CHALLENGE_AAD = 'select-challenge-session';

export const flowNotEnabled = () => errors.invalidParameter('USER_AUTH flow not enabled for this client');

/** InitiateAuth / AdminInitiateAuth with AuthFlow USER_AUTH. `session` is the request's Session (a sign-up Session). */
export async function userAuth(cognate: UserAuthPorts, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata, session?: string): Promise<Outcome> {
  if (!allowsUserAuth(client.settings)) throw flowNotEnabled();
  assertTier(cognate, pool, 'ESSENTIALS', 'Choice-based sign-in (USER_AUTH)');
  const name = required(params, 'USERNAME');
  checkSecretHash(client, [name], params.SECRET_HASH);
  const deviceKey = deviceKeyOf(params);
  if (session !== undefined) return signInAfterSignUp(cognate, pool, client, name, session, clientMetadata, deviceKey);
  const preferred = params.PREFERRED_CHALLENGE;
  if (preferred !== undefined && !isFirstChallenge(preferred)) throw errors.invalidParameter(`Invalid PREFERRED_CHALLENGE: must be one of PASSWORD, PASSWORD_SRP, WEB_AUTHN, EMAIL_OTP, SMS_OTP.`);
  const user = await cognate.users.findForSignIn(pool, name);
  // A password for a name no one has goes to the password flows, whose rules answer it (the UserMigration function may know them).
  const passwordFor = !user && (preferred === 'PASSWORD' || preferred === 'PASSWORD_SRP') && allowedFirstFactors(pool).has('PASSWORD');
  if (!user && !passwordFor && client.settings.PreventUserExistenceErrors !== 'ENABLED') throw errors.userNotFound();
  const available = user ? challengesOf(await configuredFactors(cognate, pool, user)) : simulatedChallenges(cognate.secrets.fakeSaltKey, pool, name);
  if (preferred && (passwordFor || available.includes(preferred))) return startChallenge(cognate, pool, client, user, name, preferred, params, clientMetadata, { ...(deviceKey ? { deviceKey } : {}) });
  return respond(selectChallenge(cognate, pool, client, user, name, available, deviceKey));
}

/** SELECT_CHALLENGE: the choices, and a Session that remembers them. */
function selectChallenge(cognate: Ports<'clock' | 'secrets'>, pool: UserPool, client: AppClient, user: User | undefined, name: string, available: FirstChallenge[], deviceKey: string | undefined): AuthResponse {
  if (available.length === 0) throw errors.notAuthorized('Incorrect username or password.');
  const state: SelectChallengeSession = { k: 'select-challenge', p: pool.id, c: client.id, s: user?.sub ?? randomUUID(), u: name, o: available, n: randomUUID(), e: cognate.clock.now() + sessionMs(client), ...(deviceKey ? { d: deviceKey } : {}) };
  return {
    ChallengeName: 'SELECT_CHALLENGE',
    Session: cognate.secrets.sessions.sealJson(state, SELECT_CHALLENGE_AAD, state.e + SESSION_SEAL_GRACE_MS),
    ChallengeParameters: {},
    AvailableChallenges: available,
  };
}

/**
 * Starts the chosen first factor (a preference at InitiateAuth, or the ANSWER to SELECT_CHALLENGE,
 * with the parameters the client sent alongside: PASSWORD, SRP_A).
 */
export async function startChallenge(
  cognate: UserAuthPorts,
  pool: UserPool,
  client: AppClient,
  user: User | undefined,
  name: string,
  challenge: FirstChallenge,
  params: Params,
  clientMetadata: Metadata,
  opts: { nonce?: string; deviceKey?: string },
): Promise<Outcome> {
  const withDevice = { ...params, USERNAME: name, ...(opts.deviceKey ? { DEVICE_KEY: opts.deviceKey } : {}) };
  switch (challenge) {
    case 'PASSWORD':
      return passwordSignIn(cognate, pool, client, withDevice, clientMetadata);
    case 'PASSWORD_SRP':
      return respond(await startSrp(cognate, pool, client, withDevice, clientMetadata));
    case 'EMAIL_OTP':
    case 'SMS_OTP':
      // LEGACY clients hear of a lock now; under PreventUserExistenceErrors it shows only as a refused code.
      if (user && client.settings.PreventUserExistenceErrors !== 'ENABLED') cognate.lockout.assertNotLocked(user, cognate.clock.now());
      // A SELECT_CHALLENGE Session sends one code: a replayed choice finds it spent, for a real user and no one alike.
      if (opts.nonce) await spendOnce(cognate.store, `select-otp:${opts.nonce}`, cognate.clock.now() + sessionMs(client), cognate.clock.now());
      await preAuthentication(cognate, pool, client, user, name, clientMetadata);
      return respond(await otpChallenge(cognate, pool, client, user, name, challenge, { clientMetadata, ...opts }));
    case 'WEB_AUTHN':
      // Offered to users with a passkey (user-auth-factors.ts hasPasskeys) and, where existence is hidden, to some names that match no one: a decoy.
      if (user && client.settings.PreventUserExistenceErrors !== 'ENABLED') cognate.lockout.assertNotLocked(user, cognate.clock.now());
      await preAuthentication(cognate, pool, client, user, name, clientMetadata);
      return respond(user ? await webAuthnChallenge(cognate, pool, client, user, name) : await decoyWebAuthnChallenge(cognate, pool, client, name));
  }
}

/**
 * USER_AUTH with the Session ConfirmSignUp returned: the user just confirmed, by name, through
 * the client that confirmed them, once, within the Session's life. A proven first factor (the
 * confirmation code proved the address), so no MFA follows.
 */
async function signInAfterSignUp(cognate: UserAuthPorts, pool: UserPool, client: AppClient, name: string, session: string, clientMetadata: Metadata, deviceKey: string | undefined): Promise<Outcome> {
  const now = cognate.clock.now();
  const state = openSignUpSession(cognate, session);
  if (!state || state.p !== pool.id || state.c !== client.id) throw invalidSession();
  const user = await cognate.users.findBySub(pool.id, state.s);
  if (!user) throw invalidSession();
  const named = usernameKey(pool, name) === usernameKey(pool, user.username) || (await cognate.users.findForSignIn(pool, name))?.sub === user.sub;
  if (!named) throw invalidSession();
  cognate.lockout.assertNotLocked(user, now);
  await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  // One sign-in per Session: a replay (or a race) finds it spent.
  await spendOnce(cognate.store, `sign-up:${state.n}`, state.e, now);
  return { kind: 'passwordless-proven', user, ctx: { clientMetadata, ...(deviceKey ? { deviceKey } : {}) } };
}

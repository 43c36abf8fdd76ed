/**
 * WEB_AUTHN: a passkey as the first factor. `webAuthnChallenge` issues the challenge (USER_AUTH's
 * flow calls it for a user with passkeys, see `hasPasskeys` in domain/webauthn/credentials.ts):
 * `CREDENTIAL_REQUEST_OPTIONS` (PublicKeyCredentialRequestOptionsJSON: a fresh challenge, the RP ID,
 * the user's passkeys as `allowCredentials`, the pool's user-verification rule) and a sealed
 * Session carrying the challenge. The handler checks the answer's `CREDENTIAL`
 * (AuthenticationResponseJSON, as Amplify's `getPasskey` serialises it) with @simplewebauthn/server:
 *
 * - the Session is single-use (its nonce is spent first), so a replayed assertion is refused;
 * - the credential must be one of this user's passkeys (another user's is refused, as is a
 *   userHandle naming someone else);
 * - the origin must be bound to the RP ID (WebAuthnOriginNotAllowedException) and the RP ID hash
 *   the pool's (WebAuthnRelyingPartyMismatchException);
 * - user verification when the pool requires it;
 * - the signature counter must grow (WebAuthn §6.1.1: a counter that doesn't is a sign of a cloned
 *   authenticator), unless the authenticator keeps none (0 then and before); the new value is
 *   recorded with a compare-and-set, so two assertions can't both claim the same step.
 *
 * A passkey is a whole sign-in: the Outcome is `passwordless-proven` (account checks, no MFA after
 * it; the device step and the finish follow). Passkey MFA (`passkeyMfa`): a user who turned it on
 * (SetUserMFAPreference's WebAuthnMfaSettings) must verify themselves on the authenticator; in a
 * pool that requires MFA, a passkey signs in only such a user, and only when FactorConfiguration is
 * MULTI_FACTOR_WITH_USER_VERIFICATION.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { errors } from '../../../errors.js';
import * as credentialStore from '../../../store/webauthn-credentials.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import type { Cognate, Ports } from '../../cognate.js';
import { readUserMfa } from '../../mfa.js';
import { required } from '../../parameters.js';
import { spendOnce } from '../../single-use.js';
import { usernameKey, type User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { assertOrigin, authenticatorData, clientData, credentialJson, fromB64url } from '../../webauthn/binding.js';
import { assertWebAuthnEnabled, relyingParty, type RelyingParty } from '../../webauthn/config.js';
import { MAX_CREDENTIALS_PER_USER, userHandle } from '../../webauthn/credentials.js';
import { answeringUser } from '../account.js';
import { deviceKeyOf, expiredSession, invalidSession, SESSION_SEAL_GRACE_MS, sessionMs, type AuthResponse, type ChallengeHandler, type Metadata, type Outcome, type Params } from '../types.js';
import { recordFailedSignIn } from '../../threat-protection/index.js';

const WEB_AUTHN_SESSION_AAD = 'web-authn-session';

/** The sealed Session of a WEB_AUTHN challenge. */
interface WebAuthnSession {
  p: string;
  c: string;
  s: string;
  /** the challenge (base64url) the assertion must sign */
  ch: string;
  /** nonce, spent by the answer */
  n: string;
  /** expiry, epoch ms */
  e: number;
  /** the name signed in with (both kinds carry it, so a decoy's Session is as long as a real one's) */
  u: string;
  /** 1 for a decoy (decoyWebAuthnChallenge), whose answers sign no one in; else 0 */
  x: 0 | 1;
}

/** Refusals of an assertion that name no detail a guesser could use. */
const refused = () => errors.notAuthorized('Incorrect username or password.');

const mfaNotSatisfied = () =>
  errors.notAuthorized("A passkey satisfies this user pool's MFA requirement only with WebAuthnConfiguration.FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION, the user's passkey MFA turned on, and user verification.");

/**
 * What passkey MFA asks of this user's passkey sign-in: `verify` — the authenticator must verify the
 * user; `refuse` — MFA is required and a passkey can't stand for it here.
 */
async function passkeyMfa(cognate: Ports<'store'>, pool: UserPool, factor: RelyingParty['factor'], user: User): Promise<{ verify: boolean; refuse: boolean }> {
  const userMfa = (await readUserMfa(cognate.store.db, user.sub)).webAuthn;
  const required = pool.settings.MfaConfiguration === 'ON';
  return { verify: userMfa || required, refuse: required && !(factor === 'MULTI_FACTOR_WITH_USER_VERIFICATION' && userMfa) };
}

/** The WEB_AUTHN challenge for `user`: CREDENTIAL_REQUEST_OPTIONS and a sealed Session. */
export async function webAuthnChallenge(cognate: Ports<'clock' | 'config' | 'secrets' | 'store'>, pool: UserPool, client: AppClient, user: User, name: string = user.username): Promise<AuthResponse> {
  assertWebAuthnEnabled(pool);
  const rp = await relyingParty(cognate, pool);
  const mfa = await passkeyMfa(cognate, pool, rp.factor, user);
  if (mfa.refuse) throw mfaNotSatisfied();
  const credentials = await credentialStore.listForUser(cognate.store.db, user.sub, MAX_CREDENTIALS_PER_USER);
  if (credentials.length === 0) throw errors.invalidParameter('The user has no registered passkey.');
  const now = cognate.clock.now();
  const state: WebAuthnSession = { p: pool.id, c: client.id, s: user.sub, ch: randomBytes(32).toString('base64url'), n: randomUUID(), e: now + sessionMs(client), u: name, x: 0 };
  const allow = credentials.map((r) => ({ type: 'public-key', id: r.credential_id, transports: JSON.parse(r.transports) as string[] }));
  return challengeResponse(cognate, client, rp, state, allow, mfa.verify ? 'required' : rp.userVerification);
}

/**
 * The WEB_AUTHN challenge for a name that matches no one, where PreventUserExistenceErrors hides
 * that (user-auth-factors.ts offers WEB_AUTHN to some such names, as to users with a passkey): the
 * same shape, with decoy credential IDs derived by HMAC (server-held key) from the pool and name,
 * so the same every time. Its Session names no one; every answer is refused as a wrong passkey is.
 */
export async function decoyWebAuthnChallenge(cognate: Ports<'clock' | 'config' | 'secrets' | 'store'>, pool: UserPool, client: AppClient, name: string): Promise<AuthResponse> {
  assertWebAuthnEnabled(pool);
  const rp = await relyingParty(cognate, pool);
  const required = pool.settings.MfaConfiguration === 'ON';
  if (required && rp.factor !== 'MULTI_FACTOR_WITH_USER_VERIFICATION') throw mfaNotSatisfied();
  const digest = (i: number) => createHmac('sha256', cognate.secrets.fakeSaltKey).update(`decoy-passkey\0${pool.id}\0${name}\0${i}`).digest();
  const count = digest(0)[0]! % 4 === 0 ? 2 : 1;
  const allow = Array.from({ length: count }, (_, i) => ({ type: 'public-key', id: digest(i + 1).toString('base64url'), transports: ['hybrid', 'internal'] }));
  const state: WebAuthnSession = { p: pool.id, c: client.id, s: randomUUID(), ch: randomBytes(32).toString('base64url'), n: randomUUID(), e: cognate.clock.now() + sessionMs(client), u: name, x: 1 };
  return challengeResponse(cognate, client, rp, state, allow, required ? 'required' : rp.userVerification);
}

function challengeResponse(cognate: Ports<'secrets'>, client: AppClient, rp: RelyingParty, state: WebAuthnSession, allowCredentials: { type: string; id: string; transports: string[] }[], userVerification: string): AuthResponse {
  // The members Cognito's CREDENTIAL_REQUEST_OPTIONS carry (PublicKeyCredentialRequestOptionsJSON).
  const options = { hints: [], attestation: 'none', attestationFormats: [], challenge: state.ch, rpId: rp.id, timeout: sessionMs(client), allowCredentials, userVerification };
  return {
    ChallengeName: 'WEB_AUTHN',
    Session: cognate.secrets.sessions.sealJson(state, WEB_AUTHN_SESSION_AAD, state.e + SESSION_SEAL_GRACE_MS),
    ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(options) },
  };
}

function openWebAuthnSession(cognate: Ports<'secrets'>, session: string | undefined, pool: UserPool, client: AppClient, now: number): WebAuthnSession {
  const state = session ? cognate.secrets.sessions.openJson<WebAuthnSession>(session, WEB_AUTHN_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.s !== 'string' || typeof state.ch !== 'string' || typeof state.n !== 'string' || typeof state.e !== 'number') throw invalidSession();
  if (state.e <= now) throw expiredSession();
  return state;
}

function parseCredential(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw errors.invalidParameter('CREDENTIAL must be a PublicKeyCredential as JSON.');
  }
}

export const webAuthn: ChallengeHandler = async (cognate, { pool, client, session, responses, clientMetadata }) => {
  const now = cognate.clock.now();
  const state = openWebAuthnSession(cognate, session, pool, client, now);
  if (state.x === 1) return answerDecoy(cognate, pool, client, state, responses, now);
  const user = await answeringUser(cognate, pool, client, state.s, responses);
  const cred = credentialJson(parseCredential(required(responses, 'CREDENTIAL')), ['authenticatorData', 'signature']);
  // One answer per challenge: a replayed assertion (or any second answer) finds the Session spent.
  await spendOnce(cognate.store, state.n, state.e + SESSION_SEAL_GRACE_MS, now);
  assertWebAuthnEnabled(pool);
  try {
    return await verifyPasskey(cognate, pool, client, user, state, cred, responses, clientMetadata, now);
  } catch (err) {
    // Threat protection: a refused passkey is a failed sign-in, as a wrong password is.
    await recordFailedSignIn(cognate, pool, client, user, 'passwordless');
    throw err;
  }
};

async function verifyPasskey(cognate: Cognate, pool: UserPool, client: AppClient, user: User, state: WebAuthnSession, cred: ReturnType<typeof credentialJson>, responses: Params, clientMetadata: Metadata, now: number): Promise<Outcome> {
  const rp = await relyingParty(cognate, pool);

  const row = await credentialStore.findInPool(cognate.store.db, pool.id, cred.id);
  if (!row || row.user_id !== user.sub) throw refused();
  const mfa = await passkeyMfa(cognate, pool, rp.factor, user);
  const handle = cred.response.userHandle;
  if (handle !== undefined && handle !== null && handle !== '' && handle !== userHandle(user)) throw refused();

  const data = clientData(cred);
  if (data.type !== 'webauthn.get' || data.challenge !== state.ch) throw refused();
  assertOrigin(rp, data);
  const auth = authenticatorData(rp, fromB64url(cred.response.authenticatorData as string));
  const stored = Number(row.sign_count);

  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: cred as never,
      expectedChallenge: state.ch,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      // The counter is checked below, once the signature has proven the assertion is the key holder's.
      credential: { id: row.credential_id, publicKey: fromB64url(row.public_key), counter: 0 },
      requireUserVerification: rp.userVerification === 'required' || mfa.verify,
    });
  } catch {
    verified = undefined;
  }
  if (!verified?.verified) throw refused();
  const { userVerified, newCounter } = verified.authenticationInfo;
  if ((auth.counter > 0 || stored > 0) && auth.counter <= stored) {
    cognate.log.warn({ pool: pool.id, sub: user.sub, credential: row.credential_id, counter: auth.counter, stored }, 'passkey signature counter did not increase: possible cloned authenticator');
    throw errors.notAuthorized('The passkey signature counter did not increase; the authenticator may have been cloned.');
  }
  // Passkey MFA: the passkey stands for both factors only with user verification (and where MFA is required, only when allowed).
  if (mfa.refuse || (mfa.verify && !userVerified)) throw mfaNotSatisfied();
  if (!(await credentialStore.advanceCounter(cognate.store.db, pool.id, row.credential_id, stored, newCounter, now))) throw refused();
  const deviceKey = deviceKeyOf(responses);
  return { kind: 'passwordless-proven', user, ctx: { clientMetadata, ...(deviceKey ? { deviceKey } : {}) } };
}

/** An answer to a decoy challenge: the checks a real answer gets before its signature, then the refusal a wrong passkey gets. */
async function answerDecoy(cognate: Ports<'clock' | 'config' | 'lockout' | 'log' | 'outbox' | 'store' | 'users'>, pool: UserPool, client: AppClient, state: WebAuthnSession, responses: Params, now: number): Promise<never> {
  const name = required(responses, 'USERNAME');
  // The reads a real answer's answeringUser makes (its user by sub, their lock), for a sub that names no one.
  await cognate.users.findBySub(pool.id, state.s);
  await cognate.lockout.isLocked(state.s, now);
  if (typeof state.u !== 'string' || usernameKey(pool, name) !== usernameKey(pool, state.u)) throw invalidSession();
  checkSecretHash(client, [name], responses.SECRET_HASH);
  credentialJson(parseCredential(required(responses, 'CREDENTIAL')), ['authenticatorData', 'signature']);
  await spendOnce(cognate.store, state.n, state.e + SESSION_SEAL_GRACE_MS, now);
  // The look-up a real answer makes for its credential.
  await credentialStore.findInPool(cognate.store.db, pool.id, state.s);
  // The failed sign-in a refused passkey records, without a user (P01).
  await recordFailedSignIn(cognate, pool, client, undefined, 'passwordless');
  throw refused();
}

/**
 * Passkey registration with an access token: StartWebAuthnRegistration issues
 * CredentialCreationOptions, CompleteWebAuthnRegistration verifies the browser's attestation
 * (RegistrationResponseJSON) with @simplewebauthn/server and stores the credential.
 *
 * The challenge is sealed state, not a row: the pool, the user, the app client of the access token,
 * a nonce and an expiry, encrypted and authenticated under the server's session key. The browser
 * signs it back inside clientDataJSON; completing spends its nonce (domain/single-use.ts), so a
 * challenge completes one registration, on any node, once.
 */
import { randomUUID } from 'node:crypto';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { CognitoError, errors } from '../../errors.js';
import * as credentialStore from '../../store/webauthn-credentials.js';
import type { Ports } from '../cognate.js';
import { spendOnce } from '../single-use.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { assertOrigin, attestedAuthenticatorData, clientData, credentialJson, fromB64url, toB64url } from './binding.js';
import { assertWebAuthnEnabled, relyingParty } from './config.js';
import { friendlyName, knownTransports, MAX_CREDENTIALS_PER_USER, userHandle } from './credentials.js';

/** How long a registration challenge can be completed (the options' `timeout`). */
export const REGISTRATION_TIMEOUT_MS = 5 * 60_000;
const REGISTRATION_AAD = 'webauthn-registration';
/** COSE algorithms accepted: ES256, then RS256 (what Cognito offers in pubKeyCredParams). */
const ALGORITHMS = [-7, -257];

interface RegistrationChallenge {
  p: string;
  s: string;
  c: string;
  n: string;
  e: number;
}

/** The signed-in caller of a registration action (from the access token). */
export interface Caller {
  pool: UserPool;
  user: User;
  clientId: string;
}

const challengeNotFound = () => new CognitoError('WebAuthnChallengeNotFoundException', 'The registration challenge was not found, has expired or was used. Call StartWebAuthnRegistration again.');
const tooMany = () => errors.limitExceeded(`A user can register at most ${MAX_CREDENTIALS_PER_USER} passkeys.`);

/** StartWebAuthnRegistration. */
export async function startWebAuthnRegistration(cognate: Ports<'clock' | 'config' | 'secrets' | 'store'>, caller: Caller) {
  const { pool, user } = caller;
  assertWebAuthnEnabled(pool);
  const rp = await relyingParty(cognate, pool);
  const existing = await credentialStore.listForUser(cognate.store.db, user.sub, MAX_CREDENTIALS_PER_USER + 1);
  if (existing.length >= MAX_CREDENTIALS_PER_USER) throw tooMany();
  const now = cognate.clock.now();
  const state: RegistrationChallenge = { p: pool.id, s: user.sub, c: caller.clientId, n: randomUUID(), e: now + REGISTRATION_TIMEOUT_MS };
  const challenge = toB64url(Buffer.from(cognate.secrets.sessions.sealJson(state, REGISTRATION_AAD, state.e), 'base64'));
  const displayName = user.attributes.get('name') ?? user.attributes.get('email') ?? user.username;
  return {
    CredentialCreationOptions: {
      challenge,
      rp: { id: rp.id, name: rp.id },
      user: { id: userHandle(user), name: user.username, displayName },
      pubKeyCredParams: ALGORITHMS.map((alg) => ({ type: 'public-key', alg })),
      timeout: REGISTRATION_TIMEOUT_MS,
      excludeCredentials: existing.map((r) => ({ type: 'public-key', id: r.credential_id, transports: JSON.parse(r.transports) as string[] })),
      authenticatorSelection: { requireResidentKey: true, residentKey: 'required', userVerification: rp.userVerification },
      attestation: 'none',
    },
  };
}

/** The registration challenge a credential answers: this pool's, this user's, unexpired, from the same app client. */
function openChallenge(cognate: Ports<'secrets'>, caller: Caller, challenge: string, now: number): RegistrationChallenge {
  if (!/^[A-Za-z0-9_-]+$/.test(challenge)) throw challengeNotFound();
  const state = cognate.secrets.sessions.openJson<RegistrationChallenge>(Buffer.from(fromB64url(challenge)).toString('base64'), REGISTRATION_AAD, now);
  if (!state || typeof state.n !== 'string' || typeof state.e !== 'number' || state.p !== caller.pool.id || state.s !== caller.user.sub) throw challengeNotFound();
  if (state.c !== caller.clientId) throw new CognitoError('WebAuthnClientMismatchException', 'The access token is for a different app client than the one that started the registration.');
  return state;
}

/** CompleteWebAuthnRegistration. */
export async function completeWebAuthnRegistration(cognate: Ports<'clock' | 'config' | 'secrets' | 'store'>, caller: Caller, credential: unknown): Promise<void> {
  const { pool, user } = caller;
  assertWebAuthnEnabled(pool);
  const rp = await relyingParty(cognate, pool);
  const cred = credentialJson(credential, ['attestationObject']);
  const data = clientData(cred);
  if (data.type !== 'webauthn.create') throw errors.invalidParameter('The passkey credential is not a registration (clientDataJSON.type must be webauthn.create).');
  const now = cognate.clock.now();
  const state = openChallenge(cognate, caller, data.challenge, now);
  assertOrigin(rp, data);
  const { fmt } = attestedAuthenticatorData(rp, cred);
  // A challenge completes one registration: a second answer finds it spent.
  await spendOnce(cognate.store, `webauthn-reg:${state.n}`, state.e, now).catch((e: unknown) => {
    throw e instanceof CognitoError && e.name === 'NotAuthorizedException' ? challengeNotFound() : e;
  });
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: cred as never,
      expectedChallenge: data.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: rp.userVerification === 'required',
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch {
    verified = undefined;
  }
  if (!verified?.verified) {
    throw new CognitoError('WebAuthnCredentialNotSupportedException', `The passkey credential could not be verified (attestation ${JSON.stringify(fmt)}${rp.userVerification === 'required' ? ', user verification required' : ''}).`);
  }
  const info = verified.registrationInfo;
  const attachment = cred.authenticatorAttachment === 'platform' || cred.authenticatorAttachment === 'cross-platform' ? cred.authenticatorAttachment : null;
  const outcome = await cognate.store.transaction(async (trx) => {
    if ((await credentialStore.countForUser(trx, user.sub)) >= MAX_CREDENTIALS_PER_USER) throw tooMany();
    return credentialStore.insert(trx, {
      pool_id: pool.id,
      credential_id: info.credential.id,
      user_id: user.sub,
      public_key: toB64url(info.credential.publicKey),
      sign_count: info.credential.counter,
      transports: JSON.stringify(knownTransports(cred.response.transports)),
      friendly_name: friendlyName(info.aaguid, attachment),
      relying_party_id: rp.id,
      authenticator_attachment: attachment,
      aaguid: info.aaguid,
      user_verified: info.userVerified ? 1 : 0,
      created_at: now,
      last_used_at: null,
    });
  });
  if (outcome === 'taken') throw errors.invalidParameter('This passkey is already registered.');
}

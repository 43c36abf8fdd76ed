/**
 * The sealed Session of the second step of sign-in (MFA codes, the MFA choice, MFA set-up): what it
 * carries, and how it is sealed and opened. Codes sent by SMS or email are bound to its nonce
 * (their purpose is `mfa:<nonce>`), so a code from one sign-in never completes another (security.md
 * A26, P24).
 */
import { randomUUID } from 'node:crypto';
import * as mfaStore from '../../../store/mfa.js';
import type { Ports } from '../../cognate.js';
import type { AppClient } from '../../app-clients.js';
import type { MfaType } from '../../mfa.js';
import type { User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { expiredSession, invalidSession, SESSION_SEAL_GRACE_MS, sessionMs } from '../types.js';

/** The state a sign-in Session carries after the password (sealed; any node continues it). */
export interface MfaSession {
  /**
   * what the session answers: an MFA code, an MFA choice, TOTP setup (before / after verification),
   * or a one-time code as USER_AUTH's first factor (`otp`, sign-in/otp.ts)
   */
  k: 'mfa' | 'select' | 'setup' | 'setup-done' | 'otp';
  p: string;
  c: string;
  s: string;
  /** the challenge (k = mfa) or the choices (k = select) */
  m?: MfaType;
  o?: MfaType[];
  /** nonce the session's codes are bound to */
  n: string;
  /** the device the client named (DEVICE_KEY), to authenticate after MFA */
  d?: string;
  /** expiry, epoch ms */
  e: number;
  /** a TOTP secret from AssociateSoftwareToken during MFA_SETUP */
  t?: string;
  /** an email address being set up for EMAIL_OTP during MFA_SETUP */
  x?: string;
  /** k = otp: the first-factor challenge, and the name signed in with, as given (a name that matches no one has a random s) */
  f?: 'EMAIL_OTP' | 'SMS_OTP';
  u?: string;
}

const MFA_SESSION_AAD = 'mfa-session';

export function sealSession(cognate: Ports<'secrets'>, state: MfaSession): string {
  return cognate.secrets.sessions.sealJson(state, MFA_SESSION_AAD, state.e + SESSION_SEAL_GRACE_MS);
}

/** Opens a Session answered through RespondToAuthChallenge: this pool's, this client's, unexpired. */
export function openSession(cognate: Ports<'secrets'>, session: string | undefined, pool: UserPool, client: AppClient, now: number): MfaSession {
  const state = session ? cognate.secrets.sessions.openJson<MfaSession>(session, MFA_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id || typeof state.s !== 'string' || typeof state.e !== 'number') throw invalidSession();
  if (state.e <= now) throw expiredSession();
  return state;
}

/** Opens a session for the actions that carry no ClientId (AssociateSoftwareToken, VerifySoftwareToken). */
export function openAnySession(cognate: Ports<'secrets'>, session: string, now: number): MfaSession {
  const state = cognate.secrets.sessions.openJson<MfaSession>(session, MFA_SESSION_AAD, now);
  if (!state || typeof state.p !== 'string' || typeof state.s !== 'string' || typeof state.e !== 'number') throw invalidSession();
  if (state.e <= now) throw expiredSession();
  return state;
}

export const newSession = (pool: UserPool, client: AppClient, user: User, now: number, rest: Partial<MfaSession> & Pick<MfaSession, 'k'>): MfaSession => ({
  p: pool.id,
  c: client.id,
  s: user.sub,
  n: randomUUID(),
  e: now + sessionMs(client),
  ...rest,
});

/**
 * DEVICE_SRP_AUTH answered with the MFA challenge's Session instead of the one that came with
 * DEVICE_SRP_AUTH (amazon-cognito-identity-js's sendMFACode does this): accepted only when that
 * session's MFA was answered, as recorded then.
 */
export async function deviceStepAfterMfa(cognate: Ports<'secrets' | 'store'>, session: string | undefined, pool: UserPool, client: AppClient, now: number): Promise<{ p: string; c: string; s: string; d: string; e: number } | undefined> {
  const state = session ? cognate.secrets.sessions.openJson<MfaSession>(session, MFA_SESSION_AAD, now) : null;
  if (!state || state.k !== 'mfa' || !state.d || state.p !== pool.id || state.c !== client.id || state.e <= now) return undefined;
  const row = await mfaStore.find(cognate.store.db, state.s);
  if (row?.mfa_passed_session !== state.n) return undefined;
  return { p: state.p, c: state.c, s: state.s, d: state.d, e: state.e };
}

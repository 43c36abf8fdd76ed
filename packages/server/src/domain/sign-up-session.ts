/**
 * Sign-in after sign-up: ConfirmSignUp (and SignUp for a user confirmed at once) answers with a
 * `Session` that InitiateAuth USER_AUTH accepts instead of a credential (what Amplify's
 * autoSignIn sends). It is sealed, names the pool, the client and the user, lives as long as a
 * sign-in Session (the client's AuthSessionValidity), and is spent by its one use.
 */
import { randomUUID } from 'node:crypto';
import type { Ports } from './cognate.js';
import { allowsUserAuth, type AppClient } from './app-clients.js';
import type { UserPool } from './user-pools.js';
import { sessionMs } from './sign-in/types.js';

export interface SignUpSession {
  k: 'sign-up';
  p: string;
  c: string;
  s: string;
  n: string;
  e: number;
}

const SIGN_UP_SESSION_AAD = 'sign-up-session';

/** The Session for the user just confirmed, when the client may sign in with USER_AUTH. */
export function signUpSession(cognate: Ports<'clock' | 'secrets'>, pool: UserPool, client: AppClient, sub: string): { Session?: string } {
  if (!allowsUserAuth(client.settings)) return {};
  const e = cognate.clock.now() + sessionMs(client);
  const state: SignUpSession = { k: 'sign-up', p: pool.id, c: client.id, s: sub, n: randomUUID(), e };
  return { Session: cognate.secrets.sessions.sealJson(state, SIGN_UP_SESSION_AAD, e) };
}

/** The state of a sign-up Session, if it is one, unexpired (checks of pool, client and user are the caller's). */
export function openSignUpSession(cognate: Ports<'clock' | 'secrets'>, session: string): SignUpSession | undefined {
  const now = cognate.clock.now();
  const state = cognate.secrets.sessions.openJson<SignUpSession>(session, SIGN_UP_SESSION_AAD, now);
  if (!state || state.k !== 'sign-up' || typeof state.s !== 'string' || typeof state.n !== 'string' || typeof state.e !== 'number' || state.e <= now) return undefined;
  return state;
}

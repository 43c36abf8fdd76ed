/**
 * The hosted UI's browser sessions: what lets a browser that signed in on the managed login pages
 * get codes for the pool's clients without signing in again (SSO), answer `prompt=none`, and be
 * signed out by `/logout`.
 *
 * Cognito's session cookie lasts one hour and survives GlobalSignOut (security.md P22, API_GlobalSignOut).
 * Here: the browser holds 256 random bits; the database holds only their SHA-256 (a dump names no
 * usable session); every sign-in starts a new session with a new secret (no fixation), ending the
 * one the browser had; `/logout` deletes the row (the cookie alone is not trusted to be cleared).
 * A session no longer serves a user who was disabled, deleted, or whose status left CONFIRMED (or,
 * for a federated user, EXTERNAL_PROVIDER).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as hostedSessionStore from '../../store/hosted-sessions.js';
import { epochSeconds } from '../../ports.js';
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';

/** How long a hosted-UI session lasts: Cognito's is one hour. */
export const HOSTED_SESSION_SECONDS = 3600;

export interface HostedSession {
  /** The session's id in codes and logs (`hostedSessionId`): the hash of its secret, not the secret. */
  id: string;
  poolId: string;
  sub: string;
  clientId: string;
  amr: readonly string[];
  /** epoch seconds of the sign-in */
  authTime: number;
  expiresAt: number;
}

const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function hostedSessionId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toSession(row: hostedSessionStore.HostedSessionRow): HostedSession {
  return { id: row.id_hash, poolId: row.pool_id, sub: row.user_id, clientId: row.client_id, amr: JSON.parse(row.amr) as string[], authTime: epochSeconds(Number(row.auth_time)), expiresAt: Number(row.expires_at) };
}

/**
 * Starts a session for a sign-in that just completed, ending the browser's previous one (`previousSecret`).
 * Returns the new secret for the cookie; it is never stored.
 */
export async function startHostedSession(
  cognate: Ports<'clock' | 'store'>,
  input: { pool: UserPool; client: AppClient; user: User; amr: readonly string[]; authTimeMs: number; previousSecret?: string | undefined },
): Promise<{ secret: string; session: HostedSession }> {
  const now = cognate.clock.now();
  const secret = randomBytes(32).toString('base64url');
  const row: hostedSessionStore.HostedSessionRow = {
    id_hash: hostedSessionId(secret),
    pool_id: input.pool.id,
    user_id: input.user.sub,
    client_id: input.client.id,
    amr: JSON.stringify(input.amr),
    auth_time: input.authTimeMs,
    created_at: now,
    expires_at: now + HOSTED_SESSION_SECONDS * 1000,
  };
  await cognate.store.transaction(async (trx) => {
    if (input.previousSecret && SECRET.test(input.previousSecret)) await hostedSessionStore.remove(trx, hostedSessionId(input.previousSecret));
    await hostedSessionStore.insert(trx, row);
  });
  // Expired rows go now and then, on the write path, so no sweeper is needed.
  if (row.id_hash.startsWith('00')) await hostedSessionStore.pruneExpired(cognate.store.db, now);
  return { secret, session: toSession(row) };
}

/**
 * The live session the browser's secret names in `pool`, with its user if they may still sign in
 * (enabled, and CONFIRMED or a federated user: EXTERNAL_PROVIDER); else undefined.
 */
export async function findHostedSession(cognate: Ports<'clock' | 'store' | 'users'>, pool: UserPool, secret: string | undefined): Promise<{ session: HostedSession; user: User } | undefined> {
  if (!secret || !SECRET.test(secret)) return undefined;
  const row = await hostedSessionStore.findLive(cognate.store.db, hostedSessionId(secret), cognate.clock.now());
  if (!row || row.pool_id !== pool.id) return undefined;
  const user = await cognate.users.findBySub(pool.id, row.user_id);
  if (!user || !user.enabled || (user.status !== 'CONFIRMED' && user.status !== 'EXTERNAL_PROVIDER')) return undefined;
  return { session: toSession(row), user };
}

/** Ends the session the secret names (logout); returns it if there was one. */
export async function endHostedSession(cognate: Ports<'store'>, secret: string | undefined): Promise<HostedSession | undefined> {
  if (!secret || !SECRET.test(secret)) return undefined;
  const row = await hostedSessionStore.remove(cognate.store.db, hostedSessionId(secret));
  return row ? toSession(row) : undefined;
}

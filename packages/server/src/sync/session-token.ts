/**
 * SyncSessionTokens: ListRecords issues one, UpdateRecords requires it. Sealed (AES-GCM under the
 * server's session key), so any node can open it; bound to the identity pool, identity and dataset
 * it was issued for; expiring after {@link SYNC_SESSION_SECONDS}; single-use: UpdateRecords records
 * its nonce as spent in the same transaction as the change (store/spent-sessions.ts), so of two
 * updates with one token, on any nodes, one wins, and a rolled-back update leaves it unspent.
 */
import { randomBytes } from 'node:crypto';
import type { Sealer } from '../crypto/seal.js';
import { syncErrors } from './errors.js';

/** How long a SyncSessionToken stays usable. */
export const SYNC_SESSION_SECONDS = 15 * 60;
const PURPOSE = 'cognate/sync-session/v1';

export interface SyncSession {
  /** identity pool */
  p: string;
  /** identity */
  i: string;
  /** dataset name */
  d: string;
  /** nonce, spent by UpdateRecords */
  n: string;
  /** expiry, epoch ms */
  e: number;
}

/** A new token for one identity's dataset. */
export function issueSyncSession(sealer: Sealer, at: { poolId: string; identityId: string; dataset: string }, now: number): string {
  const e = now + SYNC_SESSION_SECONDS * 1000;
  const session: SyncSession = { p: at.poolId, i: at.identityId, d: at.dataset, n: randomBytes(16).toString('base64url'), e };
  return sealer.sealJson(session, PURPOSE, e);
}

export const invalidSyncSession = () => syncErrors.invalidParameter('The SyncSessionToken is invalid, expired or already used for this dataset.');

/** Opens a token issued for exactly this identity's dataset and not expired; InvalidParameterException otherwise. */
export function openSyncSession(sealer: Sealer, token: string, at: { poolId: string; identityId: string; dataset: string }, now: number): SyncSession {
  const s = token.length <= 4096 ? sealer.openJson<SyncSession>(token, PURPOSE, now) : null;
  if (!s || s.p !== at.poolId || s.i !== at.identityId || s.d !== at.dataset || typeof s.n !== 'string' || !(s.e > now)) throw invalidSyncSession();
  return s;
}

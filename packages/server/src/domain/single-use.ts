/**
 * Single-use sealed state. A sealed Session (or SECRET_BLOCK) is valid until it expires, so on its
 * own it could be answered again and again; Cognito answers a second use with "Invalid session for
 * the user, session can only be used once.". Spending records the state's nonce: of two answers
 * racing with one Session, on any nodes, exactly one wins (the nonce is the table's primary key).
 */
import { randomInt } from 'node:crypto';
import { errors } from '../errors.js';
import type { Store } from '../store/db.js';
import * as spentSessions from '../store/spent-sessions.js';
import { isUniqueViolation } from '../store/constraints.js';

export const sessionUsed = () => errors.notAuthorized('Invalid session for the user, session can only be used once.');

/** Spends `nonce`, or throws {@link sessionUsed} when it was spent before. Prunes expired nonces now and then. */
export async function spendOnce(store: Store, nonce: string, expiresAt: number, now: number): Promise<void> {
  try {
    await spentSessions.insert(store.db, nonce, expiresAt);
  } catch (e) {
    if (isUniqueViolation(e)) throw sessionUsed();
    throw e;
  }
  // About one spend in a hundred clears what can no longer be replayed anyway.
  if (randomInt(100) === 0) await spentSessions.pruneExpired(store.db, now);
}

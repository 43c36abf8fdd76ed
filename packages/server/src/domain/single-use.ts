/**
 * Single-use sealed state. A sealed Session (or SECRET_BLOCK) is valid until it expires, so on its
 * own it could be answered again and again; Cognito answers a second use with "Invalid session for
 * the user, session can only be used once.". Spending records the state's nonce: of two answers
 * racing with one Session, on any nodes, exactly one wins (the nonce is the table's primary key).
 */
import { randomInt } from 'node:crypto';
import { errors } from '../errors.js';
import type { Executor, Store } from '../store/db.js';
import * as spentSessions from '../store/spent-sessions.js';
import { isUniqueViolation } from '../store/constraints.js';

export const sessionUsed = () => errors.notAuthorized('Invalid session for the user, session can only be used once.');

/**
 * Spends `nonce`, or throws {@link sessionUsed} when it was spent before. Prunes expired nonces now and then.
 * `alongside` runs in the same transaction: a write that belongs with the spend (a proven password's
 * lockout count cleared, say) commits with it or not at all, and costs no commit of its own.
 */
export async function spendOnce(store: Store, nonce: string, expiresAt: number, now: number, alongside?: (trx: Executor) => Promise<void>): Promise<void> {
  try {
    if (alongside) {
      await store.transaction(async (trx) => {
        await spentSessions.insert(trx, nonce, expiresAt);
        await alongside(trx);
      });
    } else {
      await spentSessions.insert(store.db, nonce, expiresAt);
    }
  } catch (e) {
    if (isUniqueViolation(e)) throw sessionUsed();
    throw e;
  }
  // About one spend in a hundred clears what can no longer be replayed anyway.
  if (randomInt(100) === 0) await spentSessions.pruneExpired(store.db, now);
}

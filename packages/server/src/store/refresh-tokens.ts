/**
 * Refresh tokens: one row per refresh-token family (its id is the family's origin_jti), with the
 * user, client, device and auth time it was issued for and when it was revoked.
 */
import type { Executor } from './db.js';

/** Revokes every family of the user that is not revoked yet. */
export async function revokeAllForUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', sub).where('revoked_at', 'is', null).execute();
}

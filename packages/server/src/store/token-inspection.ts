/**
 * Reads the console's token inspector needs besides the refresh-token repository: how many of a
 * user's refresh-token families were revoked at the same instant as one of them (a global sign-out,
 * a disable or a password reset revokes them all in one statement, so they share `revoked_at`).
 */
import type { Executor } from './db.js';

export async function familiesRevokedAt(db: Executor, userSub: string, revokedAt: number): Promise<number> {
  const row = await db.selectFrom('refresh_tokens').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userSub).where('revoked_at', '=', revokedAt).executeTakeFirst();
  return Number(row?.n ?? 0);
}

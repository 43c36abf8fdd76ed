/**
 * Global sign-out (GlobalSignOut, AdminUserGlobalSignOut): every refresh-token family of the user
 * revoked, and so every access token, and every remembered device forgotten as remembered.
 */
import type { Cognate } from '../cognate.js';
import * as refreshTokens from '../../store/refresh-tokens.js';
import * as devices from '../../store/devices.js';

/**
 * Revokes the user's tokens and un-remembers their devices in one transaction: a sign-out that
 * revoked the tokens but left a device remembered would let that device skip MFA on the next
 * sign-in (security.md P25), so either both happen or neither does. The devices stay tracked;
 * only `remembered` drops, until the user remembers one again (our documented choice).
 */
export async function globalSignOut(cognate: Cognate, sub: string): Promise<void> {
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await refreshTokens.revokeAllForUser(trx, sub, now);
    await devices.unrememberAllForUser(trx, sub, now);
  });
}

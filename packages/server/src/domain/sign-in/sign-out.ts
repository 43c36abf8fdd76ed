/**
 * Ending sessions: global sign-out (GlobalSignOut, AdminUserGlobalSignOut) revokes every
 * refresh-token family of the user, and so every access token, and un-remembers their devices;
 * RevokeToken ends one family.
 */
import { errors } from '../../errors.js';
import { provesClientSecret } from '../app-clients.js';
import type { Ports } from '../cognate.js';
import { clientAndPool } from '../client-context.js';
import * as refreshTokens from '../../store/refresh-tokens.js';
import * as devices from '../../store/devices.js';

/**
 * Revokes the user's tokens and un-remembers their devices in one transaction: a sign-out that
 * revoked the tokens but left a device remembered would let that device skip MFA on the next
 * sign-in (security.md P25), so either both happen or neither does. The devices stay tracked;
 * only `remembered` drops, until the user remembers one again (our documented choice).
 */
export async function globalSignOut(cognate: Ports<'clock' | 'store'>, sub: string): Promise<void> {
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await refreshTokens.revokeAllForUser(trx, sub, now);
    await devices.unrememberAllForUser(trx, sub, now);
  });
}

export interface RevokeTokenInput {
  Token: string;
  ClientId: string;
  ClientSecret?: string;
}

/**
 * RevokeToken: a confidential client proves itself with its secret (the raw ClientSecret, as the
 * OAuth revocation endpoint takes it); the client must allow revocation; then the refresh-token
 * family ends, and the access tokens minted from it (RFC 7009: an unknown token is no error).
 */
export async function revokeToken(cognate: Ports<'clients' | 'pools' | 'tokens'>, input: RevokeTokenInput): Promise<void> {
  const { client } = await clientAndPool(cognate, input.ClientId);
  if (client.secrets.length > 0 && !provesClientSecret(client, input.ClientSecret, (secret) => [secret])) {
    throw errors.notAuthorized('Client secret does not match.');
  }
  if (!client.settings.EnableTokenRevocation) throw errors.invalidParameter('Token revocation is not enabled for this client.');
  await cognate.tokens.revokeRefreshToken(client, input.Token);
}

/**
 * REFRESH_TOKEN_AUTH (alias REFRESH_TOKEN) in InitiateAuth and AdminInitiateAuth, and
 * GetTokensFromRefreshToken: new ID and access tokens from a live refresh-token family, after
 * PreTokenGeneration (TokenGeneration_RefreshTokens). Nothing is written: the family stays.
 */
import { errors } from '../../../errors.js';
import type { Ports } from '../../cognate.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import { refreshDevice } from '../../devices.js';
import { generateTokens } from '../../token-generation.js';
import type { AuthenticationResult } from '../../tokens.js';
import type { UserPool } from '../../user-pools.js';
import type { Metadata } from '../types.js';

export async function refreshTokens(cognate: Ports<'clock' | 'lockout' | 'log' | 'store' | 'tokens' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, refreshToken: string, secretHashGiven: string | undefined, deviceKeyGiven?: string, clientMetadata?: Metadata): Promise<AuthenticationResult> {
  const family = await cognate.tokens.resolveRefreshToken(client, refreshToken);
  const user = await cognate.users.findBySub(pool.id, family.userSub);
  if (!user) throw errors.notAuthorized('Invalid Refresh Token');
  // Clients compute this SECRET_HASH over the username or the sub; iOS and Android send the raw secret.
  checkSecretHash(client, [user.username, user.sub], secretHashGiven, true);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  await cognate.lockout.assertNotLocked(user.sub, cognate.clock.now());
  const deviceKey = await refreshDevice(cognate, pool, user, family.deviceKey, deviceKeyGiven || undefined);
  return generateTokens(cognate, { pool, client, user, source: 'RefreshTokens', clientMetadata, authTime: family.authTime, originJti: family.originJti, ...(deviceKey ? { deviceKey } : {}) });
}

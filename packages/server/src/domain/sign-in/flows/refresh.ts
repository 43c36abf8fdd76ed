/**
 * REFRESH_TOKEN_AUTH (alias REFRESH_TOKEN) in InitiateAuth and AdminInitiateAuth, and
 * GetTokensFromRefreshToken: new ID and access tokens from a live refresh-token family, after
 * PreTokenGeneration (TokenGeneration_RefreshTokens). A family from an OAuth grant keeps its
 * scopes. With refresh-token rotation on (GetTokensFromRefreshToken only: InitiateAuth refuses
 * such clients), the family's token is replaced and the new one returned; otherwise nothing is written.
 */
import { CognitoError, errors } from '../../../errors.js';
import type { Ports } from '../../cognate.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import { refreshDevice } from '../../devices.js';
import { preTokenGeneration } from '../../token-generation.js';
import { rotatesRefreshTokens, type AuthenticationResult, type ResolvedRefreshToken } from '../../tokens.js';
import type { User } from '../../users.js';
import { recordAccountEvent } from '../../threat-protection/index.js';
import type { UserPool } from '../../user-pools.js';
import type { Metadata } from '../types.js';

export async function refreshTokens(cognate: Ports<'clock' | 'config' | 'lockout' | 'log' | 'outbox' | 'store' | 'tokens' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, refreshToken: string, secretHashGiven: string | undefined, deviceKeyGiven?: string, clientMetadata?: Metadata): Promise<AuthenticationResult> {
  const family = await cognate.tokens.resolveRefreshFamily(client, refreshToken);
  const user = await cognate.users.findBySub(pool.id, family.userSub);
  if (!user) throw errors.notAuthorized('Invalid Refresh Token');
  // Clients compute this SECRET_HASH over the username or the sub; iOS and Android send the raw secret.
  checkSecretHash(client, [user.username, user.sub], secretHashGiven, true);
  try {
    const result = await refreshFor(cognate, pool, client, user, family, deviceKeyGiven, clientMetadata);
    // Threat protection: a token refresh is one of the user's sign-ins (EventType SignIn, no challenges).
    await recordAccountEvent(cognate, pool, client, user, 'SignIn', 'Pass', 'refresh');
    return result;
  } catch (err) {
    if (err instanceof CognitoError) await recordAccountEvent(cognate, pool, client, user, 'SignIn', 'Fail', 'refresh');
    throw err;
  }
}

async function refreshFor(cognate: Ports<'clock' | 'lockout' | 'log' | 'store' | 'tokens' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, user: User, family: ResolvedRefreshToken, deviceKeyGiven: string | undefined, clientMetadata: Metadata): Promise<AuthenticationResult> {
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  cognate.lockout.assertNotLocked(user, cognate.clock.now());
  const deviceKey = await refreshDevice(cognate, pool, user, family.deviceKey, deviceKeyGiven || undefined);
  const customize = await preTokenGeneration(cognate, { pool, client, user, source: 'RefreshTokens', clientMetadata, authTime: family.authTime, originJti: family.originJti, ...(family.scopes ? { scopes: family.scopes } : {}), ...(deviceKey ? { deviceKey } : {}) });
  const rotated = rotatesRefreshTokens(client) ? await cognate.tokens.rotateRefreshToken(client, family) : undefined;
  return cognate.tokens.issue({
    pool,
    client,
    user,
    authTime: family.authTime,
    originJti: family.originJti,
    ...(deviceKey ? { deviceKey } : {}),
    ...(customize ? { customize } : {}),
    ...(family.scopes ? { oauth: { scopes: family.scopes } } : {}),
    ...(rotated ? { refreshToken: rotated } : {}),
  });
}

import { action } from './action.js';
import { allowsFlow } from '../domain/app-clients.js';
import { refreshTokens } from '../domain/sign-in/flows/refresh.js';
import { clientAndPool } from '../domain/client-context.js';
import { errors } from '../errors.js';
import { rotatesRefreshTokens } from '../domain/tokens.js';

/** The newer refresh API Amplify ≥ 6.15.4 uses (protocol.md §4). */
export default action(async (cognate, input: { RefreshToken: string; ClientId: string; ClientSecret?: string; DeviceKey?: string; ClientMetadata?: Record<string, string> }) => {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  if (!rotatesRefreshTokens(client) && !allowsFlow(client.settings, 'REFRESH_TOKEN_AUTH')) throw errors.invalidParameter('REFRESH_TOKEN_AUTH flow not enabled for this client');
  const result = await refreshTokens(cognate, pool, client, input.RefreshToken, input.ClientSecret, input.DeviceKey, input.ClientMetadata);
  return { AuthenticationResult: result };
});

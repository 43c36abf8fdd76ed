import { action } from './action.js';
import { clientAndPool } from '../domain/client-context.js';
import { errors } from '../errors.js';
import { constantTimeEqual } from '../crypto/compare.js';

export default action(async (cognate, input: { Token: string; ClientId: string; ClientSecret?: string }) => {
  const { client } = await clientAndPool(cognate, input.ClientId);
  if (client.secret !== undefined && (input.ClientSecret === undefined || !constantTimeEqual(client.secret, input.ClientSecret))) {
    throw errors.notAuthorized('Client secret does not match.');
  }
  if (!client.settings.EnableTokenRevocation) {
    throw errors.invalidParameter('Token revocation is not enabled for this client.');
  }
  await cognate.tokens.revokeRefreshToken(client, input.Token);
  return {};
});

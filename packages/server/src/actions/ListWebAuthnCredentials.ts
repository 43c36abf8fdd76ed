import { action } from './action.js';
import { listWebAuthnCredentials } from '../domain/webauthn/credentials.js';

export default action(async (cognate, input: { AccessToken: string; NextToken?: string; MaxResults?: number }) => {
  const { pool, user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  return listWebAuthnCredentials(cognate, pool, user, input.MaxResults, input.NextToken);
});

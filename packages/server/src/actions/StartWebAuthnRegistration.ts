import { action } from './action.js';
import { startWebAuthnRegistration } from '../domain/webauthn/registration.js';

export default action(async (cognate, input: { AccessToken: string }) => {
  const { pool, user, claims } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  return startWebAuthnRegistration(cognate, { pool, user, clientId: String(claims.client_id) });
});

import { action } from './action.js';
import { completeWebAuthnRegistration } from '../domain/webauthn/registration.js';

export default action(async (cognate, input: { AccessToken: string; Credential: unknown }) => {
  const { pool, user, claims } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await completeWebAuthnRegistration(cognate, { pool, user, clientId: String(claims.client_id) }, input.Credential);
  return {};
});

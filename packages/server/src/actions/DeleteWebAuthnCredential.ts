import { action } from './action.js';
import { deleteWebAuthnCredential } from '../domain/webauthn/credentials.js';

export default action(async (cognate, input: { AccessToken: string; CredentialId: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await deleteWebAuthnCredential(cognate, user, input.CredentialId);
  return {};
});

import { action } from './action.js';
import { setMfaPreference, type MfaPreferenceInput } from '../domain/mfa.js';

export default action(async (cognate, input: MfaPreferenceInput & { AccessToken: string }) => {
  const { pool, user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await setMfaPreference(cognate, pool, user, input);
  return {};
});

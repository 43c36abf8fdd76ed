import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { setMfaPreference, type MfaPreferenceInput } from '../domain/mfa.js';

export default action(async (cognate, input: MfaPreferenceInput & { UserPoolId: string; Username: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  await setMfaPreference(cognate, pool, await adminUser(cognate, pool, input.Username), input);
  return {};
});

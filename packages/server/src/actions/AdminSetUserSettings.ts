import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { setUserSettings } from '../domain/mfa.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; MFAOptions: { DeliveryMedium?: string; AttributeName?: string }[] }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  await setUserSettings(cognate, await adminUser(cognate, pool, input.Username), input.MFAOptions);
  return {};
});

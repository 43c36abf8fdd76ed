import { action } from './action.js';
import { adminUser } from '../domain/admin-users.js';
import { attributeList } from '../domain/users.js';
import { userMfaView } from '../domain/mfa.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const user = await adminUser(cognate, pool, input.Username);
  return {
    Username: user.username,
    // Administrators see developer-only attributes too.
    UserAttributes: attributeList(user, undefined, { developerOnly: true }),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
    ...(await userMfaView(cognate, user)),
  };
});

import { action } from './action.js';
import { attributeList } from '../domain/users.js';
import { errors } from '../errors.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  return {
    Username: user.username,
    UserAttributes: attributeList(user),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
});

import { action } from './action.js';
import { userAuthFactors } from '../domain/user-auth-factors.js';

/** GetUserAuthFactors: the signed-in user's MFA settings and the USER_AUTH first factors they can use (access token). */
export default action(async (cognate, input: { AccessToken: string }) => {
  const { user, pool } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  return userAuthFactors(cognate, pool, user);
});

import { action } from './action.js';
import { globalSignOut } from '../domain/sign-in/sign-out.js';

export default action(async (cognate, input: { AccessToken: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await globalSignOut(cognate, user.sub);
  return {};
});

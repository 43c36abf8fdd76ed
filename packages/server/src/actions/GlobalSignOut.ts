import { action } from './action.js';

export default action(async (cognate, input: { AccessToken: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await cognate.tokens.revokeAllForUser(user.sub);
  return {};
});

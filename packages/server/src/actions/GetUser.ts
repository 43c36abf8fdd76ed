import { action } from './action.js';
import { attributeList } from '../domain/users.js';

export default action(async (cognate, input: { AccessToken: string }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  return { Username: user.username, UserAttributes: attributeList(user) };
});

import { action } from './action.js';
import { revokeToken, type RevokeTokenInput } from '../domain/sign-in/sign-out.js';

export default action(async (cognate, input: RevokeTokenInput) => {
  await revokeToken(cognate, input);
  return {};
});

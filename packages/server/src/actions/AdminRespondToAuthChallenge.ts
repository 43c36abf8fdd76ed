import { action } from './action.js';
import { respondToAuthChallenge, type RespondInput } from '../domain/sign-in/respond.js';

export default action(async (cognate, input: RespondInput & { UserPoolId: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  return respondToAuthChallenge(cognate, input, pool);
});

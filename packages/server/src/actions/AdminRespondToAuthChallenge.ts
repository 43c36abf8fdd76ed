import { action } from './action.js';
import { respondToAuthChallenge, type RespondInput } from '../domain/auth.js';

export default action(async (cognate, input: RespondInput & { UserPoolId: string }) => {
  const pool = await cognate.pools.get(input.UserPoolId);
  return respondToAuthChallenge(cognate, input, pool);
});

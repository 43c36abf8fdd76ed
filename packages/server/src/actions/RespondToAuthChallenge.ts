import { action } from './action.js';
import { respondToAuthChallenge, type RespondInput } from '../domain/auth.js';

export default action((cognate, input: RespondInput) => respondToAuthChallenge(cognate, input));

import { action } from './action.js';
import { respondToAuthChallenge, type RespondInput } from '../domain/sign-in/respond.js';

export default action((cognate, input: RespondInput) => respondToAuthChallenge(cognate, input));

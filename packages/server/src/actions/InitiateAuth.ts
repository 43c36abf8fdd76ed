import { action } from './action.js';
import { initiateAuth, type InitiateAuthInput } from '../domain/auth.js';

export default action((cognate, input: InitiateAuthInput) => initiateAuth(cognate, input));

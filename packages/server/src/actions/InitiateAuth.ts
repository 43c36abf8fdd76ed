import { action } from './action.js';
import { initiateAuth, type InitiateAuthInput } from '../domain/sign-in/initiate-auth.js';

export default action((cognate, input: InitiateAuthInput) => initiateAuth(cognate, input));

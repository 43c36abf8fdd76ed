import { action } from './action.js';
import { signUp, type SignUpInput } from '../domain/sign-up.js';

export default action((cognate, input: SignUpInput) => signUp(cognate, input));

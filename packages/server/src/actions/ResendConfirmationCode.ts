import { action } from './action.js';
import { resendConfirmationCode } from '../domain/sign-up.js';

export default action((cognate, input: { ClientId: string; SecretHash?: string; Username: string }) => resendConfirmationCode(cognate, input));

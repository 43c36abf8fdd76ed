import { action } from './action.js';
import { confirmForgotPassword } from '../domain/forgot-password.js';

export default action((cognate, input: { ClientId: string; SecretHash?: string; Username: string; ConfirmationCode: string; Password: string; ClientMetadata?: Record<string, string> }) => confirmForgotPassword(cognate, input));

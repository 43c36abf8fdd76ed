import { action } from './action.js';
import { forgotPassword } from '../domain/forgot-password.js';

export default action((cognate, input: { ClientId: string; SecretHash?: string; Username: string; ClientMetadata?: Record<string, string> }) => forgotPassword(cognate, input));

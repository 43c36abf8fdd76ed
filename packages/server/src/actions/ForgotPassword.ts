import { action } from './action.js';
import { forgotPassword } from '../domain/self-service.js';

export default action((cognate, input: { ClientId: string; SecretHash?: string; Username: string; ClientMetadata?: Record<string, string> }) => forgotPassword(cognate, input));

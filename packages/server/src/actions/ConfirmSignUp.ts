import { action } from './action.js';
import { confirmSignUp } from '../domain/sign-up.js';

export default action((cognate, input: { ClientId: string; SecretHash?: string; Username: string; ConfirmationCode: string; ForceAliasCreation?: boolean; ClientMetadata?: Record<string, string> }) => confirmSignUp(cognate, input));

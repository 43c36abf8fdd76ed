import { action } from './action.js';
import { adminInitiateAuth, type InitiateAuthInput } from '../domain/auth.js';

export default action((cognate, input: InitiateAuthInput & { UserPoolId: string }) => adminInitiateAuth(cognate, input));

import { action } from './action.js';
import { adminInitiateAuth, type InitiateAuthInput } from '../domain/sign-in/initiate-auth.js';

export default action((cognate, input: InitiateAuthInput & { UserPoolId: string }) => adminInitiateAuth(cognate, input));

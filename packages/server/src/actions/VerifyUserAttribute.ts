import { action } from './action.js';
import { verifyUserAttribute } from '../domain/self-service.js';

export default action((cognate, input: { AccessToken: string; AttributeName: string; Code: string }) => verifyUserAttribute(cognate, input));

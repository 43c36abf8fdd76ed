import { action } from './action.js';
import { verifyUserAttribute } from '../domain/attribute-verification.js';

export default action((cognate, input: { AccessToken: string; AttributeName: string; Code: string }) => verifyUserAttribute(cognate, input));

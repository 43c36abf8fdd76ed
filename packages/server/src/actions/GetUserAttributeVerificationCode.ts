import { action } from './action.js';
import { getUserAttributeVerificationCode } from '../domain/attribute-verification.js';

export default action((cognate, input: { AccessToken: string; AttributeName: string; ClientMetadata?: Record<string, string> }) => getUserAttributeVerificationCode(cognate, input));

import { action } from './action.js';
import { updateUserAttributes } from '../domain/user-attributes.js';

export default action((cognate, input: { AccessToken: string; UserAttributes: { Name: string; Value?: string }[]; ClientMetadata?: Record<string, string> }) => updateUserAttributes(cognate, input));

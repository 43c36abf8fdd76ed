import { action } from './action.js';
import { updateUserAttributes } from '../domain/self-service.js';

export default action((cognate, input: { AccessToken: string; UserAttributes: { Name: string; Value?: string }[]; ClientMetadata?: Record<string, string> }) => updateUserAttributes(cognate, input));

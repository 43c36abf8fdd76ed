import { action } from './action.js';
import { adminListUserAuthEvents } from '../domain/threat-protection/auth-events.js';

export default action((cognate, input: { UserPoolId: string; Username: string; MaxResults?: number; NextToken?: string }) => adminListUserAuthEvents(cognate, input));

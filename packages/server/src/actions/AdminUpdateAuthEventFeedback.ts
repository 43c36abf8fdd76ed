import { action } from './action.js';
import { adminUpdateAuthEventFeedback } from '../domain/threat-protection/auth-events.js';

export default action((cognate, input: { UserPoolId: string; Username: string; EventId: string; FeedbackValue: string }) => adminUpdateAuthEventFeedback(cognate, input));

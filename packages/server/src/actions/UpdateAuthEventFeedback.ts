import { action } from './action.js';
import { updateAuthEventFeedback } from '../domain/threat-protection/auth-events.js';

export default action((cognate, input: { UserPoolId: string; Username: string; EventId: string; FeedbackToken: string; FeedbackValue: string }) => updateAuthEventFeedback(cognate, input));

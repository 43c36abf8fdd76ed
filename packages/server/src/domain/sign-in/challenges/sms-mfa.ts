/** SMS_MFA: the code sent by SMS when the challenge was issued. */
import type { ChallengeHandler } from '../types.js';
import { answerMfaCode } from '../mfa/answer.js';

export const smsMfa: ChallengeHandler = (cognate, answer) => answerMfaCode(cognate, answer, 'SMS_MFA');

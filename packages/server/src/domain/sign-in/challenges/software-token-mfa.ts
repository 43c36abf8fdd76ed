/** SOFTWARE_TOKEN_MFA: a code from the user's authenticator app (each code works once). */
import type { ChallengeHandler } from '../types.js';
import { answerMfaCode } from '../mfa/answer.js';

export const softwareTokenMfa: ChallengeHandler = (cognate, answer) => answerMfaCode(cognate, answer, 'SOFTWARE_TOKEN_MFA');

/**
 * EMAIL_OTP as a second factor: the code sent by email when the challenge was issued (or, during
 * MFA_SETUP, to the address being set up). EMAIL_OTP as a first factor (USER_AUTH) is not
 * supported yet; it would be its own handler for this name, branching on the Session it answers.
 */
import type { ChallengeHandler } from '../types.js';
import { answerMfaCode } from '../mfa/answer.js';

export const emailOtp: ChallengeHandler = (cognate, answer) => answerMfaCode(cognate, answer, 'EMAIL_OTP');

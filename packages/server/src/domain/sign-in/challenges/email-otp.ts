/**
 * EMAIL_OTP: one ChallengeName for two things, told apart by the Session it answers. As a second
 * factor, the code sent by email when the MFA challenge was issued (or, during MFA_SETUP, to the
 * address being set up); as USER_AUTH's first factor, the code sent for a passwordless sign-in
 * (otp.ts). Neither Session is accepted by the other's check.
 */
import type { ChallengeHandler } from '../types.js';
import { answerMfaCode } from '../mfa/answer.js';
import { answerOtp, isOtpSession } from '../otp.js';

export const emailOtp: ChallengeHandler = (cognate, answer) => (isOtpSession(cognate, answer) ? answerOtp(cognate, answer, 'EMAIL_OTP') : answerMfaCode(cognate, answer, 'EMAIL_OTP'));

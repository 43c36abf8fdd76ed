/** SMS_OTP: USER_AUTH's SMS one-time code as the first factor (otp.ts), answered as SMS_OTP_CODE. */
import type { ChallengeHandler } from '../types.js';
import { answerOtp } from '../otp.js';

export const smsOtp: ChallengeHandler = (cognate, answer) => answerOtp(cognate, answer, 'SMS_OTP');

/**
 * USER_AUTH (choice-based sign-in: PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN with
 * SELECT_CHALLENGE) is not supported yet. This is where its flow goes: it returns the first
 * challenge as `respond(...)`, and each first-factor challenge is one handler in challenges/ that
 * ends in `password-proven`, so MFA, devices and the finishing step are the same as every flow's.
 */
import { errors } from '../../../errors.js';
import type { Outcome } from '../types.js';

export function userAuth(): Promise<Outcome> {
  throw errors.invalidParameter('USER_AUTH flow is not supported yet.');
}

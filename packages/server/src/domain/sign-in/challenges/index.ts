/**
 * The challenge registry: one handler per ChallengeName RespondToAuthChallenge and
 * AdminRespondToAuthChallenge accept. A handler checks the answer and says what it proved (an
 * Outcome, types.ts); the pipeline (pipeline.ts) takes it from there, so handlers never import it.
 *
 * Adding a challenge (WEB_AUTHN, EMAIL_OTP or SMS_OTP as a first factor, SELECT_CHALLENGE ...) is
 * one new file in this folder exporting a ChallengeHandler, and one line below: the ChallengeName
 * type is this object's keys. The flow that issues it (a USER_AUTH flow, say) returns its challenge
 * as `respond(...)`; its handler ends in `password-proven` or `factors-done` to reuse the rest.
 */
import type { ChallengeHandler } from '../types.js';
import { passwordVerifier } from './password-verifier.js';
import { newPasswordRequired } from './new-password-required.js';
import { smsMfa } from './sms-mfa.js';
import { softwareTokenMfa } from './software-token-mfa.js';
import { emailOtp } from './email-otp.js';
import { selectMfaType } from './select-mfa-type.js';
import { mfaSetup } from './mfa-setup.js';
import { deviceSrpAuth } from './device-srp-auth.js';
import { devicePasswordVerifier } from './device-password-verifier.js';
import { customChallenge } from './custom-challenge.js';
import { selectChallenge } from './select-challenge.js';
import { smsOtp } from './sms-otp.js';
import { webAuthn } from './web-authn.js';

export const challengeHandlers = {
  PASSWORD_VERIFIER: passwordVerifier,
  NEW_PASSWORD_REQUIRED: newPasswordRequired,
  SMS_MFA: smsMfa,
  SOFTWARE_TOKEN_MFA: softwareTokenMfa,
  EMAIL_OTP: emailOtp,
  SELECT_MFA_TYPE: selectMfaType,
  MFA_SETUP: mfaSetup,
  DEVICE_SRP_AUTH: deviceSrpAuth,
  DEVICE_PASSWORD_VERIFIER: devicePasswordVerifier,
  CUSTOM_CHALLENGE: customChallenge,
  SELECT_CHALLENGE: selectChallenge,
  SMS_OTP: smsOtp,
  WEB_AUTHN: webAuthn,
} satisfies Record<string, ChallengeHandler>;

/** The ChallengeNames Cognate answers: the registry's keys. */
export type ChallengeName = keyof typeof challengeHandlers;

/** The handler for `name`, if it is a registered ChallengeName (own keys only: `__proto__` is no challenge). */
export function challengeHandler(name: string): ChallengeHandler | undefined {
  return Object.hasOwn(challengeHandlers, name) ? challengeHandlers[name as ChallengeName] : undefined;
}

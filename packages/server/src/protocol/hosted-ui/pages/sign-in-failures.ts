/** How the sign-in pages (sign-in.ts, passwordless.ts, sign-up.ts) word a failed step, and which failures end the attempt. */
import type { CognitoError } from '../../../errors.js';
import type { Messages } from '../i18n/index.js';

/** What a person reads for a sign-in failure: our words where we know the case, else the pool's (a trigger's message). */
export function failureText(t: Messages, err: CognitoError): string {
  switch (err.name) {
    case 'NotAuthorizedException':
      if (/^Incorrect username or password/.test(err.message)) return t.incorrectCredentials;
      if (/^Password attempts exceeded/.test(err.message)) return t.passwordAttemptsExceeded;
      if (/^User is disabled/.test(err.message)) return t.userDisabled;
      if (/session/i.test(err.message)) return t.sessionExpired;
      return t.incorrectCredentials;
    case 'UserNotFoundException':
      return t.userNotFound;
    case 'UserNotConfirmedException':
      return t.userNotConfirmed;
    case 'PasswordResetRequiredException':
      return t.passwordResetRequired;
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
      return t.codeMismatch;
    default:
      return err.message;
  }
}

/** Failures that end the sign-in attempt (back to the password form) rather than asking the same challenge again. */
export function endsAttempt(err: CognitoError): boolean {
  return err.name === 'NotAuthorizedException' || err.name === 'UserNotFoundException' || err.name === 'PasswordResetRequiredException' || err.name === 'UserNotConfirmedException';
}

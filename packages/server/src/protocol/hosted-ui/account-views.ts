/**
 * What the account pages (pages/sign-up.ts, pages/forgot-password.ts) share: reading a form's text
 * fields with limits (a missing or oversized value is the page's own error, never a domain call),
 * the words a person reads for the domain's errors, and an announced notice.
 */
import { CognitoError } from '../../errors.js';
import { html, type Html } from './html.js';
import { format, type Messages } from './i18n/index.js';
import type { UserPool } from '../../domain/user-pools.js';

/** The longest value any field of these pages takes (attributes are at most 2048 characters). */
export const MAX_VALUE = 2048;
/** Usernames (1–128 in the API model), passwords (up to 256) and codes are shorter. */
export const MAX_USERNAME = 128;
export const MAX_PASSWORD = 256;
export const MAX_CODE = 16;

/** Field errors of a form, by field name; the first one is also the page's error summary. */
export type FieldErrors = Record<string, string>;

/**
 * A text field of a POSTed form: trimmed unless it is a password; an error (localised) when it is
 * required and empty or longer than `max`.
 */
export function readField(form: Record<string, string>, errors: FieldErrors, name: string, label: string, t: Messages, opts: { required?: boolean; max: number; trim?: boolean }): string {
  const raw = form[name] ?? '';
  const value = opts.trim === false ? raw : raw.trim();
  if (value.length > opts.max) errors[name] = format(t.fieldTooLong, { field: label });
  else if (opts.required && value === '') errors[name] = format(t.fieldRequired, { field: label });
  return value.length > opts.max ? '' : value;
}

/** A status line (not an error): announced politely. */
export function notice(text: string | undefined): Html | '' {
  return text ? html`<p class="hint" role="status">${text}</p>` : '';
}

/**
 * What a person reads for an error of SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword
 * or ConfirmForgotPassword, and which field it belongs to. Our words where we know the case; a
 * trigger's refusal keeps the function's own message (Cognito shows it too).
 */
export function accountFailure(t: Messages, err: CognitoError): { message: string; field?: string } {
  switch (err.name) {
    case 'UsernameExistsException':
      return { message: t.usernameExists, field: 'username' };
    case 'InvalidPasswordException':
      return { message: t.invalidPassword, field: 'password' };
    case 'PasswordHistoryPolicyViolationException':
      return { message: t.passwordReused, field: 'password' };
    case 'CodeMismatchException':
      return { message: t.codeMismatch, field: 'code' };
    case 'ExpiredCodeException':
      return { message: t.codeExpired, field: 'code' };
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
    case 'TooManyRequestsException':
      return { message: t.limitExceeded };
    case 'UserNotFoundException':
      return { message: t.userNotFound, field: 'username' };
    case 'UserLambdaValidationException':
      return { message: format(t.signUpRefused, { detail: err.message }) };
    case 'InvalidParameterException':
      if (/email/i.test(err.message) && /invalid|format/i.test(err.message)) return { message: t.invalidEmail };
      if (/phone/i.test(err.message) && /invalid|format/i.test(err.message)) return { message: t.invalidPhone };
      if (/reset password|verified email or phone/i.test(err.message)) return { message: t.cannotReset };
      return { message: format(t.invalidInput, { detail: err.message }) };
    case 'NotAuthorizedException':
      if (/SignUp is not permitted|unauthorized attribute/i.test(err.message)) return { message: t.signUpNotAllowed };
      if (/reset|administrator|disabled|cannot be reset/i.test(err.message)) return { message: t.cannotReset };
      return { message: err.message };
    default:
      return { message: t.genericFailure };
  }
}

/** What the username field is called and how it is typed: a pool that signs in with email or phone number asks for those. */
export function usernameLabel(t: Messages, pool: UserPool): { label: string; type: 'text' | 'email' | 'tel'; autocomplete: string } {
  const attrs = pool.settings.UsernameAttributes ?? [];
  if (attrs.includes('email') && attrs.includes('phone_number')) return { label: t.emailOrPhone, type: 'text', autocomplete: 'username' };
  if (attrs.includes('email')) return { label: t.emailAddress, type: 'email', autocomplete: 'email' };
  if (attrs.includes('phone_number')) return { label: t.attr_phone_number, type: 'tel', autocomplete: 'tel' };
  return { label: t.username, type: 'text', autocomplete: 'username' };
}

/**
 * The drop-in sign-in's options (seed 002's `SignInUIOptions`: `logoImage`, `backgroundColor`,
 * `canCancel`; plus sign-up, passwordless first factors, federated buttons, language and strings).
 */
import type { MobileClient } from '../mobile-client.js';
import type { HostedUIOptions } from '../options.js';
import type { UIStrings } from './strings.js';

export type { HostedUIOptions };

/**
 * A passwordless first factor the sign-in screen offers a button for (USER_AUTH).
 *
 * @example
 * ```ts
 * const passwordless: PasswordlessFactor[] = ['WEB_AUTHN', 'EMAIL_OTP'];
 * ```
 */
export type PasswordlessFactor = 'WEB_AUTHN' | 'EMAIL_OTP' | 'SMS_OTP';

/**
 * Options of {@link showSignIn} and of the `<cognate-sign-in>` element's `start`.
 *
 * @example
 * ```ts
 * const options: SignInUIOptions = { logoImage: '/logo.svg', backgroundColor: '#0b1f33', canCancel: true, passwordless: ['WEB_AUTHN'] };
 * ```
 */
export interface SignInUIOptions {
  /** The client to drive; default `MobileClient.default()` (it must be initialised). */
  client?: MobileClient;
  /** URL of the logo above the form (png, jpg, svg, a data: URL). */
  logoImage?: string;
  /** Text alternative of the logo; default the localised "Logo". */
  logoAlt?: string;
  /** Any CSS colour behind the card; sets `--cognate-background`. */
  backgroundColor?: string;
  /** Shows a Cancel button (and lets Escape cancel): the promise rejects with {@link SignInCancelledError}. Default false. */
  canCancel?: boolean;
  /**
   * Offers sign-up (default true). An object names the attributes asked for (default `['email']`),
   * in the order shown.
   */
  signUp?: boolean | { attributes?: string[] };
  /** Passwordless first factors offered on the sign-in screen (the app client needs ALLOW_USER_AUTH). Default none. */
  passwordless?: PasswordlessFactor[];
  /** Identity providers of the pool's domain (`Google`, `Facebook`, a SAML or OIDC provider name): one button each, through the hosted UI. */
  federatedProviders?: string[];
  /**
   * Options of the hosted-UI sign-in. Without `federatedProviders`, `showSignIn` goes straight to
   * the hosted UI with them (as the seed's `showSignIn(hostedUIOptions:)`); with them, each
   * provider button uses them with its `identityProvider`.
   */
  hostedUIOptions?: HostedUIOptions;
  /** Language of the strings (`en`, `es`, `fr`, or a tag such as `es-MX`); default the first of `navigator.languages` we have, else English. */
  locale?: string;
  /** Replacements for some strings of the chosen language. */
  strings?: Partial<UIStrings>;
  /** Issuer shown by authenticator apps for a TOTP set up here; default `location.hostname`. */
  totpIssuer?: string;
  /**
   * The sentence above a custom challenge's answer field, made from the challenge's public
   * parameters (what the CreateAuthChallenge trigger put in `publicChallengeParameters`, e.g.
   * `(p) => p.question`). Shown as text. Default: none, only the field.
   */
  customChallengePrompt?: (parameters: Record<string, unknown>) => string | undefined;
}

/**
 * The rejection of {@link showSignIn} when the user cancels (`canCancel`).
 *
 * @example
 * ```ts
 * try { await showSignIn(el, { canCancel: true }); } catch (e) { if (e instanceof SignInCancelledError) showHome(); }
 * ```
 */
export class SignInCancelledError extends Error {
  /**
   * Always `SignInCancelledError`.
   *
   * @example
   * ```ts
   * if ((e as Error).name === 'SignInCancelledError') showHome();
   * ```
   */
  override readonly name = 'SignInCancelledError';
  /**
   * Always `signInCancelled`, beside MobileClientError's codes.
   *
   * @example
   * ```ts
   * if ((e as { code?: string }).code === 'signInCancelled') showHome();
   * ```
   */
  readonly code = 'signInCancelled';
  constructor() {
    super('The user cancelled the sign-in.');
  }
}

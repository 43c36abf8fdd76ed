/**
 * `@cognate/client/ui`: the drop-in sign-in over the client SDK, in the spirit of AWSMobileClient's
 * `showSignIn` (seed 002): a framework-free custom element, `<cognate-sign-in>`, with sign-in,
 * sign-up and confirmation, MFA (SMS, TOTP with a QR code, email), new password, forgot password,
 * passkeys and one-time codes, and federated buttons through the hosted UI. Browsers only.
 *
 * @example
 * ```ts
 * import { MobileClient } from '@cognate/client';
 * import { showSignIn } from '@cognate/client/ui';
 * await MobileClient.default().initialize(awsconfiguration);
 * const state = await showSignIn(document.querySelector('#sign-in')!, { logoImage: '/logo.svg', canCancel: true });
 * ```
 * @packageDocumentation
 */
import type { UserState } from '../types.js';
import { SIGN_IN_TAG, defineSignInElement, type CognateSignInElement } from './element.js';
import type { SignInUIOptions } from './options.js';

export { CognateSignInElement, SIGN_IN_TAG, defineSignInElement } from './element.js';
export { SignInCancelledError } from './options.js';
export type { HostedUIOptions, PasswordlessFactor, SignInUIOptions } from './options.js';
export { LANGUAGES, format, pickLanguage } from './strings.js';
export type { UIStrings } from './strings.js';
export { THEME_PROPERTIES } from './styles.js';
export { encodeQr } from './qr.js';
export type { QrCode } from './qr.js';

/**
 * Shows the drop-in sign-in in `container` and resolves with the client's state once the user is
 * signed in (the element is then removed). With `canCancel`, Cancel or Escape rejects with
 * {@link SignInCancelledError}. With `hostedUIOptions` and no `federatedProviders`, it goes
 * straight to the hosted UI (`signInWithHostedUI`).
 *
 * @example
 * ```ts
 * const state = await showSignIn(document.body, {
 *   client, logoImage: '/logo.png', backgroundColor: '#102030', canCancel: true,
 *   signUp: { attributes: ['email', 'name'] }, passwordless: ['WEB_AUTHN', 'EMAIL_OTP'], federatedProviders: ['Google'],
 * });
 * ```
 */
export function showSignIn(container: Element, options: SignInUIOptions = {}): Promise<UserState> {
  defineSignInElement();
  const element = document.createElement(SIGN_IN_TAG) as CognateSignInElement;
  container.append(element);
  const done = element.start(options);
  void done.then(
    () => element.remove(),
    () => element.remove(),
  );
  return done;
}

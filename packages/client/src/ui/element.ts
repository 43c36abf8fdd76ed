/**
 * `<cognate-sign-in>`: the drop-in sign-in as a custom element with its own shadow root (styles
 * kept in, theme through CSS custom properties). `start(options)` runs the flow and resolves with
 * the client's state once signed in; events `cognate-signed-in` and `cognate-cancel` tell the page.
 */
import { MobileClientError } from '../errors.js';
import { MobileClient } from '../mobile-client.js';
import { UserState } from '../types.js';
import { SignInFlow, describeError } from './flow.js';
import { SignInCancelledError, type SignInUIOptions } from './options.js';
import { LANGUAGES, pickLanguage, type UIStrings } from './strings.js';
import { STYLES } from './styles.js';
import { h, render, type Action, type Screen } from './view.js';

/**
 * The tag name {@link defineSignInElement} registers by default.
 *
 * @example
 * ```ts
 * document.createElement(SIGN_IN_TAG); // <cognate-sign-in>
 * ```
 */
export const SIGN_IN_TAG = 'cognate-sign-in';

// Outside a browser (a Node import of the package, server-side rendering) there is no HTMLElement:
// the class is still defined, and only constructing it would fail.
const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

interface Run {
  resolve(state: UserState): void;
  reject(error: unknown): void;
  canCancel: boolean;
  client: MobileClient;
}

/**
 * The drop-in sign-in element. Put it in the page (or let {@link showSignIn} do it) and call
 * {@link CognateSignInElement.start}.
 *
 * @example
 * ```ts
 * defineSignInElement();
 * const el = document.createElement('cognate-sign-in') as CognateSignInElement;
 * document.body.append(el);
 * const state = await el.start({ client, canCancel: true });
 * ```
 */
export class CognateSignInElement extends Base {
  readonly #card: HTMLElement;
  #run: Run | undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this.#card = h('div', { class: 'card', part: 'card' });
    root.append(h('style', {}, STYLES), this.#card);
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.#run?.canCancel) {
        event.preventDefault();
        this.cancel();
      }
    });
  }

  /**
   * Shows the sign-in screen and resolves with the client's state when the user is signed in
   * (`signedIn`), at once if they already are. Rejects with {@link SignInCancelledError} when the
   * user cancels (`canCancel`), and with `invalidState` before the client is initialised.
   *
   * @example
   * ```ts
   * const state = await el.start({ logoImage: '/logo.svg', locale: 'es' });
   * ```
   */
  start(options: SignInUIOptions = {}): Promise<UserState> {
    const client = options.client ?? MobileClient.default();
    if (client.currentUserState === UserState.unknown) return Promise.reject(new MobileClientError('invalidState', 'Initialise the client (initialize()) before showing the sign-in.'));
    if (client.isSignedIn) return Promise.resolve(client.currentUserState);
    this.#run?.reject(new SignInCancelledError());
    const nav = globalThis.navigator as Navigator | undefined;
    const lang = pickLanguage([options.locale, ...(nav?.languages ?? []), nav?.language]);
    const strings: UIStrings = { ...LANGUAGES[lang]!, ...options.strings };
    if (options.backgroundColor) this.style.setProperty('--cognate-background', options.backgroundColor);
    const chrome = {
      strings,
      lang,
      describe: (e: unknown) => describeError(e, strings),
      ...(options.logoImage ? { logoImage: options.logoImage } : {}),
      ...(options.logoAlt !== undefined ? { logoAlt: options.logoAlt } : {}),
    };
    return new Promise<UserState>((resolve, reject) => {
      const run: Run = { resolve, reject, canCancel: options.canCancel === true, client };
      this.#run = run;
      const cancel: Action = { id: 'cancel', label: strings.cancel, kind: 'secondary', run: () => this.cancel() };
      const flow = new SignInFlow(client, options, strings, {
        show: (screen: Screen) => {
          if (this.#run === run) render(this.#card, screen, chrome);
        },
        finish: (state) => {
          if (this.#run !== run) return;
          this.#run = undefined;
          this.dispatchEvent(new CustomEvent('cognate-signed-in', { detail: { state }, bubbles: true, composed: true }));
          resolve(state);
        },
        cancelAction: () => (run.canCancel ? cancel : undefined),
      });
      if (options.hostedUIOptions && !options.federatedProviders?.length) {
        // The seed's showSignIn(hostedUIOptions:): straight to the hosted UI, this screen only says so.
        render(this.#card, { id: 'redirecting', title: strings.signInTitle, status: strings.redirecting, ...(run.canCancel ? { cancel } : {}) }, chrome);
        flow.hostedUI(options.hostedUIOptions).catch((e: unknown) => {
          if (this.#run !== run) return;
          this.#run = undefined;
          reject(e);
        });
      } else {
        flow.signIn();
      }
    });
  }

  /**
   * Ends the sign-in as the Cancel button does: calls blocked on a sign-in are released
   * (`releaseSignInWait`), the promise of {@link start} rejects with {@link SignInCancelledError}.
   *
   * @example
   * ```ts
   * closeButton.onclick = () => el.cancel();
   * ```
   */
  cancel(): void {
    const run = this.#run;
    if (!run) return;
    this.#run = undefined;
    run.client.releaseSignInWait();
    this.dispatchEvent(new CustomEvent('cognate-cancel', { bubbles: true, composed: true }));
    run.reject(new SignInCancelledError());
  }
}

/**
 * Registers {@link CognateSignInElement} as `<cognate-sign-in>` (or `name`), once.
 *
 * @example
 * ```ts
 * defineSignInElement();
 * document.body.innerHTML = '<cognate-sign-in></cognate-sign-in>';
 * ```
 */
export function defineSignInElement(name = SIGN_IN_TAG): void {
  if (!customElements.get(name)) customElements.define(name, name === SIGN_IN_TAG ? CognateSignInElement : class extends CognateSignInElement {});
}

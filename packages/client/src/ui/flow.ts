/**
 * The drop-in's screens, one function each, and the step from a {@link SignInResult} to the next
 * screen. Every step is a call to the client's public API (MobileClient): the state machine, SRP,
 * challenges, tokens and listeners stay in the SDK; this module only asks and shows.
 */
import type { MobileClient } from '../mobile-client.js';
import type { AuthFactorType, CodeDeliveryDetails, SignInResult, UserState } from '../types.js';
import type { HostedUIOptions, PasswordlessFactor, SignInUIOptions } from './options.js';
import { totpQrCode } from './qr-svg.js';
import { format, type UIStrings } from './strings.js';
import { h, type Action, type Field, type Screen } from './view.js';

const MFA_TYPES = ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'] as const;

/** What the flow needs from the element: show a screen, end with a state, cancel. */
export interface FlowHost {
  show(screen: Screen): void;
  finish(state: UserState): void;
  cancelAction(): Action | undefined;
}

export class SignInFlow {
  /** The name typed on the sign-in or sign-up screen: the challenges and the TOTP label need it. */
  #username = '';
  /** The password of a sign-up being confirmed, to sign in once confirmed; dropped after. */
  #signUpPassword: string | undefined;

  constructor(
    private readonly client: MobileClient,
    private readonly options: SignInUIOptions,
    private readonly t: UIStrings,
    private readonly host: FlowHost,
  ) {}

  /** Shows the sign-in screen, with `status` above the button (e.g. "password changed"). */
  signIn(status?: string): void {
    const passwordless = this.options.passwordless ?? [];
    const federated = this.options.federatedProviders ?? [];
    const factorButtons: Action[] = passwordless.map((factor) => ({
      id: `passwordless-${factor}`,
      label: { WEB_AUTHN: this.t.signInWithPasskey, EMAIL_OTP: this.t.emailMeACode, SMS_OTP: this.t.textMeACode }[factor],
      kind: 'secondary',
      run: ({ username }) => this.#passwordless(factor, username ?? ''),
    }));
    const providerButtons: Action[] = federated.map((provider, i) => ({
      id: `provider-${i}`,
      label: format(this.t.signInWithProvider, { provider }),
      kind: 'secondary',
      run: () => this.hostedUI({ ...this.options.hostedUIOptions, identityProvider: provider }),
    }));
    this.#show({
      id: 'signIn',
      title: this.t.signInTitle,
      fields: [
        { name: 'username', label: this.t.username, autocomplete: passwordless.includes('WEB_AUTHN') ? 'username webauthn' : 'username', value: this.#username },
        // Optional here: a passwordless button needs the username only; the submit checks the password itself.
        { name: 'password', label: this.t.password, type: 'password', autocomplete: 'current-password', optional: passwordless.length > 0 },
      ],
      submit: {
        label: this.t.signIn,
        run: async ({ username, password }) => {
          this.#username = username!;
          if (!password) throw new UiError(format(this.t.errorRequired, { field: this.t.password }), 'password');
          await this.#signInWithPassword(username!, password);
        },
      },
      actions: [
        { id: 'forgot', label: this.t.forgotPassword, kind: 'link', run: ({ username }) => this.forgotPassword(username) },
        ...(this.options.signUp === false ? [] : [{ id: 'signUp', label: this.t.createAccount, kind: 'link' as const, run: () => this.signUp() }]),
      ],
      ...(factorButtons.length + providerButtons.length ? { others: { title: this.t.otherWays, actions: [...factorButtons, ...providerButtons] } } : {}),
      ...(status ? { status } : {}),
    });
  }

  signUp(): void {
    const wanted = typeof this.options.signUp === 'object' ? (this.options.signUp.attributes ?? ['email']) : ['email'];
    this.#show({
      id: 'signUp',
      title: this.t.signUpTitle,
      fields: [
        { name: 'username', label: this.t.username, autocomplete: 'username', value: this.#username },
        { name: 'password', label: this.t.password, type: 'password', autocomplete: 'new-password' },
        ...wanted.map((name) => this.#attributeField(name)),
      ],
      submit: {
        label: this.t.signUp,
        run: async (values) => {
          const { username, password } = values as { username: string; password: string };
          const userAttributes = Object.fromEntries(wanted.map((name) => [name, values[name]!]).filter(([, value]) => value));
          this.#username = username;
          const result = await this.client.signUp({ username, password, userAttributes });
          this.#signUpPassword = password;
          if (result.signUpConfirmationState === 'confirmed') return this.#afterConfirmation(result.canAutoSignIn === true);
          this.#confirmSignUp(result.codeDeliveryDetails);
        },
      },
      actions: [{ id: 'haveAccount', label: this.t.haveAccount, kind: 'link', run: () => this.signIn() }],
    });
  }

  forgotPassword(username?: string): void {
    if (username) this.#username = username;
    this.#show({
      id: 'forgotPassword',
      title: this.t.forgotTitle,
      fields: [{ name: 'username', label: this.t.username, autocomplete: 'username', value: this.#username }],
      submit: {
        label: this.t.sendCode,
        run: async ({ username }) => {
          this.#username = username!;
          const result = await this.client.forgotPassword(username!);
          this.#resetPassword(result.codeDeliveryDetails);
        },
      },
      actions: [this.#backToSignIn()],
    });
  }

  #resetPassword(delivery: CodeDeliveryDetails | undefined): void {
    this.#show({
      id: 'resetPassword',
      title: this.t.resetTitle,
      intro: [this.#sentTo(delivery)],
      fields: [this.#codeField(), ...this.#newPasswordFields()],
      submit: {
        label: this.t.setPassword,
        run: async ({ code, newPassword, confirmPassword }) => {
          this.#samePasswords(newPassword!, confirmPassword!);
          await this.client.confirmForgotPassword(this.#username, newPassword!, code!);
          this.signIn(this.t.passwordChanged);
        },
      },
      actions: [this.#backToSignIn()],
    });
  }

  #confirmSignUp(delivery: CodeDeliveryDetails | undefined, status?: string): void {
    this.#show({
      id: 'confirmSignUp',
      title: this.t.confirmSignUpTitle,
      intro: [this.#sentTo(delivery)],
      fields: [this.#codeField()],
      submit: {
        label: this.t.confirm,
        run: async ({ code }) => {
          const result = await this.client.confirmSignUp(this.#username, code!);
          await this.#afterConfirmation(result.canAutoSignIn === true);
        },
      },
      actions: [
        {
          id: 'resend',
          label: this.t.resendCode,
          kind: 'secondary',
          run: async () => {
            const result = await this.client.resendSignUpCode(this.#username);
            this.#confirmSignUp(delivery, result.codeDeliveryDetails?.destination ? format(this.t.codeResentTo, { destination: result.codeDeliveryDetails.destination }) : this.t.codeSent);
          },
        },
        this.#backToSignIn(),
      ],
      ...(status ? { status } : {}),
    });
  }

  /** Confirmed: sign in with the sign-up's Session (autoSignIn) or its password; else ask. */
  async #afterConfirmation(canAutoSignIn: boolean): Promise<void> {
    const password = this.#signUpPassword;
    this.#signUpPassword = undefined;
    if (canAutoSignIn) return this.#next(await this.client.autoSignIn());
    if (password !== undefined) return this.#signInWithPassword(this.#username, password);
    this.signIn(this.t.accountConfirmed);
  }

  async #signInWithPassword(username: string, password: string): Promise<void> {
    let result: SignInResult;
    try {
      result = await this.client.signIn({ username, password });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'userNotConfirmed') {
        const sent = await this.client.resendSignUpCode(username);
        this.#signUpPassword = password;
        return this.#confirmSignUp(sent.codeDeliveryDetails);
      }
      if (code === 'passwordResetRequired') return this.#resetPassword((await this.client.forgotPassword(username)).codeDeliveryDetails);
      throw e;
    }
    // A USER_AUTH configuration offers a choice of first factor: the password the user typed answers it.
    if (result.signInState === 'selectChallenge') {
      const factor = (['PASSWORD_SRP', 'PASSWORD'] as const).find((f) => result.availableChallenges?.includes(f));
      if (factor) result = await this.client.selectChallenge(factor, { password });
    }
    return this.#next(result);
  }

  async #passwordless(factor: PasswordlessFactor, username: string): Promise<void> {
    if (!username) throw new UiError(format(this.t.errorRequired, { field: this.t.username }), 'username');
    this.#username = username;
    return this.#next(await this.client.signIn({ username, authFlowType: 'USER_AUTH', preferredChallenge: factor }));
  }

  /** Signs in through the hosted UI (the client's `signInWithHostedUI`), e.g. at a federated provider. */
  async hostedUI(options: HostedUIOptions): Promise<void> {
    // In a browser the page goes to the hosted UI and this promise does not settle: the app calls
    // handleAuthResponse() when it loads again. Elsewhere (a redirectReceiver) it settles here.
    this.host.finish(await this.client.signInWithHostedUI(options));
  }

  /** The screen for what the server asks next. */
  #next(result: SignInResult): void {
    const params = result.parameters;
    switch (result.signInState) {
      case 'signedIn':
        return this.host.finish(this.client.currentUserState);
      case 'smsMFA':
      case 'softwareTokenMFA':
      case 'emailOTP':
      case 'smsOTP':
        return this.#code(result);
      case 'selectMFAType':
        return this.#choose(this.t.selectMFATitle, list(params.MFAS_CAN_CHOOSE).filter(isMfaType), (type) => this.t[`mfa${type}`], async (type) => this.#next(await this.client.confirmSignIn(type)));
      case 'mfaSetup': {
        // The client can set up TOTP (a secret to scan) and email (an address); SMS needs a verified phone number beforehand.
        const offered = list(params.MFAS_CAN_SETUP).filter((type): type is 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP' => type === 'SOFTWARE_TOKEN_MFA' || type === 'EMAIL_OTP');
        if (offered.length > 1) return this.#choose(this.t.selectMFATitle, offered, (type) => this.t[`mfa${type}`], (type) => this.#setUp(type));
        return void this.#setUp(offered[0] ?? 'SOFTWARE_TOKEN_MFA');
      }
      case 'newPasswordRequired':
        return this.#newPassword(list(params.requiredAttributes).map((a) => a.replace(/^userAttributes\./, '')));
      case 'selectChallenge': {
        const factors = [...new Set((result.availableChallenges ?? []).map((f) => (f === 'PASSWORD_SRP' ? 'PASSWORD' : f)))] as AuthFactorType[];
        return this.#choose(this.t.selectChallengeTitle, factors, (f) => this.t[`factor${f as Exclude<AuthFactorType, 'PASSWORD_SRP'>}`], (f) => this.#selectFactor(f, result.availableChallenges ?? []));
      }
      case 'customChallenge': {
        const prompt = this.options.customChallengePrompt?.(params);
        return this.#show({
          id: 'customChallenge',
          title: this.t.customTitle,
          ...(typeof prompt === 'string' && prompt ? { intro: [prompt] } : {}),
          fields: [{ name: 'answer', label: this.t.answer }],
          submit: { label: this.t.continue, run: async ({ answer }) => this.#next(await this.client.confirmSignIn(answer!)) },
          actions: [this.#backToSignIn()],
        });
      }
      default:
        throw new UiError(format(this.t.errorOther, { message: result.signInState }));
    }
  }

  async #selectFactor(factor: AuthFactorType, offered: AuthFactorType[]): Promise<void> {
    if (factor !== 'PASSWORD') return this.#next(await this.client.selectChallenge(factor));
    const which = offered.includes('PASSWORD_SRP') ? 'PASSWORD_SRP' : 'PASSWORD';
    this.#show({
      id: 'password',
      title: this.t.signInTitle,
      fields: [{ name: 'password', label: this.t.password, type: 'password', autocomplete: 'current-password' }],
      submit: { label: this.t.signIn, run: async ({ password }) => this.#next(await this.client.selectChallenge(which, { password: password! })) },
    });
  }

  #code(result: SignInResult): void {
    const totp = result.signInState === 'softwareTokenMFA';
    this.#show({
      id: result.signInState,
      title: this.t.codeTitle,
      intro: totp ? [] : [this.#sentTo(result.codeDetails)],
      fields: [this.#codeField(totp ? this.t.totpCode : this.t.code)],
      submit: { label: this.t.confirm, run: async ({ code }) => this.#next(await this.client.confirmSignIn(code!)) },
      actions: [this.#backToSignIn()],
    });
  }

  async #setUp(type: 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP'): Promise<void> {
    if (type === 'EMAIL_OTP') {
      return this.#show({
        id: 'emailSetup',
        title: this.t.emailSetupTitle,
        intro: [this.t.emailSetupInstructions],
        fields: [this.#attributeField('email')],
        submit: { label: this.t.continue, run: async ({ email }) => this.#next(await this.client.confirmSignIn(email!)) },
      });
    }
    const secret = await this.client.associateSoftwareToken();
    const issuer = this.options.totpIssuer ?? (globalThis.location?.hostname || 'Cognate');
    const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(this.#username)}`;
    // Key URI Format (github.com/google/google-authenticator/wiki/Key-Uri-Format): issuer in the label and as a parameter.
    const uri = `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
    this.#show({
      id: 'totpSetup',
      title: this.t.totpSetupTitle,
      intro: [this.t.totpInstructions],
      body: [
        totpQrCode(uri, this.t.qrCode),
        h('p', {}, `${this.t.secretKey}:`),
        h('code', { class: 'secret', id: 'totp-secret' }, secret.replace(/(.{4})(?=.)/g, '$1 ')),
        h('p', {}, h('a', { href: uri, id: 'totp-uri' }, this.t.openInAuthenticator)),
      ],
      fields: [this.#codeField(this.t.totpCode)],
      submit: { label: this.t.confirm, run: async ({ code }) => this.#next(await this.client.confirmSignIn(code!)) },
    });
  }

  #newPassword(required: string[]): void {
    this.#show({
      id: 'newPassword',
      title: this.t.newPasswordTitle,
      fields: [...this.#newPasswordFields(), ...required.map((name) => this.#attributeField(name))],
      submit: {
        label: this.t.setPassword,
        run: async (values) => {
          this.#samePasswords(values.newPassword!, values.confirmPassword!);
          const userAttributes = Object.fromEntries(required.map((name) => [name, values[name]!]));
          this.#next(await this.client.confirmSignIn(values.newPassword!, { userAttributes }));
        },
      },
    });
  }

  #choose<T extends string>(title: string, choices: T[], label: (choice: T) => string, pick: (choice: T) => unknown): void {
    this.#show({ id: 'choose', title, actions: choices.map((choice) => ({ id: `choose-${choice}`, label: label(choice), kind: 'secondary' as const, run: () => pick(choice) })) });
  }

  /** A challenge's session can end (too many wrong answers, expired): the way back to start again. */
  #backToSignIn(): Action {
    return { id: 'back', label: this.t.backToSignIn, kind: 'link', run: () => this.signIn() };
  }

  #show(screen: Screen): void {
    const cancel = this.host.cancelAction();
    this.host.show(cancel ? { ...screen, cancel } : screen);
  }

  #sentTo(delivery: CodeDeliveryDetails | undefined): string {
    return delivery?.destination ? format(this.t.codeSentTo, { destination: delivery.destination }) : this.t.codeSent;
  }

  #codeField(label = this.t.code): Field {
    return { name: 'code', label, autocomplete: 'one-time-code', inputMode: 'numeric' };
  }

  #newPasswordFields(): Field[] {
    return [
      { name: 'newPassword', label: this.t.newPassword, type: 'password', autocomplete: 'new-password' },
      { name: 'confirmPassword', label: this.t.confirmPassword, type: 'password', autocomplete: 'new-password' },
    ];
  }

  #samePasswords(a: string, b: string): void {
    if (a !== b) throw new UiError(this.t.errorPasswordsDiffer);
  }

  #attributeField(name: string): Field {
    const known: Record<string, Omit<Field, 'name'>> = {
      email: { label: this.t.attrEmail, type: 'email', autocomplete: 'email', inputMode: 'email' },
      phone_number: { label: this.t.attrPhone, type: 'tel', autocomplete: 'tel', inputMode: 'tel' },
      name: { label: this.t.attrName, autocomplete: 'name' },
      given_name: { label: this.t.attrGivenName, autocomplete: 'given-name' },
      family_name: { label: this.t.attrFamilyName, autocomplete: 'family-name' },
      nickname: { label: this.t.attrNickname, autocomplete: 'nickname' },
      birthdate: { label: this.t.attrBirthdate, type: 'date', autocomplete: 'bday' },
    };
    return { name, ...(known[name] ?? { label: name }) };
  }
}

/** An error the UI raises itself (a check before any call), shown as it is. */
export class UiError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The sentence for an error (and the field it is about): ours as they are, the client's by code in the user's language. */
export function describeError(error: unknown, t: UIStrings): { message: string; field?: string } {
  if (error instanceof UiError) return { message: error.message, ...(error.field ? { field: error.field } : {}) };
  return { message: clientErrorMessage(error, t) };
}

function clientErrorMessage(error: unknown, t: UIStrings): string {
  const { code, message = String(error) } = error as { code?: string; message?: string };
  switch (code) {
    case 'notAuthorized':
    case 'userNotFound':
      return t.errorNotAuthorized;
    case 'codeMismatch':
    case 'enableSoftwareTokenMFA':
      return t.errorCodeMismatch;
    case 'expiredCode':
      return t.errorExpiredCode;
    case 'usernameExists':
      return t.errorUsernameExists;
    case 'invalidPassword':
      return format(t.errorInvalidPassword, { message });
    case 'invalidParameter':
      return format(t.errorInvalidParameter, { message });
    case 'limitExceeded':
    case 'tooManyRequests':
    case 'tooManyFailedAttempts':
      return t.errorTooManyRequests;
    case 'network':
      return t.errorNetwork;
    case 'webAuthnCancelled':
      return t.errorPasskeyCancelled;
    case 'webAuthnNotSupported':
      return t.errorPasskeyUnsupported;
    default:
      return format(t.errorOther, { message });
  }
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isMfaType(value: string): value is (typeof MFA_TYPES)[number] {
  return (MFA_TYPES as readonly string[]).includes(value);
}

/**
 * The views of choice-based sign-in on the hosted pages (Cognito's managed login with
 * AllowedFirstAuthFactors beyond a password): the username form, the choice of factor (USER_AUTH's
 * SELECT_CHALLENGE), the password after choosing it, the one-time code page (EMAIL_OTP / SMS_OTP as
 * the first factor, with a new code on request) and the passkey page (WEB_AUTHN, with its script).
 * Each form posts to `/login` with the OAuth request's query; the handlers are in passwordless.ts.
 * What a form carries back for showing the page again (the factors offered, the challenge's
 * parameters) is display only: every check is made again from the sealed Session.
 */
import type { AuthResponse } from '../../../domain/sign-in/types.js';
import type { FirstChallenge } from '../../../domain/user-auth-factors.js';
import { formTargetOf, type AuthorizeRequest } from '../authorize-request.js';
import { html, type Html } from '../html.js';
import { format, type Messages } from '../i18n/index.js';
import { choices, field, form, link, paragraph } from '../layout.js';
import type { PageRequest } from '../page.js';
import { PASSKEY_SCRIPT } from '../passkey-script.js';

/** The factors as a page offers them, in this order; PASSWORD_SRP is the same password on a page. */
const FACTOR_ORDER: readonly FirstChallenge[] = ['WEB_AUTHN', 'EMAIL_OTP', 'SMS_OTP', 'PASSWORD'];
const FACTOR_LABELS: Readonly<Record<string, keyof Messages>> = { WEB_AUTHN: 'factorPasskey', EMAIL_OTP: 'factorEmailOtp', SMS_OTP: 'factorSmsOtp', PASSWORD: 'factorPassword' };

/** AvailableChallenges (or a form's copy of them) as the factors a page offers. */
export function offeredFactors(available: readonly unknown[]): FirstChallenge[] {
  return FACTOR_ORDER.filter((f) => available.includes(f) || (f === 'PASSWORD' && available.includes('PASSWORD_SRP')));
}

const action = (request: AuthorizeRequest) => `/login?${request.query}`;

async function show(page: PageRequest, request: AuthorizeRequest, view: { title: string; body: Html; error?: string | undefined; script?: string }): Promise<Response> {
  return page.render(
    { title: view.title, body: view.body, errors: view.error ? [view.error] : [], ...(view.script ? { script: view.script } : {}) },
    { status: view.error ? 400 : 200, branding: await page.branding(request.party), formTargets: formTargetOf(request.redirectUri) },
  );
}

/** The first form of choice-based sign-in: the username alone (the login page's form in this mode). */
export function identifyForm(page: PageRequest, request: AuthorizeRequest, opts: { error?: string | undefined; username?: string | undefined }): Html {
  const { t } = page;
  return html`${paragraph(t.passwordlessIntro)}
${form({
  action: action(request),
  csrf: page.csrfToken(),
  submit: t.next,
  label: t.signIn,
  hidden: { step: 'identify' },
  body: field({ name: 'username', label: t.username, autocomplete: 'username webauthn', required: true, value: opts.username ?? request.loginHint, autofocus: true, ...(opts.error ? { error: opts.error } : {}) }),
})}`;
}

/** What the choice and password pages carry: SELECT_CHALLENGE's Session, the name, the factors offered. */
export interface ChoiceState {
  session: string;
  username: string;
  factors: FirstChallenge[];
}

const choiceHidden = (s: ChoiceState) => ({ challenge: 'SELECT_CHALLENGE', session: s.session, username: s.username, factors: JSON.stringify(s.factors) });

/** SELECT_CHALLENGE: the factors this user may use, as Cognito's managed login offers them after the username. */
export async function choiceView(page: PageRequest, request: AuthorizeRequest, s: ChoiceState, error?: string): Promise<Response> {
  const { t } = page;
  const options = s.factors.map((f, i) => ({ value: f, label: t[FACTOR_LABELS[f]!], checked: i === 0 }));
  const body = html`${paragraph(format(t.chooseFactorIntro, { username: s.username }))}
${form({ action: action(request), csrf: page.csrfToken(), submit: t.next, hidden: choiceHidden(s), body: choices('factor', t.chooseFactorLegend, options, true) })}
<p>${link(action(request), t.otherAccount)}</p>`;
  return show(page, request, { title: t.chooseFactorHeading, body, error });
}

/** The password, once chosen (answered with SELECT_CHALLENGE's ANSWER=PASSWORD). */
export async function passwordView(page: PageRequest, request: AuthorizeRequest, s: ChoiceState, error?: string): Promise<Response> {
  const { t } = page;
  const body = html`${paragraph(format(t.passwordForIntro, { username: s.username }))}
${form({
  action: action(request),
  csrf: page.csrfToken(),
  submit: t.signIn,
  hidden: { ...choiceHidden(s), factor: 'PASSWORD' },
  body: field({ name: 'password', label: t.password, type: 'password', autocomplete: 'current-password', required: true, autofocus: true, ...(error ? { error } : {}) }),
})}
${s.factors.length > 1 ? html`<p>${link(action(request), t.otherSignInOptions)}</p>` : ''}`;
  return show(page, request, { title: t.pageTitle, body, error });
}

export interface ChallengeInput {
  response: AuthResponse;
  username: string;
  error?: string | undefined;
}

/** The challenge's parameters a re-asked page needs (where the code went; the passkey options). */
const shownParams = (params: Record<string, string>, keys: readonly string[]) => JSON.stringify(Object.fromEntries(keys.filter((k) => params[k] !== undefined).map((k) => [k, params[k]!])));

/** EMAIL_OTP / SMS_OTP as the first factor: the code, and a form asking for a new one. */
export async function otpView(page: PageRequest, request: AuthorizeRequest, input: ChallengeInput): Promise<Response> {
  const { t } = page;
  const name = input.response.ChallengeName as 'EMAIL_OTP' | 'SMS_OTP';
  const params = input.response.ChallengeParameters;
  const intro = format(name === 'SMS_OTP' ? t.smsMfaIntro : t.emailOtpIntro, { destination: params.CODE_DELIVERY_DESTINATION ?? '' });
  const body = html`${paragraph(intro)}
${form({
  action: action(request),
  csrf: page.csrfToken(),
  submit: t.signIn,
  label: t.code,
  hidden: { challenge: name, first: '1', session: input.response.Session, username: input.username, params: shownParams(params, ['CODE_DELIVERY_DESTINATION']) },
  body: field({ name: 'code', label: t.code, autocomplete: 'one-time-code', inputmode: 'numeric', required: true, autofocus: true, maxlength: 8, ...(input.error ? { error: input.error } : {}) }),
})}
${form({ action: action(request), csrf: page.csrfToken(), submit: t.resendCode, label: t.resendCode, hidden: { step: 'resend', factor: name, username: input.username }, body: '', secondary: true })}
<p>${link(action(request), t.otherSignInOptions)}</p>`;
  return show(page, request, { title: t.mfaHeading, body, error: input.error });
}

/**
 * WEB_AUTHN: the CREDENTIAL_REQUEST_OPTIONS in the page for its script (passkey-script.ts), which
 * puts the browser's assertion into the form's `credential` field and submits it.
 */
export async function passkeyView(page: PageRequest, request: AuthorizeRequest, input: ChallengeInput): Promise<Response> {
  const { t } = page;
  const params = input.response.ChallengeParameters;
  const options = params.CREDENTIAL_REQUEST_OPTIONS ?? '{}';
  const body = html`${paragraph(t.passkeyIntro)}
${form({
  action: action(request),
  csrf: page.csrfToken(),
  submit: t.passkeyButton,
  label: t.passkeyHeading,
  hidden: { challenge: 'WEB_AUTHN', session: input.response.Session, username: input.username, credential: '', params: shownParams(params, ['CREDENTIAL_REQUEST_OPTIONS']) },
  body: html`<div id="passkey-options" data-options="${options}" hidden></div>
<p class="field-error errorMessage-customizable" id="passkey-status" role="status" data-failed="${t.passkeyFailed}" data-unsupported="${t.passkeyUnsupported}"></p>`,
})}
<p>${link(action(request), t.otherSignInOptions)}</p>`;
  return show(page, request, { title: t.passkeyHeading, body, error: input.error, script: PASSKEY_SCRIPT });
}

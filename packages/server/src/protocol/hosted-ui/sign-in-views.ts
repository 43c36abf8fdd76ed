/**
 * The sign-in pages' views: the username and password form, and one form per challenge the
 * pipeline can ask a hosted sign-in (NEW_PASSWORD_REQUIRED, SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA,
 * SELECT_MFA_TYPE, MFA_SETUP). A challenge form carries the challenge's sealed `Session`, its name
 * and the username in hidden fields, and posts to `/login` with the OAuth request's query string.
 */
import QRCode from 'qrcode';
import { associateWithSession } from '../../domain/sign-in/challenges/mfa-setup.js';
import type { UserPool } from '../../domain/user-pools.js';
import type { AuthResponse } from '../../domain/sign-in/types.js';
import { html, type Html } from './html.js';
import { format, type Messages } from './i18n/index.js';
import { choices, field, form, link, paragraph } from './layout.js';
import { formTargetOf, type AuthorizeRequest } from './authorize-request.js';
import type { PageRequest } from './page.js';
import { offersPasswordless } from '../../domain/oauth/hosted-sign-in.js';
import { identifyForm } from './pages/passwordless-views.js';
import { providerButtons } from './provider-buttons.js';

export const loginAction = (request: AuthorizeRequest) => `/login?${request.query}`;

export async function show(page: PageRequest, request: AuthorizeRequest, title: string, body: Html, errors: string[] = [], status: 200 | 400 = 200, wide = false): Promise<Response> {
  return page.render(
    { title, body, errors, ...(wide ? { width: 'wide' as const } : {}) },
    { status, branding: await page.branding(request.party), formTargets: formTargetOf(request.redirectUri) },
  );
}

/** The username and password form (Cognito's `/login`). */
export async function loginView(page: PageRequest, request: AuthorizeRequest, opts: { error?: string; username?: string } = {}): Promise<Response> {
  const { t } = page;
  const errors = opts.error ? [opts.error] : [];
  const { pool } = request.party;
  const links: Html[] = [];
  if (page.ui.paths.has('/forgotPassword')) links.push(html`<p>${link(`/forgotPassword?${request.query}`, t.forgotPassword)}</p>`);
  if (page.ui.paths.has('/signup') && !pool.settings.AdminCreateUserConfig.AllowAdminCreateUserOnly) {
    links.push(html`<p>${t.needAccount} ${link(`/signup?${request.query}`, t.signUp)}</p>`);
  }
  const buttons = providerButtons(page, request);
  // Only external providers: their buttons and nothing else (no password form, no account links).
  if (!request.cognito) return show(page, request, t.pageTitle, buttons, errors, opts.error ? 400 : 200);
  // Choice-based sign-in (pages/passwordless.ts) asks for the username first.
  const passwordless = offersPasswordless(pool, request.party.client);
  const body = html`${buttons}${passwordless ? identifyForm(page, request, opts) : html`${paragraph(t.signInHeading)}
${form({
  action: loginAction(request),
  csrf: page.csrfToken(),
  submit: t.signIn,
  label: t.signIn,
  body: html`${field({ name: 'username', label: t.username, autocomplete: 'username', required: true, value: opts.username ?? request.loginHint, autofocus: true, ...(opts.error ? { error: opts.error } : {}) })}
${field({ name: 'password', label: t.password, type: 'password', autocomplete: 'current-password', required: true })}`,
})}`}
${links}`;
  return show(page, request, t.pageTitle, body, errors, opts.error ? 400 : 200);
}

export function passwordHints(t: Messages, pool: UserPool): Html {
  const p = pool.settings.Policies.PasswordPolicy;
  const rules = [format(t.ruleMinLength, { n: p.MinimumLength }), p.RequireLowercase && t.ruleLowercase, p.RequireUppercase && t.ruleUppercase, p.RequireNumbers && t.ruleNumber, p.RequireSymbols && t.ruleSymbol].filter((r): r is string => typeof r === 'string');
  return html`<div class="hint" id="password-rules"><p>${t.passwordRules}:</p><ul>${rules.map((r) => html`<li>${r}</li>`)}</ul></div>`;
}

/** A human label for a required attribute: `userAttributes.given_name` → "given name". */
const attributeLabel = (name: string) => name.replace(/^userAttributes\./, '').replace(/^custom:/, '').replace(/_/g, ' ');

const MFA_LABELS: Record<string, keyof Messages> = { SMS_MFA: 'mfaSms', SOFTWARE_TOKEN_MFA: 'mfaTotp', EMAIL_OTP: 'mfaEmail' };

function parseList(json: string | undefined): string[] {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The challenge parameters the views show. */
const DISPLAYED = ['CODE_DELIVERY_DESTINATION', 'requiredAttributes', 'MFAS_CAN_SETUP', 'MFAS_CAN_CHOOSE'] as const;

export interface ChallengeViewInput {
  response: AuthResponse;
  username: string;
  error?: string | undefined;
  /** MFA_SETUP: the secret already associated with this Session (shown again after a wrong code) */
  totpSecret?: string | undefined;
}

/** The page for the challenge the pipeline asked. */
export async function challengeView(page: PageRequest, request: AuthorizeRequest, input: ChallengeViewInput): Promise<Response> {
  const { t } = page;
  const { response, username } = input;
  const name = response.ChallengeName!;
  const params = response.ChallengeParameters;
  const errors = input.error ? [input.error] : [];
  const status = input.error ? 400 : 200;
  // What a re-asked page needs to show again; nothing else of the parameters (userAttributes …) goes into the page.
  const shown = Object.fromEntries(DISPLAYED.filter((k) => params[k] !== undefined).map((k) => [k, params[k]!]));
  const hidden: Record<string, string | undefined> = { challenge: name, session: response.Session, username, params: JSON.stringify(shown) };
  const codeField = (fieldName: string) => field({ name: fieldName, label: t.code, autocomplete: 'one-time-code', inputmode: 'numeric', required: true, autofocus: true, maxlength: 8, ...(input.error ? { error: input.error } : {}) });
  const make = (body: Html, submit: string, extraHidden: Record<string, string | undefined> = {}) =>
    form({ action: loginAction(request), csrf: page.csrfToken(), submit, body, hidden: { ...hidden, ...extraHidden } });

  switch (name) {
    case 'NEW_PASSWORD_REQUIRED': {
      const required = parseList(params.requiredAttributes);
      const body = html`${paragraph(t.newPasswordIntro)}${passwordHints(t, request.party.pool)}
${make(
  html`${field({ name: 'new_password', label: t.newPassword, type: 'password', autocomplete: 'new-password', required: true, autofocus: true, hint: undefined, ...(input.error ? { error: input.error } : {}) })}
${field({ name: 'confirm_password', label: t.confirmPassword, type: 'password', autocomplete: 'new-password', required: true })}
${required.length ? html`<p>${t.requiredAttributes}:</p>${required.map((a) => field({ name: a.startsWith('userAttributes.') ? a : `userAttributes.${a}`, label: attributeLabel(a), required: true }))}` : ''}`,
  t.submit,
)}`;
      return show(page, request, t.newPasswordHeading, body, errors, status);
    }
    case 'SMS_MFA':
    case 'EMAIL_OTP': {
      const intro = format(name === 'SMS_MFA' ? t.smsMfaIntro : t.emailOtpIntro, { destination: params.CODE_DELIVERY_DESTINATION ?? '' });
      return show(page, request, t.mfaHeading, html`${paragraph(intro)}${make(codeField('code'), t.verify)}`, errors, status);
    }
    case 'SOFTWARE_TOKEN_MFA':
      return show(page, request, t.mfaHeading, html`${paragraph(t.totpIntro)}${make(codeField('code'), t.verify)}`, errors, status);
    case 'SELECT_MFA_TYPE': {
      const options = parseList(params.MFAS_CAN_CHOOSE).filter((o) => Object.hasOwn(MFA_LABELS, o));
      const body = html`${make(choices('mfa_type', t.selectMfaIntro, options.map((o) => ({ value: o, label: t[MFA_LABELS[o]!] })), true), t.submit)}`;
      return show(page, request, t.selectMfaHeading, body, errors, status);
    }
    case 'MFA_SETUP': {
      const canSetUp = parseList(params.MFAS_CAN_SETUP);
      if (!canSetUp.includes('SOFTWARE_TOKEN_MFA')) {
        // Email as the factor: the address, then an EMAIL_OTP challenge.
        const body = html`${paragraph(t.mfaSetupEmailIntro)}${make(field({ name: 'email', label: t.emailAddress, type: 'email', autocomplete: 'email', required: true, autofocus: true, ...(input.error ? { error: input.error } : {}) }), t.sendCode, { setup: 'EMAIL' })}`;
        return show(page, request, t.mfaHeading, body, errors, status);
      }
      let secret = input.totpSecret;
      let session = response.Session;
      if (!secret) {
        const associated = await associateWithSession(page.cognate, response.Session ?? '');
        secret = associated.SecretCode;
        session = associated.Session;
      }
      const issuer = request.party.pool.name;
      const uri = `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(username)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const qr = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      const body = html`${paragraph(t.mfaSetupIntro)}
<img class="qr" src="${qr}" alt="${t.mfaSetupQrAlt}">
<p>${format(t.mfaSetupSecret, { secret: '' })}<span class="secret" id="totp-secret">${secret}</span></p>
${make(codeField('code'), t.verify, { session, setup: 'TOTP', secret })}`;
      return show(page, request, t.mfaSetupHeading, body, errors, status, true);
    }
    default:
      // CUSTOM_CHALLENGE and the device challenges never come from the hosted password flow.
      return page.errorPage(t.genericFailure, 400, await page.branding(request.party));
  }
}

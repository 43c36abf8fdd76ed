/**
 * `/signup` and `/confirmUser`: self sign-up on the hosted UI, as Cognito's managed login has it.
 *
 * - `GET /signup` (linked from /login when the pool allows self sign-up): the username (or email /
 *   phone number in a pool that signs in with them), the password with the pool's policy, the
 *   pool's required attributes and those the client may write, the client's terms.
 *   `POST /signup` runs SignUp's domain function (hosted-account.ts): triggers, validation, the
 *   code or link message. Then the code form — or, when PreSignUp confirmed the user, the sign-in
 *   goes straight on to the client's redirect URI with a code.
 * - `POST /confirmUser` takes the code (ConfirmSignUp), signs the person in (the sign-up's ticket:
 *   hosted-account.ts) and ends as a sign-in does; or sends a new code (ResendConfirmationCode).
 *   `GET /confirmUser` with the OAuth parameters shows the code form.
 * - `GET /confirmUser?client_id=…&user_name=…&confirmation_code=…` is the link of a
 *   CONFIRM_WITH_LINK email: it confirms the user (the code is single use). Any failure shows the
 *   same error page, whoever the name is (no enumeration).
 */
import { CognitoError } from '../../../errors.js';
import { resolveOAuthClient } from '../../../domain/oauth/clients.js';
import { hostedConfirmSignUp, hostedResendCode, hostedSignUp, signInWithTicket } from '../../../domain/oauth/hosted-account.js';
import { confirmsWithLink, type CodeDeliveryDetails } from '../../../domain/messages.js';
import type { AppClient } from '../../../domain/app-clients.js';
import type { AttributeType } from '../../../domain/users.js';
import type { SchemaAttribute, UserPool } from '../../../domain/user-pools.js';
import { html, type Html } from '../html.js';
import { format, type Messages } from '../i18n/index.js';
import { choices, field, form, link, paragraph } from '../layout.js';
import type { AuthorizeRequest } from '../authorize-request.js';
import { passwordHints, show } from '../sign-in-views.js';
import { pageHandler, type HostedPage, type PageRequest } from '../page.js';
import { MAX_CODE, MAX_PASSWORD, MAX_USERNAME, MAX_VALUE, accountFailure, notice, readField, usernameLabel, type FieldErrors } from '../account-views.js';
import { afterStep } from './sign-in.js';
import { termsLinksFor } from '../../../domain/oauth/terms.js';
import type { OAuthParty } from '../../../domain/oauth/clients.js';
import { safeUrl } from '../html.js';

const ACCOUNTS = { userPoolAccounts: true } as const;

/** Attributes a sign-up never sets itself. */
const NOT_ON_FORM = new Set(['sub', 'email_verified', 'phone_number_verified', 'updated_at', 'identities']);
const ATTRIBUTE_FIELD = 'userAttributes.';

/**
 * The attributes the sign-up form asks for: the pool's required ones, and those the client may
 * write (WriteAttributes). A client without WriteAttributes may write every attribute; its form
 * asks for the required ones, those the pool verifies (where the code goes) and the pool's custom
 * attributes. Username attributes (email, phone
 * number) are asked as the username.
 */
export function signUpAttributes(pool: UserPool, client: AppClient): SchemaAttribute[] {
  const write = client.settings.WriteAttributes;
  const usernameAttrs = pool.settings.UsernameAttributes ?? [];
  // Where the confirmation code goes (email, phone number): asked too, or no one could confirm.
  const verified = pool.settings.AutoVerifiedAttributes ?? [];
  return pool.settings.SchemaAttributes.filter((a) => {
    if (NOT_ON_FORM.has(a.Name) || a.DeveloperOnlyAttribute || usernameAttrs.includes(a.Name)) return false;
    if (write && write.length > 0) return write.includes(a.Name) || a.Required;
    return a.Required || verified.includes(a.Name) || a.Name.startsWith('custom:');
  });
}

/** The client's terms of use and privacy policy in the page's language (http(s) links only). */
async function termsFor(page: PageRequest, party: OAuthParty): Promise<{ label: string; url: string }[]> {
  const links = await termsLinksFor(page.cognate, party.pool, party.client, page.lang);
  return links.flatMap((l) => {
    const url = safeUrl(l.url);
    return url ? [{ label: l.kind === 'terms-of-use' ? page.t.termsOfUse : page.t.privacyPolicy, url }] : [];
  });
}

function attributeLabel(t: Messages, name: string): string {
  const key = `attr_${name}` as keyof Messages;
  return Object.hasOwn(t, key) ? t[key] : name.replace(/^custom:/, '').replace(/_/g, ' ');
}

const AUTOCOMPLETE: Readonly<Record<string, string>> = {
  email: 'email', phone_number: 'tel', given_name: 'given-name', family_name: 'family-name', middle_name: 'additional-name', name: 'name', nickname: 'nickname',
  birthdate: 'bday', address: 'street-address', gender: 'sex', locale: 'language', website: 'url', picture: 'photo', profile: 'url', preferred_username: 'username',
};

function maxLength(a: SchemaAttribute): number {
  const n = Number(a.StringAttributeConstraints?.MaxLength);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_VALUE) : MAX_VALUE;
}

function attributeField(t: Messages, a: SchemaAttribute, value: string | undefined, error: string | undefined, autofocus: boolean): Html {
  const name = ATTRIBUTE_FIELD + a.Name;
  const label = a.Required ? attributeLabel(t, a.Name) : `${attributeLabel(t, a.Name)} ${t.optional}`;
  if (a.AttributeDataType === 'Boolean') {
    return html`${choices(name, label, [{ value: 'true', label: t.yes, checked: value === 'true' }, { value: 'false', label: t.no, checked: value === 'false' }], autofocus)}${error ? html`<p class="field-error">${error}</p>` : ''}`;
  }
  const type = a.Name === 'email' ? 'email' : a.Name === 'phone_number' ? 'tel' : a.AttributeDataType === 'Number' ? 'number' : 'text';
  return field({
    name,
    label,
    type,
    required: a.Required,
    maxlength: maxLength(a),
    autofocus,
    ...(value !== undefined ? { value } : {}),
    ...(error ? { error } : {}),
    ...(AUTOCOMPLETE[a.Name] ? { autocomplete: AUTOCOMPLETE[a.Name]! } : {}),
    ...(a.AttributeDataType === 'Number' ? { inputmode: 'numeric' as const } : {}),
  });
}


const signUpAction = (request: AuthorizeRequest) => `/signup?${request.query}`;
const confirmAction = (request: AuthorizeRequest) => `/confirmUser?${request.query}`;
const allowsSignUp = (pool: UserPool) => !pool.settings.AdminCreateUserConfig.AllowAdminCreateUserOnly;

interface SignUpViewInput {
  values?: Record<string, string>;
  errors?: FieldErrors;
  formError?: string;
}

async function signUpView(page: PageRequest, request: AuthorizeRequest, input: SignUpViewInput = {}): Promise<Response> {
  const { t } = page;
  const { pool, client } = request.party;
  const values = input.values ?? {};
  const errs = input.errors ?? {};
  const user = usernameLabel(t, pool);
  const terms = await termsFor(page, request.party);
  const summary = [...(input.formError ? [input.formError] : []), ...Object.values(errs)];
  // Focus goes to the first field in error, else the first field.
  const attributes = signUpAttributes(pool, client);
  const order = ['username', 'password', ...attributes.map((a) => ATTRIBUTE_FIELD + a.Name)];
  const focus = order.find((name) => errs[name]) ?? 'username';
  const body = html`${form({
    action: signUpAction(request),
    csrf: page.csrfToken(),
    submit: t.signUp,
    label: t.signUp,
    body: html`${field({ name: 'username', label: user.label, type: user.type, autocomplete: user.autocomplete, required: true, autofocus: focus === 'username', maxlength: MAX_USERNAME, value: values.username, ...(errs.username ? { error: errs.username } : {}) })}
${field({ name: 'password', label: t.password, type: 'password', autocomplete: 'new-password', required: true, autofocus: focus === 'password', maxlength: MAX_PASSWORD, ...(errs.password ? { error: errs.password } : {}) })}
${passwordHints(t, pool)}
${attributes.map((a) => attributeField(t, a, values[ATTRIBUTE_FIELD + a.Name], errs[ATTRIBUTE_FIELD + a.Name], focus === ATTRIBUTE_FIELD + a.Name))}
${terms.length ? html`<p>${t.termsIntro} ${terms.map((l, i) => html`${i ? ', ' : ''}<a href="${l.url}" rel="noopener noreferrer">${l.label}</a>`)}</p>` : ''}`,
  })}
<p>${t.haveAccount} ${link(`/login?${request.query}`, t.signIn)}</p>`;
  return show(page, request, t.signUpHeading, body, summary, summary.length ? 400 : 200);
}

interface ConfirmViewInput {
  username: string;
  ticket?: string | undefined;
  delivery?: CodeDeliveryDetails | undefined;
  notice?: string;
  error?: string;
  /** the username can't be changed (it comes from the sign-up just made) */
  fixedUsername?: boolean;
}

/** The code form (or, for a CONFIRM_WITH_LINK pool after an email, "follow the link"), with "send a new code". */
async function confirmView(page: PageRequest, request: AuthorizeRequest, input: ConfirmViewInput): Promise<Response> {
  const { t } = page;
  const { pool } = request.party;
  const destination = input.delivery?.Destination;
  const byLink = confirmsWithLink(pool) && input.delivery?.DeliveryMedium === 'EMAIL';
  const intro = destination ? format(t.confirmIntro, { destination }) : t.confirmIntroGeneric;
  const hidden = { ticket: input.ticket, ...(input.fixedUsername ? { username: input.username } : {}) };
  // Focus: the username when it is asked and missing, else the code.
  const askUsername = !input.fixedUsername && !input.username;
  const usernameField = input.fixedUsername ? '' : field({ name: 'username', label: usernameLabel(t, pool).label, autocomplete: 'username', required: true, autofocus: askUsername, maxlength: MAX_USERNAME, value: input.username });
  const codeForm = byLink
    ? ''
    : form({
        action: confirmAction(request),
        csrf: page.csrfToken(),
        submit: t.confirm,
        label: t.confirm,
        hidden,
        body: html`${usernameField}${field({ name: 'code', label: t.code, autocomplete: 'one-time-code', inputmode: 'numeric', required: true, autofocus: !askUsername, maxlength: MAX_CODE, ...(input.error ? { error: input.error } : {}) })}`,
      });
  const resend = html`<form method="post" action="${confirmAction(request)}" aria-label="${t.resendCode}">
<input type="hidden" name="_csrf" value="${page.csrfToken()}">
<input type="hidden" name="resend" value="1">
${input.ticket ? html`<input type="hidden" name="ticket" value="${input.ticket}">` : ''}
<input type="hidden" name="username" value="${input.username}">
<button type="submit" class="secondary submitButton-customizable">${t.resendCode}</button>
</form>`;
  const body = html`${notice(input.notice)}${paragraph(byLink ? format(t.confirmLinkIntro, { destination: destination ?? '' }) : intro)}${codeForm}${input.username ? resend : ''}
<p>${link(`/login?${request.query}`, t.backToSignIn)}</p>`;
  return show(page, request, t.confirmHeading, body, input.error ? [input.error] : [], input.error ? 400 : 200);
}

async function signUpPost(page: PageRequest): Promise<Response> {
  const post = await page.postedForm(ACCOUNTS);
  if (post instanceof Response) return post;
  const { form: posted, request } = post;
  const { t } = page;
  const { pool, client } = request.party;
  if (!allowsSignUp(pool)) return page.errorPage(t.signUpNotAllowed, 400, await page.branding(request.party));
  const errors: FieldErrors = {};
  const values: Record<string, string> = {};
  const user = usernameLabel(t, pool);
  values.username = readField(posted, errors, 'username', user.label, t, { required: true, max: MAX_USERNAME });
  const password = readField(posted, errors, 'password', t.password, t, { required: true, max: MAX_PASSWORD, trim: false });
  const attributes: AttributeType[] = [];
  for (const a of signUpAttributes(pool, client)) {
    const name = ATTRIBUTE_FIELD + a.Name;
    const value = readField(posted, errors, name, attributeLabel(t, a.Name), t, { required: a.Required, max: maxLength(a) });
    values[name] = value;
    if (value !== '') attributes.push({ Name: a.Name, Value: value });
  }
  if (Object.keys(errors).length) return signUpView(page, request, { values, errors });
  try {
    const result = await hostedSignUp(page.cognate, pool, client, { username: values.username, password, attributes, browser: page.cookie });
    if (result.confirmed) {
      // PreSignUp confirmed them: signed in at once.
      const step = await signInWithTicket(page.cognate, pool, client, { ticket: result.ticket, browser: page.cookie, previousSecret: page.sentCookie });
      return step ? await afterStep(page, request, step, values.username) : page.redirect(`/login?${request.query}`);
    }
    return await confirmView(page, request, { username: values.username, ticket: result.ticket, delivery: result.delivery, fixedUsername: true });
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    const failure = accountFailure(t, err);
    return signUpView(page, request, { values, ...(failure.field ? { errors: { [failure.field]: failure.message } } : { formError: failure.message }) });
  }
}

async function confirmPost(page: PageRequest): Promise<Response> {
  const post = await page.postedForm(ACCOUNTS);
  if (post instanceof Response) return post;
  const { form: posted, request } = post;
  const { t } = page;
  const { pool, client } = request.party;
  const errors: FieldErrors = {};
  const username = readField(posted, errors, 'username', usernameLabel(t, pool).label, t, { required: true, max: MAX_USERNAME });
  const ticket = (posted.ticket ?? '').length <= 4096 ? posted.ticket : undefined;
  const fixedUsername = ticket !== undefined && ticket !== '';
  const again = (input: Partial<ConfirmViewInput>) => confirmView(page, request, { username, ticket, fixedUsername, ...input });
  if (posted.resend !== undefined) {
    if (errors.username) return again({ error: errors.username, fixedUsername: false });
    try {
      const delivery = await hostedResendCode(page.cognate, client, { username });
      return await again({ delivery, notice: format(t.codeResent, { destination: delivery.Destination }) });
    } catch (err) {
      if (!(err instanceof CognitoError)) throw err;
      return again({ error: accountFailure(t, err).message });
    }
  }
  const code = readField(posted, errors, 'code', t.code, t, { required: true, max: MAX_CODE });
  if (errors.username || errors.code) return again({ error: errors.username ?? errors.code!, ...(errors.username ? { fixedUsername: false } : {}) });
  try {
    await hostedConfirmSignUp(page.cognate, client, { username, code });
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return again({ error: accountFailure(t, err).message });
  }
  // Confirmed: the person who signed up in this browser goes on signed in; anyone else signs in.
  const step = await signInWithTicket(page.cognate, pool, client, { ticket, browser: page.cookie, previousSecret: page.sentCookie, username });
  if (!step) return page.redirect(`/login?${request.query}`);
  try {
    return await afterStep(page, request, step, username);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return page.redirect(`/login?${request.query}`);
  }
}

/** The CONFIRM_WITH_LINK email's link: confirms, or one error page for every failure. */
async function confirmByLink(page: PageRequest): Promise<Response> {
  const { t } = page;
  const q = (name: string) => page.c.req.query(name);
  const party = await resolveOAuthClient(page.cognate, q('client_id'), page.c.req.header('host'));
  const username = q('user_name') ?? '';
  const code = q('confirmation_code') ?? '';
  const invalid = async () => page.errorPage(t.linkInvalid, 400, party ? await page.branding(party) : undefined);
  if (!party || !username || username.length > MAX_USERNAME || !code || code.length > MAX_CODE) return invalid();
  try {
    await hostedConfirmSignUp(page.cognate, party.client, { username, code });
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return invalid();
  }
  return page.render({ title: t.confirmedHeading, body: html`<p role="status">${t.confirmedIntro}</p>` }, { branding: await page.branding(party) });
}

export const signUpPages: HostedPage = {
  paths: ['/signup', '/confirmUser'],
  register(app, ui) {
    app.get(
      '/signup',
      pageHandler(ui, async (page) => {
        const request = await page.authorizeRequest(undefined, ACCOUNTS);
        if (request instanceof Response) return request;
        if (!allowsSignUp(request.party.pool)) return page.errorPage(page.t.signUpNotAllowed, 400, await page.branding(request.party));
        return signUpView(page, request);
      }),
    );
    app.post('/signup', pageHandler(ui, signUpPost));
    app.get(
      '/confirmUser',
      pageHandler(ui, async (page) => {
        if (page.c.req.query('confirmation_code') !== undefined) return confirmByLink(page);
        const request = await page.authorizeRequest(undefined, ACCOUNTS);
        if (request instanceof Response) return request;
        const username = page.c.req.query('username') ?? '';
        return confirmView(page, request, { username: username.length <= MAX_USERNAME ? username : '' });
      }),
    );
    app.post('/confirmUser', pageHandler(ui, confirmPost));
  },
};

/**
 * `/forgotPassword` and `/confirmForgotPassword`: account recovery on the hosted UI, through
 * ForgotPassword's and ConfirmForgotPassword's domain functions (hosted-account.ts), so the
 * enumeration rules (PreventUserExistenceErrors ENABLED: an unknown name gets the same simulated
 * delivery and the same page), the hourly code cap and the code-guess limits are the API's.
 *
 * - `GET /forgotPassword`: the username form; `POST` sends the code and shows the reset form.
 * - `GET /confirmForgotPassword` (with `username`): the reset form; `POST` sets the password and
 *   goes back to `/login` with the OAuth request.
 */
import { CognitoError } from '../../../errors.js';
import { hostedConfirmForgotPassword, hostedForgotPassword } from '../../../domain/oauth/hosted-account.js';
import type { CodeDeliveryDetails } from '../../../domain/messages.js';
import { html } from '../html.js';
import { format } from '../i18n/index.js';
import { field, form, link, paragraph } from '../layout.js';
import type { AuthorizeRequest } from '../authorize-request.js';
import { passwordHints, show } from '../sign-in-views.js';
import { pageHandler, type HostedPage, type PageRequest } from '../page.js';
import { MAX_CODE, MAX_PASSWORD, MAX_USERNAME, accountFailure, readField, usernameLabel, type FieldErrors } from '../account-views.js';

const ACCOUNTS = { userPoolAccounts: true } as const;

const forgotAction = (request: AuthorizeRequest) => `/forgotPassword?${request.query}`;
const resetAction = (request: AuthorizeRequest) => `/confirmForgotPassword?${request.query}`;
const backLink = (page: PageRequest, request: AuthorizeRequest) => html`<p>${link(`/login?${request.query}`, page.t.backToSignIn)}</p>`;

async function forgotView(page: PageRequest, request: AuthorizeRequest, opts: { username?: string; error?: string } = {}): Promise<Response> {
  const { t } = page;
  const body = html`${paragraph(t.forgotIntro)}
${form({
  action: forgotAction(request),
  csrf: page.csrfToken(),
  submit: t.resetPassword,
  label: t.resetPassword,
  body: field({ name: 'username', label: usernameLabel(t, request.party.pool).label, type: usernameLabel(t, request.party.pool).type, autocomplete: 'username', required: true, autofocus: true, maxlength: MAX_USERNAME, value: opts.username, ...(opts.error ? { error: opts.error } : {}) }),
})}
${backLink(page, request)}`;
  return show(page, request, t.forgotHeading, body, opts.error ? [opts.error] : [], opts.error ? 400 : 200);
}

interface ResetViewInput {
  username: string;
  delivery?: CodeDeliveryDetails;
  errors?: FieldErrors;
  /** the username comes from the request just made: a hidden field */
  fixedUsername?: boolean;
  /** the code typed, shown again when something else was wrong */
  code?: string;
}

async function resetView(page: PageRequest, request: AuthorizeRequest, input: ResetViewInput): Promise<Response> {
  const { t } = page;
  const errs = input.errors ?? {};
  const destination = input.delivery?.Destination;
  const summary = Object.values(errs);
  // Focus goes to the first field in error or left empty (passwords are never sent back).
  const values: Record<string, string | undefined> = { username: input.fixedUsername ? 'fixed' : input.username, code: input.code, password: undefined, confirm_password: undefined };
  const focus = Object.keys(values).find((name) => errs[name] || !values[name]) ?? 'code';
  const body = html`${destination ? paragraph(format(t.confirmForgotIntro, { destination })) : ''}
${form({
  action: resetAction(request),
  csrf: page.csrfToken(),
  submit: t.changePassword,
  label: t.changePassword,
  hidden: input.fixedUsername ? { username: input.username, fixed: '1' } : {},
  body: html`${input.fixedUsername ? '' : field({ name: 'username', label: usernameLabel(t, request.party.pool).label, autocomplete: 'username', required: true, autofocus: focus === 'username', maxlength: MAX_USERNAME, value: input.username, ...(errs.username ? { error: errs.username } : {}) })}
${field({ name: 'code', label: t.code, autocomplete: 'one-time-code', inputmode: 'numeric', required: true, autofocus: focus === 'code', maxlength: MAX_CODE, ...(input.code ? { value: input.code } : {}), ...(errs.code ? { error: errs.code } : {}) })}
${field({ name: 'password', label: t.newPassword, type: 'password', autocomplete: 'new-password', required: true, autofocus: focus === 'password', maxlength: MAX_PASSWORD, ...(errs.password ? { error: errs.password } : {}) })}
${field({ name: 'confirm_password', label: t.confirmPassword, type: 'password', autocomplete: 'new-password', required: true, autofocus: focus === 'confirm_password', maxlength: MAX_PASSWORD, ...(errs.confirm_password ? { error: errs.confirm_password } : {}) })}
${passwordHints(t, request.party.pool)}`,
})}
${backLink(page, request)}`;
  return show(page, request, t.confirmForgotHeading, body, summary, summary.length ? 400 : 200);
}

async function forgotPost(page: PageRequest): Promise<Response> {
  const post = await page.postedForm(ACCOUNTS);
  if (post instanceof Response) return post;
  const { form: posted, request } = post;
  const { t } = page;
  const errors: FieldErrors = {};
  const username = readField(posted, errors, 'username', usernameLabel(t, request.party.pool).label, t, { required: true, max: MAX_USERNAME });
  if (errors.username) return forgotView(page, request, { error: errors.username });
  try {
    const delivery = await hostedForgotPassword(page.cognate, request.party.client, { username });
    return await resetView(page, request, { username, delivery, fixedUsername: true });
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return forgotView(page, request, { username, error: accountFailure(t, err).message });
  }
}

async function resetPost(page: PageRequest): Promise<Response> {
  const post = await page.postedForm(ACCOUNTS);
  if (post instanceof Response) return post;
  const { form: posted, request } = post;
  const { t } = page;
  const errors: FieldErrors = {};
  const username = readField(posted, errors, 'username', usernameLabel(t, request.party.pool).label, t, { required: true, max: MAX_USERNAME });
  const code = readField(posted, errors, 'code', t.code, t, { required: true, max: MAX_CODE });
  const password = readField(posted, errors, 'password', t.newPassword, t, { required: true, max: MAX_PASSWORD, trim: false });
  const confirm = readField(posted, errors, 'confirm_password', t.confirmPassword, t, { required: true, max: MAX_PASSWORD, trim: false });
  if (!errors.password && !errors.confirm_password && password !== confirm) errors.confirm_password = t.passwordsDoNotMatch;
  const fixedUsername = posted.fixed === '1' && !errors.username;
  if (Object.keys(errors).length) return resetView(page, request, { username, errors, fixedUsername, ...(errors.code ? {} : { code }) });
  try {
    await hostedConfirmForgotPassword(page.cognate, request.party.client, { username, code, password });
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    const failure = accountFailure(t, err);
    return resetView(page, request, { username, fixedUsername, errors: { [failure.field ?? 'form']: failure.message }, ...(failure.field === 'code' ? {} : { code }) });
  }
  return page.redirect(`/login?${request.query}`);
}

export const forgotPasswordPages: HostedPage = {
  paths: ['/forgotPassword', '/confirmForgotPassword'],
  register(app, ui) {
    app.get(
      '/forgotPassword',
      pageHandler(ui, async (page) => {
        const request = await page.authorizeRequest(undefined, ACCOUNTS);
        if (request instanceof Response) return request;
        return forgotView(page, request);
      }),
    );
    app.post('/forgotPassword', pageHandler(ui, forgotPost));
    app.get(
      '/confirmForgotPassword',
      pageHandler(ui, async (page) => {
        const request = await page.authorizeRequest(undefined, ACCOUNTS);
        if (request instanceof Response) return request;
        const username = page.c.req.query('username') ?? '';
        return resetView(page, request, { username: username.length <= MAX_USERNAME ? username : '' });
      }),
    );
    app.post('/confirmForgotPassword', pageHandler(ui, resetPost));
  },
};

/**
 * `/console/sign-in` (GET, POST) and `/console/sign-out` (POST). Two forms: a console user's name,
 * password and TOTP code; or the admin access key pair. The answer to a wrong name, password, code
 * or key is one sentence whatever was wrong; after too many attempts for one name, another.
 * Sign-in and sign-out are in the audit trail (a failed sign-in under the name that was tried).
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { endSession, sessionPrincipal, signInConsoleUser, signInWithAdminKey } from '../auth.js';
import { recordAudit } from '../audit.js';
import { consoleHeaders, overTls, readSessionCookie, sameOrigin, sessionCookieHeader, type ConsoleContext } from '../security.js';
import { forbidden, readForm, type ConsolePage, type ConsoleUi, SIGN_IN_PATH } from '../kit.js';
import { renderBare } from '../layout.js';
import { form, input } from '../ui.js';
import { ConsoleCsrf } from '../security.js';

const INVALID = 'The name, password, code or key is not right.';
const LOCKED = 'Too many attempts for this name. Wait 15 minutes and try again.';

/** Where to go after signing in: a console path only (no open redirect). */
function nextPath(value: string | undefined): string {
  return value && /^\/console(?:[/?][^\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/console';
}

/**
 * The sign-in forms carry a CSRF token too (login CSRF: another site must not sign a browser in as
 * someone): bound to a pre-session cookie value set with the page.
 */
const PRE_COOKIE = 'cognate-console-pre';
const PRE_VALUE = /^[A-Za-z0-9_-]{43}$/;

function preCookie(c: ConsoleContext): string | undefined {
  for (const part of (c.req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === PRE_COOKIE) {
      const v = part.slice(eq + 1).trim();
      if (PRE_VALUE.test(v)) return v;
    }
  }
  return undefined;
}

function page(ui: ConsoleUi, c: ConsoleContext, errors: string[], status: 200 | 400 | 429, values: { username?: string; accessKeyId?: string } = {}): Response {
  const secure = overTls(c, ui.cognate);
  const pre = preCookie(c) ?? ConsoleCsrf.newValue();
  const csrf = ui.csrf.token(`pre:${pre}`);
  const next = nextPath(c.req.query('next'));
  const action = `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
  const body = html`<h2 id="user-h">Console user</h2>
${form({
  action,
  csrf,
  label: 'Sign in as a console user',
  hidden: { kind: 'user' },
  submit: 'Sign in',
  body: html`${input({ name: 'username', label: 'Name', autocomplete: 'username', required: true, value: values.username, autofocus: true })}
${input({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true })}
${input({ name: 'code', label: 'Code from your authenticator app', inputmode: 'numeric', autocomplete: 'one-time-code', required: true })}`,
})}
<h2 id="key-h">Admin access key</h2>
${form({
  action,
  csrf,
  label: 'Sign in with the admin access key',
  hidden: { kind: 'key' },
  submit: 'Sign in with the key',
  kind: 'secondary',
  body: html`${input({ name: 'accessKeyId', label: 'Access key ID', required: true, value: values.accessKeyId })}
${input({ name: 'secretAccessKey', label: 'Secret access key', type: 'password', autocomplete: 'off', required: true })}`,
})}`;
  const headers = new Headers(consoleHeaders());
  headers.append('set-cookie', [`${PRE_COOKIE}=${pre}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; '));
  return new Response(renderBare({ title: 'Sign in', body, errors }), { status, headers });
}

export const signInPage: ConsolePage = {
  register(app, ui) {
    app.get(SIGN_IN_PATH, (c) => page(ui, c, [], 200));
    app.post(SIGN_IN_PATH, async (c) => {
      const cognate = ui.cognate;
      const secure = overTls(c, cognate);
      if (!sameOrigin(c, secure, cognate.config.publicUrl)) return forbidden();
      const posted = await readForm(c);
      const pre = preCookie(c);
      if (!posted || !pre || !ui.csrf.check(`pre:${pre}`, posted.get('_csrf'))) return forbidden();
      const kind = posted.get('kind');
      const result =
        kind === 'key'
          ? await signInWithAdminKey(cognate, { accessKeyId: posted.get('accessKeyId').slice(0, 128), secretAccessKey: posted.get('secretAccessKey').slice(0, 256) })
          : await signInConsoleUser(cognate, { username: posted.get('username').slice(0, 256), password: posted.get('password').slice(0, 1024), code: posted.get('code').slice(0, 16) });
      const tried = kind === 'key' ? `key:${posted.get('accessKeyId').slice(0, 128)}` : `user:${posted.get('username').slice(0, 128)}`;
      if (!result.ok) {
        await recordAudit(cognate, { actor: tried, action: 'ConsoleSignIn', target: 'console', outcome: result.reason === 'locked' ? 'Locked' : 'NotAuthorized' });
        const values = kind === 'key' ? { accessKeyId: posted.get('accessKeyId').slice(0, 128) } : { username: posted.get('username').slice(0, 128) };
        return result.reason === 'locked' ? page(ui, c, [LOCKED], 429, values) : page(ui, c, [INVALID], 400, values);
      }
      await recordAudit(cognate, { actor: result.principal, action: 'ConsoleSignIn', target: 'console', outcome: 'ok' });
      const headers = new Headers({ location: nextPath(c.req.query('next')), 'cache-control': 'no-store' });
      headers.append('set-cookie', sessionCookieHeader(secure, result.sessionSecret));
      headers.append('set-cookie', `${PRE_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`);
      return new Response(null, { status: 303, headers });
    });
    app.post('/console/sign-out', async (c) => {
      const cognate = ui.cognate;
      const secure = overTls(c, cognate);
      if (!sameOrigin(c, secure, cognate.config.publicUrl)) return forbidden();
      const session = readSessionCookie(c, secure);
      const posted = await readForm(c);
      if (!session || !posted || !ui.csrf.check(session, posted.get('_csrf'))) return forbidden();
      const principal = await sessionPrincipal(cognate, session);
      await endSession(cognate, session);
      if (principal) await recordAudit(cognate, { actor: principal, action: 'ConsoleSignOut', target: 'console', outcome: 'ok' });
      const headers = new Headers({ location: SIGN_IN_PATH, 'cache-control': 'no-store' });
      headers.append('set-cookie', sessionCookieHeader(secure, ''));
      return new Response(null, { status: 303, headers });
    });
  },
};

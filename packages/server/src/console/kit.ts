/**
 * The kit every console page is written with (README.md): {@link ConsolePage} (what a page module
 * exports), {@link viewHandler} for GETs and {@link actionHandler} for POSTs (both refuse a browser
 * without a live session; the second also a foreign Origin and a missing or foreign CSRF token), and
 * {@link ConsoleRequest}: render in the shell, read the query, call the API (audited), redirect with
 * a notice.
 */
import type { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Cognate } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import { isTransientStoreError } from '../store/faults.js';
import { html, type Html } from '../protocol/hosted-ui/html.js';
import type { ServiceName } from '../protocol/model.js';
import { callApi } from './api.js';
import { recordAudit } from './audit.js';
import { sessionPrincipal } from './auth.js';
import { renderShell, type NavItem, type ShellView } from './layout.js';
import { ConsoleCsrf, consoleHeaders, overTls, readSessionCookie, sameOrigin, sessionCookieHeader, type ConsoleContext } from './security.js';

export type ConsoleApp = Hono<{ Bindings: HttpBindings }>;

/** What pages share: the services, the CSRF key and the navigation. Built once by registerConsole. */
export interface ConsoleUi {
  cognate: Cognate;
  csrf: ConsoleCsrf;
  nav: readonly NavItem[];
}

/**
 * A page module. `nav` puts it in the navigation (sorted by `order`); `register` adds its routes
 * under `/console/…` with {@link viewHandler} / {@link actionHandler}.
 */
export interface ConsolePage {
  nav?: NavItem;
  register(app: ConsoleApp, ui: ConsoleUi): void;
}

export const SIGN_IN_PATH = '/console/sign-in';
const NOTICE_TTL_MS = 60_000;

export class ConsoleRequest {
  readonly secure: boolean;

  constructor(
    readonly c: ConsoleContext,
    readonly ui: ConsoleUi,
    /** `user:<name>` or `key:<access key id>`. */
    readonly principal: string,
    readonly session: string,
  ) {
    this.secure = overTls(c, ui.cognate);
  }

  get cognate(): Cognate {
    return this.ui.cognate;
  }

  /** The CSRF token every form of this page carries (forms made with ui.ts `form()` take it). */
  get csrf(): string {
    return this.ui.csrf.token(this.session);
  }

  /** A path parameter of the route (`:poolId`). */
  param(name: string): string {
    return this.c.req.param(name) ?? '';
  }

  /** A query parameter, at most `max` characters (longer is treated as absent). */
  query(name: string, max = 2048): string | undefined {
    const v = this.c.req.query(name);
    return v !== undefined && v.length <= max ? v : undefined;
  }

  /** The notice a redirect carried (sealed, so no one can put words in the console's mouth), if still fresh. */
  get notice(): string | undefined {
    const sealed = this.query('notice', 4096);
    if (!sealed) return undefined;
    const text = this.cognate.secrets.sessions.openJson<string>(sealed, `console-notice|${this.session}`, this.cognate.clock.now());
    return typeof text === 'string' ? text : undefined;
  }

  render(view: ShellView, status: 200 | 400 | 403 | 404 | 409 = 200): Response {
    const body = renderShell({ nav: this.ui.nav, principal: this.principal, csrf: this.csrf, current: new URL(this.c.req.url).pathname, notice: this.notice }, view);
    return new Response(body, { status, headers: consoleHeaders() });
  }

  /** A 303 to `location` (a /console path), optionally showing `notice` there. */
  redirect(location: string, notice?: string): Response {
    let target = location;
    if (notice) {
      const sealed = this.cognate.secrets.sessions.sealJson(notice, `console-notice|${this.session}`, this.cognate.clock.now() + NOTICE_TTL_MS);
      target += `${location.includes('?') ? '&' : '?'}notice=${encodeURIComponent(sealed)}`;
    }
    return new Response(null, { status: 303, headers: { location: target, 'cache-control': 'no-store' } });
  }

  /**
   * Performs API operation `operation` in process, exactly as the API would (api.ts), and records it
   * in the audit trail with `target` and its outcome. Throws the operation's CognitoError.
   */
  async api<O = any>(operation: string, input: Record<string, unknown>, target: string, service?: ServiceName): Promise<O> {
    const sourceIp = this.c.env?.incoming?.socket?.remoteAddress ?? '';
    try {
      const out = await callApi<O>(this.cognate, operation, input, { ...(service ? { service } : {}), sourceIp });
      await recordAudit(this.cognate, { actor: this.principal, action: operation, target, outcome: 'ok', detail: input });
      return out;
    } catch (e) {
      if (e instanceof CognitoError) await recordAudit(this.cognate, { actor: this.principal, action: operation, target, outcome: e.name, detail: input });
      throw e;
    }
  }

  /** A read-only API operation: the same in-process call, not audited (nothing changes). */
  read<O = any>(operation: string, input: Record<string, unknown>, service?: ServiceName): Promise<O> {
    return callApi<O>(this.cognate, operation, input, service ? { service } : {});
  }

  notFound(what: string): Response {
    return this.render({ title: 'Not found', body: html`<p>${what}</p>` }, 404);
  }
}

/** The message a person reads for a failed operation: the API's own (`UsernameExistsException: …`). */
export function errorText(e: unknown): string {
  if (e instanceof CognitoError) return e.message || e.name;
  throw e;
}

function failurePage(ui: ConsoleUi, err: unknown): Response {
  const transient = isTransientStoreError(err);
  if (transient) ui.cognate.log.warn({ err }, 'database unavailable');
  else ui.cognate.log.error({ err }, 'unhandled error on a console page');
  const text = transient ? 'The database is unavailable; try again in a moment.' : 'Something went wrong; the server log has the details.';
  return new Response(`<!doctype html><html lang="en"><title>Error</title><main><h1>Error</h1><p>${text}</p></main></html>`, {
    status: transient ? 503 : 500,
    headers: { ...consoleHeaders(), ...(transient ? { 'retry-after': '1' } : {}) },
  });
}

async function signedIn(c: ConsoleContext, ui: ConsoleUi): Promise<{ principal: string; session: string } | undefined> {
  const session = readSessionCookie(c, overTls(c, ui.cognate));
  if (!session) return undefined;
  const principal = await sessionPrincipal(ui.cognate, session);
  return principal ? { principal, session } : undefined;
}

function toSignIn(c: ConsoleContext, ui: ConsoleUi): Response {
  const url = new URL(c.req.url);
  const next = c.req.method === 'GET' ? `?next=${encodeURIComponent(url.pathname + url.search)}` : '';
  const headers = new Headers({ location: `${SIGN_IN_PATH}${next}`, 'cache-control': 'no-store' });
  // A cookie that names no live session (expired, signed out) is cleared.
  if (readSessionCookie(c, overTls(c, ui.cognate))) headers.append('set-cookie', sessionCookieHeader(overTls(c, ui.cognate), ''));
  return new Response(null, { status: 303, headers });
}

/** A GET route of a signed-in page. */
export function viewHandler(ui: ConsoleUi, handler: (page: ConsoleRequest) => Promise<Response> | Response) {
  return async (c: ConsoleContext): Promise<Response> => {
    try {
      const who = await signedIn(c, ui);
      if (!who) return toSignIn(c, ui);
      return await handler(new ConsoleRequest(c, ui, who.principal, who.session));
    } catch (err) {
      return failurePage(ui, err);
    }
  };
}

/** The 403 of a POST that isn't from this console's own page (foreign Origin, CSRF token missing or wrong). */
export function forbidden(): Response {
  return new Response('<!doctype html><html lang="en"><title>Forbidden</title><main><h1>Forbidden</h1><p>This form was not sent from this console page. Reload the page and try again.</p></main></html>', {
    status: 403,
    headers: consoleHeaders(),
  });
}

/** Reads an urlencoded or multipart form: strings only, the first of repeated fields unless `all`. */
export async function readForm(c: ConsoleContext): Promise<PostedForm | undefined> {
  try {
    const body = await c.req.parseBody({ all: true });
    const out = new PostedForm(body);
    return out;
  } catch {
    return undefined;
  }
}

/** The fields of a POSTed form: `get` (first value, '' when absent), `all` (every value). */
export class PostedForm {
  constructor(readonly raw: Record<string, string | File | (string | File)[]>) {}
  get(name: string): string {
    const v = this.raw[name];
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first : '';
  }
  all(name: string): string[] {
    const v = this.raw[name];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  }
  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }
}

/** A POST route of a signed-in page: session, Origin and CSRF token checked before `handler` runs. */
export function actionHandler(ui: ConsoleUi, handler: (page: ConsoleRequest, form: PostedForm) => Promise<Response> | Response) {
  return async (c: ConsoleContext): Promise<Response> => {
    try {
      const secure = overTls(c, ui.cognate);
      if (!sameOrigin(c, secure, ui.cognate.config.publicUrl)) return forbidden();
      const who = await signedIn(c, ui);
      if (!who) return toSignIn(c, ui);
      const form = await readForm(c);
      if (!form || !ui.csrf.check(who.session, form.get('_csrf'))) return forbidden();
      return await handler(new ConsoleRequest(c, ui, who.principal, who.session), form);
    } catch (err) {
      return failurePage(ui, err);
    }
  };
}

/** `/console/pools/<id>`-style paths with their parts encoded. */
export function consolePath(...parts: string[]): string {
  return '/console/' + parts.map(encodeURIComponent).join('/');
}

export type { Html };

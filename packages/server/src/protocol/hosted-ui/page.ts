/**
 * The kit every hosted-UI page is written with. A page handler gets a {@link PageRequest}: the
 * chosen language and its messages, the browser cookie, a CSRF token for its forms, `render()` for
 * the layout with the security headers, `readForm()` that refuses a POST whose CSRF token is
 * missing or stale (403), and `redirect()`.
 *
 * The cookie is the browser's identity for CSRF and, once signed in, the key of its hosted session
 * (domain/oauth/hosted-sessions.ts). A browser without one gets a fresh value with its first page.
 */
import type { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { epochSeconds } from '../../ports.js';
import type { Cognate } from '../../domain/cognate.js';
import { isTransientStoreError } from '../../store/faults.js';
import { chooseLanguage, messagesFor, type Messages } from './i18n/index.js';
import { renderDocument, type PageBranding, type PageView } from './layout.js';
import { CsrfTokens, FederationBinding, newCookieValue, overTls, pageHeaders, readBrowserCookie, redirectHeaders, setCookieHeader, styleNonce, type HostedContext } from './security.js';
import { html } from './html.js';
import { errorRedirect, parseAuthorizeRequest, type AuthorizeRequest } from './authorize-request.js';
import type { OAuthParty } from '../../domain/oauth/clients.js';
import { brandingFor } from '../../domain/oauth/branding.js';
import { admitManagedLogin } from '../../domain/rate-limits/index.js';

export type HostedApp = Hono<{ Bindings: HttpBindings }>;

/** What pages share: the services, and the server's CSRF key. Built once by registerHostedUi. */
export interface HostedUi {
  cognate: Cognate;
  csrf: CsrfTokens;
  /** Binds federation requests to the browser that started them (login CSRF). */
  federationBinding: FederationBinding;
  /** Every path a page serves (a page links to another only if it exists: `/signup`, `/forgotPassword`). */
  paths: ReadonlySet<string>;
}

export function createHostedUi(cognate: Cognate, paths: ReadonlySet<string>): HostedUi {
  return { cognate, csrf: new CsrfTokens(cognate.secrets.codeKey), federationBinding: new FederationBinding(cognate.secrets.codeKey), paths };
}

export interface RenderOptions {
  status?: 200 | 400 | 403 | 404 | 429 | 500 | 503;
  branding?: PageBranding | undefined;
  /** Origins a form on the page may end at after its redirect (the client's callback). */
  formTargets?: readonly string[];
}

/** For the pages of the pool's own accounts (`/signup`, `/confirmUser`, `/forgotPassword`, `/confirmForgotPassword`): refused to a client whose SupportedIdentityProviders lack COGNITO. */
export interface AccountPages {
  userPoolAccounts?: boolean;
}

export class PageRequest {
  readonly lang: string;
  readonly t: Messages;
  /** Whether this connection is TLS (then the cookie is `__Host-` and Secure). */
  readonly secure: boolean;
  /** The cookie value the browser sent, if any. */
  readonly sentCookie: string | undefined;
  #cookie: string;
  #setCookie: string | undefined;
  readonly #otherCookies: string[] = [];

  constructor(
    readonly c: HostedContext,
    readonly ui: HostedUi,
  ) {
    this.secure = overTls(c, ui.cognate);
    this.lang = chooseLanguage({ lang: c.req.query('lang'), uiLocales: c.req.query('ui_locales'), acceptLanguage: c.req.header('accept-language') });
    this.t = messagesFor(this.lang);
    this.sentCookie = readBrowserCookie(c, this.secure);
    this.#cookie = this.sentCookie ?? newCookieValue();
    if (!this.sentCookie) this.#setCookie = setCookieHeader(this.secure, this.#cookie);
  }

  get cognate(): Cognate {
    return this.ui.cognate;
  }

  /** The browser's cookie value (the one it sent, or the one this response gives it). */
  get cookie(): string {
    return this.#cookie;
  }

  /** A CSRF token for a form on this page, bound to the browser's cookie. */
  csrfToken(): string {
    return this.ui.csrf.issue(this.#cookie, epochSeconds(this.cognate.clock.now()));
  }

  /**
   * Gives the browser a new cookie value: a hosted session's secret at every sign-in (P22), lasting
   * `maxAgeSeconds`. Forms rendered after this carry tokens for the new value.
   */
  setSessionCookie(secret: string, maxAgeSeconds: number): void {
    this.#cookie = secret;
    this.#setCookie = setCookieHeader(this.secure, secret, maxAgeSeconds);
  }

  /** Another Set-Cookie header for this response (a federation binding). */
  addCookie(header: string): void {
    this.#otherCookies.push(header);
  }

  /** Clears the cookie (sign-out). */
  clearCookie(): void {
    this.#cookie = newCookieValue();
    this.#setCookie = setCookieHeader(this.secure, '', 0);
  }

  /** The path and query string this request came to: a form posts back to it. */
  get selfUrl(): string {
    const url = new URL(this.c.req.url);
    return url.pathname + url.search;
  }

  /**
   * The POSTed form, once its CSRF token checks out; else undefined, and the caller answers
   * {@link csrfFailure}. Only urlencoded and multipart bodies are read; repeated fields keep the first.
   */
  async readForm(): Promise<Record<string, string> | undefined> {
    let body: Record<string, string | File | (string | File)[]>;
    try {
      body = await this.c.req.parseBody({ all: false });
    } catch {
      return undefined;
    }
    const form: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
    if (!this.ui.csrf.check(this.sentCookie, form._csrf, epochSeconds(this.cognate.clock.now()))) return undefined;
    delete form._csrf;
    return form;
  }

  /**
   * What every form POST of an OAuth request's page starts with: the CSRF-checked form, then the
   * OAuth request from the query. Either both, or the Response to answer instead: the 403 of
   * {@link csrfFailure}, or the request's own error ({@link authorizeRequest}).
   */
  async postedForm(opts: AccountPages = {}): Promise<{ form: Record<string, string>; request: AuthorizeRequest } | Response> {
    const form = await this.readForm();
    if (!form) return this.csrfFailure();
    const request = await this.authorizeRequest(undefined, opts);
    if (request instanceof Response) return request;
    return this.withinRateLimit(request.party.pool.id) ? { form, request } : this.tooManyRequests();
  }

  /** The 403 a form without a valid CSRF token gets (A30). */
  csrfFailure(): Response {
    return this.render({ title: this.t.errorPageHeading, body: html`<p>${this.t.errorCsrf}</p>` }, { status: 403 });
  }

  render(view: PageView, options: RenderOptions = {}): Response {
    const nonce = styleNonce();
    const body = renderDocument({ lang: this.lang, t: this.t, nonce, branding: options.branding }, view);
    const headers = new Headers(pageHeaders(nonce, options.formTargets, view.script));
    this.#appendCookies(headers);
    return new Response(body, { status: options.status ?? 200, headers });
  }

  #appendCookies(headers: Headers): void {
    if (this.#setCookie) headers.append('set-cookie', this.#setCookie);
    for (const cookie of this.#otherCookies) headers.append('set-cookie', cookie);
  }

  /** A 302 to `location`, carrying any cookie change. */
  redirect(location: string): Response {
    const headers = new Headers(redirectHeaders(location));
    this.#appendCookies(headers);
    return new Response(null, { status: 302, headers });
  }

  /**
   * The OAuth request this page belongs to, from its query string (or from `params`, a POSTed
   * authorization request). When it is not valid, the Response to answer instead: our error page
   * (400, no Location) for an unknown client or redirect URI, else a redirect with `error=`.
   */
  async authorizeRequest(params?: (name: string) => string | undefined, opts: AccountPages = {}): Promise<AuthorizeRequest | Response> {
    const get = params ?? ((name: string) => this.c.req.query(name));
    const parsed = await parseAuthorizeRequest(this.cognate, get, this.c.req.header('host'));
    // The user pool's own accounts (sign-up, confirmation, forgotten password) exist only for a client that signs in with COGNITO,
    // and not on a secondary replica, which creates no user and resets no password (docs/replicas.md).
    if (parsed.ok && opts.userPoolAccounts && (!parsed.request.cognito || parsed.request.party.secondary)) return this.errorPage(this.t.errorBadRequest, 400, await this.branding(parsed.request.party));
    if (parsed.ok) return parsed.request;
    const e = parsed.error;
    if (e.kind === 'page') return this.errorPage(this.t[e.message], 400);
    return this.redirect(errorRedirect(e));
  }

  /** The branding the pool and client chose, ready for `render()`. */
  async branding(party: OAuthParty): Promise<PageBranding> {
    return brandingOf(this.cognate, party);
  }

  /** The generic error page (never a stack trace, never JSON: a person is reading). */
  /**
   * Whether this page's request is within the pool's request-rate quota (docs/rate-limits.md); when
   * it is not, answer {@link tooManyRequests}.
   */
  withinRateLimit(poolId: string): boolean {
    return admitManagedLogin(this.cognate, poolId, new URL(this.c.req.url).pathname);
  }

  /** The 429 (RFC 6585) of a page over the pool's request-rate quota, to be retried after a second. */
  tooManyRequests(): Response {
    const res = this.errorPage(this.t.limitExceeded, 429);
    res.headers.set('retry-after', '1');
    return res;
  }

  errorPage(message: string, status: 400 | 403 | 404 | 429 | 500 | 503 = 400, branding?: PageBranding): Response {
    return this.render({ title: this.t.errorPageHeading, body: html`<p>${message}</p>` }, { status, branding });
  }
}

const DATA_IMAGE = /^data:image\/[a-z+.-]+;base64,[A-Za-z0-9+/=]+$/;

/**
 * The branding of a page for a pool and client (domain/oauth/branding.ts): its CSS (classic
 * classes, or managed login's custom properties), logo and favicon, and a background image as CSS
 * (a `data:` URL, so the CSP's `img-src data:` covers it and no inline style attribute is needed).
 */
async function brandingOf(cognate: Cognate, party: OAuthParty): Promise<PageBranding> {
  // On one of the pool's domains the look is that domain's (classic or managed login); on the server's own URL, the pool's.
  const b = await brandingFor(cognate, party.pool, party.client, party.domain ? { managedLoginVersion: party.domain.managedLoginVersion } : {});
  const background = b.backgroundImage && DATA_IMAGE.test(b.backgroundImage.dataUri) ? `\nbody{background-image:url("${b.backgroundImage.dataUri}")}` : '';
  return {
    css: b.css + background,
    ...(b.logo ? { logoUrl: b.logo.dataUri } : {}),
    ...(b.favicon ? { faviconUrl: b.favicon.dataUri } : {}),
  };
}

export type PageHandler = (page: PageRequest) => Promise<Response> | Response;

/**
 * Wraps a page handler: builds its PageRequest, and turns an unexpected failure into the error page
 * (503 when the database is unavailable) rather than the API's JSON fault.
 */
export function pageHandler(ui: HostedUi, handler: PageHandler) {
  return async (c: HostedContext): Promise<Response> => {
    const page = new PageRequest(c, ui);
    try {
      return await handler(page);
    } catch (err) {
      if (isTransientStoreError(err)) {
        ui.cognate.log.warn({ err }, 'database unavailable');
        const res = page.errorPage(page.t.genericFailure, 503);
        res.headers.set('retry-after', '1');
        return res;
      }
      ui.cognate.log.error({ err }, 'unhandled error on a hosted-UI page');
      return page.errorPage(page.t.genericFailure, 500);
    }
  };
}

/**
 * A page module: the paths it serves (so the server's raw POST dispatch hands their POSTs to Hono
 * instead of the API) and how it registers its routes. See README.md.
 */
export interface HostedPage {
  paths: readonly string[];
  /** A POST body limit for its paths other than the forms' (the SAML endpoints take larger bodies). */
  bodyLimitBytes?: number;
  register(app: HostedApp, ui: HostedUi): void;
}

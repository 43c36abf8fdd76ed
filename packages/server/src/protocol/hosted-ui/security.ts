/**
 * What every hosted-UI response carries for safety, in one place:
 * - the browser cookie (P22): `__Host-cognate-session` under TLS (Secure, HttpOnly, SameSite=Lax,
 *   Path=/, no Domain), 256 random bits, replaced by a new value at every sign-in so a value planted
 *   before sign-in is worthless after it. Browsers refuse a `__Host-` cookie without `Secure`, and
 *   `Secure` cookies over plain HTTP, so over plain HTTP (the development default) the same cookie
 *   is called `cognate-session` and has no `Secure`;
 * - CSRF tokens (A30): a form's token is an HMAC of the browser's cookie value and the time it was
 *   issued, under a server key. So a token only works with the cookie it was made for (an attacker's
 *   page can read neither), it dies when the cookie changes (sign-in, sign-out), and after an hour.
 *   Checked in constant time; a missing, foreign or stale token is answered 403;
 * - headers: CSP with no script (but the passkey page's one, by its hash) and `frame-ancestors 'none'`, X-Frame-Options DENY, no caching,
 *   no referrer (the URLs carry `state`, `code_challenge` …), nosniff.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { constantTimeEqual } from '../../crypto/compare.js';
import type { Cognate } from '../../domain/cognate.js';

export type HostedContext = Context<{ Bindings: HttpBindings }>;

const SECURE_COOKIE = '__Host-cognate-session';
const PLAIN_COOKIE = 'cognate-session';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
/** How long a form's CSRF token is accepted (a form left open longer is sent again). */
export const CSRF_TTL_SECONDS = 3600;

/** Whether the browser reached us over TLS: here (the tls listener) or at a proxy in front (an https public URL). */
export function overTls(c: HostedContext, cognate: Pick<Cognate, 'config'>): boolean {
  const socket = c.env?.incoming?.socket as TLSSocket | undefined;
  return socket?.encrypted === true || cognate.config.publicUrl.startsWith('https:');
}

export function cookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE : PLAIN_COOKIE;
}

/** The browser's cookie value, if it sent a well-formed one under the name this connection uses. */
export function readBrowserCookie(c: HostedContext, secure: boolean): string | undefined {
  return readCookie(c, cookieName(secure));
}

/** The value of cookie `name`, if the browser sent one that is 256 bits in base64url (the only kind Cognate sets). */
export function readCookie(c: HostedContext, name: string): string | undefined {
  const header = c.req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    if (COOKIE_VALUE.test(value)) return value;
  }
  return undefined;
}

/** A new cookie value: 256 bits from the CSPRNG. */
export function newCookieValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The Set-Cookie header for `value`; `maxAgeSeconds` undefined makes it a browser-session cookie, 0 clears it. */
export function setCookieHeader(secure: boolean, value: string, maxAgeSeconds?: number): string {
  const parts = [`${cookieName(secure)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (secure) parts.push('Secure');
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  return parts.join('; ');
}

/** Makes and checks the forms' CSRF tokens (see the file's comment). */
export class CsrfTokens {
  readonly #key: Buffer;
  constructor(serverKey: Buffer) {
    this.#key = createHmac('sha256', serverKey).update('cognate/hosted-ui/csrf/v1').digest();
  }

  #mac(cookie: string, issuedAt: number): string {
    return createHmac('sha256', this.#key).update(`${cookie}|${issuedAt}`).digest('base64url');
  }

  issue(cookie: string, nowSeconds: number): string {
    return `${nowSeconds}.${this.#mac(cookie, nowSeconds)}`;
  }

  /** True only for a token issued for this cookie within the last hour. */
  check(cookie: string | undefined, token: unknown, nowSeconds: number): boolean {
    if (!cookie || typeof token !== 'string' || token.length > 100) return false;
    const dot = token.indexOf('.');
    const issuedAt = Number(token.slice(0, dot));
    if (dot < 1 || !Number.isSafeInteger(issuedAt)) return false;
    const fresh = issuedAt <= nowSeconds + 60 && nowSeconds - issuedAt <= CSRF_TTL_SECONDS;
    const genuine = constantTimeEqual(this.#mac(cookie, issuedAt), token.slice(dot + 1));
    return genuine && fresh;
  }
}

/**
 * Binds an outbound federation request to the browser that started it (login CSRF, RFC 6749 §10.12):
 * the redirect to the provider sets a cookie named after the request whose value is an HMAC of the
 * request's id under a server key, and the provider's answer is taken only from a browser that
 * sends it back. An attacker who starts a flow and hands the victim the provider's answer for their
 * own account gets nothing: the victim's browser never had that request's cookie. One cookie per
 * request (several tabs may federate at once), gone after {@link FEDERATION_BINDING_SECONDS}.
 *
 * Answers come back as top-level GETs (OIDC) or cross-site POSTs (SAML, Apple's form_post), and
 * browsers send SameSite=Lax cookies only with the first, so under TLS the cookie is SameSite=None
 * (with Secure, as browsers require). Over plain HTTP (development) browsers refuse SameSite=None
 * without Secure, so the cookie names no SameSite: Firefox and Safari send it with a cross-site POST,
 * and Chromium does for a cookie younger than two minutes (its "Lax+POST" rule); a slower sign-in at
 * a provider on another site that POSTs its answer needs TLS (docs/federation.md).
 */
export class FederationBinding {
  readonly #key: Buffer;
  constructor(serverKey: Buffer) {
    this.#key = createHmac('sha256', serverKey).update('cognate/hosted-ui/federation-binding/v1').digest();
  }

  #name(secure: boolean, requestId: string): string {
    const tag = createHash('sha256').update(requestId).digest('hex').slice(0, 16);
    return `${secure ? '__Host-' : ''}cognate-fed-${tag}`;
  }

  #value(requestId: string): string {
    return createHmac('sha256', this.#key).update(requestId).digest('base64url');
  }

  /** The Set-Cookie header that binds `requestId` to this browser. */
  setCookie(secure: boolean, requestId: string): string {
    const parts = [`${this.#name(secure, requestId)}=${this.#value(requestId)}`, 'Path=/', 'HttpOnly', `Max-Age=${FEDERATION_BINDING_SECONDS}`];
    if (secure) parts.push('SameSite=None', 'Secure');
    return parts.join('; ');
  }

  /** The Set-Cookie header that removes the binding once the answer came back. */
  clearCookie(secure: boolean, requestId: string): string {
    return [`${this.#name(secure, requestId)}=`, 'Path=/', 'HttpOnly', 'Max-Age=0', ...(secure ? ['SameSite=None', 'Secure'] : [])].join('; ');
  }

  /** Whether the browser sent the cookie binding `requestId` (compared in constant time). */
  check(c: HostedContext, secure: boolean, requestId: string): boolean {
    const header = c.req.header('cookie');
    if (!header) return false;
    const name = this.#name(secure, requestId);
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return constantTimeEqual(part.slice(eq + 1).trim(), this.#value(requestId));
    }
    return false;
  }
}

/** How long a federation binding cookie lives: the outbound request's own lifetime (domain/federation/requests.ts). */
export const FEDERATION_BINDING_SECONDS = 600;

/** The CSP source expression of an inline script's text (CSP3 hash-source). */
export function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
}

/** A per-response nonce for the one inline `<style>` (the pages have no script at all). */
export function styleNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The security headers of every page. `formTargets` are the origins a form on this page may end up
 * at: a sign-in form's POST is answered with a redirect to the client's callback, and browsers apply
 * `form-action` to that redirect too.
 */
export function pageHeaders(nonce: string, formTargets: readonly string[] = [], script?: string): Record<string, string> {
  const formAction = ["'self'", ...formTargets].join(' ');
  // A page with a script (the passkey page) allows exactly that inline text, by its hash; it fetches nothing (connect-src stays 'none').
  const scriptSrc = script ? `; script-src '${scriptHash(script)}'` : '';
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'${scriptSrc}; img-src 'self' data: https:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
}

/** Headers for a redirect the hosted UI answers with (authorize, login, logout). */
export function redirectHeaders(location: string): Record<string, string> {
  return { location, 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' };
}

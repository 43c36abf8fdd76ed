/**
 * What keeps a console session the signed-in person's:
 * - the cookie: `__Host-cognate-console` under TLS (Secure, HttpOnly, SameSite=Strict, Path=/, no
 *   Domain), `cognate-console` over plain HTTP (browsers refuse `__Host-`/`Secure` there); its value
 *   is the session secret (auth.ts stores only its hash). Strict, so no other site's link or form
 *   carries it;
 * - CSRF (synchronizer token): every form carries an HMAC of the session secret under a server key,
 *   so a token works only with the session it was rendered for, dies with it, and can't be read by
 *   another origin; compared in constant time. And every POST's `Origin` (or, without one, its
 *   `Sec-Fetch-Site`) must be this origin;
 * - headers: a CSP that allows only this origin's stylesheet and script (no inline script or style),
 *   frames only from this origin (the branding preview), `frame-ancestors 'none'`, no caching, no
 *   referrer beyond this origin, nosniff.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { constantTimeEqual } from '../crypto/compare.js';
import type { Cognate } from '../domain/cognate.js';
import { overTls, readCookie } from '../protocol/hosted-ui/security.js';

export type ConsoleContext = Context<{ Bindings: HttpBindings }>;

const SECURE_COOKIE = '__Host-cognate-console';
const PLAIN_COOKIE = 'cognate-console';
export { overTls };

export function consoleCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE : PLAIN_COOKIE;
}

/** The session secret the browser sent, if well-formed. */
export function readSessionCookie(c: ConsoleContext, secure: boolean): string | undefined {
  return readCookie(c, consoleCookieName(secure));
}

/** The Set-Cookie header for a session secret (a browser-session cookie), or clearing it (`''`). */
export function sessionCookieHeader(secure: boolean, value: string): string {
  const parts = [`${consoleCookieName(secure)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) parts.push('Secure');
  if (value === '') parts.push('Max-Age=0');
  return parts.join('; ');
}

/** Makes and checks the console's CSRF tokens (see the file's comment). */
export class ConsoleCsrf {
  readonly #key: Buffer;
  constructor(serverKey: Buffer) {
    this.#key = createHmac('sha256', serverKey).update('cognate/console/csrf/v1').digest();
  }

  /** A new random cookie value (256 bits). */
  static newValue(): string {
    return randomBytes(32).toString('base64url');
  }

  /** The token of every form of the session whose secret is `session`. */
  token(session: string): string {
    return createHmac('sha256', this.#key).update(session).digest('base64url');
  }

  check(session: string | undefined, token: unknown): boolean {
    if (!session || typeof token !== 'string' || token.length > 100) return false;
    return constantTimeEqual(this.token(session), token);
  }
}

/**
 * Whether a POST comes from a page of this origin: its `Origin` header must be the request's own
 * origin; without one (older browsers, non-browser clients), `Sec-Fetch-Site` must not say another site.
 */
export function sameOrigin(c: ConsoleContext, secure: boolean, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  const host = c.req.header('host');
  // Behind a proxy the browser's origin is the public URL's; reached directly, the Host it named.
  // Origin "null" (a privacy-sensitive context): only a same-origin fetch, by Fetch Metadata.
  if (origin === 'null') return c.req.header('sec-fetch-site') === 'same-origin';
  if (origin !== undefined) return (!!host && origin === `${secure ? 'https' : 'http'}://${host}`) || origin === originOf(publicUrl);
  const site = c.req.header('sec-fetch-site');
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** The security headers of every console page. */
export function consoleHeaders(): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the forms' POSTs.
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
}

/** The branding preview is framed by the console itself: same headers, but `frame-ancestors 'self'`. */
export function previewHeaders(nonce: string): Record<string, string> {
  return {
    ...consoleHeaders(),
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data: https:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'`,
    'x-frame-options': 'SAMEORIGIN',
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

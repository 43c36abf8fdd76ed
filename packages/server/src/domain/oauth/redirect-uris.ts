/**
 * Redirect-URI and logout-URI matching at request time (security.md P17, A01–A06, A30).
 *
 * The rule is RFC 9700 §2.1: the URI a request names must be, character for character, one the
 * client registered (`CallbackURLs`, `LogoutURLs`). Nothing is normalised — no lowercasing, no
 * path resolution (`/../`, `%2e%2e`, `..;`), no default ports, no trailing slashes, no query
 * additions — because every such step has been a bypass somewhere (Keycloak CVE-2026-3872,
 * CVE-2024-8883, fosite CVE-2020-15234). The one exception is RFC 8252 §7.3: for a native app's
 * loopback redirect (`http://127.0.0.1` or `http://[::1]`, not `localhost`), the port may differ,
 * and only the port.
 */
import type { AppClient } from '../app-clients.js';

/** Longer than any registrable callback (Cognito allows 1,024 characters). */
const MAX_URI_LENGTH = 1024;

/** `http://<loopback IP>[:port]<rest>`: the parts a loopback comparison looks at, from the raw string. */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?][^#]*)?$/;

function wellFormed(uri: unknown): uri is string {
  // No fragment (RFC 6749 §3.1.2), no whitespace or control characters, ASCII only (lookalike dots).
  return typeof uri === 'string' && uri.length > 0 && uri.length <= MAX_URI_LENGTH && /^[\x21-\x7e]+$/.test(uri) && !uri.includes('#');
}

function loopbackMatch(registered: string, given: string): boolean {
  const r = LOOPBACK.exec(registered);
  const g = LOOPBACK.exec(given);
  if (!r || !g) return false;
  const port = g[2] === undefined ? undefined : Number(g[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return false;
  // Same IP literal, same path and query, byte for byte; only the port may differ.
  return r[1] === g[1] && (r[3] ?? '') === (g[3] ?? '');
}

/** Whether `given` is one of `registered`, exactly (or a loopback redirect differing only in port). */
export function matchesRegisteredUri(registered: readonly string[] | undefined, given: unknown): given is string {
  if (!wellFormed(given) || !registered) return false;
  for (const uri of registered) {
    if (uri === given) return true;
    if (loopbackMatch(uri, given)) return true;
  }
  return false;
}

/** The client's callback for an authorize request: `redirect_uri` if registered; undefined if not. */
export function callbackFor(client: AppClient, redirectUri: unknown): string | undefined {
  return matchesRegisteredUri(client.settings.CallbackURLs, redirectUri) ? redirectUri : undefined;
}

/** A `logout_uri` the client registered in LogoutURLs, exactly (no loopback port leeway: A30). */
export function logoutUriFor(client: AppClient, logoutUri: unknown): string | undefined {
  const registered = client.settings.LogoutURLs ?? [];
  return wellFormed(logoutUri) && registered.includes(logoutUri) ? logoutUri : undefined;
}

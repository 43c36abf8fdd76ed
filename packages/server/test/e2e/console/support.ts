/**
 * What the console suites share: a cookie-keeping HTTP client that reads each page's CSRF token
 * (the way a browser carries them), console users made through the same function as
 * `cognate console-user create`, and the admin key pair's sign-in.
 */
import { totp } from '../../support/mfa.js';
import type { TestServer } from '../../support/server.js';
import { createConsoleUser } from '../../../src/console/auth.js';

export const CONSOLE_PASSWORD = 'correct horse battery staple';

/** A browser without the browser: keeps cookies, sends a same-origin Origin with each POST. */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page read. */
  csrf = '';
  constructor(readonly server: TestServer) {}

  get origin(): string {
    return new URL(this.server.url).origin;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<{ status: number; text: string; res: Response }> {
    const res = await fetch(this.server.url + path, { headers: { cookie: this.#cookieHeader() }, redirect: 'manual' });
    this.#keep(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: res.status, text, res };
  }

  async post(path: string, fields: Record<string, string | string[]>, opts: { origin?: string | null; csrf?: string | null } = {}): Promise<{ status: number; text: string; res: Response; location: string | null }> {
    const body = new URLSearchParams();
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null) body.append('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const origin = opts.origin === undefined ? this.origin : opts.origin;
    const res = await fetch(this.server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.#cookieHeader(), ...(origin !== null ? { origin } : {}) },
      body: body.toString(),
      redirect: 'manual',
    });
    this.#keep(res);
    return { status: res.status, text: await res.text(), res, location: res.headers.get('location') };
  }

  /** Signs in with the server's admin key pair; returns the sign-in POST's answer. */
  async signInWithKey(): Promise<{ status: number; location: string | null; res: Response }> {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { kind: 'key', accessKeyId: this.server.credentials.accessKeyId, secretAccessKey: this.server.credentials.secretAccessKey });
  }

  /** Signs in as a console user with a code for the server's current time. */
  async signInAsUser(user: { username: string; totpSecret: string }, password = CONSOLE_PASSWORD): Promise<{ status: number; location: string | null; text: string; res: Response }> {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { kind: 'user', username: user.username, password, code: totp(user.totpSecret, this.server.clock.now()) });
  }

  /** The session cookie's value (plain HTTP name). */
  get session(): string | undefined {
    return this.cookies.get('cognate-console') ?? this.cookies.get('__Host-cognate-console');
  }
}

/** Makes a console user as `cognate console-user create` does. */
export function consoleUser(server: TestServer, username: string): Promise<{ username: string; totpSecret: string }> {
  return createConsoleUser(server.running.cognate, username, CONSOLE_PASSWORD);
}

/** A fresh client signed in with the admin key pair. */
export async function signedInClient(server: TestServer): Promise<ConsoleClient> {
  const client = new ConsoleClient(server);
  const res = await client.signInWithKey();
  if (res.status !== 303) throw new Error(`console sign-in answered ${res.status}`);
  await client.get('/console');
  return client;
}

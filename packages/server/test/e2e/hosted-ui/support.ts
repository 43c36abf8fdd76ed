/**
 * A browser without rendering, for driving the hosted UI over plain HTTP: it keeps cookies (by
 * name, as a browser keeps them for one host), follows no redirects on its own (tests look at each
 * Location), and reads forms out of a page (action, hidden fields, CSRF token) so a test submits
 * what a person would.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';

export interface PageResponse {
  status: number;
  headers: Headers;
  body: string;
  location: string | undefined;
  url: string;
}

export interface ParsedForm {
  action: string;
  fields: Record<string, string>;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!);
}

/** The forms of a page: each `<form method="post" action=…>` with its hidden inputs and the names of its other inputs. */
export function formsOf(body: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const m of body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = decodeEntities(/action="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
    const fields: Record<string, string> = {};
    for (const input of m[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const attrs = input[1]!;
      const name = /name="([^"]*)"/.exec(attrs)?.[1];
      if (!name) continue;
      const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
      const value = decodeEntities(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
      if (type === 'radio') {
        if (/\bchecked\b/.test(attrs) && !(name in fields)) fields[name] = value;
        continue;
      }
      fields[decodeEntities(name)] = value;
    }
    forms.push({ action, fields });
  }
  return forms;
}

export class FormClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string, readonly extraHeaders: Record<string, string> = {}) {}

  #absorb(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/;\s*Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  #cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  url(path: string): string {
    return path.startsWith('http') ? path : this.base + path;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    const url = this.url(path);
    const res = await fetch(url, { redirect: 'manual', headers: { ...this.extraHeaders, ...this.#cookieHeader(), ...headers } });
    this.#absorb(res);
    return { status: res.status, headers: res.headers, body: await res.text(), location: res.headers.get('location') ?? undefined, url };
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResponse> {
    const url = this.url(path);
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.extraHeaders, ...this.#cookieHeader(), ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    this.#absorb(res);
    return { status: res.status, headers: res.headers, body: await res.text(), location: res.headers.get('location') ?? undefined, url };
  }

  /** Fills the page's only (or `index`-th) form with `values` on top of its hidden fields, and posts it. */
  async submit(page: PageResponse, values: Record<string, string>, index = 0): Promise<PageResponse> {
    const form = formsOf(page.body)[index];
    assert.ok(form, `no form on the page (status ${page.status}): ${page.body.slice(0, 400)}`);
    return this.post(new URL(form.action, page.url).toString(), { ...form.fields, ...values });
  }

  /** GETs `path` and follows same-server redirects until a page or an off-server Location. */
  async follow(path: string, max = 5): Promise<PageResponse> {
    let res = await this.get(path);
    for (let i = 0; i < max && res.status === 302 && res.location && this.isOurs(res.location, res.url); i++) res = await this.get(new URL(res.location, res.url).toString());
    return res;
  }

  isOurs(location: string, from: string): boolean {
    return new URL(location, from).origin === new URL(this.base).origin;
  }
}

/** A PKCE pair (RFC 7636 S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The query (or fragment) parameters of a redirect Location. */
export function redirectParams(location: string | undefined): URLSearchParams {
  assert.ok(location, 'expected a redirect');
  const url = new URL(location);
  return new URLSearchParams(url.hash ? url.hash.slice(1) : url.search);
}

// ------------------------------------------------------------------------------------------------
// Pools, clients and users for the hosted-UI suites, made with the AWS SDK.
// ------------------------------------------------------------------------------------------------

import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../../support/server.js';

export const PASSWORD = 'Corr3ct-Horse!';
export const CALLBACK = 'https://app.example.com/callback';
export const LOGOUT = 'https://app.example.com/signed-out';

export interface OAuthApp {
  poolId: string;
  clientId: string;
  clientSecret?: string;
}

/** A pool and an OAuth client (code flow, openid/email/profile, COGNITO, one callback and one logout URL). */
export async function oauthApp(server: TestServer, pool: Partial<CreateUserPoolCommandInput> = {}, client: Partial<CreateUserPoolClientCommandInput> = {}): Promise<OAuthApp> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'hosted', ...pool }))).UserPool!.Id!;
  const created = (
    await server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'web',
        PreventUserExistenceErrors: 'ENABLED',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [CALLBACK],
        LogoutURLs: [LOGOUT],
        ...client,
      }),
    )
  ).UserPoolClient!;
  return { poolId, clientId: created.ClientId!, ...(created.ClientSecret ? { clientSecret: created.ClientSecret } : {}) };
}

/** A CONFIRMED user with a permanent password (or FORCE_CHANGE_PASSWORD with `temporary`). */
export async function newUser(server: TestServer, poolId: string, username: string, opts: { temporary?: boolean; attributes?: Record<string, string> } = {}): Promise<void> {
  await server.admin.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: PASSWORD,
      UserAttributes: Object.entries(opts.attributes ?? {}).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  if (!opts.temporary) await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** The query string of an authorization request for `app` (code + PKCE by default). */
export function authorizeQuery(app: OAuthApp, extra: Record<string, string | undefined> = {}): { query: string; verifier: string; state: string } {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const params: Record<string, string | undefined> = {
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
  return { query: search.toString(), verifier, state };
}

/** Signs in through the pages: authorize → /login → POST; returns the last response (a redirect to the callback when it worked). */
export async function signInThroughPages(browser: FormClient, query: string, username: string, password = PASSWORD): Promise<PageResponse> {
  const login = await browser.follow(`/oauth2/authorize?${query}`);
  assert.equal(login.status, 200, `the login page: ${login.body.slice(0, 300)}`);
  return browser.submit(login, { username, password });
}

/**
 * The structural accessibility rules every page keeps (WCAG 2.1 A/AA, the parts that can be read
 * from markup): a language, one h1, a label for each visible input (and a legend for each radio
 * group), no positive tabindex, buttons with text, images with alt, errors announced.
 */
export function assertAccessibleMarkup(body: string): void {
  assert.match(body, /<html lang="[a-z]{2}(?:-[A-Za-z]+)?">/, 'the page has a language');
  assert.equal((body.match(/<h1[\s>]/g) ?? []).length, 1, 'exactly one h1');
  assert.doesNotMatch(body, /tabindex="[1-9]/, 'no positive tabindex (the DOM order is the focus order)');
  assert.doesNotMatch(body, /<script/i, 'no script');
  for (const m of body.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1]!;
    const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if (type === 'hidden') continue;
    const id = /id="([^"]*)"/.exec(attrs)?.[1];
    assert.ok(id, `an input without an id: ${attrs}`);
    assert.ok(body.includes(`for="${id}"`), `no label for #${id}`);
  }
  if (body.includes('type="radio"')) assert.match(body, /<fieldset><legend>[^<]+<\/legend>/, 'radio buttons are grouped with a legend');
  for (const m of body.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)) assert.ok(m[1]!.trim().length > 0, 'a button without text');
  for (const m of body.matchAll(/<img\b([^>]*)>/g)) assert.match(m[1]!, /\balt="/, 'an image without alt');
  if (body.includes('class="alert')) assert.match(body, /role="alert"/, 'errors are announced');
}

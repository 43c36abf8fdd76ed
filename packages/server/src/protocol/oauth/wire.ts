/**
 * What the OAuth endpoints share on the wire: the form body (RFC 6749 §3.2, application/x-www-form-
 * urlencoded only, no parameter twice, an empty one as if absent), client authentication
 * (client_secret_basic and client_secret_post, RFC 6749 §2.3.1; a client with a secret must use one,
 * compared in constant time), and RFC 6749 §5.2 error answers with `Cache-Control: no-store`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { provesClientSecret } from '../../domain/app-clients.js';
import type { Ports } from '../../domain/cognate.js';
import { resolveOAuthClient, type OAuthParty } from '../../domain/oauth/clients.js';
import { OAuthError, oauthError } from '../../domain/oauth/errors.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export const jsonAnswer = (status: number, json: unknown, headers: Record<string, string> = {}): RawAnswer => ({ status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(json) });

/** The longest value any OAuth parameter may have (a refresh token is 64 characters, a JWT a few KiB). */
const MAX_PARAMETER = 16 * 1024;

export const isForm = (contentType: string | undefined) => (contentType ?? '').toLowerCase().split(';')[0]!.trim() === 'application/x-www-form-urlencoded';

/** A form body's parameters; a parameter given twice, or with a NUL, is invalid_request (RFC 6749 §3.2). */
export function parseForm(body: Buffer | string): Map<string, string> {
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))) {
    if (seen.has(name)) throw oauthError('invalid_request');
    seen.add(name);
    if (value.length > MAX_PARAMETER || value.includes('\0')) throw oauthError('invalid_request');
    // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted".
    if (value !== '') params.set(name, value);
  }
  return params;
}

export interface PresentedClient {
  clientId: string | undefined;
  secret: string | undefined;
  /**
   * Basic credentials as sent, when form-decoding changed them: RFC 6749 §2.3.1 asks clients to
   * form-encode id and secret, many (curl examples, SDK snippets) don't, and a secret may hold `+`.
   */
  rawSecret?: string;
  /** client_secret_basic: failures then answer 401 with WWW-Authenticate (RFC 6749 §5.2) */
  basic: boolean;
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** The client's credentials from `Authorization: Basic` (form-encoded id and secret) or the body. */
export function presentedClient(headers: IncomingHttpHeaders, form: Map<string, string>): PresentedClient {
  const authorization = headers.authorization;
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (authorization === undefined || authorization === '') return { clientId: bodyId, secret: bodySecret, basic: false };
  const m = /^basic +([A-Za-z0-9+/]+={0,2})$/i.exec(authorization.trim());
  if (!m) throw new OAuthError('invalid_client');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client');
  const rawId = decoded.slice(0, colon);
  const rawSecret = decoded.slice(colon + 1);
  let clientId = rawId;
  let secret = rawSecret;
  try {
    // A client id is letters and digits: one with `%` was form-encoded.
    if (rawId.includes('%')) clientId = formDecode(rawId);
    secret = formDecode(rawSecret);
  } catch {
    // Not valid form encoding: taken as sent.
  }
  // One authentication method per request (RFC 6749 §2.3); a body client_id may repeat the header's.
  if (bodySecret !== undefined) throw oauthError('invalid_request');
  if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_client');
  return { clientId, secret: secret === '' ? undefined : secret, ...(rawSecret !== secret ? { rawSecret } : {}), basic: true };
}

/**
 * The pool and client of a request whose client authenticated: an unknown client, a wrong or
 * missing secret for a client that has one, or a secret for a client that has none, are all
 * invalid_client.
 */
export async function authenticateClient(cognate: Ports<'clients' | 'config' | 'pools' | 'store'>, presented: PresentedClient, host: string | undefined): Promise<OAuthParty> {
  const party = await resolveOAuthClient(cognate, presented.clientId, host);
  if (!party) throw oauthError('invalid_client');
  if (party.client.secrets.length === 0) {
    if (presented.secret !== undefined) throw oauthError('invalid_client');
    return party;
  }
  // Either live secret (two during a rotation); the decoded and the raw form both compared, whichever matches.
  const decodedMatches = provesClientSecret(party.client, presented.secret, (secret) => [secret]);
  const rawMatches = provesClientSecret(party.client, presented.rawSecret, (secret) => [secret]);
  if (!decodedMatches && !rawMatches) throw oauthError('invalid_client');
  return party;
}

/**
 * RFC 6749 §5.2: 400 with `{"error": …}`; invalid_client is 401 with `WWW-Authenticate` when the
 * client tried `Authorization: Basic`. Cognito's answers carry the error code alone.
 */
export function oauthErrorAnswer(e: OAuthError, basic: boolean): RawAnswer {
  const body: Record<string, string> = { error: e.code };
  if (e.description) body.error_description = e.description;
  if (e.code === 'invalid_client' && basic) return jsonAnswer(401, body, { 'www-authenticate': 'Basic realm="cognito"' });
  return jsonAnswer(400, body);
}

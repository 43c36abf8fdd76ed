/**
 * `POST /oauth2/token` (developer guide, "Token endpoint"; RFC 6749 §3.2): a form body only, the
 * client authenticated, then the grant (domain/oauth/grants.ts). Served straight from node:http
 * like the API (server.ts): client_credentials is the bench's hot path and RS256 signing
 * dominates it, so the request costs no more than parsing a form.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Cognate } from '../../domain/cognate.js';
import { OAuthError, oauthError } from '../../domain/oauth/errors.js';
import { GRANT_TYPES, runGrant, type GrantType, type TokenRequest } from '../../domain/oauth/grants.js';
import { CognitoError } from '../../errors.js';
import { isTransientStoreError } from '../../store/faults.js';
import { faultBody, UNAVAILABLE } from '../http-common.js';
import { checkTokenEndpointRateLimit } from '../../domain/rate-limits/index.js';
import { authenticateClient, isForm, jsonAnswer, oauthErrorAnswer, parseForm, presentedClient, type PresentedClient, type RawAnswer } from './wire.js';

/** `aws_client_metadata`: a URL-encoded JSON object of strings, for a machine token's PreTokenGeneration trigger. */
function clientMetadataOf(form: Map<string, string>): Record<string, string> | undefined {
  const raw = form.get('aws_client_metadata');
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw oauthError('invalid_request');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) throw oauthError('invalid_request');
  return parsed as Record<string, string>;
}

export async function handleTokenRequest(cognate: Cognate, req: ClientFormRequest): Promise<RawAnswer> {
  return serveClientForm(cognate, req, async (form, presented) => {
    const grantType = form.get('grant_type');
    if (grantType === undefined) throw oauthError('invalid_request');
    const party = await authenticateClient(cognate, presented, req.headers.host);
    if (!GRANT_TYPES.includes(grantType as GrantType)) throw oauthError('unsupported_grant_type');
    // Cognito's request-rate quotas (docs/rate-limits.md): ClientAuthentication for client_credentials, else UserAuthentication.
    checkTokenEndpointRateLimit(cognate, party.client.poolId, grantType);
    const metadata = clientMetadataOf(form);
    const request: TokenRequest = { pool: party.pool, client: party.client };
    for (const [field, name] of [['code', 'code'], ['redirectUri', 'redirect_uri'], ['codeVerifier', 'code_verifier'], ['refreshToken', 'refresh_token'], ['scope', 'scope']] as const) {
      const value = form.get(name);
      if (value !== undefined) request[field] = value;
    }
    if (metadata) request.clientMetadata = metadata;
    const tokens = await runGrant(cognate, grantType as GrantType, request);
    return jsonAnswer(200, tokens);
  });
}

export interface ClientFormRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * What the token and revocation endpoints share: a form body only, the credentials the client
 * presented (form or Basic header), and one way to answer a failure ({@link tokenFailure}). A failed
 * `Authorization: Basic` answers 401 (RFC 6749 §5.2), even when the header can't be parsed.
 */
export async function serveClientForm(
  cognate: Pick<Cognate, 'log'>,
  req: ClientFormRequest,
  serve: (form: Map<string, string>, presented: PresentedClient) => Promise<RawAnswer>,
): Promise<RawAnswer> {
  let basic = false;
  try {
    if (!isForm(req.headers['content-type'])) throw oauthError('invalid_request');
    const form = parseForm(req.body);
    basic = (req.headers.authorization ?? '') !== '';
    return await serve(form, presentedClient(req.headers, form));
  } catch (err) {
    return tokenFailure(cognate, err, basic);
  }
}

/** What a failed token request answers: RFC 6749 JSON, or a 5xx JSON for our own faults — never a stack. */
export function tokenFailure(cognate: Pick<Cognate, 'log'>, err: unknown, basic: boolean): RawAnswer {
  if (err instanceof OAuthError) return oauthErrorAnswer(err, basic);
  if (isTransientStoreError(err)) {
    cognate.log.warn({ err }, 'database unavailable');
    return jsonAnswer(UNAVAILABLE.status, faultBody(true), { 'retry-after': UNAVAILABLE.retryAfterSeconds });
  }
  // Over the pool's request-rate quota: RFC 6585's 429, to be retried after a second.
  if (err instanceof CognitoError && err.name === 'TooManyRequestsException') return jsonAnswer(429, { error: 'invalid_request', error_description: err.message }, { 'retry-after': '1' });
  // A Lambda trigger that failed or answered badly: the request can't be served as asked.
  if (err instanceof CognitoError && err.status < 500) return jsonAnswer(400, { error: 'invalid_request', error_description: err.message });
  cognate.log.error({ err }, 'unhandled error');
  return jsonAnswer(500, faultBody(false));
}

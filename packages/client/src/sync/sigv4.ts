/**
 * AWS Signature Version 4 for the client's signed calls (Cognito Sync's REST API), over WebCrypto
 * so it runs in browsers, Node and React Native. Only the header form (an `Authorization` header),
 * as the AWS SDKs send it; the client never presigns URLs. Internal: not exported from the package.
 *
 * Reference: "Create a signed AWS API request" (AWS IAM user guide, Signature Version 4).
 */
import { hmacSha256, sha256, toHex, utf8 } from '../internal/bytes.js';

/** The request as it will be sent: `url` carries the path exactly as sent (labels already percent-encoded) and the query. */
export interface RequestToSign {
  method: string;
  url: string;
  /** Headers to sign and send; `host` is added to the signed ones from the URL. */
  headers: Record<string, string>;
  body: string;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigningScope {
  region: string;
  service: string;
  /** Milliseconds since the epoch: the request's date. */
  now: number;
}

/** RFC 3986 encoding as SigV4 wants it: everything but the unreserved characters, hex in upper case. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of a path as sent. Every service but S3 encodes each segment once more, so a
 * label sent as `us-east-1%3Aabc` is signed as `us-east-1%253Aabc` (what @smithy/signature-v4 does
 * with its default `uriEscapePath`, and what AWS and Cognate verify).
 */
export function canonicalUri(path: string): string {
  if (!path) return '/';
  return path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

/** The canonical query string: each name and value decoded, encoded again strictly, sorted by name then value. */
export function canonicalQuery(search: string): string {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  if (!raw) return '';
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, '%20'));
  const pairs = raw
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const at = p.indexOf('=');
      const name = at < 0 ? p : p.slice(0, at);
      const value = at < 0 ? '' : p.slice(at + 1);
      return [uriEncode(decode(name)), uriEncode(decode(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** `20150830T123600Z` */
export function amzDate(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Signs a request: returns the headers to send (the given ones plus `x-amz-date`,
 * `x-amz-security-token` for temporary credentials, `x-amz-content-sha256` and `authorization`).
 * `host` is signed but not returned: fetch sets it from the URL, and browsers forbid setting it.
 */
export async function signRequest(
  request: RequestToSign,
  credentials: SigningCredentials,
  scope: SigningScope,
  options: { contentSha256Header?: boolean } = {},
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const date = amzDate(scope.now);
  const day = date.slice(0, 8);
  const payloadHash = toHex(await sha256(utf8(request.body)));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['x-amz-date'] = date;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  if (options.contentSha256Header !== false) headers['x-amz-content-sha256'] = payloadHash;
  const signed: Record<string, string> = { ...headers, host: url.host };
  const names = Object.keys(signed).sort();
  const canonicalHeaders = names.map((n) => `${n}:${signed[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [request.method.toUpperCase(), canonicalUri(url.pathname), canonicalQuery(url.search), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, credentialScope, toHex(await sha256(utf8(canonicalRequest)))].join('\n');
  let key = await hmacSha256(utf8(`AWS4${credentials.secretAccessKey}`), utf8(day));
  for (const part of [scope.region, scope.service, 'aws4_request']) key = await hmacSha256(key, utf8(part));
  const signature = toHex(await hmacSha256(key, utf8(stringToSign)));
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/**
 * Server-side AWS Signature Version 4 verification (header auth and presigned query auth).
 *
 * The canonicalisation mirrors the signer real clients use, `@smithy/signature-v4` 5.x
 * (`SignatureV4Base.getCanonicalPath`, `getCanonicalQuery`, `getCanonicalHeaders`, `getPayloadHash`):
 * - Canonical URI (default, every service but S3): the path exactly as received, still percent-encoded,
 *   split on `/`, empty and `.` segments dropped, `..` pops the previous segment, the leading and (when any
 *   segment is left) trailing `/` kept, then URI-encoded once more (`%3A` becomes `%253A`). With
 *   `doubleEncodePath: false` (S3) the received path is used verbatim.
 * - Canonical query: every parameter except `X-Amz-Signature`, percent-decoded then re-encoded per RFC 3986
 *   (only `A-Za-z0-9-_.~` stay literal), sorted by encoded key then encoded value. `+` is a literal plus,
 *   not a space (no SDK sends `+` for a space). A parameter without `=` counts as an empty value (`k=`).
 * - Canonical headers: the SignedHeaders, lowercase, values with CR/LF turned into spaces, runs of spaces
 *   and tabs collapsed, leading/trailing space removed; repeated headers joined with `,`.
 * - Payload hash: `x-amz-content-sha256` verbatim when present, else hex(sha256(body)). Unlike the signer we
 *   also require that header to be the real body hash (so a client cannot sign a body it does not send);
 *   `UNSIGNED-PAYLOAD` is refused unless `allowUnsignedPayload` is set.
 *
 * Error statuses: signature failures (`InvalidSignatureException`, `UnrecognizedClientException`,
 * `MissingAuthenticationTokenException`) answer 403 (`SIGNATURE_FAILURE_STATUS`), as AWS's common-errors
 * table and its restJson services do. Captured awsJson responses (SageMaker, EMR) show 400 for
 * `InvalidSignatureException`; the SDKs read only the error name, so either works. A malformed
 * Authorization header is `IncompleteSignatureException` (the awsJson spelling) with 400.
 * A query parameter without `=` is canonicalised as `k=` (the SigV4 spec); @smithy/signature-v4 would drop
 * a null-valued parameter from the canonical query instead, but no Cognito operation sends one.
 * Messages use AWS's wording but never include the expected signature, the canonical request or the
 * string to sign.
 *
 * SDK interplay worth knowing: the AWS SDK for JavaScript v3 treats `InvalidSignatureException` as a clock
 * skew error. On such an error it re-reads its clock offset from the response `Date` header and retries
 * when the message contains "Signature expired" (or the offset moved by 4 minutes or more). So error
 * responses must carry a `Date` header (node:http adds one by default), and the skew messages below keep
 * AWS's exact wording.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { CognitoError } from '../errors.js';
import { BoundedMap } from '../domain/cache.js';
import type { AdminCredentials } from '../domain/secrets.js';

export interface SignedRequest {
  /** The HTTP method as received (node:http gives it uppercase). */
  method: string;
  /** The path exactly as received, still percent-encoded, without the query. */
  rawPath: string;
  /** Everything after `?`, as received; `''` when there is none. */
  rawQuery: string;
  /** Lowercase header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Optional: node's `IncomingMessage.rawHeaders`. When given, repeated headers are canonicalised from the
   * individual lines (`a,b`) instead of node's joined value (`a, b`). No AWS SDK repeats a header.
   */
  rawHeaders?: readonly string[];
  body: Buffer;
}

export interface SigningSecret {
  secretAccessKey: string;
  /** Whatever the caller wants back for an authenticated request (an IAM-ish principal). */
  principal: unknown;
}

/**
 * Finds the secret for an access key. `sessionToken` is the `x-amz-security-token` header (or the
 * `X-Amz-Security-Token` query parameter of a presigned request); a lookup that issues session credentials
 * must check that it belongs to the key. Return `undefined` for an unknown key or token; throw a
 * `CognitoError` (e.g. `ExpiredTokenException`) to answer something more specific.
 */
export type SigningSecretLookup = (
  accessKeyId: string,
  sessionToken: string | undefined,
) => Promise<SigningSecret | undefined>;

export interface VerifySigV4Options {
  /** Accepted signing names for this endpoint, e.g. `['cognito-idp']`. */
  services: readonly string[];
  lookup: SigningSecretLookup;
  /** Server clock, epoch milliseconds. */
  now: number;
  /** Allowed difference between the request date and `now`; default 5 minutes, as AWS. */
  maxSkewMs?: number;
  /** URI-encode the received path once more; default true. Only S3 signs with `false`. */
  doubleEncodePath?: boolean;
  /** When set, the credential scope region must be one of these. */
  regions?: readonly string[];
  /** Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD` (S3 style); default false. */
  allowUnsignedPayload?: boolean;
}

export interface VerifiedSigV4 {
  accessKeyId: string;
  region: string;
  service: string;
  principal: unknown;
  sessionToken: string | undefined;
  /** True when the signature came from query parameters rather than the Authorization header. */
  presigned: boolean;
}

/** HTTP status for authentication failures (see the module comment). */
export const SIGNATURE_FAILURE_STATUS = 403;
const MALFORMED_STATUS = 400;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_PRESIGNED_EXPIRES_S = 7 * 24 * 60 * 60;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const mismatch = () => new CognitoError('InvalidSignatureException', SIGNATURE_MISMATCH, SIGNATURE_FAILURE_STATUS);
const invalidSignature = (message: string) =>
  new CognitoError('InvalidSignatureException', message, SIGNATURE_FAILURE_STATUS);
const incomplete = (message: string) => new CognitoError('IncompleteSignatureException', message, MALFORMED_STATUS);

interface AuthParts {
  presigned: boolean;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** The request date in ISO 8601 basic format. */
  amzDate: string;
  /** Presigned only: X-Amz-Expires in seconds. */
  expiresS: number | undefined;
  sessionToken: string | undefined;
  /** Suffix AWS appends to header-syntax errors. */
  echo: string;
}

interface QueryParam {
  /** The decoded key (UTF-8). */
  key: string;
  value: string;
  /** RFC 3986 encodings used in the canonical query. */
  encodedKey: string;
  encodedValue: string;
}

/**
 * Verifies a SigV4-signed request and returns who signed it. Throws a `CognitoError` when the request is
 * not signed, badly signed, signed for another service, or too old/new.
 */
export async function verifySigV4(req: SignedRequest, opts: VerifySigV4Options): Promise<VerifiedSigV4> {
  const query = parseQuery(req.rawQuery);
  const auth = extractAuth(req, query);
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;

  // Credential scope: AKID/yyyymmdd/region/service/aws4_request (access key ids never contain '/').
  const scopeParts = auth.credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = scopeParts;
  if (
    scopeParts.length !== 5 ||
    !accessKeyId ||
    !scopeDate ||
    !region ||
    !service ||
    !terminator ||
    !/^\d{8}$/.test(scopeDate)
  ) {
    throw incomplete(
      `Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".${auth.echo}`,
    );
  }
  if (terminator !== TERMINATOR) {
    throw invalidSignature(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `);
  }
  if (!opts.services.includes(service)) {
    throw invalidSignature(`Credential should be scoped to correct service: '${opts.services.join("' or '")}'. `);
  }
  if (opts.regions && !opts.regions.includes(region)) {
    throw invalidSignature(`Credential should be scoped to a valid region, not '${region}'. `);
  }

  // Request date and freshness.
  const requestTime = parseBasicIso(auth.amzDate);
  if (requestTime === undefined) {
    throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  if (auth.amzDate.slice(0, 8) !== scopeDate) {
    throw invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
    );
  }
  const now = opts.now;
  if (requestTime > now + maxSkewMs) {
    throw invalidSignature(
      `Signature not yet current: ${auth.amzDate} is still later than ${basicIso(now + maxSkewMs)} ` +
        `(${basicIso(now)} + ${duration(maxSkewMs)})`,
    );
  }
  const validityMs = auth.expiresS !== undefined ? auth.expiresS * 1000 : maxSkewMs;
  if (requestTime < now - validityMs) {
    throw invalidSignature(
      `Signature expired: ${auth.amzDate} is now earlier than ${basicIso(now - validityMs)} ` +
        `(${basicIso(now)} - ${duration(validityMs)})`,
    );
  }

  // Signed headers: lowercase names; host (or :authority) must be among them, and each must be present.
  const signedHeaderNames = auth.signedHeaders.split(';').map((h) => h.trim().toLowerCase());
  if (!signedHeaderNames.includes('host') && !signedHeaderNames.includes(':authority')) {
    throw incomplete(`'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  }
  const headerValues = collectHeaders(req);
  const canonicalHeaderLines: string[] = [];
  for (const name of signedHeaderNames) {
    const values = name === '' ? undefined : headerValues.get(name);
    if (values === undefined) {
      throw incomplete(`'${name}' is named as a SignedHeader, but it does not exist in the HTTP request.`);
    }
    canonicalHeaderLines.push(`${name}:${values.map(canonicalHeaderValue).join(',')}`);
  }

  // Who is it? (Checked before the body hash so unknown keys learn nothing about the request.)
  const found = await opts.lookup(accessKeyId, auth.sessionToken);
  if (!found) {
    throw new CognitoError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      SIGNATURE_FAILURE_STATUS,
    );
  }

  // Payload hash: the declared x-amz-content-sha256 must be the real one.
  const bodyHash = sha256Hex(req.body);
  let declaredHash = firstHeader(req.headers['x-amz-content-sha256']);
  if (declaredHash === undefined && auth.presigned) {
    declaredHash = query.find((p) => p.key === 'X-Amz-Content-Sha256')?.value;
  }
  let payloadHash = bodyHash;
  if (declaredHash !== undefined) {
    if (declaredHash === UNSIGNED_PAYLOAD && opts.allowUnsignedPayload) {
      payloadHash = UNSIGNED_PAYLOAD;
    } else if (/^[0-9a-fA-F]{64}$/.test(declaredHash) && declaredHash.toLowerCase() === bodyHash) {
      payloadHash = declaredHash;
    } else {
      throw mismatch();
    }
  }

  const canonicalRequest = [
    req.method,
    canonicalUri(req.rawPath, opts.doubleEncodePath ?? true),
    canonicalQueryString(query),
    canonicalHeaderLines.join('\n'),
    '',
    signedHeaderNames.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/${TERMINATOR}`;
  const stringToSign = `${ALGORITHM}\n${auth.amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', signingKey(found.secretAccessKey, scopeDate, region, service))
    .update(stringToSign, 'utf8')
    .digest();

  if (!/^[0-9a-f]{64}$/.test(auth.signature)) throw mismatch();
  const provided = Buffer.from(auth.signature, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) throw mismatch();

  return {
    accessKeyId,
    region,
    service,
    principal: found.principal,
    sessionToken: auth.sessionToken,
    presigned: auth.presigned,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Authorization header / presigned query parsing

function extractAuth(req: SignedRequest, query: readonly QueryParam[]): AuthParts {
  const header = firstHeader(req.headers['authorization'])?.trim();
  const presignedAlgorithm = query.find((p) => p.key === 'X-Amz-Algorithm');
  if (header && presignedAlgorithm) {
    throw incomplete(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, ' +
        'Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (header) return parseAuthorizationHeader(header, req);
  if (presignedAlgorithm) return parsePresignedQuery(presignedAlgorithm.value, query);
  throw new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token', SIGNATURE_FAILURE_STATUS);
}

function parseAuthorizationHeader(header: string, req: SignedRequest): AuthParts {
  const echo = ` Authorization=${header}`;
  const space = header.search(/\s/);
  const algorithm = space === -1 ? header : header.slice(0, space);
  const rest = space === -1 ? '' : header.slice(space + 1);

  const params = new Map<string, string>();
  for (const piece of rest.split(',')) {
    const pair = piece.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq === -1) {
      throw incomplete(`'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);
    }
    const key = pair.slice(0, eq).trim();
    if (params.has(key)) {
      throw incomplete(`Authorization header has duplicate '${key}' parameter.${echo}`);
    }
    params.set(key, pair.slice(eq + 1).trim());
  }

  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.${echo}`);
  }

  const amzDate = requestDate(req.headers);
  const problems: string[] = [];
  for (const required of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.has(required)) problems.push(`Authorization header requires '${required}' parameter.`);
  }
  if (amzDate === undefined) {
    problems.push(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  }
  if (problems.length > 0) throw incomplete(`${problems.join(' ')}${echo}`);

  return {
    presigned: false,
    credential: params.get('Credential') ?? '',
    signedHeaders: params.get('SignedHeaders') ?? '',
    signature: params.get('Signature') ?? '',
    amzDate: amzDate ?? '',
    expiresS: undefined,
    sessionToken: firstHeader(req.headers['x-amz-security-token']),
    echo,
  };
}

function parsePresignedQuery(algorithm: string, query: readonly QueryParam[]): AuthParts {
  const get = (key: string) => query.find((p) => p.key === key)?.value;
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  const credential = get('X-Amz-Credential');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  const amzDate = get('X-Amz-Date');
  const expires = get('X-Amz-Expires');
  const problems: string[] = [];
  const requireParam = (value: string | undefined, name: string) => {
    if (value === undefined) problems.push(`AWS query-string parameters must include '${name}'.`);
  };
  requireParam(credential, 'X-Amz-Credential');
  requireParam(signature, 'X-Amz-Signature');
  requireParam(signedHeaders, 'X-Amz-SignedHeaders');
  requireParam(amzDate, 'X-Amz-Date');
  requireParam(expires, 'X-Amz-Expires');
  if (problems.length > 0) throw incomplete(`${problems.join(' ')} Re-examine the query-string parameters.`);
  const expiresS = /^\d{1,7}$/.test(expires ?? '') ? Number(expires) : NaN;
  if (!(expiresS >= 1 && expiresS <= MAX_PRESIGNED_EXPIRES_S)) {
    throw incomplete(`X-Amz-Expires must be a number of seconds between 1 and ${MAX_PRESIGNED_EXPIRES_S}.`);
  }
  return {
    presigned: true,
    credential: credential ?? '',
    signedHeaders: signedHeaders ?? '',
    signature: signature ?? '',
    amzDate: amzDate ?? '',
    expiresS,
    sessionToken: get('X-Amz-Security-Token'),
    echo: '',
  };
}

/** `x-amz-date`, else a `Date` header (basic ISO 8601 or an HTTP date, converted to basic format). */
function requestDate(headers: SignedRequest['headers']): string | undefined {
  const amz = firstHeader(headers['x-amz-date']);
  if (amz !== undefined) return amz.trim();
  const date = firstHeader(headers['date'])?.trim();
  if (date === undefined) return undefined;
  if (/^\d{8}T\d{6}Z$/.test(date)) return date;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? date : basicIso(ms);
}

// ---------------------------------------------------------------------------------------------------------
// Canonicalisation

/** Mirrors `SignatureV4Base.getCanonicalPath` of @smithy/signature-v4. */
export function canonicalUri(rawPath: string, doubleEncode: boolean): string {
  if (!doubleEncode) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized =
    (rawPath.startsWith('/') ? '/' : '') +
    segments.join('/') +
    (segments.length > 0 && rawPath.endsWith('/') ? '/' : '');
  return uriEncode(Buffer.from(normalized, 'utf8')).replace(/%2F/g, '/');
}

function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const keyBytes = percentDecode(eq === -1 ? piece : piece.slice(0, eq));
    const valueBytes = percentDecode(eq === -1 ? '' : piece.slice(eq + 1));
    params.push({
      key: keyBytes.toString('utf8'),
      value: valueBytes.toString('utf8'),
      encodedKey: uriEncode(keyBytes),
      encodedValue: uriEncode(valueBytes),
    });
  }
  return params;
}

/** Mirrors `getCanonicalQuery`: drops X-Amz-Signature, sorts by encoded key then encoded value. */
function canonicalQueryString(params: readonly QueryParam[]): string {
  return params
    .filter((p) => p.key.toLowerCase() !== 'x-amz-signature')
    .map((p) => [p.encodedKey, p.encodedValue] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function collectHeaders(req: SignedRequest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (req.rawHeaders) {
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] as string).toLowerCase();
      const value = req.rawHeaders[i + 1] as string;
      const list = out.get(name);
      if (list) list.push(value);
      else out.set(name, [value]);
    }
    return out;
  }
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out.set(name.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  return out;
}

/** Mirrors `getCanonicalHeaders` value trimming. */
function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

// ---------------------------------------------------------------------------------------------------------
// Encoding helpers

const HEX = '0123456789ABCDEF';
const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') UNRESERVED[c.charCodeAt(0)] = 1;

/** RFC 3986 encoding of raw bytes; identical to smithy's `escapeUri` on UTF-8 input. */
function uriEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b < 128 && UNRESERVED[b]) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Percent-decodes to bytes; a `%` not followed by two hex digits stays literal. `+` stays `+`. */
function percentDecode(s: string): Buffer {
  if (!s.includes('%')) return Buffer.from(s, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      i += ch.length;
    }
  }
  return Buffer.from(bytes);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `yyyymmddThhmmssZ` → epoch ms, or undefined when malformed or not a real date. */
function parseBasicIso(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return basicIso(ms) === s ? ms : undefined;
}

/** epoch ms → `yyyymmddThhmmssZ` (X-Amz-Date). */
export function basicIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function duration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${Math.round(ms / 1000)} sec.`;
}

// ---------------------------------------------------------------------------------------------------------
// Signing keys

const SIGNING_KEY_CACHE_SIZE = 256;
const signingKeys = new BoundedMap<string, Buffer>(SIGNING_KEY_CACHE_SIZE);

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  // date, region and service cannot contain '/', so this key is unambiguous.
  const cacheKey = `${date}/${region}/${service}/${secret}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) {
    signingKeys.delete(cacheKey); // refresh recency
    signingKeys.set(cacheKey, cached);
    return cached;
  }
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  key = createHmac('sha256', key).update(region).digest();
  key = createHmac('sha256', key).update(service).digest();
  key = createHmac('sha256', key).update(TERMINATOR).digest();
  signingKeys.set(cacheKey, key);
  return key;
}

/**
 * The lookup of the admin APIs (the awsJson admin operations, IAM): the one key pair that signs
 * them is the admin credentials. None is accepted when they are not set.
 */
export function adminSigningSecret(admin: AdminCredentials): SigningSecretLookup {
  return async (accessKeyId) =>
    admin.accessKeyId !== '' && accessKeyId === admin.accessKeyId ? { secretAccessKey: admin.secretAccessKey, principal: 'admin' } : undefined;
}

/**
 * RS256 JSON Web Tokens as Cognito issues them, signed and verified with `node:crypto` only.
 *
 * Tokens look like Cognito's: the header is exactly `{"kid":"…","alg":"RS256"}` (in that order),
 * segments are unpadded base64url, and the public keys are served as a JWKS via {@link toJwk}.
 *
 * {@link verifyJwt} is the verifier for every token Cognate accepts (GetUser, UserInfo, identity
 * pools). It is strict by design (reference/security.md P12, A11–A16):
 *
 * - exactly three segments of canonical base64url (no padding, no `+` `/`, zero trailing bits);
 * - header and payload are UTF-8 JSON objects;
 * - `alg` must be `RS256`: `none`, `HS256` (including HMAC keyed with our public key), `RS384`,
 *   `PS256`, `ES256`, … are refused;
 * - headers that carry or point at keys (`jku`, `x5u`, `jwk`, `x5c`) and `crit` are refused;
 * - the key comes only from `keyFor(kid)`, which must be a pure in-memory lookup;
 * - `exp` is required; `nbf`, `iat`, `iss` and (optionally) `token_use` and the client id are checked.
 *
 * Time rules (all in seconds, NumericDate claims against `now` in ms):
 *
 * - `exp`: rejected when `now >= exp + leewaySeconds`. `leewaySeconds` defaults to **0** — Cognate
 *   verifies its own tokens, so a token is dead at `exp` exactly as Cognito's own APIs treat it.
 * - `nbf`: rejected when `now < nbf - clockSkewSeconds`.
 * - `iat`: rejected when `iat > now + clockSkewSeconds` (a token "issued in the future").
 *   `clockSkewSeconds` defaults to **60**, tolerating clock drift between the nodes of a cluster.
 * - Both options are clamped to 0–60 s (reference/security.md A15: leeway ≤ 60 s).
 *
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  KeyObject,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { promisify } from 'node:util';

/** The only signature algorithm Cognate issues or accepts. */
export const JWT_ALG = 'RS256';

/** Tokens longer than this many characters are refused as `malformed` before any work. */
export const MAX_JWT_LENGTH = 32 * 1024;

/** Upper bound for {@link VerifyJwtOptions.leewaySeconds} and {@link VerifyJwtOptions.clockSkewSeconds}. */
export const MAX_LEEWAY_SECONDS = 60;

const NODE_ALG = 'RSA-SHA256';
const MIN_MODULUS_BITS = 2048;
/** Three non-empty base64url segments (the signature may be empty here; it then fails as `signature`). */
const SHAPE_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;
const generateKeyPairAsync = promisify(generateKeyPair);

/** An RS256 signing key. `kid` is published in the JWKS and written into every token's header. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * A public key as published in `/.well-known/jwks.json`, with Cognito's member order. (A type alias,
 * not an interface, so it is assignable to JSON-object types such as aws-jwt-verify's `Jwk`.)
 */
export type Jwk = {
  alg: 'RS256';
  e: string;
  kid: string;
  kty: 'RSA';
  n: string;
  use: 'sig';
};

/** The protected header of a verified token. */
export interface JwtHeader {
  kid: string;
  alg: 'RS256';
  [name: string]: unknown;
}

/** The claims of a verified token. `exp` is guaranteed; `iat` and `nbf` are numbers when present. */
export interface JwtPayload {
  exp: number;
  iat?: number;
  nbf?: number;
  [claim: string]: unknown;
}

/**
 * Why {@link verifyJwt} refused a token.
 *
 * - `malformed`: not three canonical base64url segments, too long, invalid UTF-8, or a header or
 *   payload that is not a JSON object.
 * - `alg`: `alg` is not exactly `RS256`.
 * - `header`: a forbidden header is present (`jku`, `x5u`, `jwk`, `x5c`, `crit`).
 * - `kid`: `kid` missing, not a string, unknown to `keyFor`, or mapped to something that is not an
 *   RSA public key.
 * - `signature`: the RS256 signature does not verify.
 * - `claims`: `exp` missing, or `exp`/`nbf`/`iat` not finite numbers.
 * - `expired`, `not_yet_valid`, `issued_in_future`: the time rules in the module docs.
 * - `issuer`: `iss` differs from the expected issuer.
 * - `token_use`: `token_use` differs from the expected one.
 * - `audience`: the client id (`client_id` for access tokens, otherwise `aud`) does not match.
 * - `options`: the caller passed an unusable `now`; fails closed.
 */
export type JwtFailure =
  | 'malformed'
  | 'alg'
  | 'header'
  | 'kid'
  | 'signature'
  | 'claims'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'issuer'
  | 'token_use'
  | 'audience'
  | 'options';

/** The outcome of {@link verifyJwt}: never an exception. */
export type JwtVerifyResult =
  | { ok: true; header: JwtHeader; payload: JwtPayload }
  | { ok: false; reason: JwtFailure };

/** Options for {@link verifyJwt}. */
export interface VerifyJwtOptions {
  /**
   * The public key for a `kid`, or `undefined`. Must be a pure in-memory lookup (a `Map`): never a
   * file, database or network read. The `kid` is attacker-controlled.
   */
  keyFor(kid: string): KeyObject | undefined;
  /** The current time in ms since the epoch (`clock.now()`). */
  now: number;
  /** Grace after `exp`, in seconds. Default 0, clamped to 0–60. */
  leewaySeconds?: number;
  /** Tolerated clock drift for `nbf` and `iat`, in seconds. Default 60, clamped to 0–60. */
  clockSkewSeconds?: number;
  /** When given, `iss` must equal it (or one of them) exactly. */
  issuer?: string | readonly string[];
  /** When given, `token_use` must equal it (Cognito: `'id'` or `'access'`). */
  tokenUse?: string;
  /**
   * When given, the token must be for this app client: `client_id` when `token_use` is `access`
   * (Cognito access tokens have no `aud`), otherwise `aud` (a string, or an array containing it).
   */
  clientId?: string;
}

/**
 * Generates a new RSA-2048 signing key (e = 65537) with a random `kid` (32 random bytes as
 * base64url, 43 characters, the same entropy as Cognito's kids).
 *
 * @returns The key, plus its private key as PKCS#8 PEM for sealed storage (seal it with the
 *   `'private-key'` purpose; never store it in the clear).
 */
export async function generateSigningKey(): Promise<SigningKey & { privateKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: MIN_MODULUS_BITS,
    publicExponent: 0x10001,
  });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { kid: randomBytes(32).toString('base64url'), privateKey, publicKey, privateKeyPem };
}

/**
 * Rebuilds a {@link SigningKey} from a stored private key (e.g. the PEM from
 * {@link generateSigningKey}, after unsealing). Throws if it is not an RSA private key of at least
 * 2048 bits.
 */
export function importSigningKey(kid: string, privateKey: string | Buffer | KeyObject): SigningKey {
  if (typeof kid !== 'string' || kid.length === 0) throw new TypeError('importSigningKey: kid must be a non-empty string');
  const priv = privateKey instanceof KeyObject ? privateKey : createPrivateKey(privateKey);
  assertRsaKey(priv, 'private');
  return { kid, privateKey: priv, publicKey: createPublicKey(priv) };
}

/**
 * Signs `payload` as an RS256 JWT with header `{"kid":…,"alg":"RS256"}`.
 *
 * Throws (a programming error, not an input error) if the key is not an RSA private key of at least
 * 2048 bits, if `payload` is not a plain object, or if `payload.exp` is not a finite number: a token
 * without `exp` would live forever for verifiers that do not require it.
 */
export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const input = signingInput(payload, key);
  return input + '.' + cryptoSign(NODE_ALG, Buffer.from(input, 'latin1'), key.privateKey).toString('base64url');
}

/**
 * {@link signJwt} with the RSA signature computed on libuv's thread pool (`crypto.sign` with a
 * callback), so the event loop serves other requests meanwhile: the token endpoint's machine
 * tokens are nothing but a signature, and on several cores this lets them use more than one.
 */
export async function signJwtAsync(payload: Record<string, unknown>, key: SigningKey): Promise<string> {
  const input = signingInput(payload, key);
  const signature = await new Promise<Buffer>((resolve, reject) => cryptoSign(NODE_ALG, Buffer.from(input, 'latin1'), key.privateKey, (err, sig) => (err ? reject(err) : resolve(sig))));
  return input + '.' + signature.toString('base64url');
}

function signingInput(payload: Record<string, unknown>, key: SigningKey): string {
  if (!isObject(payload)) throw new TypeError('signJwt: payload must be a plain object');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new TypeError('signJwt: payload.exp must be a finite number (seconds)');
  }
  if (typeof key?.kid !== 'string' || key.kid.length === 0) throw new TypeError('signJwt: kid must be a non-empty string');
  assertRsaKey(key.privateKey, 'private');
  return (
    Buffer.from(JSON.stringify({ kid: key.kid, alg: JWT_ALG }), 'utf8').toString('base64url') +
    '.' +
    Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')
  );
}

/**
 * The public JWK for a key, exactly as Cognito publishes it:
 * `{ alg: 'RS256', e, kid, kty: 'RSA', n, use: 'sig' }`. Only `n` and `e` are taken from the key,
 * so private parameters can never leak even if a private KeyObject is passed by mistake.
 */
export function toJwk(key: SigningKey | { kid: string; publicKey: KeyObject }): Jwk {
  const pub = key.publicKey.type === 'private' ? createPublicKey(key.publicKey) : key.publicKey;
  assertRsaKey(pub, 'public');
  const { n, e } = pub.export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new TypeError('toJwk: not an RSA key');
  return { alg: JWT_ALG, e, kid: key.kid, kty: 'RSA', n, use: 'sig' };
}

/** A JWKS document (`{ keys: [...] }`) for the given keys, in order. */
export function toJwks(keys: ReadonlyArray<SigningKey | { kid: string; publicKey: KeyObject }>): { keys: Jwk[] } {
  return { keys: keys.map(toJwk) };
}

/**
 * Verifies an RS256 JWT. Never throws: every problem is a `{ ok: false, reason }`.
 *
 * Order of checks: shape and encoding → header (`alg`, forbidden headers, `kid`) → key lookup →
 * signature → payload parsing → claims. The payload is not parsed until the signature is good.
 */
export function verifyJwt(token: string, opts: VerifyJwtOptions): JwtVerifyResult {
  try {
    return verifyUnsafe(token, opts);
  } catch {
    return fail('malformed');
  }
}

function verifyUnsafe(token: string, opts: VerifyJwtOptions): JwtVerifyResult {
  const now = opts.now;
  if (typeof now !== 'number' || !Number.isFinite(now)) return fail('options');
  if (typeof token !== 'string' || token.length > MAX_JWT_LENGTH || !SHAPE_RE.test(token)) return fail('malformed');
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (
    !isCanonicalB64url(token, 0, dot1) ||
    !isCanonicalB64url(token, dot1 + 1, dot2) ||
    !isCanonicalB64url(token, dot2 + 1, token.length)
  ) {
    return fail('malformed');
  }

  const header = parseJsonObject(token.slice(0, dot1));
  if (header === undefined) return fail('malformed');
  if (header.alg !== JWT_ALG) return fail('alg');
  for (const name of FORBIDDEN_HEADERS) if (Object.hasOwn(header, name)) return fail('header');
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0) return fail('kid');

  let key: unknown;
  try {
    key = opts.keyFor(kid);
  } catch {
    return fail('kid');
  }
  if (!(key instanceof KeyObject) || key.type !== 'public' || key.asymmetricKeyType !== 'rsa') return fail('kid');

  let payload: Record<string, unknown> | undefined;
  const known = verifiedSignatures.get(token);
  if (known !== undefined && known.key === key) {
    // The same bytes verified before under the key `kid` still maps to: the signature holds.
    payload = known.payload;
  } else {
    if (dot2 + 1 === token.length) return fail('signature');
    const signature = Buffer.from(token.slice(dot2 + 1), 'base64url');
    let good: boolean;
    try {
      good = cryptoVerify(NODE_ALG, Buffer.from(token.slice(0, dot2), 'latin1'), key, signature);
    } catch {
      good = false;
    }
    if (!good) return fail('signature');

    payload = parseJsonObject(token.slice(dot1 + 1, dot2));
    if (payload === undefined) return fail('malformed');
    if (token.length <= VERIFIED_TOKEN_MAX_LENGTH && isNumericDate(payload.exp) && payload.exp * 1000 > now) {
      if (verifiedSignatures.size >= VERIFIED_SIGNATURES_MAX) verifiedSignatures.delete(verifiedSignatures.keys().next().value as string);
      verifiedSignatures.set(token, { key, payload: deepFreeze(payload) });
    }
  }

  const { exp, nbf, iat } = payload;
  if (!isNumericDate(exp)) return fail('claims');
  if (nbf !== undefined && !isNumericDate(nbf)) return fail('claims');
  if (iat !== undefined && !isNumericDate(iat)) return fail('claims');
  const leeway = clampLeeway(opts.leewaySeconds, 0);
  const skew = clampLeeway(opts.clockSkewSeconds, MAX_LEEWAY_SECONDS);
  if (now >= (exp + leeway) * 1000) return fail('expired');
  if (nbf !== undefined && now < (nbf - skew) * 1000) return fail('not_yet_valid');
  if (iat !== undefined && iat * 1000 > now + skew * 1000) return fail('issued_in_future');
  if (opts.issuer !== undefined && (typeof opts.issuer === 'string' ? payload.iss !== opts.issuer : !opts.issuer.includes(payload.iss as string))) return fail('issuer');
  if (opts.tokenUse !== undefined && payload.token_use !== opts.tokenUse) return fail('token_use');
  if (opts.clientId !== undefined) {
    if (payload.token_use === 'access') {
      if (payload.client_id !== opts.clientId) return fail('audience');
    } else {
      const aud = payload.aud;
      const matches = aud === opts.clientId || (Array.isArray(aud) && aud.includes(opts.clientId));
      if (!matches) return fail('audience');
    }
  }
  return { ok: true, header: header as JwtHeader, payload: payload as JwtPayload };
}

const fail = (reason: JwtFailure): JwtVerifyResult => ({ ok: false, reason });

/**
 * Tokens whose RS256 signature verified, by their exact text, with the key that verified them and
 * their parsed (frozen) payload. A client presents the same access or ID token for as long as it
 * lives (an hour by default), and the RSA verification plus the payload's decoding were a fifth of
 * a GetUser's server CPU. A hit counts only while `kid` still maps to that very key (a key removed
 * or replaced is verified afresh, and fails if gone); the claims (expiry, issuer, use, audience)
 * are checked at every call as for a new token. Only tokens not yet expired are kept; first in,
 * first out beyond the bound; tokens over 8 KiB (far larger than Cognito's) are not kept, so the
 * cache holds at most 32 MiB of text.
 */
const verifiedSignatures = new Map<string, { key: KeyObject; payload: Record<string, unknown> }>();
const VERIFIED_SIGNATURES_MAX = 4096;
const VERIFIED_TOKEN_MAX_LENGTH = 8 * 1024;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** The 6-bit value of each base64url character (validity is checked by {@link SHAPE_RE}). */
const B64URL_VALUE = (() => {
  const t = new Uint8Array(128);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * True when `s[start, end)` is the canonical unpadded base64url form of some bytes: its length is not
 * 1 mod 4 and the unused low bits of the last character are zero. Characters are checked by the regex.
 */
function isCanonicalB64url(s: string, start: number, end: number): boolean {
  const len = end - start;
  const rem = len & 3;
  if (rem === 0) return true;
  if (rem === 1) return false;
  const last = B64URL_VALUE[s.charCodeAt(end - 1)]!;
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0;
}

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  // Invalid UTF-8 is refused rather than replaced; a BOM survives toString and JSON.parse refuses it.
  if (!isUtf8(bytes)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return isObject(value) ? value : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function clampLeeway(v: number | undefined, fallback: number): number {
  if (typeof v !== 'number' || Number.isNaN(v)) return fallback;
  return Math.min(Math.max(v, 0), MAX_LEEWAY_SECONDS);
}

function assertRsaKey(key: KeyObject, type: 'private' | 'public'): void {
  if (!(key instanceof KeyObject) || key.type !== type || key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`expected an RSA ${type} key`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined || bits < MIN_MODULUS_BITS) throw new TypeError(`RSA key must be at least ${MIN_MODULUS_BITS} bits`);
}

/**
 * Server-side SRP-6a exactly as Amazon Cognito and its clients do it (see reference/protocol.md §2).
 *
 * - Group: the 3072-bit MODP prime of RFC 3526 (group 15), g = 2, H = SHA-256.
 * - Every hash input uses {@link padHex}: the minimal two's-complement big-endian encoding that Java's
 *   `BigInteger.toByteArray()` gives (NOT RFC 5054's fixed-width PAD).
 * - x = H(bytes(padHex(salt)) ‖ H(utf8(poolName ‖ userId ‖ ":" ‖ password))), v = g^x mod N.
 * - B = (k·v + g^b) mod N, u = H(bytes(padHex(A)) ‖ bytes(padHex(B))), S = (A·v^u)^b mod N.
 * - K = HKDF-SHA256(ikm = bytes(padHex(S)), salt = bytes(padHex(u)), info = "Caldera Derived Key"), 16 bytes.
 * - PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(K, utf8(poolName) ‖ utf8(userId) ‖ secretBlock ‖ utf8(timestamp))).
 *
 * All modular exponentiation goes through OpenSSL (`node:crypto` Diffie-Hellman objects); BigInt is only used for
 * single multiplications, additions and reductions.
 */
import {
  createDiffieHellman,
  createHash,
  createHmac,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** The group prime as a big-endian buffer (384 bytes); RFC 3526 group 15 is Cognito's `N`. */
const N_BUFFER: Buffer = getDiffieHellman('modp15').getPrime();
const G_BUFFER: Buffer = Buffer.from([2]);

/** The 3072-bit SRP group prime N (RFC 3526 group 15). */
export const N: bigint = BigInt(`0x${N_BUFFER.toString('hex')}`);

/** The SRP generator g = 2. */
export const g = 2n;

/** Bytes in N (384). */
export const N_BYTES: number = N_BUFFER.length;

const HEX_RE = /^[0-9a-fA-F]+$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const INFO_BITS = Buffer.from('Caldera Derived Key', 'utf8');

/** Longest accepted SRP_A: N's size in hex digits plus a possible `00` sign byte (padHex form). */
const MAX_A_HEX_DIGITS = N_BYTES * 2 + 2;

/**
 * Minimal two's-complement big-endian hex of an integer, as Java `BigInteger.toByteArray()` and the JS clients'
 * `padHex` produce: even length, with a `00` prefix when a non-negative value's top bit is set.
 * Negative values get the two's-complement form (e.g. -236 → `ff14`), as the JS client does.
 *
 * @param n - the integer, or a non-negative hex string (any case, any length, no `0x`).
 * @returns lowercase, even-length hex. `padHex(0n)` is `00`.
 * @throws TypeError if a string argument is not hex.
 */
export function padHex(n: bigint | string): string {
  const value = typeof n === 'string' ? hexToBigInt(n) : n;
  if (value >= 0n) {
    let hex = value.toString(16);
    if (hex.length % 2 !== 0) hex = `0${hex}`;
    if (/^[89a-f]/.test(hex)) hex = `00${hex}`;
    return hex;
  }
  // Smallest byte count L with -2^(8L-1) <= value, then the L-byte two's complement.
  let bytes = 1;
  while (-(1n << BigInt(8 * bytes - 1)) > value) bytes += 1;
  return ((1n << BigInt(8 * bytes)) + value).toString(16).padStart(bytes * 2, '0');
}

/**
 * Parses a non-negative hex string (no `0x`, any case) as a bigint.
 * @throws TypeError if the string is empty or not hex.
 */
export function hexToBigInt(hex: string): bigint {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) throw new TypeError('Not a hex string');
  return BigInt(`0x${hex}`);
}

/** Reads an unsigned big-endian buffer (possibly left-padded with zeros, possibly empty) as a bigint. */
export function bufferToBigInt(buf: Uint8Array): bigint {
  return buf.length === 0 ? 0n : BigInt(`0x${Buffer.from(buf).toString('hex')}`);
}

/** `bytes(padHex(n))`: the byte string every SRP hash input uses. */
export function padBytes(n: bigint): Buffer {
  return Buffer.from(padHex(n), 'hex');
}

function unsignedBytes(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The SRP multiplier k = H(bytes(padHex(N)) ‖ bytes(padHex(g))), as an unsigned integer. */
export const k: bigint = bufferToBigInt(sha256(padBytes(N), padBytes(g)));

/**
 * g^exp mod N through OpenSSL (`setPrivateKey` + `generateKeys`).
 * @param exp - a positive exponent (a zero exponent is refused: OpenSSL would silently pick a random one).
 */
export function powG(exp: bigint): bigint {
  if (exp <= 0n) throw new RangeError('Exponent must be positive');
  const dh = createDiffieHellman(N_BUFFER, G_BUFFER);
  dh.setPrivateKey(unsignedBytes(exp));
  dh.generateKeys();
  return bufferToBigInt(dh.getPublicKey());
}

/**
 * base^exp mod N through OpenSSL (`computeSecret`).
 * The base is reduced mod N first. OpenSSL refuses bases outside [2, N-2] and results equal to 1;
 * those cases (and a non-positive exponent) give `undefined` instead of throwing.
 */
export function modPowN(base: bigint, exp: bigint): bigint | undefined {
  const b = ((base % N) + N) % N;
  if (exp <= 0n || b <= 1n || b >= N - 1n) return undefined;
  try {
    const dh = createDiffieHellman(N_BUFFER, G_BUFFER);
    dh.setPrivateKey(unsignedBytes(exp));
    return bufferToBigInt(dh.computeSecret(unsignedBytes(b)));
  } catch {
    return undefined;
  }
}

/**
 * The private key x = H(bytes(padHex(salt)) ‖ H(utf8(poolName ‖ userId ‖ ":" ‖ password))).
 *
 * @param saltHex - the salt as hex, exactly as sent in `SALT`; it is re-encoded with padHex (as clients do),
 *   so leading zero digits do not matter.
 * @param poolName - the pool id after `_` (or the DeviceGroupKey for device SRP).
 * @param userId - USER_ID_FOR_SRP (or the DeviceKey for device SRP).
 */
export function computeX(saltHex: string, poolName: string, userId: string, password: string): bigint {
  const inner = sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
  return bufferToBigInt(sha256(padBytes(hexToBigInt(saltHex)), inner));
}

/** The scrambler u = H(bytes(padHex(A)) ‖ bytes(padHex(B))), unsigned. */
export function computeU(A: bigint, B: bigint): bigint {
  return bufferToBigInt(sha256(padBytes(A), padBytes(B)));
}

/** K = first 16 bytes of HKDF-SHA256(ikm = bytes(padHex(S)), salt = bytes(padHex(u)), info "Caldera Derived Key"). */
export function deriveKey(S: bigint, u: bigint): Buffer {
  return Buffer.from(hkdfSync('sha256', padBytes(S), padBytes(u), INFO_BITS, 16));
}

/**
 * The raw 32-byte claim signature HMAC-SHA256(K, utf8(poolName) ‖ utf8(userId) ‖ secretBlock ‖ utf8(timestamp)).
 * @param secretBlock - the decoded SECRET_BLOCK bytes, or the base64 string (decoded as the JS client does).
 */
export function claimSignature(
  key: Uint8Array,
  poolName: string,
  userId: string,
  secretBlock: Uint8Array | string,
  timestamp: string,
): Buffer {
  const block = typeof secretBlock === 'string' ? Buffer.from(secretBlock, 'base64') : secretBlock;
  return createHmac('sha256', key)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userId, 'utf8'))
    .update(block)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
}

/**
 * Strict standard-base64 decoding (RFC 4648 alphabet, padding optional but correct if present).
 * @returns the bytes, or `undefined` if the string is not base64 or is empty.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (typeof s !== 'string' || s.length === 0 || !BASE64_RE.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/**
 * Makes a new password verifier for a user.
 *
 * @param poolName - the pool id after `_` (e.g. `AbC123` for `us-east-1_AbC123`).
 * @param userId - the internal username (USER_ID_FOR_SRP), not an alias.
 * @param salt - optional salt bytes (non-empty); 16 random bytes by default.
 * @returns `salt` as lowercase hex of the salt bytes (send it as `SALT`) and `verifier` = padHex(g^x mod N).
 */
export function createVerifier(
  poolName: string,
  userId: string,
  password: string,
  salt: Buffer = randomBytes(16),
): { salt: string; verifier: string } {
  if (salt.length === 0) throw new TypeError('Salt must not be empty');
  const saltHex = salt.toString('hex');
  const x = computeX(saltHex, poolName, userId, password);
  return { salt: saltHex, verifier: padHex(powG(x)) };
}

/**
 * Starts a server SRP exchange: picks a 256-bit secret b and computes B = (k·v + g^b) mod N.
 *
 * @param verifierHex - the stored verifier v as hex (any case, leading zeros allowed).
 * @returns `b` (keep it, e.g. sealed in SECRET_BLOCK) and `B` as lowercase unpadded hex (send it as `SRP_B`).
 * @throws TypeError if the verifier is not hex.
 */
export function createServerEphemeral(verifierHex: string): { b: Buffer; B: string } {
  const v = hexToBigInt(verifierHex);
  for (;;) {
    const b = randomBytes(32);
    const bInt = bufferToBigInt(b);
    if (bInt === 0n) continue;
    const B = (k * v + powG(bInt)) % N;
    if (B === 0n) continue;
    return { b, B: B.toString(16) };
  }
}

/**
 * Whether `SRP_A` is acceptable: hex, 1 to 770 digits (N's size, plus an optional `00` sign byte), and A mod N ≠ 0.
 */
export function isValidSrpA(Ahex: string): boolean {
  if (typeof Ahex !== 'string' || Ahex.length === 0 || Ahex.length > MAX_A_HEX_DIGITS || !HEX_RE.test(Ahex)) {
    return false;
  }
  return BigInt(`0x${Ahex}`) % N !== 0n;
}

/** Inputs of {@link verifyPasswordClaim}. */
export interface PasswordClaim {
  /** Pool id after `_`, or the DeviceGroupKey for device SRP. */
  poolName: string;
  /** USER_ID_FOR_SRP, or the DeviceKey for device SRP. */
  userId: string;
  /** The client's SRP_A (hex). */
  A: string;
  /** The SRP_B the server sent (hex). */
  B: string;
  /** The server secret from {@link createServerEphemeral}. */
  b: Buffer;
  /** The user's salt hex, as sent in SALT. */
  salt: string;
  /** The stored verifier hex. */
  verifier: string;
  /** PASSWORD_CLAIM_SECRET_BLOCK: the decoded bytes, or the base64 string as received. */
  secretBlock: Buffer | string;
  /** TIMESTAMP exactly as received (check its format separately with {@link isCanonicalTimestamp}). */
  timestamp: string;
  /** PASSWORD_CLAIM_SIGNATURE (base64). */
  signature: string;
}

/**
 * Checks a PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) response: recomputes S = (A·v^u)^b mod N, K and the
 * expected HMAC, and compares it with the given signature in constant time.
 *
 * Never throws on client-controlled input: an invalid A (not hex, too long, A mod N = 0), u = 0, a degenerate
 * base, bad base64, a wrong-length signature or a mismatch all give `false`.
 * The timestamp is signed as received; its format is NOT checked here.
 */
export function verifyPasswordClaim(p: PasswordClaim): boolean {
  try {
    if (!isValidSrpA(p.A)) return false;
    const sig = decodeBase64Strict(p.signature);
    if (sig === undefined || sig.length !== 32) return false;
    const A = hexToBigInt(p.A);
    const B = hexToBigInt(p.B);
    const v = hexToBigInt(p.verifier);
    const b = bufferToBigInt(p.b);
    const u = computeU(A, B);
    if (u === 0n) return false;
    const vu = modPowN(v, u);
    if (vu === undefined) return false;
    const S = modPowN((A % N) * vu, b);
    if (S === undefined) return false;
    const expected = claimSignature(deriveKey(S, u), p.poolName, p.userId, p.secretBlock, p.timestamp);
    return expected.length === sig.length && timingSafeEqual(expected, sig);
  } catch {
    return false;
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const TIMESTAMP_RE =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) UTC ([0-9]{4})$/;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats a date as the SRP TIMESTAMP, `EEE MMM d HH:mm:ss 'UTC' yyyy` in UTC with English names and no leading
 * zero on the day, e.g. `Tue Nov 3 09:05:07 UTC 2026`.
 */
export function formatTimestamp(d: Date): string {
  return (
    `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/**
 * Parses a canonical SRP TIMESTAMP (see {@link isCanonicalTimestamp}).
 * @returns the instant, or `undefined` if the string is not canonical.
 */
export function parseTimestamp(ts: string): Date | undefined {
  if (typeof ts !== 'string') return undefined;
  const m = TIMESTAMP_RE.exec(ts);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2] as (typeof MONTHS)[number]);
  const day = Number(m[3]);
  const year = Number(m[7]);
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0);
  // Reject days that do not exist in that month (e.g. Feb 30), which Date would roll over.
  if (d.getUTCMonth() !== month || d.getUTCDate() !== day) return undefined;
  return d;
}

/**
 * Strict TIMESTAMP format check: `EEE MMM d HH:mm:ss UTC yyyy`, English names, day 1-31 without a leading zero,
 * zero-padded time fields, a 4-digit year and a day that exists in that month.
 * The weekday name must be a valid name but is not checked against the date (real clients always agree;
 * Java's lenient parsing ignores it too).
 */
export function isCanonicalTimestamp(ts: string): boolean {
  return parseTimestamp(ts) !== undefined;
}

/**
 * A fake salt for unknown users (user-existence protection): 16 bytes of HMAC-SHA256(secret, poolId, username) as
 * 32 hex digits, so it is stable per (pool, username) and looks like a real {@link createVerifier} salt.
 * Normalise `username` the way the pool does (e.g. case folding) before calling.
 */
export function fakeSalt(secret: Buffer, poolId: string, username: string): string {
  return fakeBytes(secret, 'salt', poolId, username).subarray(0, 16).toString('hex');
}

/**
 * A fake verifier for unknown users, to pass to {@link createServerEphemeral} so that SRP_B is distributed like a
 * real one. (B = g^b alone would always be a quadratic residue mod N, unlike k·v + g^b, and so distinguishable.)
 * Stable per (pool, username). No password verifies against it, in practice.
 */
export function fakeVerifier(secret: Buffer, poolId: string, username: string): string {
  // h² mod N: in the subgroup real verifiers g^x live in, for one multiplication instead of a
  // 3072-bit exponentiation, so an unknown name costs what a known one does (exactly one g^b per B).
  const wide = Buffer.concat(Array.from({ length: Math.ceil((N_BYTES + 16) / 32) }, (_, i) => fakeBytes(secret, `verifier-${i}`, poolId, username)));
  const h = bufferToBigInt(wide) % N;
  const v = (h * h) % N;
  return padHex(v <= 1n ? 4n : v);
}

function fakeBytes(secret: Buffer, purpose: string, poolId: string, username: string): Buffer {
  return createHmac('sha256', secret)
    .update(`cognate-srp-fake-${purpose}\0${poolId}\0${username}`, 'utf8')
    .digest();
}

/**
 * Decodes and validates `ConfirmDevice.DeviceSecretVerifierConfig`, whose fields are
 * base64(bytes(padHex(v))) and base64(bytes(padHex(salt))).
 *
 * @returns `salt` as lowercase hex of the decoded salt bytes (send it back as SALT) and `verifier` = padHex(v).
 * @throws TypeError if either field is not base64, the salt is empty or longer than 1024 bytes, or the verifier is
 *   longer than N (plus a sign byte) or not in [2, N-2].
 */
export function deviceVerifierFromConfirmDevice(
  passwordVerifierB64: string,
  saltB64: string,
): { salt: string; verifier: string } {
  const vBytes = decodeBase64Strict(passwordVerifierB64);
  if (vBytes === undefined) throw new TypeError('PasswordVerifier is not base64');
  const saltBytes = decodeBase64Strict(saltB64);
  if (saltBytes === undefined) throw new TypeError('Salt is not base64');
  if (saltBytes.length === 0 || saltBytes.length > 1024) throw new TypeError('Salt has an invalid length');
  if (vBytes.length > N_BYTES + 1) throw new TypeError('PasswordVerifier is too long');
  const v = bufferToBigInt(vBytes);
  if (v <= 1n || v >= N - 1n) throw new TypeError('PasswordVerifier is out of range');
  return { salt: saltBytes.toString('hex'), verifier: padHex(v) };
}

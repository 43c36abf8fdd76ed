/**
 * Client-side SRP-6a as Amazon Cognito and amazon-cognito-identity-js compute it, on BigInt and
 * WebCrypto only (reference/protocol.md §2):
 *
 * - N = the 3072-bit MODP prime of RFC 3526 (group 15), g = 2, H = SHA-256.
 * - Every hash input is `bytes(padHex(n))`: minimal two's-complement big-endian bytes, as Java's
 *   `BigInteger.toByteArray()` gives (not RFC 5054's fixed-width PAD).
 * - k = H(padHex(N) ‖ padHex(g)); A = g^a; u = H(padHex(A) ‖ padHex(B));
 *   x = H(padHex(salt) ‖ H(utf8(poolName ‖ userId ‖ ":" ‖ password)));
 *   S = (B − k·g^x)^(a + u·x) mod N; K = HKDF-SHA256(ikm = padHex(S), salt = padHex(u),
 *   info = "Caldera Derived Key")[0..16];
 *   PASSWORD_CLAIM_SIGNATURE = base64(HMAC(K, utf8(poolName) ‖ utf8(userId) ‖ SECRET_BLOCK ‖ utf8(TIMESTAMP))).
 *
 * Internal: not exported from the package.
 */
import { concat, fromBase64, fromHex, hmacSha256, randomBytes, sha256, toBase64, toHex, utf8 } from './bytes.js';

/** RFC 3526 group 15 (3072 bits): Cognito's `N`. */
export const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;
const INFO = utf8('Caldera Derived Key');

/** Minimal two's-complement hex of a non-negative integer (`00` prefix when the top bit is set). */
export function padHex(n: bigint): string {
  if (n < 0n) throw new RangeError('padHex expects a non-negative integer');
  let hex = n.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  if (/^[89a-f]/.test(hex)) hex = `00${hex}`;
  return hex;
}

const padBytes = (n: bigint): Uint8Array => fromHex(padHex(n));
const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${toHex(b)}`));
export const hexToBig = (hex: string): bigint => {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new TypeError('Not a hex string');
  return BigInt(`0x${hex}`);
};

/** base^exp mod m with a 4-bit fixed window; BigInt has no built-in modPow. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  const b = ((base % m) + m) % m;
  const table: bigint[] = [1n];
  for (let i = 1; i < 16; i++) table.push((table[i - 1]! * b) % m);
  const hex = exp.toString(16);
  let result = 1n;
  for (const digit of hex) {
    for (let i = 0; i < 4; i++) result = (result * result) % m;
    const d = parseInt(digit, 16);
    if (d !== 0) result = (result * table[d]!) % m;
  }
  return result;
}

let kCache: Promise<bigint> | undefined;
/** k = H(padHex(N) ‖ padHex(g)). */
const multiplier = (): Promise<bigint> => (kCache ??= sha256(padBytes(N), padBytes(g)).then(toBig));

/** A client ephemeral: a (128 random bytes, as the JS client) and A = g^a mod N. */
export interface Ephemeral {
  a: bigint;
  A: bigint;
  /** SRP_A as the JS client sends it: lowercase hex, unpadded. */
  hexA: string;
}

export function generateEphemeral(): Ephemeral {
  for (;;) {
    const a = toBig(randomBytes(128));
    const A = modPow(g, a, N);
    if (a !== 0n && A % N !== 0n) return { a, A, hexA: A.toString(16) };
  }
}

async function computeX(saltHex: string, poolName: string, userId: string, password: string): Promise<bigint> {
  const inner = await sha256(utf8(`${poolName}${userId}:${password}`));
  return toBig(await sha256(padBytes(hexToBig(saltHex)), inner));
}

/** What {@link passwordClaimSignature} needs from the challenge and the sign-in. */
export interface ClaimInput {
  /** Pool id after `_`, or the DeviceGroupKey for device SRP. */
  poolName: string;
  /** USER_ID_FOR_SRP, or the DeviceKey for device SRP. */
  userId: string;
  password: string;
  ephemeral: Ephemeral;
  /** SRP_B (hex). */
  B: string;
  /** SALT (hex). */
  salt: string;
  /** SECRET_BLOCK (base64), signed as its decoded bytes. */
  secretBlock: string;
  /** TIMESTAMP, see {@link formatTimestamp}. */
  timestamp: string;
}

/** PASSWORD_CLAIM_SIGNATURE (base64). Throws when B mod N or u is zero, as the JS client does. */
export async function passwordClaimSignature(p: ClaimInput): Promise<string> {
  const B = hexToBig(p.B);
  if (B % N === 0n) throw new Error('B cannot be zero.');
  const u = toBig(await sha256(padBytes(p.ephemeral.A), padBytes(B)));
  if (u === 0n) throw new Error('U cannot be zero.');
  const x = await computeX(p.salt, p.poolName, p.userId, p.password);
  const k = await multiplier();
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, p.ephemeral.a + u * x, N);
  // HKDF-SHA256 with a single output block: PRK = HMAC(salt, ikm); OKM = HMAC(PRK, info ‖ 0x01).
  const prk = await hmacSha256(padBytes(u), padBytes(S));
  const key = (await hmacSha256(prk, INFO, Uint8Array.of(1))).slice(0, 16);
  const signature = await hmacSha256(key, utf8(p.poolName), utf8(p.userId), fromBase64(p.secretBlock), utf8(p.timestamp));
  return toBase64(signature);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `EEE MMM d HH:mm:ss 'UTC' yyyy` in UTC; the day has no leading zero (Cognito rejects "Apr 05"). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** A device password as the JS client makes one: base64 of 40 random bytes. */
export const generateDevicePassword = (): string => toBase64(randomBytes(40));

/**
 * ConfirmDevice's DeviceSecretVerifierConfig: salt_d = 16 random bytes,
 * x_d = H(padHex(salt_d) ‖ H(DeviceGroupKey ‖ DeviceKey ‖ ":" ‖ password)), verifier = g^x_d.
 */
export async function deviceSecretVerifier(deviceGroupKey: string, deviceKey: string, password: string): Promise<{ PasswordVerifier: string; Salt: string }> {
  const saltHex = padHex(toBig(randomBytes(16)));
  const x = await computeX(saltHex, deviceGroupKey, deviceKey, password);
  return { PasswordVerifier: toBase64(padBytes(modPow(g, x, N))), Salt: toBase64(fromHex(saltHex)) };
}

/** SECRET_HASH = base64(HMAC-SHA256(clientSecret, username ‖ clientId)). */
export async function secretHash(clientSecret: string, username: string, clientId: string): Promise<string> {
  return toBase64(await hmacSha256(utf8(clientSecret), concat(utf8(username), utf8(clientId))));
}

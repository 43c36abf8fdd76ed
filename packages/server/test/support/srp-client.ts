/**
 * Client-side SRP maths, byte-for-byte what amazon-cognito-identity-js (`AuthenticationHelper`, `CognitoUser`)
 * computes, but with OpenSSL doing the exponentiations: a test helper (not part of the server) that the tests and
 * the benchmark (bench/worker.mjs) use to sign in quickly.
 * See reference/protocol.md §2 and src/crypto/srp.ts for the notation.
 */
import { randomBytes } from 'node:crypto';
import {
  N,
  bufferToBigInt,
  claimSignature,
  computeU,
  computeX,
  deriveKey,
  hexToBigInt,
  k,
  modPowN,
  padHex,
  powG,
} from '../../src/crypto/srp.js';

/**
 * A client secret a (128 random bytes, as the JS client) and A = g^a mod N.
 *
 * @param a - optional fixed secret (for tests); must be non-zero.
 * @returns `a` and `A` as lowercase unpadded hex (what the JS client sends as `SRP_A`).
 */
export function generateClientEphemeral(a: Buffer = randomBytes(128)): { a: Buffer; A: string } {
  const aInt = bufferToBigInt(a);
  if (aInt === 0n) throw new RangeError('a must not be zero');
  const A = powG(aInt);
  if (A % N === 0n) throw new Error('Illegal parameter. A mod N cannot be 0.');
  return { a, A: A.toString(16) };
}

/** Inputs of {@link computePasswordClaim}. */
export interface PasswordClaimInput {
  /** Pool id after `_`, or the DeviceGroupKey for device SRP. */
  poolName: string;
  /** USER_ID_FOR_SRP from the challenge, or the DeviceKey for device SRP. */
  userId: string;
  /** The password, or the device password for device SRP. */
  password: string;
  /** The client secret from {@link generateClientEphemeral}. */
  a: Buffer;
  /** The SRP_A that was sent (hex). */
  A: string;
  /** SRP_B from the challenge (hex). */
  B: string;
  /** SALT from the challenge (hex). */
  salt: string;
  /** SECRET_BLOCK from the challenge (base64, decoded like the JS client does). */
  secretBlock: string;
  /** The TIMESTAMP to send, e.g. `formatTimestamp(new Date())` from src/crypto/srp.ts. */
  timestamp: string;
}

/**
 * Computes PASSWORD_CLAIM_SIGNATURE as the JS client does: S = (B − k·g^x)^(a + u·x) mod N, K = HKDF(S, u),
 * signature = base64(HMAC(K, poolName ‖ userId ‖ secretBlock ‖ timestamp)).
 *
 * @returns the base64 signature.
 * @throws Error if B mod N = 0 or u = 0 (the JS client's checks), or if B − k·g^x is degenerate.
 */
export function computePasswordClaim(p: PasswordClaimInput): string {
  const A = hexToBigInt(p.A);
  const B = hexToBigInt(p.B);
  if (B % N === 0n) throw new Error('B cannot be zero.');
  const u = computeU(A, B);
  if (u === 0n) throw new Error('U cannot be zero.');
  const x = computeX(p.salt, p.poolName, p.userId, p.password);
  const base = B - k * powG(x);
  const S = modPowN(base, bufferToBigInt(p.a) + u * x);
  if (S === undefined) throw new Error('Degenerate SRP values');
  return claimSignature(deriveKey(S, u), p.poolName, p.userId, p.secretBlock, p.timestamp).toString('base64');
}

/** A device password as the JS client makes it: base64 of 40 random bytes. */
export function generateDevicePassword(): string {
  return randomBytes(40).toString('base64');
}

/**
 * The `DeviceSecretVerifierConfig` for ConfirmDevice, as the JS client's `generateHashDevice` builds it:
 * salt_d = padHex(16 random bytes), x_d = H(bytes(salt_d) ‖ H(DeviceGroupKey ‖ DeviceKey ‖ ":" ‖ password)),
 * `PasswordVerifier` = base64(bytes(padHex(g^x_d))), `Salt` = base64(bytes(salt_d)).
 *
 * @param salt - optional fixed salt bytes (for tests); 16 random bytes by default.
 */
export function createDeviceSecretVerifierConfig(
  deviceGroupKey: string,
  deviceKey: string,
  password: string,
  salt: Buffer = randomBytes(16),
): { PasswordVerifier: string; Salt: string } {
  const saltHex = padHex(bufferToBigInt(salt));
  const x = computeX(saltHex, deviceGroupKey, deviceKey, password);
  return {
    PasswordVerifier: Buffer.from(padHex(powG(x)), 'hex').toString('base64'),
    Salt: Buffer.from(saltHex, 'hex').toString('base64'),
  };
}

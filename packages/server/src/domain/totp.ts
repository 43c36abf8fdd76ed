/**
 * RFC 6238 time-based one-time passwords, as authenticator apps compute them for Cognito's
 * software-token MFA: HMAC-SHA1, 30-second steps, 6 digits, secrets shared as base32 (RFC 4648
 * §6, no padding). Only node:crypto.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../crypto/compare.js';

export const STEP_MS = 30_000;
export const DIGITS = 6;
/** Steps either side of the current one a code may come from (clock drift between phone and server). */
export const DRIFT_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new TypeError('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new shared secret: 32 random bytes as base32 (52 characters, like Cognito's SecretCode). */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(32));
}

/** The step a time (epoch ms) falls in. */
export const stepAt = (nowMs: number) => Math.floor(nowMs / STEP_MS);

/** The code for a step (RFC 4226 §5.3 dynamic truncation). */
export function totpCode(secretBase32: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** DIGITS).padStart(DIGITS, '0');
}

/**
 * The step whose code `code` is, within ±{@link DRIFT_STEPS} of now and later than `lastUsedStep`
 * (each code works once, RFC 6238 §5.2); undefined when none matches. Every candidate is compared,
 * in constant time.
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number, lastUsedStep: number | null): number | undefined {
  const now = stepAt(nowMs);
  let found: number | undefined;
  for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
    const ok = constantTimeEqual(totpCode(secretBase32, step), code);
    if (ok && found === undefined && (lastUsedStep === null || step > lastUsedStep)) found = step;
  }
  return found;
}

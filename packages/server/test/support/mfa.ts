/**
 * MFA helpers for the suites: TOTP codes (RFC 6238, HMAC-SHA1, 30 s, 6 digits) computed here
 * independently of the server, and codes read from the outbox, each message once.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { TestServer } from './server.js';

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits) from a base32 secret, written here independently of the server. */
export function totp(secret: string, timeMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[19]! & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const seenMessages = new Set<string>();

/** The code in the one message to `to` (SMS or email) in the outbox not read before. */
export async function nextCode(server: TestServer, poolId: string, to: string): Promise<string> {
  const fresh = (await server.running.cognate.outbox.recent(100_000, poolId)).filter((m) => m.to === to && !seenMessages.has(m.id));
  assert.equal(fresh.length, 1, `one new message to ${to}`);
  seenMessages.add(fresh[0]!.id);
  return /\b(\d{6})\b/.exec(fresh[0]!.text ?? '')?.[1] ?? assert.fail(`no code sent to ${to}`);
}

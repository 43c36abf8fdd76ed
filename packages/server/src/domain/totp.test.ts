/**
 * RFC 6238 Appendix B test vectors (SHA-1 secret "12345678901234567890"; Cognito's codes are the
 * last six digits), base32 round trips, the ±1 step window and single use.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, matchTotp, newTotpSecret, stepAt, totpCode } from './totp.js';

const SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('totp', () => {
  it('encodes the RFC secret as base32', () => {
    assert.equal(SECRET, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    assert.equal(base32Decode(SECRET).toString(), '12345678901234567890');
    assert.equal(base32Decode('gezdgnbvgy3tqojq').toString(), '1234567890');
    assert.throws(() => base32Decode('not base32!'), TypeError);
  });

  const vectors: [number, string][] = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ];
  for (const [seconds, code] of vectors) {
    it(`T = ${seconds} s gives ${code}`, () => assert.equal(totpCode(SECRET, stepAt(seconds * 1000)), code));
  }

  it('accepts the previous, current and next step, and nothing further', () => {
    const now = 1_700_000_000_000;
    const step = stepAt(now);
    for (const d of [-1, 0, 1]) assert.equal(matchTotp(SECRET, totpCode(SECRET, step + d), now, null), step + d);
    for (const d of [-3, -2, 2, 3]) assert.equal(matchTotp(SECRET, totpCode(SECRET, step + d), now, null), undefined);
  });

  it('refuses a code from a step at or before the last one used', () => {
    const now = 1_700_000_000_000;
    const step = stepAt(now);
    assert.equal(matchTotp(SECRET, totpCode(SECRET, step), now, step), undefined);
    assert.equal(matchTotp(SECRET, totpCode(SECRET, step - 1), now, step - 1), undefined);
    assert.equal(matchTotp(SECRET, totpCode(SECRET, step + 1), now, step), step + 1);
  });

  it('makes 52-character secrets of 32 random bytes', () => {
    const a = newTotpSecret();
    assert.match(a, /^[A-Z2-7]{52}$/);
    assert.equal(base32Decode(a).length, 32);
    assert.notEqual(a, newTotpSecret());
  });
});

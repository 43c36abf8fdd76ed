/**
 * The drop-in's QR encoder (src/ui/qr.ts) against the `qrcode` package the server uses: for texts
 * from a few bytes to the limit of each supported version, byte mode at level M, every module of
 * every mask pattern is the same, and so are the version and the mask both pick.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { encodeQr } from '../src/ui/qr.js';

/** qrcode's symbol for `text` as one byte segment at level M, as rows of 0/1. */
function reference(text: string, maskPattern?: number): { version: number; mask: number; rows: string[] } {
  const symbol = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M', ...(maskPattern !== undefined ? { maskPattern: maskPattern as QRCode.QRCodeMaskPattern } : {}) });
  const { size, data } = symbol.modules;
  const rows = Array.from({ length: size }, (_, r) => Array.from(data.subarray(r * size, (r + 1) * size), (b) => (b ? '1' : '0')).join(''));
  return { version: symbol.version, mask: symbol.maskPattern as number, rows };
}

const rowsOf = (modules: boolean[][]) => modules.map((row) => row.map((d) => (d ? '1' : '0')).join(''));

// Byte capacities at level M of versions 1–15, so each version is hit at its limit and one past it.
const CAPACITY = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412];

describe('QR encoder (ui/qr.ts)', () => {
  const texts = [
    'otpauth://totp/shop.example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=shop.example',
    'a',
    'héllo wörld ✓',
    ...CAPACITY.flatMap((n) => [n, n + 1]).filter((n) => n <= 412).map((n) => 'x'.repeat(n - 1) + String(n % 10)),
  ];

  it('matches qrcode module for module, for every mask, at every version from 1 to 15', () => {
    const versions = new Set<number>();
    for (const text of texts) {
      for (let mask = 0; mask < 8; mask++) {
        const mine = encodeQr(text, mask);
        const theirs = reference(text, mask);
        assert.equal(mine.version, theirs.version, `version for ${text.length} bytes`);
        assert.deepEqual(rowsOf(mine.modules), theirs.rows, `modules for ${JSON.stringify(text.slice(0, 20))}… (${text.length}) mask ${mask}`);
        versions.add(mine.version);
      }
    }
    assert.deepEqual([...versions].sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('picks a mask by the penalty rules (the same one qrcode picks on these texts)', () => {
    for (const text of texts) {
      const mine = encodeQr(text);
      const theirs = reference(text);
      assert.equal(mine.mask, theirs.mask, `mask for ${text.length} bytes`);
      assert.deepEqual(rowsOf(mine.modules), theirs.rows);
    }
  });

  it('refuses a text longer than version 15 holds, with a RangeError', () => {
    assert.throws(() => encodeQr('x'.repeat(413)), RangeError);
    assert.equal(encodeQr('x'.repeat(412)).version, 15);
  });
});

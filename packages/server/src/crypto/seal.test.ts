import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeBase64Strict, deriveKey, SEAL_VERSION, Sealer } from './seal.js';

const master = Buffer.alloc(32, 7);
const k1 = { id: 'k1', key: deriveKey(master, 'seal/1') };
const k2 = { id: 'k2', key: deriveKey(master, 'seal/2') };

/** Byte offsets of a blob sealed with key id `k1` (2 bytes). */
const HEADER = 2 + 2;
const IV = 12;
const TAG = 16;

describe('Sealer', () => {
  it('round-trips bytes and strings', () => {
    const s = new Sealer([k1]);
    const bytes = randomBytes(100);
    assert.deepEqual(s.open(s.seal(bytes, 'session'), 'session'), bytes);
    assert.equal(s.open(s.seal('héllo ✓', 'session'), 'session')?.toString('utf8'), 'héllo ✓');
    const empty = s.open(s.seal('', 'session'), 'session');
    assert.equal(empty?.length, 0);
    assert.equal(s.openString(s.sealToString('abc', 'x'), 'x')?.toString(), 'abc');
  });

  it('writes version, key id, a fresh IV and a 16-byte tag, with fixed overhead', () => {
    const s = new Sealer([k1]);
    const a = s.seal('same', 'p');
    const b = s.seal('same', 'p');
    assert.equal(a[0], SEAL_VERSION);
    assert.equal(a[1], 2);
    assert.equal(a.toString('utf8', 2, 4), 'k1');
    assert.equal(a.length, HEADER + IV + 4 + TAG);
    assert.notDeepEqual(a.subarray(HEADER, HEADER + IV), b.subarray(HEADER, HEADER + IV));
    assert.notDeepEqual(a, b);
  });

  it('never repeats an IV, across IV-pool refills and Sealer instances', () => {
    const a = new Sealer([k1]);
    const b = new Sealer([k1]);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      for (const s of [a, b]) {
        const iv = s.seal('x', 'p').toString('hex', HEADER, HEADER + IV);
        assert.ok(!seen.has(iv), `IV repeated after ${seen.size} seals`);
        seen.add(iv);
      }
    }
  });

  it('returns null when any single byte in any region is modified', () => {
    const s = new Sealer([k1]);
    const blob = s.seal('a secret payload', 'session');
    const regions = {
      version: [0],
      keyIdLength: [1],
      keyId: [2, 3],
      iv: [HEADER, HEADER + IV - 1],
      ciphertext: [HEADER + IV, blob.length - TAG - 1],
      tag: [blob.length - TAG, blob.length - 1],
    };
    for (const [region, offsets] of Object.entries(regions)) {
      for (const off of offsets) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const t = Buffer.from(blob);
          t[off]! ^= mask;
          assert.equal(s.open(t, 'session'), null, `${region} byte ${off} ^ ${mask}`);
        }
      }
    }
    // Exhaustive single-bit flips over the whole blob.
    for (let i = 0; i < blob.length * 8; i++) {
      const t = Buffer.from(blob);
      t[i >> 3]! ^= 1 << (i & 7);
      assert.equal(s.open(t, 'session'), null, `bit ${i}`);
    }
    assert.equal(s.open(blob, 'session')?.toString(), 'a secret payload');
  });

  it('returns null for truncated or extended blobs', () => {
    const s = new Sealer([k1]);
    const blob = s.seal('payload', 'session');
    for (let n = 0; n < blob.length; n++) assert.equal(s.open(blob.subarray(0, n), 'session'), null, `length ${n}`);
    assert.equal(s.open(Buffer.concat([blob, Buffer.from([0])]), 'session'), null);
    // Dropping bytes from the front (e.g. a stripped version byte) fails too.
    assert.equal(s.open(blob.subarray(1), 'session'), null);
  });

  it('binds the purpose: a blob for one aad never opens as another', () => {
    const s = new Sealer([k1]);
    const blob = s.seal('state', 'session');
    for (const aad of ['secret-block', 'private-key', '', 'session ', 'Session', 'sessio']) {
      assert.equal(s.open(blob, aad), null, JSON.stringify(aad));
    }
    assert.equal(s.openJson(s.sealJson({ a: 1 }, 'secret-block', Date.now() + 60_000), 'session', Date.now()), null);
  });

  it('binds the header: moving the blob to another key id fails even if that key were the same', () => {
    // Same key material under two ids: a rewritten key id still fails, because the header is AAD.
    const same = new Sealer([k1, { id: 'k9', key: k1.key }]);
    const blob = same.seal('x', 'p');
    const moved = Buffer.from(blob);
    moved.write('k9', 2, 'utf8');
    assert.equal(same.open(moved, 'p'), null);
    assert.equal(same.open(blob, 'p')?.toString(), 'x');
  });

  it('rotates keys: new blobs use the current key, old blobs still open, retired keys do not', () => {
    const old = new Sealer([k1]);
    const oldBlob = old.seal('old', 'session');
    const rotated = new Sealer([k2, k1]);
    assert.equal(rotated.currentKeyId, 'k2');
    assert.equal(rotated.open(oldBlob, 'session')?.toString(), 'old');
    const newBlob = rotated.seal('new', 'session');
    assert.equal(newBlob.toString('utf8', 2, 4), 'k2');
    assert.equal(old.open(newBlob, 'session'), null, 'the old ring does not know k2');
    const retired = new Sealer([k2]);
    assert.equal(retired.open(oldBlob, 'session'), null);
    assert.equal(retired.open(newBlob, 'session')?.toString(), 'new');
    // A different key that reuses an id fails authentication rather than decrypting garbage.
    const impostor = new Sealer([{ id: 'k1', key: k2.key }]);
    assert.equal(impostor.open(oldBlob, 'session'), null);
  });

  it('sealJson/openJson honour the expiry with an injected now', () => {
    const s = new Sealer([k1]);
    const t0 = 1_700_000_000_000;
    const value = { username: 'alice', challenge: 'PASSWORD_VERIFIER', n: [1, 2] };
    const str = s.sealJson(value, 'session', t0 + 180_000);
    assert.deepEqual(s.openJson(str, 'session', t0), value);
    assert.deepEqual(s.openJson(str, 'session', t0 + 179_999), value);
    assert.equal(s.openJson(str, 'session', t0 + 180_000), null, 'expires at exactly expiresAt');
    assert.equal(s.openJson(str, 'session', t0 + 10 ** 9), null);
    assert.equal(s.openJson(str, 'session', Number.NaN), null, 'a NaN clock fails closed');
    assert.throws(() => s.sealJson(value, 'session', Number.POSITIVE_INFINITY), TypeError);
    assert.equal(s.openJson(s.sealToString('not json', 'session'), 'session', t0), null);
    assert.equal(s.openJson(s.sealToString('{"e":1}', 'session'), 'session', t0), null);
    assert.equal(s.openJson(s.sealToString('["1",2]', 'session'), 'session', 0), null);
    assert.equal(s.openJson(s.sealToString('[1e20,2,3]', 'session'), 'session', 0), null);
  });

  it('keeps a Cognito Session compact (max 2048 chars) and padded standard base64', () => {
    const s = new Sealer([{ id: '2025-01', key: k1.key }]);
    const state = {
      u: 'a-fairly-long-username@example.com',
      sub: '3f1e2d4c-5b6a-4789-8abc-def012345678',
      c: 'SOFTWARE_TOKEN_MFA',
      pool: 'us-east-1_AbC123xyz',
      client: '1example23456789abcdefghij',
    };
    const str = s.sealJson(state, 'session', Date.now() + 180_000);
    assert.ok(str.length < 400, `length ${str.length}`);
    assert.match(str, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(str.length % 4, 0);
    // Base64 overhead is 4/3 of (30 + id + plaintext) bytes.
    assert.equal(s.sealToString('x', 'p').length, Math.ceil((30 + 7 + 1) / 3) * 4);
  });

  it('openString accepts only canonical padded standard base64', () => {
    const s = new Sealer([k1]);
    // Choose a blob whose base64 ends in padding so non-canonical trailing bits are possible.
    let str = '';
    for (let n = 1; !str.endsWith('='); n++) str = s.sealToString('x'.repeat(n), 'p');
    assert.ok(s.openString(str, 'p') !== null);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const pad = str.endsWith('==') ? 2 : 1;
    const lastData = str.length - pad - 1;
    const bumped = alphabet[alphabet.indexOf(str[lastData]!) + 1]!; // sets an unused low bit
    const nonCanonical = str.slice(0, lastData) + bumped + str.slice(lastData + 1);
    assert.deepEqual(Buffer.from(nonCanonical, 'base64'), Buffer.from(str, 'base64'), 'same bytes to a lax decoder');
    const variants = [
      str.replace(/=+$/, ''), // unpadded
      str + '=',
      str + '====',
      ' ' + str,
      str + '\n',
      str.slice(0, 10) + '\n' + str.slice(10),
      str.slice(0, 10) + '*' + str.slice(11),
      nonCanonical,
    ];
    const urlForm = str.replace(/\+/g, '-').replace(/\//g, '_');
    if (urlForm !== str) variants.push(urlForm, urlForm.replace(/=+$/, ''));
    for (const v of variants) assert.equal(s.openString(v, 'p'), null, JSON.stringify(v));
    assert.deepEqual(decodeBase64Strict('QQ=='), Buffer.from('A'));
    assert.equal(decodeBase64Strict('QR=='), null, 'non-zero trailing bits');
    assert.equal(decodeBase64Strict('QQ'), null);
    assert.equal(decodeBase64Strict('Q==='), null);
    assert.equal(decodeBase64Strict('QQ=A'), null);
  });

  it('returns null (never throws) for garbage input', () => {
    const s = new Sealer([k1]);
    const garbage: unknown[] = [
      Buffer.alloc(0),
      Buffer.from([SEAL_VERSION]),
      Buffer.from([SEAL_VERSION, 0]),
      Buffer.alloc(64),
      Buffer.concat([Buffer.from([SEAL_VERSION, 255]), randomBytes(40)]),
      Buffer.concat([Buffer.from([SEAL_VERSION, 2]), Buffer.from('k1'), randomBytes(40)]),
      randomBytes(1000),
      new Uint8Array(50),
      'not a buffer',
      null,
      undefined,
      42,
      {},
    ];
    for (const g of garbage) assert.equal(s.open(g as Buffer, 'p'), null);
    for (const g of ['', '====', 'AAAA', 'not base64!', 'A'.repeat(4000), null, 7, {}]) {
      assert.equal(s.openString(g as string, 'p'), null);
      assert.equal(s.openJson(g as string, 'p', 0), null);
    }
    for (let i = 0; i < 500; i++) assert.equal(s.open(randomBytes(i % 80), 'p'), null);
    // A valid blob with a non-string aad fails instead of throwing.
    assert.equal(s.open(s.seal('x', 'p'), undefined as unknown as string), null);
  });

  it('opens a Uint8Array view, not only a Buffer', () => {
    const s = new Sealer([k1]);
    const blob = s.seal('view', 'p');
    const padded = new Uint8Array(blob.length + 8);
    padded.set(blob, 4);
    assert.equal(s.open(padded.subarray(4, 4 + blob.length), 'p')?.toString(), 'view');
  });

  it('rejects bad key rings at construction', () => {
    assert.throws(() => new Sealer([]), TypeError);
    assert.throws(() => new Sealer([{ id: '', key: k1.key }]), TypeError);
    assert.throws(() => new Sealer([{ id: 'a', key: Buffer.alloc(16) }]), TypeError);
    assert.throws(() => new Sealer([{ id: 'a', key: Buffer.alloc(33) }]), TypeError);
    assert.throws(() => new Sealer([{ id: 'x'.repeat(256), key: k1.key }]), TypeError);
    assert.throws(() => new Sealer([k1, { id: 'k1', key: k2.key }]), TypeError);
    assert.doesNotThrow(() => new Sealer([{ id: 'x'.repeat(255), key: k1.key }]));
  });

  it('does not alias the caller key buffer', () => {
    const key = Buffer.from(k1.key);
    const s = new Sealer([{ id: 'k1', key }]);
    const blob = s.seal('x', 'p');
    key.fill(0);
    assert.equal(s.open(blob, 'p')?.toString(), 'x');
  });
});

describe('deriveKey', () => {
  it('is HKDF-SHA256: deterministic, 32 bytes, label-separated', () => {
    const a = deriveKey(master, 'seal/1');
    assert.equal(a.length, 32);
    assert.deepEqual(deriveKey(master, 'seal/1'), a);
    assert.notDeepEqual(deriveKey(master, 'seal/2'), a);
    assert.notDeepEqual(deriveKey(Buffer.alloc(32, 8), 'seal/1'), a);
  });

  it('matches an independent HKDF computation', async () => {
    const { createHmac } = await import('node:crypto');
    const ikm = randomBytes(32);
    const prk = createHmac('sha256', Buffer.from('cognate/hkdf/v1')).update(ikm).digest();
    const okm = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('label'), Buffer.from([1])])).digest();
    assert.deepEqual(deriveKey(ikm, 'label'), okm);
  });

  it('rejects short masters and empty labels', () => {
    assert.throws(() => deriveKey(Buffer.alloc(31), 'x'), TypeError);
    assert.throws(() => deriveKey(master, ''), TypeError);
  });
});

/**
 * SRP tests. Compatibility is proven against the real client: amazon-cognito-identity-js's AuthenticationHelper,
 * DateHelper and the exact signature construction of CognitoUser.authenticateUserDefaultAuth / getDeviceResponse.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import * as cognito from 'amazon-cognito-identity-js';
import {
  N,
  g,
  k,
  padHex,
  powG,
  modPowN,
  createVerifier,
  createServerEphemeral,
  verifyPasswordClaim,
  isCanonicalTimestamp,
  parseTimestamp,
  formatTimestamp,
  isValidSrpA,
  fakeSalt,
  fakeVerifier,
  deviceVerifierFromConfirmDevice,
  type PasswordClaim,
} from './srp.js';
import {
  generateClientEphemeral,
  computePasswordClaim,
  createDeviceSecretVerifierConfig,
  generateDevicePassword,
} from '../../test/support/srp-client.js';

// ---- The real client, typed locally (index.d.ts does not declare AuthenticationHelper/DateHelper). ----

interface JsbnBigInteger {
  toString(radix: number): string;
  modPow(e: JsbnBigInteger, m: JsbnBigInteger, cb: (err: unknown, r: JsbnBigInteger) => void): void;
}
type JsbnCtor = new (s: string, radix: number) => JsbnBigInteger;
interface AuthHelper {
  N: JsbnBigInteger;
  g: JsbnBigInteger;
  k: JsbnBigInteger;
  smallAValue: JsbnBigInteger;
  largeAValue: JsbnBigInteger | undefined;
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    B: JsbnBigInteger,
    salt: JsbnBigInteger,
    cb: (err: unknown, hkdf: Uint8Array) => void,
  ): void;
  generateHashDevice(deviceGroupKey: string, username: string, cb: (err: unknown) => void): void;
  getSaltDevices(): string;
  getVerifierDevices(): string;
  getRandomPassword(): string;
  padHex(n: JsbnBigInteger): string;
}
const lib = cognito as unknown as {
  AuthenticationHelper: new (poolName: string) => AuthHelper;
  DateHelper: new () => { getNowString(): string };
};
const { AuthenticationHelper, DateHelper } = lib;
// The client's own HMAC implementation, resolved exactly as the client resolves it.
const clientRequire = createRequire(createRequire(import.meta.url).resolve('amazon-cognito-identity-js'));
const { Sha256 } = clientRequire('@aws-crypto/sha256-js') as {
  Sha256: new (secret?: Uint8Array) => { update(b: Uint8Array): void; digestSync(): Uint8Array };
};
const BigInteger = new AuthenticationHelper('x').N.constructor as unknown as JsbnCtor;

const big = (n: bigint): JsbnBigInteger => new BigInteger(n.toString(16), 16);
const unbig = (b: JsbnBigInteger): bigint => {
  const s = b.toString(16);
  return s.startsWith('-') ? -BigInt(`0x${s.slice(1)}`) : BigInt(`0x${s}`);
};

function clientA(helper: AuthHelper): string {
  let A: JsbnBigInteger | undefined;
  helper.getLargeAValue((err, value) => {
    assert.equal(err, null);
    A = value;
  });
  assert.ok(A, 'client computes A synchronously');
  // CognitoUser: authParameters.SRP_A = aValue.toString(16)
  return A.toString(16);
}

/** What CognitoUser.authenticateUserDefaultAuth / getDeviceResponse do after the challenge arrives. */
function clientSignature(
  helper: AuthHelper,
  poolName: string,
  userId: string,
  password: string,
  challenge: { SRP_B: string; SALT: string; SECRET_BLOCK: string },
  dateNow: string,
): string {
  let hkdf: Uint8Array | undefined;
  helper.getPasswordAuthenticationKey(
    userId,
    password,
    new BigInteger(challenge.SRP_B, 16),
    new BigInteger(challenge.SALT, 16),
    (err, key) => {
      assert.equal(err, null);
      hkdf = key;
    },
  );
  assert.ok(hkdf, 'client computes the key synchronously');
  const concatBuffer = Buffer.concat([
    Buffer.from(poolName, 'utf8'),
    Buffer.from(userId, 'utf8'),
    Buffer.from(challenge.SECRET_BLOCK, 'base64'),
    Buffer.from(dateNow, 'utf8'),
  ]);
  const hmac = new Sha256(hkdf);
  hmac.update(concatBuffer);
  return Buffer.from(hmac.digestSync()).toString('base64');
}

const POOL_ID = 'us-east-1_AbC123xyz';
const POOL_NAME = POOL_ID.split('_')[1] as string;

/** One full password sign-in: real client against our server. Returns the claim and the client's inputs. */
function realClientSignIn(opts: { userId: string; password: string; typedPassword?: string; salt?: Buffer }) {
  const { salt, verifier } = createVerifier(POOL_NAME, opts.userId, opts.password, opts.salt);
  const helper = new AuthenticationHelper(POOL_NAME);
  const A = clientA(helper);
  assert.ok(isValidSrpA(A));
  const { b, B } = createServerEphemeral(verifier);
  const SECRET_BLOCK = randomBytes(64).toString('base64');
  const timestamp = new DateHelper().getNowString();
  const signature = clientSignature(
    helper,
    POOL_NAME,
    opts.userId,
    opts.typedPassword ?? opts.password,
    { SRP_B: B, SALT: salt, SECRET_BLOCK },
    timestamp,
  );
  const claim: PasswordClaim = {
    poolName: POOL_NAME,
    userId: opts.userId,
    A,
    B,
    b,
    salt,
    verifier,
    secretBlock: Buffer.from(SECRET_BLOCK, 'base64'),
    timestamp,
    signature,
  };
  return { claim, helper, SECRET_BLOCK };
}

describe('constants', () => {
  it('N, g and k are the client’s', () => {
    const helper = new AuthenticationHelper(POOL_NAME);
    assert.equal(N, unbig(helper.N));
    assert.equal(g, unbig(helper.g));
    assert.equal(k, unbig(helper.k));
    assert.equal(N.toString(16).length, 768);
    assert.ok(N.toString(16).startsWith('ffffffffffffffffc90fdaa22168c234'));
    assert.ok(N.toString(16).endsWith('43db5bfce0fd108e4b82d120a93ad2caffffffffffffffff'));
  });

  it('OpenSSL exponentiation matches the client’s BigInteger.modPow', () => {
    for (let i = 0; i < 3; i++) {
      const e = BigInt(`0x${randomBytes(32 + i * 60).toString('hex')}`) | 1n;
      const base = BigInt(`0x${randomBytes(384).toString('hex')}`) % N;
      let gRef: JsbnBigInteger | undefined;
      let bRef: JsbnBigInteger | undefined;
      big(g).modPow(big(e), big(N), (_, r) => (gRef = r));
      big(base).modPow(big(e), big(N), (_, r) => (bRef = r));
      assert.equal(powG(e), unbig(gRef!));
      assert.equal(modPowN(base, e), unbig(bRef!));
    }
    // bases are reduced mod N; negative bases work
    assert.equal(modPowN(N + 3n, 2n), 9n);
    assert.equal(modPowN(-3n, 3n), N - 27n);
  });

  it('modPowN reports degenerate inputs as undefined instead of throwing', () => {
    assert.equal(modPowN(0n, 5n), undefined);
    assert.equal(modPowN(1n, 5n), undefined);
    assert.equal(modPowN(N, 5n), undefined);
    assert.equal(modPowN(N - 1n, 5n), undefined);
    assert.equal(modPowN(5n, 0n), undefined);
    assert.equal(modPowN(2n, (N - 1n) / 2n), undefined); // result 1: OpenSSL refuses
    assert.throws(() => powG(0n), RangeError);
  });
});

describe('padHex', () => {
  const helper = new AuthenticationHelper(POOL_NAME);

  it('edge cases', () => {
    assert.equal(padHex(0n), '00');
    assert.equal(padHex(1n), '01');
    assert.equal(padHex(0x7fn), '7f');
    assert.equal(padHex(0x80n), '0080'); // high bit set
    assert.equal(padHex(0xecn), '00ec');
    assert.equal(padHex(0xabcn), '0abc'); // odd length
    assert.equal(padHex(0x8bcn), '08bc'); // odd length: the padding nibble clears the sign
    assert.equal(padHex(0xffffn), '00ffff');
    assert.equal(padHex(-20n), 'ec');
    assert.equal(padHex(-236n), 'ff14');
    assert.equal(padHex(-128n), '80');
    assert.equal(padHex(-129n), 'ff7f');
    assert.equal(padHex(-1n), 'ff');
    assert.equal(padHex(-256n), 'ff00');
    assert.equal(padHex('ABC'), '0abc');
    assert.equal(padHex('000080'), '0080');
    assert.equal(padHex('0'), '00');
    assert.throws(() => padHex(''), TypeError);
    assert.throws(() => padHex('0x12'), TypeError);
    assert.throws(() => padHex('xyz'), TypeError);
    assert.equal(padHex(N).length, 770);
    assert.ok(padHex(N).startsWith('00ff'));
  });

  it('agrees with the client’s padHex', () => {
    const values = [0n, 1n, 15n, 16n, 127n, 128n, 255n, 256n, 0x8000n, 0x7fffffn, 0x800000n, N, N - 1n];
    for (let i = 0; i < 200; i++) values.push(BigInt(`0x${randomBytes(1 + (i % 40)).toString('hex')}`));
    for (const v of [...values]) if (v !== 0n) values.push(-v);
    values.push(-0x8001n, -0x80000n, -32768n, -255n);
    for (const v of values) assert.equal(padHex(v), helper.padHex(big(v)).toLowerCase(), `padHex(${v})`);
  });
});

describe('password SRP against amazon-cognito-identity-js', () => {
  it('accepts the real client’s claim (many random runs)', () => {
    for (let i = 0; i < 6; i++) {
      const { claim } = realClientSignIn({ userId: randomUUID(), password: `Passw0rd!${i}` });
      assert.equal(isCanonicalTimestamp(claim.timestamp), true, claim.timestamp);
      assert.equal(verifyPasswordClaim(claim), true);
      // the base64 string form of the secret block works too
      assert.equal(verifyPasswordClaim({ ...claim, secretBlock: claim.secretBlock.toString('base64') }), true);
    }
  });

  it('handles salts with a leading zero byte or a high bit, and non-ASCII input', () => {
    for (const salt of [
      Buffer.from('00000000000000000000000000000001', 'hex'),
      Buffer.from('00f1e2d3c4b5a69788796a5b4c3d2e1f', 'hex'),
      Buffer.from('ff0102030405060708090a0b0c0d0e0f', 'hex'),
      Buffer.from('7f', 'hex'),
      Buffer.from('00', 'hex'),
    ]) {
      const { claim } = realClientSignIn({ userId: 'üser-ß', password: 'pässwörd ✓ 密码', salt });
      assert.equal(verifyPasswordClaim(claim), true, salt.toString('hex'));
    }
  });

  it('rejects a wrong password', () => {
    const { claim } = realClientSignIn({ userId: 'alice', password: 'Correct1!', typedPassword: 'Correct1?' });
    assert.equal(verifyPasswordClaim(claim), false);
  });

  it('rejects tampering with the timestamp, secret block, names, A, B or signature', () => {
    const { claim } = realClientSignIn({ userId: 'bob', password: 'Secret123!' });
    assert.equal(verifyPasswordClaim(claim), true);
    const other = new Date(parseTimestamp(claim.timestamp)!.getTime() + 1000);
    assert.equal(verifyPasswordClaim({ ...claim, timestamp: formatTimestamp(other) }), false);
    const block = Buffer.from(claim.secretBlock as Buffer);
    block[0] = (block[0] ?? 0) ^ 1;
    assert.equal(verifyPasswordClaim({ ...claim, secretBlock: block }), false);
    assert.equal(verifyPasswordClaim({ ...claim, secretBlock: Buffer.alloc(0) }), false);
    assert.equal(verifyPasswordClaim({ ...claim, poolName: 'AbC123xyZ' }), false);
    assert.equal(verifyPasswordClaim({ ...claim, userId: 'Bob' }), false);
    const sig = Buffer.from(claim.signature, 'base64');
    sig[31] = (sig[31] ?? 0) ^ 0x80;
    assert.equal(verifyPasswordClaim({ ...claim, signature: sig.toString('base64') }), false);
    assert.equal(verifyPasswordClaim({ ...claim, signature: sig.subarray(0, 31).toString('base64') }), false);
    assert.equal(verifyPasswordClaim({ ...claim, signature: '' }), false);
    assert.equal(verifyPasswordClaim({ ...claim, signature: 'not base64!' }), false);
    assert.equal(verifyPasswordClaim({ ...claim, A: (BigInt(`0x${claim.A}`) + 1n).toString(16) }), false);
    assert.equal(verifyPasswordClaim({ ...claim, B: (BigInt(`0x${claim.B}`) + 1n).toString(16) }), false);
    assert.equal(verifyPasswordClaim({ ...claim, b: randomBytes(32) }), false);
  });

  it('rejects invalid A (0, N, 2N, non-hex, too long) without throwing', () => {
    const { claim } = realClientSignIn({ userId: 'carol', password: 'Secret123!' });
    for (const A of ['0', '00', N.toString(16), (2n * N).toString(16), `00${N.toString(16)}`, 'xyz', '', '0x1234', '-1', 'f'.repeat(771)]) {
      assert.equal(isValidSrpA(A), false, A.slice(0, 20));
      assert.equal(verifyPasswordClaim({ ...claim, A }), false, A.slice(0, 20));
    }
    // degenerate but legal-looking A values just fail verification
    for (const A of ['1', (N - 1n).toString(16), (N + 1n).toString(16)]) {
      assert.equal(isValidSrpA(A), true);
      assert.equal(verifyPasswordClaim({ ...claim, A }), false);
    }
    // bad server-side state never throws either
    assert.equal(verifyPasswordClaim({ ...claim, verifier: '1' }), false);
    assert.equal(verifyPasswordClaim({ ...claim, verifier: 'zz' }), false);
    assert.equal(verifyPasswordClaim({ ...claim, b: Buffer.alloc(32) }), false);
  });

  it('isValidSrpA accepts what clients send', () => {
    const helper = new AuthenticationHelper(POOL_NAME);
    const A = clientA(helper);
    assert.equal(isValidSrpA(A), true);
    assert.equal(isValidSrpA(A.toUpperCase()), true);
    assert.equal(isValidSrpA(padHex(A)), true); // 00-prefixed form
    assert.equal(isValidSrpA('2'), true);
  });
});

describe('srp-client.ts', () => {
  it('signs in against the server', () => {
    for (let i = 0; i < 10; i++) {
      const userId = randomUUID();
      const { salt, verifier } = createVerifier(POOL_NAME, userId, 'hunter2!');
      const { a, A } = generateClientEphemeral();
      const { b, B } = createServerEphemeral(verifier);
      const secretBlock = randomBytes(48).toString('base64');
      const timestamp = formatTimestamp(new Date());
      const signature = computePasswordClaim({
        poolName: POOL_NAME,
        userId,
        password: 'hunter2!',
        a,
        A,
        B,
        salt,
        secretBlock,
        timestamp,
      });
      const claim = { poolName: POOL_NAME, userId, A, B, b, salt, verifier, secretBlock, timestamp, signature };
      assert.equal(verifyPasswordClaim(claim), true);
      const wrong = computePasswordClaim({
        poolName: POOL_NAME,
        userId,
        password: 'hunter3!',
        a,
        A,
        B,
        salt,
        secretBlock,
        timestamp,
      });
      assert.equal(verifyPasswordClaim({ ...claim, signature: wrong }), false);
    }
  });

  it('produces exactly the AuthenticationHelper’s A and signature for the same a', () => {
    for (let i = 0; i < 3; i++) {
      const userId = `user${i}`;
      const password = `Pa55word-${i}`;
      const { salt, verifier } = createVerifier(POOL_NAME, userId, password);
      const { a, A } = generateClientEphemeral();
      const helper = new AuthenticationHelper(POOL_NAME);
      helper.smallAValue = new BigInteger(a.toString('hex'), 16);
      helper.largeAValue = undefined;
      assert.equal(clientA(helper), A);
      const { B } = createServerEphemeral(verifier);
      const SECRET_BLOCK = randomBytes(40).toString('base64');
      const timestamp = formatTimestamp(new Date());
      const expected = clientSignature(helper, POOL_NAME, userId, password, { SRP_B: B, SALT: salt, SECRET_BLOCK }, timestamp);
      const actual = computePasswordClaim({ poolName: POOL_NAME, userId, password, a, A, B, salt, secretBlock: SECRET_BLOCK, timestamp });
      assert.equal(actual, expected);
    }
  });

  it('refuses B ≡ 0 like the client', () => {
    const { a, A } = generateClientEphemeral();
    const base = { poolName: POOL_NAME, userId: 'u', password: 'p', a, A, salt: 'ab', secretBlock: '', timestamp: 't' };
    assert.throws(() => computePasswordClaim({ ...base, B: '0' }), /B cannot be zero/);
    assert.throws(() => computePasswordClaim({ ...base, B: N.toString(16) }), /B cannot be zero/);
    assert.throws(() => generateClientEphemeral(Buffer.alloc(8)), RangeError);
  });
});

describe('device SRP against amazon-cognito-identity-js', () => {
  const deviceGroupKey = '-Xy7ab9Kq';
  const deviceKey = `us-east-1_${randomUUID()}`;

  it('ConfirmDevice config from generateHashDevice, then DEVICE_PASSWORD_VERIFIER', () => {
    for (let i = 0; i < 3; i++) {
      // After sign-in, CognitoUser builds DeviceSecretVerifierConfig like this:
      const hashHelper = new AuthenticationHelper(POOL_NAME);
      hashHelper.generateHashDevice(deviceGroupKey, deviceKey, (err) => assert.equal(err, null));
      const config = {
        Salt: Buffer.from(hashHelper.getSaltDevices(), 'hex').toString('base64'),
        PasswordVerifier: Buffer.from(hashHelper.getVerifierDevices(), 'hex').toString('base64'),
      };
      const randomPassword = hashHelper.getRandomPassword();
      const stored = deviceVerifierFromConfirmDevice(config.PasswordVerifier, config.Salt);
      assert.equal(stored.verifier, hashHelper.getVerifierDevices());
      // Our verifier maths is the client's.
      assert.equal(
        createVerifier(deviceGroupKey, deviceKey, randomPassword, Buffer.from(stored.salt, 'hex')).verifier,
        stored.verifier,
      );
      // srp-client.ts builds the same config for the same password and salt.
      assert.deepEqual(
        createDeviceSecretVerifierConfig(deviceGroupKey, deviceKey, randomPassword, Buffer.from(hashHelper.getSaltDevices(), 'hex')),
        config,
      );

      // getDeviceResponse: new AuthenticationHelper(deviceGroupKey), userId = DeviceKey.
      const helper = new AuthenticationHelper(deviceGroupKey);
      const A = clientA(helper);
      const { b, B } = createServerEphemeral(stored.verifier);
      const SECRET_BLOCK = randomBytes(32).toString('base64');
      const timestamp = new DateHelper().getNowString();
      const challenge = { SRP_B: B, SALT: stored.salt, SECRET_BLOCK };
      const signature = clientSignature(helper, deviceGroupKey, deviceKey, randomPassword, challenge, timestamp);
      const claim = {
        poolName: deviceGroupKey,
        userId: deviceKey,
        A,
        B,
        b,
        salt: stored.salt,
        verifier: stored.verifier,
        secretBlock: SECRET_BLOCK,
        timestamp,
        signature,
      };
      assert.equal(verifyPasswordClaim(claim), true);
      assert.equal(verifyPasswordClaim({ ...claim, poolName: POOL_NAME }), false);
      const bad = clientSignature(
        new AuthenticationHelper(deviceGroupKey),
        deviceGroupKey,
        deviceKey,
        `${randomPassword}x`,
        challenge,
        timestamp,
      );
      assert.equal(verifyPasswordClaim({ ...claim, signature: bad }), false);
    }
  });

  it('srp-client.ts device config works for device SRP with the real client', () => {
    const password = generateDevicePassword();
    assert.equal(Buffer.from(password, 'base64').length, 40);
    const config = createDeviceSecretVerifierConfig(deviceGroupKey, deviceKey, password);
    const stored = deviceVerifierFromConfirmDevice(config.PasswordVerifier, config.Salt);
    const helper = new AuthenticationHelper(deviceGroupKey);
    const A = clientA(helper);
    const { b, B } = createServerEphemeral(stored.verifier);
    const SECRET_BLOCK = randomBytes(32).toString('base64');
    const timestamp = new DateHelper().getNowString();
    const signature = clientSignature(helper, deviceGroupKey, deviceKey, password, { SRP_B: B, SALT: stored.salt, SECRET_BLOCK }, timestamp);
    assert.equal(
      verifyPasswordClaim({
        poolName: deviceGroupKey,
        userId: deviceKey,
        A,
        B,
        b,
        salt: stored.salt,
        verifier: stored.verifier,
        secretBlock: SECRET_BLOCK,
        timestamp,
        signature,
      }),
      true,
    );
  });

  it('deviceVerifierFromConfirmDevice rejects garbage with TypeError', () => {
    const good = createDeviceSecretVerifierConfig(deviceGroupKey, deviceKey, 'pw');
    assert.doesNotThrow(() => deviceVerifierFromConfirmDevice(good.PasswordVerifier, good.Salt));
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const cases: Array<[string, string]> = [
      ['', good.Salt],
      ['!!!!', good.Salt],
      ['abc$', good.Salt],
      [good.PasswordVerifier, ''],
      [good.PasswordVerifier, 'a b='],
      [b64('00'), good.Salt],
      [b64('01'), good.Salt],
      [b64(padHex(N)), good.Salt],
      [b64(padHex(N - 1n)), good.Salt],
      [b64(`00${padHex(N + 5n)}`), good.Salt],
      [Buffer.alloc(400, 1).toString('base64'), good.Salt],
      [good.PasswordVerifier, Buffer.alloc(2000, 1).toString('base64')],
    ];
    for (const [v, s] of cases) {
      assert.throws(() => deviceVerifierFromConfirmDevice(v, s), TypeError, `${v.slice(0, 12)} / ${s.slice(0, 12)}`);
    }
  });
});

describe('timestamps', () => {
  it('formats like the client’s DateHelper', (t) => {
    const dates = [
      Date.UTC(2026, 0, 1, 0, 0, 0),
      Date.UTC(2026, 10, 3, 9, 5, 7),
      Date.UTC(2024, 1, 29, 23, 59, 59),
      Date.UTC(2025, 11, 31, 12, 0, 9),
      Date.UTC(2030, 6, 15, 1, 2, 3),
    ];
    for (let i = 0; i < 50; i++) dates.push(Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 20 * 365 * 86400) * 1000);
    t.mock.timers.enable({ apis: ['Date'] });
    try {
      for (const ms of dates) {
        t.mock.timers.setTime(ms);
        const expected = new DateHelper().getNowString();
        assert.equal(formatTimestamp(new Date(ms)), expected);
        assert.equal(isCanonicalTimestamp(expected), true, expected);
        assert.equal(parseTimestamp(expected)?.getTime(), ms);
      }
    } finally {
      t.mock.timers.reset();
    }
    assert.equal(formatTimestamp(new Date(Date.UTC(2026, 0, 1, 0, 0, 0))), 'Thu Jan 1 00:00:00 UTC 2026');
    assert.equal(formatTimestamp(new Date(Date.UTC(2026, 10, 3, 9, 5, 7))), 'Tue Nov 3 09:05:07 UTC 2026');
  });

  it('strict canonical check', () => {
    for (const ok of [
      'Tue Nov 3 09:05:07 UTC 2026',
      'Mon Nov 3 09:05:07 UTC 2026', // weekday not cross-checked with the date
      'Thu Jan 1 00:00:00 UTC 2026',
      'Sat Feb 29 23:59:59 UTC 2020',
      'Wed Dec 31 23:59:59 UTC 2025',
      'Fri Oct 10 10:10:10 UTC 2025',
    ]) {
      assert.equal(isCanonicalTimestamp(ok), true, ok);
    }
    for (const bad of [
      'Tue Nov 03 09:05:07 UTC 2026', // zero-padded day (real Cognito rejects it)
      'Thu Jan 01 00:00:00 UTC 2026',
      'Tue Nov 3 9:05:07 UTC 2026',
      'Tue Nov 3 09:5:07 UTC 2026',
      'Tue Nov 3 09:05:7 UTC 2026',
      'Tue Nov 3 24:00:00 UTC 2026',
      'Tue Nov 3 09:60:00 UTC 2026',
      'Tue Nov 3 09:05:60 UTC 2026',
      'Tue Nov 0 09:05:07 UTC 2026',
      'Tue Nov 32 09:05:07 UTC 2026',
      'Fri Feb 30 09:05:07 UTC 2026',
      'Sun Feb 29 09:05:07 UTC 2026', // not a leap year
      'Sun Apr 31 09:05:07 UTC 2026',
      'tue Nov 3 09:05:07 UTC 2026',
      'Tue nov 3 09:05:07 UTC 2026',
      'Tuesday Nov 3 09:05:07 UTC 2026',
      'Tue November 3 09:05:07 UTC 2026',
      'Tue Nov 3 09:05:07 GMT 2026',
      'Tue Nov 3 09:05:07 UTC 26',
      'Tue Nov  3 09:05:07 UTC 2026',
      ' Tue Nov 3 09:05:07 UTC 2026',
      'Tue Nov 3 09:05:07 UTC 2026 ',
      'Tue Nov 3 09:05:07 UTC 2026\n',
      'Tue, Nov 3 09:05:07 UTC 2026',
      '2026-11-03T09:05:07Z',
      '',
    ]) {
      assert.equal(isCanonicalTimestamp(bad), false, JSON.stringify(bad));
    }
  });
});

describe('user-existence protection', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');

  it('fakeSalt is stable per (pool, username) and looks like a real salt', () => {
    const s = fakeSalt(secret, POOL_ID, 'nobody');
    assert.match(s, /^[0-9a-f]{32}$/);
    assert.equal(createVerifier(POOL_NAME, 'x', 'y').salt.length, s.length);
    assert.equal(fakeSalt(secret, POOL_ID, 'nobody'), s);
    assert.notEqual(fakeSalt(secret, POOL_ID, 'nobody2'), s);
    assert.notEqual(fakeSalt(secret, 'us-east-1_Other', 'nobody'), s);
    assert.notEqual(fakeSalt(Buffer.from('another secret'), POOL_ID, 'nobody'), s);
  });

  it('fakeVerifier gives a usable, stable B source that no password matches', () => {
    const v = fakeVerifier(secret, POOL_ID, 'nobody');
    assert.equal(fakeVerifier(secret, POOL_ID, 'nobody'), v);
    assert.notEqual(fakeVerifier(secret, POOL_ID, 'nobody2'), v);
    const { b, B } = createServerEphemeral(v);
    const salt = fakeSalt(secret, POOL_ID, 'nobody');
    const helper = new AuthenticationHelper(POOL_NAME);
    const A = clientA(helper);
    const SECRET_BLOCK = randomBytes(16).toString('base64');
    const timestamp = new DateHelper().getNowString();
    const signature = clientSignature(helper, POOL_NAME, 'nobody', 'guess', { SRP_B: B, SALT: salt, SECRET_BLOCK }, timestamp);
    assert.equal(
      verifyPasswordClaim({ poolName: POOL_NAME, userId: 'nobody', A, B, b, salt, verifier: v, secretBlock: SECRET_BLOCK, timestamp, signature }),
      false,
    );
  });
});

describe('server ephemeral', () => {
  it('B is lowercase hex in [1, N), b is 32 bytes, and fresh each time', () => {
    const { verifier } = createVerifier(POOL_NAME, 'dave', 'pw');
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { b, B } = createServerEphemeral(verifier);
      assert.equal(b.length, 32);
      assert.match(B, /^[1-9a-f][0-9a-f]*$/);
      const Bn = BigInt(`0x${B}`);
      assert.ok(Bn > 0n && Bn < N);
      assert.equal(Bn, (k * BigInt(`0x${verifier}`) + powG(BigInt(`0x${b.toString('hex')}`))) % N);
      seen.add(B);
    }
    assert.equal(seen.size, 20);
    assert.throws(() => createServerEphemeral('not hex'), TypeError);
  });

  it('createVerifier refuses an empty salt', () => {
    assert.throws(() => createVerifier(POOL_NAME, 'u', 'p', Buffer.alloc(0)), TypeError);
  });
});


/**
 * The client's WebCrypto/BigInt SRP against the server's OpenSSL maths (packages/server/src/crypto):
 * same signature for the same inputs, and byte helpers that round-trip.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import * as cognitoJs from 'amazon-cognito-identity-js';

// Exported at runtime, missing from the package's typings.
const { AuthenticationHelper } = cognitoJs as unknown as { AuthenticationHelper: new (poolName: string) => unknown };
import { computePasswordClaim, generateClientEphemeral } from '../../server/test/support/srp-client.js';
import {
  computeX,
  createServerEphemeral,
  createVerifier,
  deviceVerifierFromConfirmDevice,
  formatTimestamp as serverTimestamp,
  padHex as serverPadHex,
  powG,
  verifyPasswordClaim,
} from '../../server/src/crypto/srp.js';
import { secretHash as serverSecretHash } from '../../server/src/domain/app-clients.js';
import { fromBase64, fromHex, toBase64, toHex, utf8Fallback } from '../src/internal/bytes.js';
import { N, deviceSecretVerifier, formatTimestamp, g, generateDevicePassword, generateEphemeral, modPow, padHex, passwordClaimSignature, secretHash } from '../src/internal/srp.js';

describe('client SRP maths', () => {
  it('padHex gives the two-complement minimal form', () => {
    assert.equal(padHex(0n), '00');
    assert.equal(padHex(0x7fn), '7f');
    assert.equal(padHex(0x80n), '0080');
    assert.equal(padHex(0xabcn), '0abc');
  });

  it('modPow agrees with a naive computation and with OpenSSL', () => {
    assert.equal(modPow(3n, 200n, 1000007n), 3n ** 200n % 1000007n);
    const { a, A } = generateClientEphemeral();
    assert.equal(modPow(g, BigInt(`0x${a.toString('hex')}`), N).toString(16), A);
  });

  it('signs PASSWORD_CLAIM_SIGNATURE exactly as the server-side reference client', async () => {
    for (let i = 0; i < 3; i++) {
      const { a, A } = generateClientEphemeral();
      const B = modPow(g, BigInt(`0x${randomBytes(64).toString('hex')}`), N).toString(16);
      const input = {
        poolName: 'AbC123xyz',
        userId: `user-${i}`,
        password: 'Corr3ct-Horse!',
        B,
        salt: randomBytes(16).toString('hex'),
        secretBlock: randomBytes(40).toString('base64'),
        timestamp: 'Mon Nov 3 09:05:07 UTC 2026',
      };
      const expected = computePasswordClaim({ ...input, a, A });
      const ephemeral = { a: BigInt(`0x${a.toString('hex')}`), A: BigInt(`0x${A}`), hexA: A };
      assert.equal(await passwordClaimSignature({ ...input, ephemeral }), expected);
    }
  });

  it('derives the same key and signature as amazon-cognito-identity-js (AuthenticationHelper)', async () => {
    const { a, A } = generateClientEphemeral();
    const B = modPow(g, BigInt(`0x${randomBytes(64).toString('hex')}`), N).toString(16);
    const salt = randomBytes(16).toString('hex');
    const helper = new AuthenticationHelper('AbC123xyz') as {
      N: { constructor: new (hex: string, radix: number) => unknown };
      smallAValue: unknown;
      largeAValue: unknown;
      getPasswordAuthenticationKey(user: string, password: string, B: unknown, salt: unknown, cb: (err: unknown, key: Uint8Array) => void): void;
    };
    const BigInteger = helper.N.constructor;
    helper.smallAValue = new BigInteger(a.toString('hex'), 16);
    helper.largeAValue = new BigInteger(A, 16);
    const key = await new Promise<Uint8Array>((resolve, reject) =>
      helper.getPasswordAuthenticationKey('alice', 'Corr3ct-Horse!', new BigInteger(B, 16), new BigInteger(salt, 16), (err, k) => (err ? reject(err) : resolve(k))),
    );
    const secretBlock = randomBytes(40).toString('base64');
    const timestamp = 'Mon Nov 3 09:05:07 UTC 2026';
    // CognitoUser.authenticateUserDefaultAuth: HMAC(key, poolName ‖ userId ‖ SECRET_BLOCK ‖ timestamp).
    const theirs = createHmac('sha256', Buffer.from(key))
      .update(Buffer.concat([Buffer.from('AbC123xyz'), Buffer.from('alice'), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp)]))
      .digest('base64');
    const ephemeral = { a: BigInt(`0x${a.toString('hex')}`), A: BigInt(`0x${A}`), hexA: A };
    assert.equal(await passwordClaimSignature({ poolName: 'AbC123xyz', userId: 'alice', password: 'Corr3ct-Horse!', ephemeral, B, salt, secretBlock, timestamp }), theirs);
  });

  it('formats TIMESTAMP as Cognito does (no leading zero on the day)', () => {
    const ms = Date.UTC(2026, 10, 3, 9, 5, 7);
    assert.equal(formatTimestamp(ms), 'Tue Nov 3 09:05:07 UTC 2026');
    assert.equal(formatTimestamp(ms), serverTimestamp(new Date(ms)));
  });

  it('computes SECRET_HASH as the server checks it', async () => {
    assert.equal(await secretHash('s3cret', 'alice', 'client1'), serverSecretHash('s3cret', 'alice', 'client1'));
  });

  it('makes the device verifier the server expects: g^x with x over DeviceGroupKey, DeviceKey and the device password', async () => {
    const ours = await deviceSecretVerifier('group-key', 'us-east-1_device', 'device-password');
    const saltHex = toHex(fromBase64(ours.Salt));
    const expected = Buffer.from(serverPadHex(powG(computeX(saltHex, 'group-key', 'us-east-1_device', 'device-password'))), 'hex').toString('base64');
    assert.equal(ours.PasswordVerifier, expected);
  });

  it('a full exchange against the server maths: the server accepts the client\'s password claim', async () => {
    const { salt, verifier } = createVerifier('AbC123xyz', 'alice', 'Corr3ct-Horse!');
    const { b, B } = createServerEphemeral(verifier);
    const ephemeral = generateEphemeral();
    const secretBlock = randomBytes(48).toString('base64');
    const timestamp = formatTimestamp(Date.now());
    const claim = { poolName: 'AbC123xyz', userId: 'alice', ephemeral, B, salt, secretBlock, timestamp };
    const signature = await passwordClaimSignature({ ...claim, password: 'Corr3ct-Horse!' });
    const check = { poolName: 'AbC123xyz', userId: 'alice', A: ephemeral.hexA, B, b, salt, verifier, secretBlock, timestamp };
    assert.ok(verifyPasswordClaim({ ...check, signature }));
    const wrong = await passwordClaimSignature({ ...claim, password: 'Wr0ng-Horse!' });
    assert.ok(!verifyPasswordClaim({ ...check, signature: wrong }));
  });

  it('device SRP: the verifier from ConfirmDevice and the DEVICE_PASSWORD_VERIFIER claim are accepted by the server maths', async () => {
    const groupKey = 'dg-7f3a';
    const deviceKey = 'us-east-1_0b7d2a4e-6c1f-4e55-9a3b-2f4c6d8e0a1b';
    const devicePassword = generateDevicePassword();
    const config = await deviceSecretVerifier(groupKey, deviceKey, devicePassword);
    const { salt, verifier } = deviceVerifierFromConfirmDevice(config.PasswordVerifier, config.Salt);
    const { b, B } = createServerEphemeral(verifier);
    const ephemeral = generateEphemeral();
    const secretBlock = randomBytes(48).toString('base64');
    const timestamp = formatTimestamp(Date.now());
    const signature = await passwordClaimSignature({ poolName: groupKey, userId: deviceKey, password: devicePassword, ephemeral, B, salt, secretBlock, timestamp });
    assert.ok(verifyPasswordClaim({ poolName: groupKey, userId: deviceKey, A: ephemeral.hexA, B, b, salt, verifier, secretBlock, timestamp, signature }));
  });

  it('hex and base64 helpers round-trip', () => {
    const bytes = new Uint8Array(randomBytes(33));
    assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
    assert.deepEqual(fromBase64(Buffer.from(bytes).toString('base64url')), bytes);
    assert.deepEqual(fromHex(toHex(bytes)), bytes);
  });

  it('the hand-written UTF-8 codec (for engines without TextDecoder) agrees with TextEncoder', () => {
    for (const text of ['alice', 'Zoë', 'ünïcödé ✓', '用户名', 'emoji 🦊 pair', '']) {
      const bytes = new TextEncoder().encode(text);
      assert.deepEqual(utf8Fallback.encode(text), bytes);
      assert.equal(utf8Fallback.decode(bytes), text);
    }
  });
});

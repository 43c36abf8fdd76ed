import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, createSecretKey, sign as rawSign, type KeyObject } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import * as jose from 'jose';
import {
  generateSigningKey,
  importSigningKey,
  signJwt,
  toJwk,
  toJwks,
  verifyJwt,
  type JwtFailure,
  type SigningKey,
  type VerifyJwtOptions,
} from './jwt.js';

const POOL = 'us-east-1_AbC123xyz';
const ISS = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const CLIENT = '1example23456789abcdefghij';
const NOW = 1_700_000_000_000; // fixed clock for our verifier
const NOW_S = NOW / 1000;

const key = await generateSigningKey();
const other = await generateSigningKey();
/** Another key pair that claims the same kid as `key`. */
const impostor: SigningKey = { ...(await generateSigningKey()), kid: key.kid };
const keys = new Map<string, KeyObject>([
  [key.kid, key.publicKey],
  [other.kid, other.publicKey],
]);

const b64u = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Builds a token by hand: any header, any payload text, signed RS256 with `signer` (or unsigned). */
function handToken(header: unknown, payload: unknown, signer: KeyObject | null = key.privateKey): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  const sig = signer === null ? '' : rawSign('RSA-SHA256', Buffer.from(input), signer).toString('base64url');
  return `${input}.${sig}`;
}

function idClaims(nowS: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: '3f1e2d4c-5b6a-4789-8abc-def012345678',
    'cognito:groups': ['admins'],
    email_verified: true,
    iss: ISS,
    'cognito:username': 'alice',
    origin_jti: 'a1b2c3d4-0000-4000-8000-000000000001',
    aud: CLIENT,
    event_id: 'e1b2c3d4-0000-4000-8000-000000000002',
    token_use: 'id',
    auth_time: Math.floor(nowS),
    exp: Math.floor(nowS) + 3600,
    iat: Math.floor(nowS),
    jti: 'j1b2c3d4-0000-4000-8000-000000000003',
    email: 'alice@example.com',
    ...extra,
  };
}

function accessClaims(nowS: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: '3f1e2d4c-5b6a-4789-8abc-def012345678',
    'cognito:groups': ['admins'],
    iss: ISS,
    client_id: CLIENT,
    origin_jti: 'a1b2c3d4-0000-4000-8000-000000000001',
    event_id: 'e1b2c3d4-0000-4000-8000-000000000002',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: Math.floor(nowS),
    exp: Math.floor(nowS) + 3600,
    iat: Math.floor(nowS),
    jti: 'j1b2c3d4-0000-4000-8000-000000000004',
    username: 'alice',
    ...extra,
  };
}

const opts = (extra: Partial<VerifyJwtOptions> = {}): VerifyJwtOptions => ({
  keyFor: (kid) => keys.get(kid),
  now: NOW,
  issuer: ISS,
  ...extra,
});

function expectFail(token: string, reason: JwtFailure, o: VerifyJwtOptions = opts(), msg?: string): void {
  const r = verifyJwt(token, o);
  assert.equal(r.ok, false, msg ?? `expected ${reason}`);
  if (!r.ok) assert.equal(r.reason, reason, msg);
}

function expectOk(token: string, o: VerifyJwtOptions = opts()): void {
  const r = verifyJwt(token, o);
  assert.ok(r.ok, r.ok ? '' : `rejected: ${r.reason}`);
}

describe('signJwt / verifyJwt round trip', () => {
  it('signs Cognito-shaped tokens that verify and return header and payload', () => {
    const claims = idClaims(NOW_S);
    const token = signJwt(claims, key);
    const parts = token.split('.');
    assert.equal(parts.length, 3);
    assert.equal(Buffer.from(parts[0]!, 'base64url').toString(), `{"kid":"${key.kid}","alg":"RS256"}`);
    assert.doesNotMatch(token, /[=+/]/);
    assert.equal(Buffer.from(parts[2]!, 'base64url').length, 256);
    const r = verifyJwt(token, opts({ tokenUse: 'id', clientId: CLIENT }));
    assert.ok(r.ok);
    assert.deepEqual(r.header, { kid: key.kid, alg: 'RS256' });
    assert.deepEqual(r.payload, claims);
  });

  it('access tokens check client_id; ID tokens check aud (string or array)', () => {
    expectOk(signJwt(accessClaims(NOW_S), key), opts({ tokenUse: 'access', clientId: CLIENT }));
    expectOk(signJwt(idClaims(NOW_S, { aud: ['x', CLIENT] }), key), opts({ clientId: CLIENT }));
  });

  it('generates distinct url-safe kids and RSA-2048 keys; importSigningKey restores from PEM', async () => {
    assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(key.kid, other.kid);
    assert.equal(key.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.match(key.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    const restored = importSigningKey(key.kid, key.privateKeyPem);
    expectOk(signJwt(idClaims(NOW_S), restored));
    assert.deepEqual(toJwk(restored), toJwk(key));
    assert.throws(() => importSigningKey('', key.privateKeyPem), TypeError);
    assert.throws(() => importSigningKey('k', key.publicKey), TypeError);
  });

  it('toJwk has exactly Cognito members in Cognito order and never private parameters', () => {
    const jwk = toJwk(key);
    assert.deepEqual(Object.keys(jwk), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(jwk.alg, 'RS256');
    assert.equal(jwk.e, 'AQAB');
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.use, 'sig');
    assert.equal(jwk.kid, key.kid);
    assert.deepEqual(toJwk({ kid: key.kid, publicKey: key.privateKey }), jwk, 'a private KeyObject yields only n and e');
    assert.deepEqual(toJwks([key, other]).keys.map((k) => k.kid), [key.kid, other.kid]);
  });

  it('signJwt refuses non-RSA, short or public keys, and payloads without a numeric exp', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const good = idClaims(NOW_S);
    assert.throws(() => signJwt(good, { kid: 'k', privateKey: ec.privateKey, publicKey: ec.publicKey }), TypeError);
    assert.throws(() => signJwt(good, { kid: 'k', ...rsa1024 }), TypeError);
    assert.throws(() => signJwt(good, { kid: 'k', privateKey: key.publicKey, publicKey: key.publicKey }), TypeError);
    assert.throws(() => signJwt(good, { ...key, kid: '' }), TypeError);
    assert.throws(() => signJwt({ ...good, exp: undefined }, key), TypeError);
    assert.throws(() => signJwt({ ...good, exp: '123' }, key), TypeError);
    assert.throws(() => signJwt([] as unknown as Record<string, unknown>, key), TypeError);
  });
});

describe('aws-jwt-verify (the real consumer) accepts our tokens', () => {
  const nowS = Date.now() / 1000; // aws-jwt-verify uses the real clock

  it('ID token', async () => {
    const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT });
    verifier.cacheJwks({ keys: [toJwk(key), toJwk(other)] });
    const claims = idClaims(nowS);
    const payload = await verifier.verify(signJwt(claims, key));
    assert.equal(payload.sub, claims.sub);
    assert.equal(payload.token_use, 'id');
    assert.deepEqual(payload['cognito:groups'], ['admins']);
  });

  it('access token, with group and scope checks', async () => {
    const verifier = CognitoJwtVerifier.create({
      userPoolId: POOL,
      tokenUse: 'access',
      clientId: CLIENT,
      groups: 'admins',
      scope: 'aws.cognito.signin.user.admin',
    });
    verifier.cacheJwks(toJwks([other, key]));
    const payload = await verifier.verify(signJwt(accessClaims(nowS), other));
    assert.equal(payload.client_id, CLIENT);
    assert.equal(payload.username, 'alice');
  });

  it('and refuses them when tampered, swapped or for another client (sanity)', async () => {
    const idVerifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT });
    idVerifier.cacheJwks({ keys: [toJwk(key)] });
    const token = signJwt(idClaims(nowS), key);
    await assert.rejects(idVerifier.verify(flipPayloadBit(token, 3)));
    await assert.rejects(idVerifier.verify(signJwt(accessClaims(nowS), key)));
    await assert.rejects(idVerifier.verify(signJwt(idClaims(nowS, { aud: 'other-client' }), key)));
    await assert.rejects(idVerifier.verify(signJwt(idClaims(nowS, { exp: Math.floor(nowS) - 10 }), key)));
  });
});

/** Flips one bit of the decoded payload and re-encodes it canonically (so only the signature can catch it). */
function flipPayloadBit(token: string, bit: number): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(p, 'base64url');
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return `${h}.${bytes.toString('base64url')}.${s}`;
}

describe('negative matrix (A11–A16)', () => {
  const valid = signJwt(idClaims(NOW_S), key);
  const [vh, vp, vs] = valid.split('.') as [string, string, string];

  it('A11: alg none and empty signatures are refused', async () => {
    const unsecured = new jose.UnsecuredJWT(idClaims(NOW_S)).encode();
    expectFail(unsecured, 'alg');
    expectFail(handToken({ alg: 'none', kid: key.kid }, idClaims(NOW_S), null), 'alg');
    expectFail(handToken({ alg: 'None', kid: key.kid }, idClaims(NOW_S), null), 'alg');
    expectFail(handToken({ alg: 'none', kid: key.kid }, idClaims(NOW_S)), 'alg', opts(), 'none with a real RS256 signature');
    expectFail(`${vh}.${vp}.`, 'signature');
    expectFail(handToken({ kid: key.kid, alg: 'RS256' }, idClaims(NOW_S), null), 'signature');
    expectFail(`${vh}.${vp}.AA`, 'signature');
    expectFail(`${vh}.${vp}.${'A'.repeat(342)}`, 'signature', opts(), 'all-zero 256-byte signature');
  });

  it('A12: HS256 keyed with our RSA public key (PEM, DER, JWK) is refused', async () => {
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const der = key.publicKey.export({ type: 'spki', format: 'der' });
    const jwkBytes = Buffer.from(JSON.stringify(toJwk(key)));
    for (const secret of [Buffer.from(pem), der, jwkBytes, Buffer.from(pem.trim())]) {
      const token = await new jose.SignJWT(idClaims(NOW_S))
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .sign(new Uint8Array(secret));
      // The confusion is real: a verifier that lets the token pick HMAC would accept it.
      await jose.jwtVerify(token, new Uint8Array(secret), { currentDate: new Date(NOW) });
      expectFail(token, 'alg');
    }
    // A hand-built HS256 with the header in Cognito order, and every other HMAC alg.
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const input = `${b64u({ kid: key.kid, alg })}.${b64u(idClaims(NOW_S))}`;
      const h = createHmac(`sha${alg.slice(2)}`, pem).update(input).digest('base64url');
      expectFail(`${input}.${h}`, 'alg');
    }
    // Even if a caller's key map held a secret key, it would never be used.
    const secretKeys = new Map([[key.kid, createSecretKey(Buffer.from(pem))]]);
    expectFail(valid, 'kid', opts({ keyFor: (k) => secretKeys.get(k) }));
  });

  it('A12: other asymmetric algorithms are refused, even when signed by our own key', async () => {
    const joseKey = await jose.importPKCS8(key.privateKeyPem, 'PS256');
    for (const alg of ['RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
      const k = alg === 'PS256' ? joseKey : await jose.importPKCS8(key.privateKeyPem, alg);
      const token = await new jose.SignJWT(idClaims(NOW_S)).setProtectedHeader({ alg, kid: key.kid }).sign(k);
      expectFail(token, 'alg', opts(), alg);
    }
    const ec = await jose.generateKeyPair('ES256');
    expectFail(await new jose.SignJWT(idClaims(NOW_S)).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(ec.privateKey), 'alg');
    for (const alg of ['rs256', 'RS256 ', 'RS 256', '', null, 256, ['RS256'], { RS256: true }]) {
      expectFail(handToken({ kid: key.kid, alg }, idClaims(NOW_S)), 'alg', opts(), JSON.stringify(alg));
    }
    expectFail(handToken({ kid: key.kid }, idClaims(NOW_S)), 'alg', opts(), 'missing alg');
  });

  it('A13: unknown or hostile kids are only ever a map lookup', () => {
    const seen: unknown[] = [];
    const spy = opts({
      keyFor: (kid) => {
        seen.push(kid);
        return keys.get(kid);
      },
    });
    const hostile = ['unknown-kid', '../../dev/null', "' OR '1'='1", '/etc/passwd', 'http://evil.example/jwks.json', '__proto__', 'constructor'];
    for (const kid of hostile) {
      expectFail(handToken({ kid, alg: 'RS256' }, idClaims(NOW_S)), 'kid', spy, kid);
    }
    assert.deepEqual(seen, hostile, 'keyFor received each kid verbatim, once');
    // A lookup backed by a plain object: prototype members are not keys.
    const obj: Record<string, unknown> = { [key.kid]: key.publicKey };
    const objOpts = opts({ keyFor: (kid) => obj[kid] as KeyObject | undefined });
    expectOk(valid, objOpts);
    for (const kid of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expectFail(handToken({ kid, alg: 'RS256' }, idClaims(NOW_S)), 'kid', objOpts, kid);
    }
    for (const kid of [undefined, '', 42, null, [key.kid], { id: key.kid }]) {
      expectFail(handToken({ kid, alg: 'RS256' }, idClaims(NOW_S)), 'kid', opts(), JSON.stringify(kid));
    }
    // keyFor that throws, or returns something that is not an RSA public key.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const bad: Array<() => unknown> = [
      () => {
        throw new Error('db down');
      },
      () => key.privateKey,
      () => ec.publicKey,
      () => pss.publicKey,
      () => key.privateKeyPem,
      () => toJwk(key),
      () => ({}),
    ];
    for (const f of bad) expectFail(valid, 'kid', opts({ keyFor: f as VerifyJwtOptions['keyFor'] }));
  });

  it('A13: jku, x5u, jwk, x5c and crit headers are refused even with a valid signature', async () => {
    const attackerJwk = await jose.exportJWK(impostor.publicKey);
    const hostileHeaders: Record<string, unknown>[] = [
      { jku: 'https://evil.example/jwks.json' },
      { x5u: 'https://evil.example/cert.pem' },
      { jwk: attackerJwk },
      { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] },
      { crit: ['exp'], exp: 1 },
      { crit: [] },
      { jku: null },
    ];
    for (const extra of hostileHeaders) {
      // Signed by our real key: only the header rule can reject it.
      expectFail(handToken({ kid: key.kid, alg: 'RS256', ...extra }, idClaims(NOW_S)), 'header', opts(), Object.keys(extra)[0]);
    }
    // CVE-2018-0114 style: attacker key embedded in the header, token signed by the attacker.
    const embedded = await new jose.SignJWT(idClaims(NOW_S))
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, jwk: attackerJwk })
      .sign(impostor.privateKey);
    await jose.jwtVerify(embedded, jose.EmbeddedJWK, { currentDate: new Date(NOW) }); // a naive verifier accepts it
    expectFail(embedded, 'header');
    // Harmless headers that other issuers send are tolerated.
    expectOk(handToken({ typ: 'JWT', kid: key.kid, alg: 'RS256', x5t: 'abc' }, idClaims(NOW_S)));
  });

  it('A13: RS256 signed by another key that claims our kid is a signature failure', async () => {
    expectFail(signJwt(idClaims(NOW_S), impostor), 'signature');
    const viaJose = await new jose.SignJWT(idClaims(NOW_S))
      .setProtectedHeader({ kid: key.kid, alg: 'RS256' })
      .sign(impostor.privateKey);
    expectFail(viaJose, 'signature');
    // A token signed by `other` but relabelled with our kid.
    const [, p, s] = signJwt(idClaims(NOW_S), other).split('.');
    expectFail(`${vh}.${p}.${s}`, 'signature');
    // Signature transplanted from another valid token.
    const second = signJwt(idClaims(NOW_S, { jti: 'different' }), key);
    expectFail(`${vh}.${vp}.${second.split('.')[2]}`, 'signature');
  });

  it('A14: token_use, client and issuer mismatches', () => {
    const id = signJwt(idClaims(NOW_S), key);
    const access = signJwt(accessClaims(NOW_S), key);
    expectFail(id, 'token_use', opts({ tokenUse: 'access' }), 'ID token used as access token');
    expectFail(access, 'token_use', opts({ tokenUse: 'id' }));
    expectFail(signJwt(idClaims(NOW_S, { token_use: undefined }), key), 'token_use', opts({ tokenUse: 'id' }));
    expectFail(id, 'audience', opts({ clientId: 'other-client' }));
    expectFail(access, 'audience', opts({ tokenUse: 'access', clientId: 'other-client' }));
    expectFail(signJwt(accessClaims(NOW_S, { aud: CLIENT, client_id: 'x' }), key), 'audience', opts({ clientId: CLIENT }),
      'an access token is judged by client_id, not aud');
    expectFail(signJwt(idClaims(NOW_S, { aud: undefined }), key), 'audience', opts({ clientId: CLIENT }));
    const otherPool = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other';
    expectFail(signJwt(idClaims(NOW_S, { iss: otherPool }), key), 'issuer');
    expectFail(signJwt(idClaims(NOW_S, { iss: ISS + '/' }), key), 'issuer');
    expectFail(signJwt(idClaims(NOW_S, { iss: undefined }), key), 'issuer');
    expectFail(signJwt(idClaims(NOW_S, { iss: [ISS] }), key), 'issuer');
    expectOk(signJwt(idClaims(NOW_S, { iss: otherPool }), key), opts({ issuer: undefined }));
  });

  it('A15: exp, nbf and iat (leeway 0 for exp, 60 s skew for nbf/iat, both clamped to 60)', () => {
    const at = (claims: Record<string, unknown>) => signJwt(idClaims(NOW_S, claims), key);
    expectFail(at({ exp: NOW_S - 1 }), 'expired');
    expectFail(at({ exp: NOW_S }), 'expired', opts(), 'dead at exp exactly');
    expectOk(at({ exp: NOW_S + 1 }));
    expectFail(at({ exp: NOW_S - 3600 * 24 }), 'expired');
    expectOk(at({ exp: NOW_S - 30 }), opts({ leewaySeconds: 31 }));
    expectFail(at({ exp: NOW_S - 61 }), 'expired', opts({ leewaySeconds: 3600 }), 'leeway clamped to 60');
    expectFail(at({ exp: NOW_S - 1 }), 'expired', opts({ leewaySeconds: -100 }), 'negative leeway clamped to 0');
    expectFail(at({ exp: NOW_S - 1 }), 'expired', opts({ leewaySeconds: Number.NaN }));

    expectFail(at({ nbf: NOW_S + 120 }), 'not_yet_valid');
    expectOk(at({ nbf: NOW_S + 30 }));
    expectFail(at({ nbf: NOW_S + 30 }), 'not_yet_valid', opts({ clockSkewSeconds: 0 }));
    expectFail(at({ nbf: NOW_S + 61 }), 'not_yet_valid', opts({ clockSkewSeconds: 1e9 }));

    expectFail(at({ iat: NOW_S + 3600 }), 'issued_in_future');
    expectFail(at({ iat: NOW_S + 10 * 365 * 86400, exp: NOW_S + 11 * 365 * 86400 }), 'issued_in_future');
    expectOk(at({ iat: NOW_S + 30 }));
    expectFail(at({ iat: NOW_S + 30 }), 'issued_in_future', opts({ clockSkewSeconds: 0 }));

    // Missing or mistyped time claims.
    expectFail(handToken({ kid: key.kid, alg: 'RS256' }, { ...idClaims(NOW_S), exp: undefined }), 'claims');
    for (const bad of ['9999999999', null, true, [NOW_S + 100], { n: 1 }]) {
      expectFail(handToken({ kid: key.kid, alg: 'RS256' }, { ...idClaims(NOW_S), exp: bad }), 'claims', opts(), JSON.stringify(bad));
      expectFail(handToken({ kid: key.kid, alg: 'RS256' }, { ...idClaims(NOW_S), nbf: bad }), 'claims');
      expectFail(handToken({ kid: key.kid, alg: 'RS256' }, { ...idClaims(NOW_S), iat: bad }), 'claims');
    }
    const payloadText = JSON.stringify(idClaims(NOW_S)).replace(/"exp":\d+/, '"exp":1e400'); // Infinity
    expectFail(handToken({ kid: key.kid, alg: 'RS256' }, payloadText), 'claims');
    // An unusable clock fails closed.
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, undefined]) {
      expectFail(valid, 'options', opts({ now: now as number }));
    }
  });

  it('A16: every single-bit flip of the payload, header or signature is refused', () => {
    const bits = Buffer.from(vp, 'base64url').length * 8;
    for (let i = 0; i < bits; i++) {
      const r = verifyJwt(flipPayloadBit(valid, i), opts());
      assert.equal(r.ok, false, `payload bit ${i}`);
      if (!r.ok) assert.equal(r.reason, 'signature', `payload bit ${i}`);
    }
    const sig = Buffer.from(vs, 'base64url');
    for (let i = 0; i < sig.length * 8; i += 7) {
      const t = Buffer.from(sig);
      t[i >> 3]! ^= 1 << (i & 7);
      expectFail(`${vh}.${vp}.${t.toString('base64url')}`, 'signature', opts(), `signature bit ${i}`);
    }
    const hdr = Buffer.from(vh, 'base64url');
    for (let i = 0; i < hdr.length * 8; i++) {
      const t = Buffer.from(hdr);
      t[i >> 3]! ^= 1 << (i & 7);
      const r = verifyJwt(`${t.toString('base64url')}.${vp}.${vs}`, opts());
      assert.equal(r.ok, false, `header bit ${i}`);
    }
    // Character-level edits of the encoded payload are refused too (malformed or signature).
    for (let i = 0; i < vp.length; i++) {
      const c = vp[i] === 'A' ? 'B' : 'A';
      assert.equal(verifyJwt(`${vh}.${vp.slice(0, i)}${c}${vp.slice(i + 1)}.${vs}`, opts()).ok, false, `char ${i}`);
    }
  });

  it('structure: segment count, strict base64url and canonical encoding', () => {
    expectOk(valid);
    expectFail(`${vh}.${vp}`, 'malformed', opts(), '2 segments');
    expectFail(`${vh}.${vp}.${vs}.${vs}`, 'malformed', opts(), '4 segments');
    expectFail(`${vh}.${vp}.${vs}.`, 'malformed');
    expectFail(`.${vp}.${vs}`, 'malformed');
    expectFail(`${vh}..${vs}`, 'malformed');
    expectFail('', 'malformed');
    expectFail('..', 'malformed');
    expectFail(` ${valid}`, 'malformed');
    expectFail(`${valid}\n`, 'malformed');
    expectFail(`Bearer ${valid}`, 'malformed');
    // Padding, in any segment.
    const padded = (s: string) => s + '='.repeat((4 - (s.length % 4)) % 4 || 4);
    expectFail(`${padded(vh)}.${vp}.${vs}`, 'malformed', opts(), 'padded header');
    expectFail(`${vh}.${padded(vp)}.${vs}`, 'malformed', opts(), 'padded payload');
    expectFail(`${vh}.${vp}.${vs}==`, 'malformed', opts(), 'padded signature');
    // Standard base64 alphabet instead of base64url.
    const std = (s: string) => Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '');
    const withStd = [vh, vp, vs].map(std);
    if (withStd.some((s, i) => s !== [vh, vp, vs][i])) expectFail(withStd.join('.'), 'malformed', opts(), '+ and /');
    expectFail(`${vh}.${vp}.${vs.slice(0, 10)}+${vs.slice(11)}`, 'malformed');
    expectFail(`${vh}.${vp}.${vs.slice(0, 10)}/${vs.slice(11)}`, 'malformed');
    // Non-canonical trailing bits: same bytes to a lax decoder, refused here.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const [i, seg] of [vh, vp, vs].entries()) {
      if (seg.length % 4 === 0) continue;
      const last = seg[seg.length - 1]!;
      const bumped = seg.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1]!;
      assert.deepEqual(Buffer.from(bumped, 'base64url'), Buffer.from(seg, 'base64url'));
      const segs = [vh, vp, vs];
      segs[i] = bumped;
      expectFail(segs.join('.'), 'malformed', opts(), `non-canonical segment ${i}`);
    }
    const oneMod4 = vs + 'A'.repeat((5 - (vs.length % 4)) % 4);
    assert.equal(oneMod4.length % 4, 1);
    expectFail(`${vh}.${vp}.${oneMod4}`, 'malformed', opts(), 'length 1 mod 4');
    expectFail('a'.repeat(40_000) + '.' + vp + '.' + vs, 'malformed', opts(), 'over MAX_JWT_LENGTH');
  });

  it('header and payload must be UTF-8 JSON objects (checked with a valid signature)', () => {
    const h = { kid: key.kid, alg: 'RS256' };
    expectFail(handToken(h, 'not json'), 'malformed', opts(), 'non-JSON payload');
    expectFail(handToken(h, '{"exp":'), 'malformed');
    expectFail(handToken(h, [idClaims(NOW_S)]), 'malformed', opts(), 'payload is an array');
    for (const p of ['null', '42', '"str"', 'true', '[]']) expectFail(handToken(h, p), 'malformed', opts(), p);
    expectFail(handToken(h, '\uFEFF' + JSON.stringify(idClaims(NOW_S))), 'malformed', opts(), 'BOM');
    const badUtf8 = Buffer.concat([Buffer.from('{"exp":9999999999,"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const input = `${b64u(h)}.${badUtf8.toString('base64url')}`;
    const sig = rawSign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url');
    expectFail(`${input}.${sig}`, 'malformed', opts(), 'invalid UTF-8');
    expectFail(handToken('not json', idClaims(NOW_S)), 'malformed', opts(), 'non-JSON header');
    expectFail(handToken([h], idClaims(NOW_S)), 'malformed', opts(), 'header is an array');
    expectFail(handToken('null', idClaims(NOW_S)), 'malformed');
    // __proto__ in JSON is an own property, not a prototype change.
    const proto = handToken(h, JSON.stringify(idClaims(NOW_S)).replace('{', '{"__proto__":{"admin":true},'));
    const r = verifyJwt(proto, opts());
    assert.ok(r.ok);
    assert.equal((r.payload as { admin?: unknown }).admin, undefined);
    assert.equal(({} as { admin?: unknown }).admin, undefined);
  });

  it('never throws, whatever the input', () => {
    const inputs: unknown[] = [undefined, null, 42, {}, [], Buffer.from(valid), Symbol('x'), 'a.b.c', 'x'.repeat(100)];
    for (let i = 0; i < 300; i++) {
      const parts = Array.from({ length: 3 }, () =>
        Buffer.from(Array.from({ length: (i * 7) % 60 }, (_, j) => (i * 31 + j * 17) & 0xff)).toString('base64url'),
      );
      inputs.push(parts.join('.'));
    }
    const evilOpts = [
      opts(),
      opts({ keyFor: undefined as unknown as VerifyJwtOptions['keyFor'] }),
      {} as VerifyJwtOptions,
      null as unknown as VerifyJwtOptions,
    ];
    for (const o of evilOpts) {
      for (const t of [...inputs, valid]) {
        const r = verifyJwt(t as string, o);
        assert.equal(typeof r.ok, 'boolean');
      }
    }
    assert.equal(verifyJwt(valid, evilOpts[1]!).ok, false);
    assert.equal(verifyJwt(valid, evilOpts[3]!).ok, false);
  });
});

// The verified-signature cache of verifyJwt (tokens/jwt.ts): a token verified once is not
// RSA-verified again, but every rule still applies to it at every call.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { generateSigningKey, signJwt, verifyJwt, type SigningKey } from './jwt.js';

const NOW = 1_700_000_000_000;
const NOW_S = NOW / 1000;
const ISS = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz';

const key = await generateSigningKey();
/** Another key pair under the same kid: a key replaced without a new kid. */
const replacement: SigningKey = { ...(await generateSigningKey()), kid: key.kid };

const token = (claims: Record<string, unknown> = {}) => signJwt({ sub: 's', iss: ISS, token_use: 'access', client_id: 'c', iat: NOW_S, exp: NOW_S + 3600, ...claims }, key);
const only = (k: KeyObject | undefined) => (kid: string) => (kid === key.kid ? k : undefined);

describe('verifyJwt: a token verified once', () => {
  it('verifies again with the same payload, which callers cannot change', () => {
    const t = token();
    const first = verifyJwt(t, { keyFor: only(key.publicKey), now: NOW });
    const again = verifyJwt(t, { keyFor: only(key.publicKey), now: NOW });
    assert.ok(first.ok && again.ok);
    assert.deepEqual(again.payload, first.payload);
    assert.throws(() => {
      (again.payload as Record<string, unknown>).sub = 'someone else';
    }, TypeError);
  });

  it('is refused once its kid no longer names a key (a key removed from the pool)', () => {
    const t = token({ jti: 'removed' });
    assert.equal(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW }).ok, true);
    assert.deepEqual(verifyJwt(t, { keyFor: only(undefined), now: NOW }), { ok: false, reason: 'kid' });
  });

  it('is verified afresh, and refused, when its kid now names another key', () => {
    const t = token({ jti: 'replaced' });
    assert.equal(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW }).ok, true);
    assert.deepEqual(verifyJwt(t, { keyFor: only(replacement.publicKey), now: NOW }), { ok: false, reason: 'signature' });
  });

  it('still expires, and still answers for its issuer, use and audience', () => {
    const t = token({ jti: 'claims', exp: NOW_S + 60 });
    assert.equal(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW }).ok, true);
    assert.deepEqual(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW + 61_000 }), { ok: false, reason: 'expired' });
    assert.deepEqual(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW, issuer: `${ISS}x` }), { ok: false, reason: 'issuer' });
    assert.deepEqual(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW, tokenUse: 'id' }), { ok: false, reason: 'token_use' });
    assert.deepEqual(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW, clientId: 'other' }), { ok: false, reason: 'audience' });
  });

  it('is not confused with the same header and payload under a forged signature', () => {
    const t = token({ jti: 'forged' });
    assert.equal(verifyJwt(t, { keyFor: only(key.publicKey), now: NOW }).ok, true);
    const forged = `${t.slice(0, t.lastIndexOf('.') + 1)}${Buffer.alloc(256, 7).toString('base64url')}`;
    assert.deepEqual(verifyJwt(forged, { keyFor: only(key.publicKey), now: NOW }), { ok: false, reason: 'signature' });
  });
});

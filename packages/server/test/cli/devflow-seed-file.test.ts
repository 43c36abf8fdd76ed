/**
 * The seed file's own checks (devflow/seed-file.ts), without a process: every refusal names the
 * path to the bad member, and YAML's surprises (`yes`, tags, alias bombs) don't get in.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeedText, SeedFileError } from '../../src/devflow/seed-file.js';

const refuses = (text: string, expected: RegExp, name = 'seed.yaml') =>
  assert.throws(() => parseSeedText(text, name), (e: unknown) => e instanceof SeedFileError && expected.test(e.message));

describe('seed files', () => {
  it('reads YAML and JSON alike', () => {
    const yaml = parseSeedText('userPools:\n  - PoolName: shop\n    users: [{ Username: alice, password: Corr3ct-Horse1 }]\n', 'seed.yaml');
    const json = parseSeedText(JSON.stringify({ userPools: [{ PoolName: 'shop', users: [{ Username: 'alice', password: 'Corr3ct-Horse1' }] }] }), 'seed.json');
    assert.deepEqual(yaml, json);
    assert.deepEqual(parseSeedText('', 'empty.yaml'), {});
  });

  it('names the bad member: null, wrong types, unknown members, duplicates', () => {
    refuses('userPools: null', /userPools: /);
    refuses('userPools: [{ PoolName: null }]', /userPools\[0\]\.PoolName: /);
    refuses('userPools: [{ PoolName: shop, users: [{ Username: 5 }] }]', /userPools\[0\]\.users\[0\]\.Username: /);
    refuses('userPools: [{ PoolName: shop, users: [{ Username: a, mfa: { totpSecret: "not base32!" } }] }]', /userPools\[0\]\.users\[0\]\.mfa\.totpSecret: a base32 TOTP secret/);
    refuses('userPools: [{ PoolName: shop, clients: [{ ClientName: web, id: UPPER }] }]', /userPools\[0\]\.clients\[0\]\.id: 26 lowercase/);
    refuses('identityPools: [{ IdentityPoolName: ids, roles: {} }]', /identityPools\[0\]: .*roles/);
    refuses('pools: []', /\(the file\): .*pools/);
    refuses('userPools: [{ PoolName: shop }, { PoolName: shop }]', /userPools\[1\]\.PoolName: a second user pool named "shop"/);
    refuses('userPools: [{ PoolName: shop, users: [{ Username: a }, { Username: a }] }]', /userPools\[0\]\.users\[1\]\.Username: a second user named "a"/);
    refuses('userPools: [{ PoolName: shop, PoolName: other }]', /not valid YAML/);
    refuses('{"userPools": [', /not valid JSON/, 'seed.json');
  });

  it('reads YAML as data only: yes stays a string, tags and alias bombs are refused', () => {
    refuses('userPools: [{ PoolName: shop, users: [{ Username: a, confirmed: yes }] }]', /userPools\[0\]\.users\[0\]\.confirmed: .*boolean/);
    refuses('userPools: !!js/function "function () {}"', /userPools|YAML/);
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n' + Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join('\n');
    refuses(bomb, /YAML/);
  });
});

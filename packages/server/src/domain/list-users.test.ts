import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, prefixSuccessor } from './list-users.js';

describe('ListUsers filter parsing', () => {
  it('parses one clause into attribute, match and unescaped value', () => {
    assert.deepEqual(parseFilter('email = "a@b.c"'), { attribute: 'email', match: 'exact', value: 'a@b.c' });
    assert.deepEqual(parseFilter('given_name^="Jo"'), { attribute: 'given_name', match: 'prefix', value: 'Jo' });
    assert.deepEqual(parseFilter('"cognito:user_status" = "CONFIRMED"'), { attribute: 'cognito:user_status', match: 'exact', value: 'CONFIRMED' });
    assert.deepEqual(parseFilter('name = "say \\"hi\\" \\\\ bye"'), { attribute: 'name', match: 'exact', value: 'say "hi" \\ bye' });
    assert.deepEqual(parseFilter('name = ""'), { attribute: 'name', match: 'exact', value: '' });
    assert.equal(parseFilter(''), undefined);
    assert.equal(parseFilter('   '), undefined);
    assert.equal(parseFilter(undefined), undefined);
  });

  it('refuses everything else with InvalidParameterException', () => {
    for (const bad of ['email', 'email =', 'email = "a', 'email = "a" x', 'email = "\\x"', 'email = a', '^= "a"', 'email =^ "a"', 'email = "a" = "b"']) {
      assert.throws(() => parseFilter(bad), { name: 'InvalidParameterException', message: 'Error while parsing filter' }, bad);
    }
    assert.throws(() => parseFilter('custom:plan = "gold"'), { name: 'InvalidParameterException', message: 'Invalid search attribute: custom:plan' });
  });
});

describe('prefix ranges', () => {
  it('bounds "starts with" in code-point order', () => {
    assert.equal(prefixSuccessor('abc'), 'abd');
    assert.equal(prefixSuccessor('a%'), 'a&');
    assert.equal(prefixSuccessor('Ä'), 'Å');
    assert.equal(prefixSuccessor('a\u{10FFFF}'), 'b');
    assert.equal(prefixSuccessor('\u{10FFFF}'), undefined);
    assert.equal(prefixSuccessor(''), undefined);
    assert.equal(prefixSuccessor('a\uD7FF'), 'a\uE000', 'skips the surrogates');
    assert.equal(prefixSuccessor('a\uFFFF'), 'a\u{10000}');
  });
});

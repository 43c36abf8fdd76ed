/** `--rate-limits on|off` (COGNATE_RATE_LIMITS) and `--rate-limit-max-factor`: on by default, the words and booleans both. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config.js';

describe('rate-limit configuration', () => {
  it('is on by default; on/off and true/false are read from the flag and the environment', () => {
    assert.equal(loadConfig({}, {}).rateLimits, true);
    for (const [value, expected] of [['on', true], ['off', false], ['true', true], ['false', false]] as const) {
      assert.equal(loadConfig({ rateLimits: value }, {}).rateLimits, expected, `flag ${value}`);
      assert.equal(loadConfig({}, { COGNATE_RATE_LIMITS: value }).rateLimits, expected, `environment ${value}`);
    }
  });

  it('refuses anything else, naming the option', () => {
    assert.throws(() => loadConfig({ rateLimits: 'sometimes' }, {}), /invalid rateLimits \(COGNATE_RATE_LIMITS\)/);
    assert.throws(() => loadConfig({ rateLimitMaxFactor: 0 }, {}), /invalid rateLimitMaxFactor \(COGNATE_RATE_LIMIT_MAX_FACTOR\)/);
    assert.equal(loadConfig({}, {}).rateLimitMaxFactor, 10);
  });
});

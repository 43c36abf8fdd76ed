import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reforkDelayMs } from './start.js';

describe('reforkDelayMs: a crash-looping worker is not replaced in a tight loop', () => {
  it('waits 1 s after a first death, doubling with each death in a row, up to a minute', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 20].map(reforkDelayMs), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    assert.equal(reforkDelayMs(0), 1000);
  });
});

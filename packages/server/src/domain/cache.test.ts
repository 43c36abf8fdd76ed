import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from './cache.js';

test('BoundedMap keeps at most max entries, dropping the oldest; updating or refreshing an entry drops nothing', () => {
  const m = new BoundedMap<string, number>(2);
  m.set('a', 1).set('b', 2);
  m.set('a', 10); // an update: no eviction, 'a' keeps its place
  assert.deepEqual([...m], [['a', 10], ['b', 2]]);
  m.set('c', 3); // full: the oldest ('a') goes
  assert.deepEqual([...m], [['b', 2], ['c', 3]]);
  m.delete('b');
  m.set('b', 2); // delete + set marks it recent
  m.set('d', 4);
  assert.deepEqual([...m], [['b', 2], ['d', 4]]);
});

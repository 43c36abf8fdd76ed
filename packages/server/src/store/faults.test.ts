import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBusy, isConnectionLoss, isTransientStoreError } from './faults.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('connection loss: socket errors, 57P01–57P03, class 08, node-pg messages, nested causes', () => {
  for (const e of [
    coded('ECONNREFUSED'), coded('ECONNRESET'), coded('57P01', 'terminating connection due to administrator command'),
    coded('57P02'), coded('57P03', 'the database system is starting up'), coded('08006'), coded('08P01'),
    new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect'),
    new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), new Error('wrapped', { cause: coded('ECONNRESET') }),
  ]) assert.ok(isConnectionLoss(e), String(e));
});

test('not an outage: constraint violations, bad SQL, plain errors, non-errors', () => {
  for (const e of [coded('23505'), coded('23503'), coded('42P01'), new Error('boom'), null, undefined, 'ECONNREFUSED', new AggregateError([])]) {
    assert.equal(isTransientStoreError(e), false, String(e));
  }
});

test('SQLite busy and locked are transient', () => {
  assert.ok(isBusy(coded('SQLITE_BUSY')));
  assert.ok(isBusy(coded('SQLITE_BUSY_SNAPSHOT')));
  assert.ok(isTransientStoreError(coded('SQLITE_LOCKED')));
  assert.equal(isBusy(coded('SQLITE_CONSTRAINT_UNIQUE')), false);
});

test('a PostgreSQL deadlock or serialization conflict that outlived the transaction retries is transient (503), a constraint is not', () => {
  assert.ok(isTransientStoreError(coded('40P01')));
  assert.ok(isTransientStoreError(coded('40001')));
  assert.equal(isTransientStoreError(coded('23505')), false);
});

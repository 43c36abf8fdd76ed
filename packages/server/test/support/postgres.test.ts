import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, databaseKinds, testPostgresUrl } from './postgres.js';

test('databaseKinds lists postgres exactly when it is configured', () => {
  assert.deepEqual(databaseKinds, testPostgresUrl ? ['sqlite', 'postgres'] : ['sqlite']);
});

test('creates, uses and drops a fresh database', async (t) => {
  const db = await createTestDatabase();
  if (!db) {
    t.skip('no PostgreSQL configured (COGNATE_TEST_PG_URL is not set)');
    return;
  }
  const name = new URL(db.url).pathname.slice(1);
  assert.match(name, /^cognate_t_[0-9a-f]+$/);

  // A connection left open must not stop drop().
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => {}); // drop() terminates it
  await client.connect();
  const { rows } = await client.query('select 1 as one, current_database() as db');
  assert.deepEqual(rows, [{ one: 1, db: name }]);

  await db.drop();
  await db.drop(); // idempotent

  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    const left = await admin.query('select 1 from pg_database where datname = $1', [name]);
    assert.equal(left.rowCount, 0);
  } finally {
    await admin.end();
  }
  await client.end().catch(() => {});
});

/**
 * The token endpoint when the database goes away under it: a 5xx JSON answer (503 with Retry-After
 * for an outage or a busy database), never a crash or a stack; once the database is back, tokens
 * again without a restart. SQLite: another connection holds the write lock (busy timeout 0).
 * PostgreSQL: every connection of the server is terminated and new ones refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { testPostgresUrl } from '../../support/postgres.js';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { REDIRECT, issueCode, newOAuthPool, token, type OAuthPool } from './helpers.js';

function assertFault(res: { status: number; text: string; json: any }): void {
  assert.ok(res.status >= 500 && res.status < 600, `${res.status} ${res.text}`);
  assert.equal(typeof res.json, 'object', res.text);
  assert.doesNotMatch(res.text, LEAKED_INTERNALS);
}

describe('the token endpoint when SQLite is locked by another writer', () => {
  let server: TestServer;
  let pool: OAuthPool;
  before(async () => {
    server = await startTestServer('sqlite', { sqliteBusyTimeoutMs: 0 });
    pool = await newOAuthPool(server);
  });
  after(async () => {
    await server?.stop();
  });

  it('a code exchange answers 503 with Retry-After while the lock is held, and works after', async () => {
    const code = await issueCode(server, pool, pool.web);
    const other = new SqliteDatabase(path.join(server.storage.dataDir, 'cognate.db'));
    other.exec('BEGIN IMMEDIATE');
    let res;
    try {
      res = await token(server, pool.web, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assertFault(res);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    // The failed attempt claimed nothing: the code still redeems once.
    const again = await token(server, pool.web, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    assert.equal(again.status, 200, again.text);
  });
});

describe('the token endpoint when PostgreSQL goes away', { skip: testPostgresUrl ? false : 'no PostgreSQL' }, () => {
  let server: TestServer;
  let pool: OAuthPool;
  let admin: pg.Client;
  let database: string;
  before(async () => {
    server = await startTestServer('postgres');
    pool = await newOAuthPool(server);
    database = new URL(server.storage.databaseUrl).pathname.slice(1);
    admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
  });
  after(async () => {
    await admin?.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
    await server?.stop();
  });

  it('answers a 5xx JSON while the database refuses connections, and tokens again once it is back', async () => {
    assert.equal((await token(server, pool.machine, { grant_type: 'client_credentials' })).status, 200);
    const code = await issueCode(server, pool, pool.web);
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    try {
      const answers = await Promise.all([
        token(server, pool.web, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }),
        token(server, pool.web, { grant_type: 'refresh_token', refresh_token: 'x'.repeat(64) }),
        fetch(`${server.url}/oauth2/userInfo`, { headers: { authorization: 'Bearer a.b.c' } }).then(async (r) => ({ status: r.status, text: await r.text(), json: undefined as unknown })),
      ]);
      // client_credentials may still be served from caches (clients, keys); these need the database.
      assertFault(answers[0]!);
      assertFault(answers[1]!);
    } finally {
      await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    }
    let back = 0;
    for (let i = 0; i < 50 && back !== 200; i++) {
      back = (await token(server, pool.web, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status;
      if (back !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(back, 200);
  });
});

/**
 * The pages when the database is busy: a person sees the error page (503, Retry-After, HTML, no
 * stack, no JSON fault) rather than a crash, and the same browser signs in once the database is
 * back, without a restart. SQLite: another connection holds the write lock (busy timeout 0).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { FormClient, PASSWORD, authorizeQuery, newUser, oauthApp, redirectParams, type OAuthApp } from './support.js';

describe('hosted sign-in while SQLite is locked by another writer', () => {
  let server: TestServer;
  let app: OAuthApp;
  before(async () => {
    server = await startTestServer('sqlite', { sqliteBusyTimeoutMs: 0 });
    app = await oauthApp(server);
    await newUser(server, app.poolId, 'alice');
  });
  after(async () => {
    await server?.stop();
  });

  it('the login POST answers the 503 error page with Retry-After while the lock is held, and signs in after', async () => {
    const browser = new FormClient(server.url);
    const login = await browser.follow(`/oauth2/authorize?${authorizeQuery(app).query}`);
    const other = new SqliteDatabase(path.join(server.storage.dataDir, 'cognate.db'));
    other.exec('BEGIN IMMEDIATE');
    let res;
    try {
      res = await browser.submit(login, { username: 'alice', password: PASSWORD });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal(res.status, 503, res.body.slice(0, 300));
    assert.equal(res.headers.get('retry-after'), '1');
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.doesNotMatch(res.body, LEAKED_INTERNALS);
    const retry = await browser.submit(await browser.follow(`/oauth2/authorize?${authorizeQuery(app).query}`), { username: 'alice', password: PASSWORD });
    assert.equal(retry.status, 302, retry.body.slice(0, 300));
    assert.ok(redirectParams(retry.location).get('code'));
  });
});

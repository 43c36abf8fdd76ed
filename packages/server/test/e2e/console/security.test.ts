/**
 * The console's security properties over HTTP, each a named case, on every database: the cookie's
 * flags, CSRF (missing, wrong, another session's, a foreign Origin, login CSRF), sessions (idle and
 * absolute expiry, sign-out), sign-in answers that don't tell unknown names from wrong passwords, a
 * user pool's user refused, single-use TOTP codes, lockout, the security headers, and the audit row
 * every change leaves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../support/server.js';
import { databaseKinds } from '../../support/postgres.js';
import { totp } from '../../support/mfa.js';
import { readAudit } from '../../../src/console/audit.js';
import { ABSOLUTE_MS, IDLE_MS, consoleUsers, deleteConsoleUser } from '../../../src/console/auth.js';
import { CONSOLE_PASSWORD, ConsoleClient, consoleUser, signedInClient } from './support.js';

for (const kind of databaseKinds) {
  describe(`console security (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });

    const lastAudit = async () => (await readAudit(server.running.cognate, { limit: 1 })).rows[0];

    it("a user pool's user cannot sign in to the console", async () => {
      const pool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: `console-${kind}` }))).UserPool!;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.Id!, Username: 'pooluser', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.Id!, Username: 'pooluser', Password: 'Pool-user-Passw0rd!', Permanent: true }));
      const client = new ConsoleClient(server);
      await client.get('/console/sign-in');
      const res = await client.post('/console/sign-in', { kind: 'user', username: 'pooluser', password: 'Pool-user-Passw0rd!', code: '123456' });
      assert.equal(res.status, 400);
      assert.equal(client.session, undefined);
      // Nor with the pool's ID as an access key.
      const key = await client.post('/console/sign-in', { kind: 'key', accessKeyId: 'pooluser', secretAccessKey: 'Pool-user-Passw0rd!' });
      assert.equal(key.status, 400);
    });

    it('session cookie: HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, and a value the database holds only hashed', async () => {
      const client = new ConsoleClient(server);
      const res = await client.signInWithKey();
      assert.equal(res.status, 303);
      assert.equal(res.location, '/console');
      const cookie = res.res.headers.getSetCookie().find((c) => c.startsWith('cognate-console='))!;
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Strict/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /Secure/);
      const value = client.session!;
      assert.match(value, /^[A-Za-z0-9_-]{43}$/);
      const rows = await server.running.cognate.store.db.selectFrom('console_sessions').select('id_hash').execute();
      assert.ok(rows.length > 0 && rows.every((r) => r.id_hash !== value && /^[0-9a-f]{64}$/.test(r.id_hash)));
    });

    it('security headers: CSP without inline script or style, frame-ancestors none, no caching', async () => {
      const client = await signedInClient(server);
      for (const path of ['/console/sign-in', '/console']) {
        const { res } = await client.get(path);
        const csp = res.headers.get('content-security-policy')!;
        assert.match(csp, /frame-ancestors 'none'/);
        assert.match(csp, /script-src 'self'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      }
    });

    it('not signed in: a page redirects to sign-in, remembering where it was going; a POST is refused', async () => {
      const client = new ConsoleClient(server);
      const page = await client.get('/console/audit?target=x');
      assert.equal(page.status, 303);
      assert.equal(page.res.headers.get('location'), '/console/sign-in?next=%2Fconsole%2Faudit%3Ftarget%3Dx');
      const post = await client.post('/console/sign-out', {}, { csrf: 'anything' });
      assert.equal(post.status, 403);
    });

    it('CSRF: a POST without a token, with a wrong one, or with another session\'s token is refused (403), and changes nothing', async () => {
      const alice = await signedInClient(server);
      const mallory = await signedInClient(server);
      for (const csrf of [null, '', 'x'.repeat(43), mallory.csrf]) {
        const res = await alice.post('/console/sign-out', {}, { csrf });
        assert.equal(res.status, 403, `token ${String(csrf)}`);
      }
      // Alice is still signed in: none of them signed her out.
      assert.equal((await alice.get('/console')).status, 200);
    });

    it('Origin: a POST from another origin is refused even with the right token', async () => {
      const client = await signedInClient(server);
      const res = await client.post('/console/sign-out', {}, { origin: 'https://evil.example' });
      assert.equal(res.status, 403);
      assert.equal((await client.get('/console')).status, 200);
    });

    it('login CSRF: a sign-in POST without the sign-in page\'s cookie and token is refused', async () => {
      const client = new ConsoleClient(server);
      const res = await client.post('/console/sign-in', { kind: 'key', accessKeyId: server.credentials.accessKeyId, secretAccessKey: server.credentials.secretAccessKey }, { csrf: null });
      assert.equal(res.status, 403);
      assert.equal(client.session, undefined);
    });

    it('sign-out ends the session: the old cookie no longer opens a page', async () => {
      const client = await signedInClient(server);
      const old = client.session!;
      const res = await client.post('/console/sign-out', {});
      assert.equal(res.status, 303);
      assert.equal(client.session, undefined);
      const replay = new ConsoleClient(server);
      replay.cookies.set('cognate-console', old);
      assert.equal((await replay.get('/console')).status, 303);
      assert.equal((await lastAudit())!.action, 'ConsoleSignOut');
    });

    it('idle expiry: a session unused for 30 minutes is over', async () => {
      const client = await signedInClient(server);
      server.clock.advance(IDLE_MS - 60_000);
      assert.equal((await client.get('/console')).status, 200);
      server.clock.advance(IDLE_MS + 1000);
      assert.equal((await client.get('/console')).status, 303);
    });

    it('absolute expiry: a session kept busy still ends 12 hours after sign-in', async () => {
      const client = await signedInClient(server);
      const start = server.clock.now();
      while (server.clock.now() - start < ABSOLUTE_MS - 20 * 60_000) {
        server.clock.advance(20 * 60_000);
        assert.equal((await client.get('/console')).status, 200);
      }
      server.clock.advance(21 * 60_000);
      assert.equal((await client.get('/console')).status, 303);
    });

    it('a console user signs in with password and TOTP code; the same code does not work twice', async () => {
      const user = await consoleUser(server, `ops-${kind}`);
      const first = new ConsoleClient(server);
      const ok = await first.signInAsUser(user);
      assert.equal(ok.status, 303);
      assert.equal((await first.get('/console')).status, 200);
      const again = new ConsoleClient(server);
      const replay = await again.signInAsUser(user);
      assert.equal(replay.status, 400);
      assert.match(replay.text, /The name, password, code or key is not right/);
      server.clock.advance(30_000);
      assert.equal((await again.signInAsUser(user)).status, 303);
    });

    it('a deleted console user is signed out at once and cannot sign in again; the deletion is audited', async () => {
      const user = await consoleUser(server, `gone-${kind}`);
      const session = new ConsoleClient(server);
      assert.equal((await session.signInAsUser(user)).status, 303);
      assert.equal((await session.get('/console')).status, 200);
      assert.equal(await deleteConsoleUser(server.running.cognate, user.username, 'cli'), true);
      assert.deepEqual(await lastAudit().then((a) => [a!.actor, a!.action, a!.target, a!.outcome]), ['cli', 'DeleteConsoleUser', `console-users/${user.username}`, 'ok']);
      assert.equal(await deleteConsoleUser(server.running.cognate, user.username, 'cli'), false, 'a second deletion finds no one');
      assert.equal((await session.get('/console')).status, 303, 'the open session is over');
      server.clock.advance(30_000);
      const refused = await new ConsoleClient(server).signInAsUser(user);
      assert.equal(refused.status, 400);
      assert.ok(!(await consoleUsers(server.running.cognate)).some((u) => u.username === user.username));
    });

    it('unknown console user and wrong password get the same answer', async () => {
      const user = await consoleUser(server, `same-${kind}`);
      const a = new ConsoleClient(server);
      const wrong = await a.signInAsUser(user, 'not the password at all');
      const b = new ConsoleClient(server);
      const unknown = await b.signInAsUser({ username: `same-${kind}`.replace('same', 'nobody'), totpSecret: user.totpSecret });
      assert.equal(wrong.status, unknown.status);
      const errorOf = (t: string) => /<div class="alert"[\s\S]*?<\/div>/.exec(t)?.[0];
      assert.equal(errorOf(wrong.text), errorOf(unknown.text));
      assert.ok(errorOf(wrong.text));
      // A wrong code with the right password: the same answer again.
      const c = new ConsoleClient(server);
      await c.get('/console/sign-in');
      const badCode = await c.post('/console/sign-in', { kind: 'user', username: user.username, password: CONSOLE_PASSWORD, code: totp(user.totpSecret, server.clock.now() + 600_000) });
      assert.equal(errorOf(badCode.text), errorOf(wrong.text));
    });

    it('lockout: after 5 failures for a name the right credentials are refused too, other names are not, and 15 quiet minutes end it', async () => {
      const user = await consoleUser(server, `locked-${kind}`);
      const client = new ConsoleClient(server);
      for (let i = 0; i < 5; i++) assert.equal((await client.signInAsUser(user, `wrong password ${i}`)).status, 400);
      server.clock.advance(30_000);
      const locked = await client.signInAsUser(user);
      assert.equal(locked.status, 429);
      assert.match(locked.text, /Too many attempts/);
      assert.equal(client.session, undefined);
      assert.equal((await new ConsoleClient(server).signInWithKey()).status, 303);
      server.clock.advance(15 * 60_000 + 1000);
      assert.equal((await client.signInAsUser(user)).status, 303);
    });

    it('lockout: a parallel burst of guesses is counted, not outrun', async () => {
      const user = await consoleUser(server, `burst-${kind}`);
      const tries = await Promise.all(Array.from({ length: 12 }, (_, i) => new ConsoleClient(server).signInAsUser(user, `guess number ${i}`)));
      assert.equal(tries.filter((t) => t.status === 400).length, 5);
      assert.equal(tries.filter((t) => t.status === 429).length, 7);
    });

    it('audit: sign-ins, failed sign-ins and sign-outs are recorded with who and when', async () => {
      const client = new ConsoleClient(server);
      await client.get('/console/sign-in');
      await client.post('/console/sign-in', { kind: 'key', accessKeyId: 'AKIAWRONG', secretAccessKey: 'nope' });
      const failed = await lastAudit();
      assert.deepEqual([failed!.actor, failed!.action, failed!.outcome], ['key:AKIAWRONG', 'ConsoleSignIn', 'NotAuthorized']);
      await client.post('/console/sign-in', { kind: 'key', accessKeyId: server.credentials.accessKeyId, secretAccessKey: server.credentials.secretAccessKey });
      const ok = await lastAudit();
      assert.deepEqual([ok!.actor, ok!.action, ok!.outcome], [`key:${server.credentials.accessKeyId}`, 'ConsoleSignIn', 'ok']);
      assert.equal(ok!.at, server.clock.now());
      assert.doesNotMatch(JSON.stringify(await readAudit(server.running.cognate, { limit: 200 })), new RegExp(server.credentials.secretAccessKey));
    });

    it('bad input: null-ish, huge and wrong-typed fields get the sign-in answer, never a 500', async () => {
      const client = new ConsoleClient(server);
      await client.get('/console/sign-in');
      for (const fields of [{}, { kind: 'user' }, { kind: 'key' }, { kind: 'nonsense', username: 'x' }, { kind: 'user', username: 'a'.repeat(100_000), password: 'b'.repeat(100_000), code: 'c'.repeat(1000) }, { kind: 'user', username: ['a', 'b'], password: '\u0000' }]) {
        const res = await client.post('/console/sign-in', fields as Record<string, string>);
        assert.ok(res.status === 400 || res.status === 429, `${res.status} for ${JSON.stringify(fields).slice(0, 80)}`);
        assert.doesNotMatch(res.text, /\n\s+at |\.ts:\d+/);
      }
    });
  });
}

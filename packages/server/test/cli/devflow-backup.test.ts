/**
 * `cognate backup` while the server runs under write load: the copy is whole (every user created
 * before the backup began is in it), private (0600), and a server started on it signs a real
 * client in. SQLite only: PostgreSQL is backed up with its own tools, and the command says so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminCreateUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { adminClient, cognate, srpSignIn, startServer, type Failed, type RunningServer } from './devflow-helpers.js';

const POOL_ID = 'us-east-1_Backup001';
const WEB = 'backupwebclient00000000001';
const PASSWORD = 'Corr3ct-Horse1';

describe('cognate backup', () => {
  let dir: string;
  const servers: RunningServer[] = [];
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-devflow-backup-'));
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a running, busy server consistently; the copy serves sign-ins', async () => {
    const seed = path.join(dir, 'seed.yaml');
    await writeFile(seed, `userPools:\n  - id: ${POOL_ID}\n    PoolName: backed-up\n    clients: [{ id: ${WEB}, ClientName: web }]\n    users: [{ Username: alice, password: ${PASSWORD} }]\n`);
    const data = ['--data-dir', path.join(dir, 'live')];
    const live = await startServer(['--seed', seed, '--workers', '1', ...data]);
    servers.push(live);

    // Write load: four writers creating users until told to stop, each remembering what was acknowledged when.
    const admin = adminClient(live.url);
    const acknowledged: { name: string; at: number }[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const name = `load-${n++}`;
        await admin.send(new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username: name, MessageAction: 'SUPPRESS', TemporaryPassword: PASSWORD }));
        acknowledged.push({ name, at: Date.now() });
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 50));

    const out = path.join(dir, 'backup.db');
    const started = Date.now();
    const report = (await cognate(['backup', out, ...data])).stdout;
    const beforeBackup = acknowledged.filter((a) => a.at < started).map((a) => a.name);
    stop = true;
    await Promise.all(writers);
    admin.destroy();
    assert.match(report, /backed up to .*backup\.db: \d+ bytes, 1 user pools, \d+ users, 0 identity pools; integrity ok/);
    assert.ok(acknowledged.length > beforeBackup.length, 'writes went on while the backup ran');
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    await assert.rejects(cognate(['backup', out, ...data]), (e: Failed) => e.code === 1 && /exists; give a new file name/.test(e.stderr));

    // A server on the copy (same master key, another data folder): the seeded user signs in, and every user acknowledged before the backup is there.
    const restored = await startServer(['--database-url', `sqlite:${out}`, '--data-dir', path.join(dir, 'restored')]);
    servers.push(restored);
    const alice = await srpSignIn(restored.url, { poolId: POOL_ID, clientId: WEB, username: 'alice', password: PASSWORD });
    assert.ok('idToken' in alice);
    const check = adminClient(restored.url);
    try {
      const restoredNames = new Set<string>();
      let token: string | undefined;
      do {
        const page = await check.send(new ListUsersCommand({ UserPoolId: POOL_ID, Limit: 60, ...(token ? { PaginationToken: token } : {}) }));
        for (const u of page.Users ?? []) restoredNames.add(u.Username!);
        token = page.PaginationToken;
      } while (token);
      assert.deepEqual(beforeBackup.filter((name) => !restoredNames.has(name)), [], 'every user acknowledged before the backup began is in it');
    } finally {
      check.destroy();
    }
  });

  it('refuses PostgreSQL, pointing at its own tools', async () => {
    await assert.rejects(cognate(['backup', path.join(dir, 'pg.db'), '--database-url', 'postgres://nobody@127.0.0.1:1/none']), (e: Failed) => /pg_dump/.test(e.stderr));
  });
});

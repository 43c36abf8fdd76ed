/**
 * issue-10 item 9: PostgreSQL stopping under write load must not end Cognate. Cognate runs as a
 * child process (`node dist/cli.js start`) on its own throwaway cluster, which this file stops with
 * `pg_ctl stop -m immediate` and `-m fast` while several AWS SDK clients write (AdminCreateUser,
 * SignUp). During the outage: the process lives, answers are 503 InternalErrorException with
 * Retry-After and no stack, /health/ready is 503 within its 1 s ping timeout. After the restart:
 * ready again, writes succeed without restarting Cognate, and every write answered 200 is there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { findPostgresBin, freePort, startCluster, type Cluster } from '../../../../../scripts/postgres-cluster.mjs';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const bin = findPostgresBin();
const KEY = { accessKeyId: 'AKIAFAULTSTEST000001', secretAccessKey: 'faults-test-secret-access-key-0000000001' };
const PASSWORD = 'Corr3ct-Horse!';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a PostgreSQL outage under write load', { skip: bin ? false : 'PostgreSQL (initdb, pg_ctl) is not installed' }, () => {
  let dir: string;
  let cluster: Cluster | undefined;
  let server: ChildProcess | undefined;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let output = '';
  let endpoint: string;
  let admin: CognitoIdentityProviderClient;
  let user: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-faults-'));
    // durable: synchronous_commit on, so a commit acknowledged before `-m immediate` survives it.
    cluster = await startCluster({ bin: bin!, dir, durable: true });
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    server = spawn(
      process.execPath,
      [CLI, 'start', '--port', String(port), '--data-dir', path.join(dir, 'data'), '--database-url', cluster.url,
        '--admin-access-key-id', KEY.accessKeyId, '--admin-secret-access-key', KEY.secretAccessKey,
        '--print-outbox', 'false', '--argon2-memory', '1024', '--argon2-iterations', '1', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout!.on('data', (c) => (output += c));
    server.stderr!.on('data', (c) => (output += c));
    server.on('exit', (code, signal) => (exited = { code, signal }));
    for (let i = 0; i < 300 && (await ready()) !== 200; i++) {
      assert.equal(exited, undefined, `cognate exited on start:\n${output}`);
      await sleep(100);
    }
    // maxAttempts 1: the test sees every answer; an application would let the SDK retry the 503s.
    admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: KEY, maxAttempts: 1 });
    user = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'outage' }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
  });

  after(async () => {
    admin?.destroy();
    user?.destroy();
    if (server && !exited) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await cluster?.stop('immediate').catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  /** /health/ready's status, or 0 when nothing answers; must answer within 3 s. */
  async function ready(): Promise<number> {
    try {
      return (await fetch(`${endpoint}/health/ready`, { signal: AbortSignal.timeout(3000) })).status;
    } catch {
      return 0;
    }
  }

  function alive(): void {
    assert.equal(exited, undefined, `cognate exited (${JSON.stringify(exited)}):\n${output.slice(-4000)}`);
  }

  for (const mode of ['immediate', 'fast'] as const) {
    it(`pg_ctl stop -m ${mode}: 503s without a stack, not ready, then recovers with nothing acknowledged lost`, async () => {
      const acknowledged = new Set<string>();
      const failures: string[] = [];
      let unavailable = 0;
      let afterRestart = 0;
      let restarted = false;
      let stop = false;
      let n = 0;
      const writer = async (w: number) => {
        while (!stop) {
          const username = `${mode}-${w}-${n++}`;
          try {
            if (n % 2 === 0) await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
            else await user.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
            acknowledged.add(username);
            if (restarted) afterRestart++;
          } catch (e) {
            const err = e as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
            const status = err.$metadata?.httpStatusCode;
            if (status === 503 && err.name === 'InternalErrorException' && !/\bat \S+:\d+|\.ts\b|\.js\b|pg|postgres|ECONN/i.test(err.message)) {
              unavailable++;
            } else {
              failures.push(`${username}: ${status} ${err.name}: ${err.message}`);
            }
            await sleep(20);
          }
        }
      };
      const writers = [0, 1, 2, 3, 4, 5].map(writer);
      try {
        for (let i = 0; i < 250 && acknowledged.size < 10; i++) await sleep(20);
        alive();
        assert.ok(acknowledged.size >= 10, `writes succeed before the outage: ${failures.slice(0, 3).join('; ')}`);
        await cluster!.stop(mode);
        await sleep(400);
        alive();

        // The raw answer: 503, Retry-After, a Cognito error body and nothing more.
        const raw = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' },
          body: JSON.stringify({ ClientId: clientId, Username: `${mode}-raw`, Password: PASSWORD }),
        });
        assert.equal(raw.status, 503);
        assert.equal(raw.headers.get('retry-after'), '1');
        assert.equal(raw.headers.get('x-amzn-errortype'), 'InternalErrorException');
        const body = (await raw.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['__type', 'message']);
        assert.equal(body.__type, 'InternalErrorException');

        const started = Date.now();
        assert.equal(await ready(), 503, '/health/ready during the outage');
        assert.ok(Date.now() - started < 2500, 'the readiness ping gives up within its timeout');
        alive();
        assert.ok(unavailable > 0, 'the writers saw 503s during the outage');

        await cluster!.start();
        let status = 0;
        for (let i = 0; i < 100 && (status = await ready()) !== 200; i++) await sleep(100);
        assert.equal(status, 200, '/health/ready after the restart');
        restarted = true;
        for (let i = 0; i < 200 && afterRestart < 12; i++) await sleep(50);
        assert.ok(afterRestart >= 12, `writes succeed after the restart without restarting Cognate (${afterRestart})`);
      } finally {
        stop = true;
        await Promise.all(writers);
      }
      alive();
      assert.deepEqual(failures, [], 'every failed write was a clean 503');

      const stored = new Set<string>();
      let token: string | undefined;
      do {
        const page = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 60, PaginationToken: token }));
        for (const u of page.Users ?? []) stored.add(u.Username!);
        token = page.PaginationToken;
      } while (token);
      const lost = [...acknowledged].filter((u) => !stored.has(u));
      assert.deepEqual(lost, [], `writes answered 200 but missing after the restart (of ${acknowledged.size})`);
    });
  }
});

/**
 * issue-10 item 9, SQLite's side: a busy database is a retryable 503, never a 500 or a crash. Two
 * Cognate processes (`node dist/cli.js start`) share one SQLite file and one data folder, the way
 * two nodes would share a database, and several AWS SDK clients write through both at once
 * (AdminCreateUser, SignUp). SQLite lets one writer in at a time: a writer waits for the lock (the
 * busy timeout), and a transaction that read before another process committed cannot upgrade its
 * snapshot (SQLITE_BUSY_SNAPSHOT, no wait). Every answer must be 200 or 503 InternalErrorException
 * with Retry-After; both processes live; every write answered 200 is stored. The busy timeout is
 * 0 (`--sqlite-busy-timeout`; 5 s by default): no wait, so collisions happen within a short run.
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
import { freePort } from '../../../../../scripts/postgres-cluster.mjs';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const KEY = { accessKeyId: 'AKIABUSYSQLITETEST01', secretAccessKey: 'busy-test-secret-access-key-000000000001' };
const PASSWORD = 'Corr3ct-Horse!';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  process: ChildProcess;
  endpoint: string;
  output: string;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
  admin: CognitoIdentityProviderClient;
  user: CognitoIdentityProviderClient;
}

describe('two Cognate processes writing to one SQLite file', () => {
  let dir: string;
  const nodes: Node[] = [];

  async function ready(endpoint: string): Promise<number> {
    try {
      return (await fetch(`${endpoint}/health/ready`, { signal: AbortSignal.timeout(3000) })).status;
    } catch {
      return 0;
    }
  }

  /** Starts one process on the shared file and waits until it is ready. */
  async function startNode(): Promise<Node> {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      [CLI, 'start', '--port', String(port), '--data-dir', path.join(dir, 'data'), '--database-url', `sqlite:${path.join(dir, 'shared.db')}`,
        '--admin-access-key-id', KEY.accessKeyId, '--admin-secret-access-key', KEY.secretAccessKey,
        '--sqlite-busy-timeout', '0', '--print-outbox', 'false', '--rate-limits', 'off', '--argon2-memory', '1024', '--argon2-iterations', '1', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // maxAttempts 1: the test sees every answer; an application would let the SDK retry the 503s.
    const node: Node = {
      process: child,
      endpoint,
      output: '',
      admin: new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: KEY, maxAttempts: 1 }),
      user: new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }),
    };
    child.stdout!.on('data', (c) => (node.output += c));
    child.stderr!.on('data', (c) => (node.output += c));
    child.on('exit', (code, signal) => (node.exited = { code, signal }));
    nodes.push(node);
    for (let i = 0; i < 300 && (await ready(endpoint)) !== 200; i++) {
      assert.equal(node.exited, undefined, `cognate exited on start:\n${node.output}`);
      await sleep(100);
    }
    return node;
  }

  function alive(): void {
    for (const node of nodes) assert.equal(node.exited, undefined, `cognate exited (${JSON.stringify(node.exited)}):\n${node.output.slice(-4000)}`);
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-busy-'));
    // One after the other: the first creates the database, its schema and the data folder's keys.
    await startNode();
    await startNode();
  });

  after(async () => {
    for (const node of nodes) {
      node.admin.destroy();
      node.user.destroy();
      if (!node.exited) {
        node.process.kill('SIGTERM');
        await new Promise((r) => node.process.once('exit', r));
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('parallel writes through both answer 200 or a clean 503, and nothing answered 200 is lost', async () => {
    const [a, b] = nodes;
    const poolId = (await a!.admin.send(new CreateUserPoolCommand({ PoolName: 'busy' }))).UserPool!.Id!;
    const clientId = (await a!.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
    // The other process sees the pool once its 2 s configuration cache allows.
    for (let i = 0; i < 50; i++) {
      try {
        await b!.admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 1 }));
        break;
      } catch {
        await sleep(100);
      }
    }

    const acknowledged = new Set<string>();
    const failures: string[] = [];
    let unavailable = 0;
    let stop = false;
    let n = 0;
    const writer = async (node: Node, w: number) => {
      while (!stop) {
        const username = `busy-${w}-${n++}`;
        try {
          if (n % 2 === 0) await node.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
          else await node.user.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
          acknowledged.add(username);
        } catch (e) {
          const err = e as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
          const status = err.$metadata?.httpStatusCode;
          if (status === 503 && err.name === 'InternalErrorException' && err.$response?.headers?.['retry-after'] === '1' && !/\bat \S+:\d+|\.ts\b|\.js\b|sqlite/i.test(err.message)) unavailable++;
          else failures.push(`${username}: ${status} ${err.name}: ${err.message}`);
        }
      }
    };
    const writers = Array.from({ length: 12 }, (_, w) => writer(w % 2 === 0 ? a! : b!, w));
    await sleep(4000);
    stop = true;
    await Promise.all(writers);
    alive();
    assert.deepEqual(failures, [], 'every failed write was a clean 503');
    assert.ok(acknowledged.size >= 20, `writes succeed under contention (${acknowledged.size} acknowledged, ${unavailable} answered 503)`);
    // With no busy wait the two processes do collide: the 503 path is exercised, not assumed.
    assert.ok(unavailable > 0, `some writes met a busy database (${acknowledged.size} acknowledged, none answered 503)`);
    for (const node of nodes) assert.doesNotMatch(node.output, /unhandled error|unexpected error/, 'no write ended in a 500');

    const stored = new Set<string>();
    let token: string | undefined;
    do {
      const page = await b!.admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 60, PaginationToken: token }));
      for (const u of page.Users ?? []) stored.add(u.Username!);
      token = page.PaginationToken;
    } while (token);
    assert.deepEqual([...acknowledged].filter((u) => !stored.has(u)), [], `writes answered 200 but missing (of ${acknowledged.size})`);
    // Seen in the log so a run shows how much contention it met.
    console.log(`# sqlite-busy: ${acknowledged.size} writes answered 200, ${unavailable} answered 503`);
  });
});

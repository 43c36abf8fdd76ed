/**
 * Helpers of the scale-out suites: real `cognate start` processes (node dist/cli.js) on one data
 * folder and one database, the workers of a node, which worker holds which connection (read from
 * /proc: the kernel's own answer, nothing the server reports about itself), and the runner lease.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Store } from '../../../src/store/db.js';
import { leaseHolder } from '../../../src/store/leases.js';
import { createCognate, loadConfig, type Cognate } from '../../../src/index.js';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
export const KEY = { accessKeyId: 'AKIASCALETESTADMIN01', secretAccessKey: 'scale-test-admin-secret-access-key-00000001' };
export const PASSWORD = 'Corr3ct-Horse!';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Node {
  process: ChildProcess;
  url: string;
  port: number;
  output: string;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
  /** Admin (signed) and anonymous clients, each with its own pool of up to 16 keep-alive sockets. */
  admin: CognitoIdentityProviderClient;
  user: CognitoIdentityProviderClient;
  /** Sends the signal and resolves with how the primary exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Place {
  dataDir: string;
  databaseUrl: string;
}

const clientOptions = (url: string) => ({
  region: 'us-east-1',
  endpoint: url,
  maxAttempts: 1,
  requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }) },
});

/** Starts `cognate start` on a place with the given flags and waits until it says it listens. */
export async function startNode(place: Place, args: string[] = []): Promise<Node> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--port', '0', '--data-dir', place.dataDir, '--database-url', place.databaseUrl,
      '--admin-access-key-id', KEY.accessKeyId, '--admin-secret-access-key', KEY.secretAccessKey,
      // Load beyond Cognito's free request rates is what these tests drive: the quotas are rate-limits/'s tests.
      '--print-outbox', 'false', '--rate-limits', 'off', '--argon2-memory', '1024', '--argon2-iterations', '1', '--log-level', 'info', '--sqlite-synchronous', 'NORMAL', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let exited: Node['exited'];
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const gone = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  for (let i = 0; i < 600 && !/"msg":"Cognate is listening"/.test(output) && !exited; i++) await sleep(100);
  const line = output.split('\n').find((l) => l.includes('"msg":"Cognate is listening"'));
  assert.ok(line, `cognate did not start:\n${output.slice(-4000)}`);
  const url = (JSON.parse(line) as { url: string }).url;
  const node: Node = {
    process: child,
    url,
    port: Number(new URL(url).port),
    get output() {
      return output;
    },
    get exited() {
      return exited;
    },
    admin: new CognitoIdentityProviderClient({ ...clientOptions(url), credentials: KEY }),
    user: new CognitoIdentityProviderClient({ ...clientOptions(url), credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    async stop(signal = 'SIGTERM') {
      node.admin.destroy();
      node.user.destroy();
      if (!exited) child.kill(signal);
      return gone;
    },
  };
  return node;
}

/** The worker processes of a node's primary (children whose parent is it), by pid. */
export function workersOf(node: Node): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === node.process.pid) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out.sort((a, b) => a - b);
}

/** The socket inodes of the established TCP connections whose local port is `port` (/proc/net/tcp, tcp6). */
function establishedInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1]!.split(':')[1]!, 16);
      if (localPort === port && cols[3] === '01') inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** How many of the established connections to the node's port each worker holds, by worker pid. */
export function connectionsByWorker(node: Node): Map<number, number> {
  const inodes = establishedInodes(node.port);
  const out = new Map<number, number>();
  for (const pid of workersOf(node)) {
    let n = 0;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m && inodes.has(m[1]!)) n++;
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      continue;
    }
    out.set(pid, n);
  }
  return out;
}

/** The domain on a place's database and master key, opened by the test (no listener): to read the outbox's codes and the leases. */
export async function openPlace(place: Place): Promise<Cognate> {
  const config = loadConfig({ dataDir: place.dataDir, databaseUrl: place.databaseUrl, adminAccessKeyId: KEY.accessKeyId, adminSecretAccessKey: KEY.secretAccessKey, printOutbox: false, logLevel: 'silent' }, {});
  return createCognate(config, pino({ level: 'silent' }), { generateAdminCredentials: false });
}

/** The code in the newest message to `to`. */
export async function codeSentTo(cognate: Cognate, poolId: string, to: string): Promise<string> {
  const message = (await cognate.outbox.recent(50, poolId)).find((m) => m.to === to);
  return /\b(\d{6})\b/.exec(message?.text ?? '')?.[1] ?? assert.fail(`no code sent to ${to}`);
}

/** The pid of the process holding the runner lease ('background'), if a live lease is held. */
export async function runnerPid(store: Store): Promise<number | undefined> {
  const row = await leaseHolder(store.db, 'background');
  if (!row || Number(row.expires_at) < Date.now()) return undefined;
  return Number(row.holder.split(':')[1]);
}

/** Waits until `check` returns a value other than undefined, at most `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * A trigger webhook that holds every call until released, then answers with the event unchanged:
 * while it holds them, the requests that invoked it are certainly in flight in the server.
 */
export interface HoldingHook {
  url: string;
  /** Calls received and not yet answered. */
  readonly held: number;
  release(): void;
  close(): Promise<void>;
}

export async function holdingHook(): Promise<HoldingHook> {
  const waiting: Array<() => void> = [];
  let released = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.concat(chunks));
      };
      if (released) answer();
      else waiting.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    get held() {
      return waiting.length;
    },
    release() {
      released = true;
      for (const answer of waiting.splice(0)) answer();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
